"""Reading a survey in one language: the views the answering pages and the back-office work from.

Services take primitives and a session and return plain values. Answers travel as a small dict:
question key -> a string (one value) or a list of option keys (multiple choice, or a ranking in
order), with the "other, please say" text under "<key>.other".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alliance.surveys.models import (
    Question,
    Survey,
    SurveyLanguage,
    SurveyPage,
    SurveyText,
)

SURVEY_FIELDS = ("title", "introduction", "privacy_notice")
REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O or 1/I: read out over the phone
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
DEFAULT_SHORT_TEXT = 200


class SurveyError(Exception):
    pass


class SurveyLocked(SurveyError):
    """Questions cannot change once a survey has responses: answers would no longer match their question."""


class TranslationIncomplete(SurveyError):
    def __init__(self, lang: str, missing: list[str]):
        super().__init__(f"{lang}: {len(missing)} texts missing ({', '.join(missing[:5])})")
        self.lang, self.missing = lang, missing


class SurveyClosed(SurveyError):
    pass


class AnswersIncomplete(SurveyError):
    def __init__(self, page: int):
        super().__init__(f"page {page} needs answers")
        self.page = page


# Reading --------------------------------------------------------------------------------------------


@dataclass
class OptionView:
    key: str
    text: str
    is_other: bool = False


@dataclass
class QuestionView:
    key: str
    kind: str
    required: bool
    text: str
    page: int
    help: str = ""
    low_label: str = ""
    high_label: str = ""
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    show_if_key: str | None = None
    show_if_values: list[str] = field(default_factory=list)
    options: list[OptionView] = field(default_factory=list)
    id: int = 0

    def option_text(self, key: str) -> str:
        return next((option.text for option in self.options if option.key == key), key)


@dataclass
class SurveyView:
    id: int
    slug: str
    lang: str
    title: str
    introduction: str
    privacy_notice: str
    version: int
    is_open: bool
    closes_at: datetime | None
    example_data: bool
    translator_reviewed: bool
    pages: list[list[QuestionView]]

    def questions(self) -> list[QuestionView]:
        return [question for page in self.pages for question in page]


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes; every time here is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def is_open(survey: Survey, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    opens, closes = _aware(survey.opens_at), _aware(survey.closes_at)
    return survey.status == "open" and (opens is None or opens <= now) and (closes is None or now < closes)


def _texts(session: Session, survey_id: int, lang: str) -> dict[str, str]:
    rows = session.execute(
        select(SurveyText.key, SurveyText.text).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == lang
        )
    )
    return {row[0]: row[1] for row in rows}


def offered_languages(session: Session, survey_id: int) -> list[str]:
    return list(
        session.scalars(
            select(SurveyLanguage.lang).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.offered)
        )
    )


# Every answering request reads the whole survey: load it in four queries, not one per page and question.
WHOLE_SURVEY = (
    selectinload(Survey.languages),
    selectinload(Survey.pages).selectinload(SurveyPage.questions).selectinload(Question.options),
)


def current_survey(session: Session, slug: str) -> Survey | None:
    """The version of `slug` the public gets: the highest version that is not a draft."""
    return session.scalar(
        select(Survey)
        .where(Survey.slug == slug, Survey.status != "draft")
        .order_by(Survey.version.desc())
        .limit(1)
        .options(*WHOLE_SURVEY)
    )


def latest_version(session: Session, slug: str) -> Survey | None:
    """The highest version of `slug`, whatever its status."""
    return session.scalar(select(Survey).where(Survey.slug == slug).order_by(Survey.version.desc()).limit(1))


def load_survey(session: Session, slug: str, lang: str, now: datetime | None = None) -> SurveyView | None:
    """The survey as a reader in `lang` sees it: the current version of `slug` (a draft never shows);
    None when there is no such survey in that language."""
    survey = current_survey(session, slug)
    if survey is None:
        return None
    language = next((item for item in survey.languages if item.lang == lang and item.offered), None)
    if language is None:
        return None
    return survey_view(session, survey, lang, language.translator_reviewed, now)


def preview_survey(session: Session, survey_id: int, lang: str) -> SurveyView | None:
    """Any version (drafts too) in any language it has text in, as the public would see it; for staff."""
    survey = session.get(Survey, survey_id)
    if survey is None:
        return None
    language = next((item for item in survey.languages if item.lang == lang), None)
    return survey_view(session, survey, lang, bool(language and language.translator_reviewed))


def survey_view(
    session: Session, survey: Survey, lang: str, translator_reviewed: bool, now: datetime | None = None
) -> SurveyView:
    texts = _texts(session, survey.id, lang)
    pages = []
    for number, page in enumerate(survey.pages, start=1):
        questions = []
        for q in page.questions:
            questions.append(
                QuestionView(
                    id=q.id,
                    key=q.key,
                    kind=q.kind,
                    required=q.required,
                    page=number,
                    text=texts.get(f"q.{q.key}.text", ""),
                    help=texts.get(f"q.{q.key}.help", ""),
                    low_label=texts.get(f"q.{q.key}.low", ""),
                    high_label=texts.get(f"q.{q.key}.high", ""),
                    max_length=q.max_length,
                    min_value=q.min_value,
                    max_value=q.max_value,
                    show_if_key=q.show_if_key,
                    show_if_values=json.loads(q.show_if_values or "[]"),
                    options=[
                        OptionView(o.key, texts.get(f"o.{q.key}.{o.key}", ""), o.is_other) for o in q.options
                    ],
                )
            )
        pages.append(questions)
    return SurveyView(
        id=survey.id,
        slug=survey.slug,
        lang=lang,
        title=texts.get("title", ""),
        introduction=texts.get("introduction", ""),
        privacy_notice=texts.get("privacy_notice", ""),
        version=survey.version,
        is_open=is_open(survey, now),
        closes_at=_aware(survey.closes_at),
        example_data=survey.example_data,
        translator_reviewed=translator_reviewed,
        pages=pages,
    )


def open_surveys(session: Session, lang: str, now: datetime | None = None) -> list[SurveyView]:
    """Surveys open now and offered in `lang` (each slug's current version), newest first."""
    slugs = session.scalars(
        select(Survey.slug)
        .join(SurveyLanguage, SurveyLanguage.survey_id == Survey.id)
        .where(Survey.status == "open", SurveyLanguage.lang == lang, SurveyLanguage.offered)
        .order_by(Survey.created_at.desc(), Survey.id.desc())
    )
    found = [load_survey(session, slug, lang, now) for slug in dict.fromkeys(slugs)]
    return [survey for survey in found if survey is not None and survey.is_open]
