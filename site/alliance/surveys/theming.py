"""Themes: the codes moderators tag answers with, and the counts and quotes reports use."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance.surveys.models import (
    Answer,
    AnswerReview,
    AnswerTheme,
    Question,
    Response,
    Theme,
)
from alliance.surveys.moderation_terms import ModerationError

# Themes ----------------------------------------------------------------------------------------------------

CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class ThemeView:
    id: int
    code: str
    label: str


def themes(session: Session, survey_id: int) -> list[ThemeView]:
    rows = session.scalars(select(Theme).where(Theme.survey_id == survey_id).order_by(Theme.code))
    return [ThemeView(theme.id, theme.code, theme.label) for theme in rows]


def _check_theme(
    session: Session, survey_id: int, code: str, label: str, theme_id: int | None
) -> tuple[str, str]:
    code, label = code.strip().lower(), label.strip()
    if not CODE.match(code):
        raise ModerationError("Enter a code of up to 40 lower-case letters, numbers, hyphens or underscores")
    if not label or len(label) > 200:
        raise ModerationError("Enter a description of up to 200 characters")
    clash = session.scalar(
        select(Theme.id).where(Theme.survey_id == survey_id, Theme.code == code, Theme.id != (theme_id or 0))
    )
    if clash:
        raise ModerationError(f"This survey already has the code {code}")
    return code, label


def add_theme(session: Session, survey_id: int, code: str, label: str) -> ThemeView:
    code, label = _check_theme(session, survey_id, code, label, None)
    theme = Theme(survey_id=survey_id, code=code, label=label)
    session.add(theme)
    session.flush()
    return ThemeView(theme.id, theme.code, theme.label)


def _theme(session: Session, survey_id: int, theme_id: int) -> Theme:
    theme = session.get(Theme, theme_id)
    if theme is None or theme.survey_id != survey_id:
        raise ModerationError("No such theme in this survey")
    return theme


def rename_theme(session: Session, survey_id: int, theme_id: int, code: str, label: str) -> ThemeView:
    theme = _theme(session, survey_id, theme_id)
    theme.code, theme.label = _check_theme(session, survey_id, code, label, theme_id)
    session.flush()
    return ThemeView(theme.id, theme.code, theme.label)


def remove_theme(session: Session, survey_id: int, theme_id: int) -> ThemeView:
    """Remove a code and every tag that used it."""
    theme = _theme(session, survey_id, theme_id)
    removed = ThemeView(theme.id, theme.code, theme.label)
    session.execute(delete(AnswerTheme).where(AnswerTheme.theme_id == theme_id))
    session.delete(theme)
    session.flush()
    return removed


def set_answer_themes(
    session: Session, survey_id: int, answer_id: int, theme_ids: list[int]
) -> tuple[list, list]:
    """Tag the answer with exactly these of the survey's themes. Returns (added, removed) theme codes."""
    codes = {theme.id: theme.code for theme in themes(session, survey_id)}
    wanted = {theme_id for theme_id in theme_ids if theme_id in codes}
    current = set(session.scalars(select(AnswerTheme.theme_id).where(AnswerTheme.answer_id == answer_id)))
    current &= set(codes)
    for theme_id in wanted - current:
        session.add(AnswerTheme(answer_id=answer_id, theme_id=theme_id))
    if current - wanted:
        session.execute(
            delete(AnswerTheme).where(
                AnswerTheme.answer_id == answer_id, AnswerTheme.theme_id.in_(current - wanted)
            )
        )
    session.flush()
    return sorted(codes[i] for i in wanted - current), sorted(codes[i] for i in current - wanted)


def theme_counts(session: Session, survey_id: int) -> list[tuple[ThemeView, int]]:
    """Each theme of the survey with how many answers carry it (whatever their review status), by code."""
    rows = session.execute(
        select(Theme, func.count(AnswerTheme.answer_id))
        .outerjoin(AnswerTheme, AnswerTheme.theme_id == Theme.id)
        .where(Theme.survey_id == survey_id)
        .group_by(Theme.id)
        .order_by(Theme.code)
    ).all()
    return [(ThemeView(theme.id, theme.code, theme.label), count) for theme, count in rows]


def approved_quotes(
    session: Session, survey_id: int, theme_id: int | None = None
) -> list[tuple[int, str, str, str]]:
    """(answer id, published text, question key, language) for every approved answer, optionally only
    those tagged with one theme, in answer order. The text is the redacted one where redacted."""
    query = (
        select(Answer.id, AnswerReview.text, Question.key, Response.lang)
        .join(AnswerReview, AnswerReview.answer_id == Answer.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Response, Response.id == Answer.response_id)
        .where(AnswerReview.survey_id == survey_id, AnswerReview.status == "approved")
        .order_by(Answer.id)
    )
    if theme_id is not None:
        query = query.join(AnswerTheme, AnswerTheme.answer_id == Answer.id).where(
            AnswerTheme.theme_id == theme_id
        )
    return [(row[0], row[1] or "", row[2], row[3]) for row in session.execute(query)]
