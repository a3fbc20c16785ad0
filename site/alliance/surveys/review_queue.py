"""The review queue: one review per free-text answer, listed, paged and counted for moderators."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from alliance.outbox.services import enqueue
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    AnswerTheme,
    Option,
    Question,
    Response,
    Survey,
    SurveyText,
)
from alliance.surveys.moderation_terms import STATUSES, ModerationError
from alliance.surveys.question_kinds import FREE_TEXT_KINDS
from alliance.surveys.safeguarding import concern_label, flags_for

# The queue ---------------------------------------------------------------------------------------------


def _free_text_answers(survey_id: int):
    """Answers holding free text: text questions, and "other, please say" text of choice questions."""
    return (
        select(Answer.id, Answer.value, Response.lang, Question.key)
        .join(Response, Response.id == Answer.response_id)
        .join(Question, Question.id == Answer.question_id)
        .outerjoin(Option, and_(Option.question_id == Question.id, Option.key == Answer.option_key))
        .where(
            Response.survey_id == survey_id,
            func.length(Answer.value) > 0,
            or_(Question.kind.in_(FREE_TEXT_KINDS), Option.is_other.is_(True)),
        )
    )


def _new_review(answer_id: int, survey_id: int, value: str, lang: str) -> tuple[AnswerReview, list[str]]:
    flags, urgent = flags_for(value, lang)
    review = AnswerReview(
        answer_id=answer_id, survey_id=survey_id, status="pending", flags=json.dumps(flags), urgent=urgent
    )
    return review, [flag.split(":", 1)[1] for flag in flags if flag.startswith("safeguarding:")]


@dataclass(frozen=True)
class Concern:
    answer_id: int
    concerns: list[str]  # safeguarding concern kinds, such as "self_harm"


def review_response(session: Session, survey_id: int, response_id: int) -> list[Concern]:
    """Add a pending review, with its personal-data and safeguarding flags, for each free-text answer
    of a response just stored (flushed, not committed): the submit path calls it in the response's own
    transaction. Returns the answers that carry a safeguarding concern. The caller commits."""
    rows = session.execute(_free_text_answers(survey_id).where(Answer.response_id == response_id)).all()
    found = []
    for answer_id, value, lang, _key in rows:
        review, concerns = _new_review(answer_id, survey_id, value, lang)
        session.add(review)
        if concerns:
            found.append(Concern(answer_id, concerns))
    session.flush()
    return found


def alert_safeguarding(
    session: Session,
    survey_title: str,
    concerns: list[Concern],
    contacts: list[str],
    link: Callable[[int], str],
) -> int:
    """Queue one email per contact for each flagged answer, in the caller's transaction. The email
    names the survey, the concern and a link to the answer in the back-office (`link(answer_id)`), and
    never the answer's text. Returns how many emails were queued."""
    queued = 0
    for concern in concerns:
        labels = "\n".join(f"- {concern_label(kind)}" for kind in concern.concerns)
        body = (
            f'An answer to the survey "{survey_title}" may show a safeguarding concern:\n{labels}\n\n'
            f"Read it in the moderation queue (sign-in needed):\n{link(concern.answer_id)}\n\n"
            "This email does not contain the answer. Follow the Alliance safeguarding procedure: "
            "if anyone may be in immediate danger, call 999.\n"
        )
        for address in contacts:
            enqueue(
                session,
                to=address,
                subject=f"Safeguarding: answer {concern.answer_id} needs reading today",
                body=body,
                kind="safeguarding-alert",
            )
            queued += 1
    return queued


def sync_queue(session: Session, survey_id: int) -> int:
    """Add a pending review for each free-text answer that has none: answers stored before reviews were
    made at submission (a migration runs it once). Responses get theirs when submitted, so no page
    calls this. The caller commits; returns how many were added."""
    rows = session.execute(
        _free_text_answers(survey_id)
        .outerjoin(AnswerReview, AnswerReview.answer_id == Answer.id)
        .where(AnswerReview.answer_id.is_(None))
    ).all()
    for answer_id, value, lang, _key in rows:
        session.add(_new_review(answer_id, survey_id, value, lang)[0])
    session.flush()
    return len(rows)


@dataclass
class QueueItem:
    answer_id: int
    survey_id: int
    question_key: str
    question_text: str
    lang: str
    text: str  # as typed
    status: str
    urgent: bool
    flags: list[str]
    submitted_at: datetime
    published: str | None
    decided_at: datetime | None
    theme_ids: list[int] = field(default_factory=list)

    @property
    def concerns(self) -> list[str]:
        return [flag.split(":", 1)[1] for flag in self.flags if flag.startswith("safeguarding:")]

    @property
    def personal_data(self) -> list[str]:
        return [flag.split(":", 1)[1] for flag in self.flags if flag.startswith("pii:")]


def _items(
    session: Session, survey_id: int, where, limit: int | None = None, offset: int = 0
) -> list[QueueItem]:
    query = (
        _free_text_answers(survey_id)
        .add_columns(AnswerReview, Response.submitted_at)
        .join(AnswerReview, AnswerReview.answer_id == Answer.id)
        .where(*where)
        .order_by(AnswerReview.urgent.desc(), Response.submitted_at, Answer.id)
        .limit(limit)
        .offset(offset)
    )
    rows = session.execute(query).all()
    texts = dict(
        session.execute(
            select(SurveyText.key, SurveyText.text).where(
                SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key.like("q.%.text")
            )
        ).all()
    )
    ids = [row[0] for row in rows]
    themes: dict[int, list[int]] = {}
    if ids:
        for answer_id, theme_id in session.execute(
            select(AnswerTheme.answer_id, AnswerTheme.theme_id).where(AnswerTheme.answer_id.in_(ids))
        ):
            themes.setdefault(answer_id, []).append(theme_id)
    return [
        QueueItem(
            answer_id=answer_id,
            survey_id=survey_id,
            question_key=key,
            question_text=texts.get(f"q.{key}.text", key),
            lang=lang,
            text=value,
            status=review.status,
            urgent=review.urgent,
            flags=json.loads(review.flags or "[]"),
            submitted_at=submitted_at,
            published=review.text,
            decided_at=review.decided_at,
            theme_ids=sorted(themes.get(answer_id, [])),
        )
        for answer_id, value, lang, key, review, submitted_at in rows
    ]


def queue(session: Session, survey_id: int, status: str = "pending") -> list[QueueItem]:
    """The survey's answers with that review status: urgent first, then oldest first."""
    if status not in STATUSES:
        raise ModerationError(f"unknown status {status}")
    return _items(session, survey_id, [AnswerReview.status == status])


PER_PAGE = 50


@dataclass
class QueuePage:
    items: list[QueueItem]  # this page's answers, urgent first
    total: int  # answers with this status
    urgent: int  # of which urgent
    page: int
    pages: int


def queue_page(
    session: Session, survey_id: int, status: str = "pending", page: int = 1, per_page: int = PER_PAGE
) -> QueuePage:
    """One page of the survey's answers with that review status, urgent first, then oldest first.
    A page past the last gives the last."""
    if status not in STATUSES:
        raise ModerationError(f"unknown status {status}")
    counts = dict(
        session.execute(
            select(AnswerReview.urgent, func.count())
            .where(AnswerReview.survey_id == survey_id, AnswerReview.status == status)
            .group_by(AnswerReview.urgent)
        ).all()
    )
    total = sum(counts.values())
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    where = [AnswerReview.survey_id == survey_id, AnswerReview.status == status]
    items = _items(session, survey_id, where, per_page, (page - 1) * per_page)
    return QueuePage(items, total, counts.get(True, 0), page, pages)


def get_item(session: Session, survey_id: int, answer_id: int) -> QueueItem | None:
    found = _items(session, survey_id, [Answer.id == answer_id])
    return found[0] if found else None


@dataclass
class SurveyCounts:
    survey_id: int
    slug: str
    version: int
    title: str
    status: str
    pending: int
    urgent: int
    decided: int


def overview(session: Session) -> list[SurveyCounts]:
    """Every survey with its pending and urgent (pending) answer counts, newest first. Reads only."""
    surveys = session.execute(
        select(Survey.id, Survey.slug, Survey.version, Survey.status).order_by(
            Survey.created_at.desc(), Survey.id.desc()
        )
    ).all()
    result = []
    for survey_id, slug, version, status in surveys:
        counts = dict(
            session.execute(
                select(AnswerReview.status, func.count())
                .where(AnswerReview.survey_id == survey_id)
                .group_by(AnswerReview.status)
            ).all()
        )
        urgent = session.scalar(
            select(func.count()).where(
                AnswerReview.survey_id == survey_id, AnswerReview.urgent, AnswerReview.status == "pending"
            )
        )
        title = session.scalar(
            select(SurveyText.text).where(
                SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key == "title"
            )
        )
        result.append(
            SurveyCounts(
                survey_id,
                slug,
                version,
                title or slug,
                status,
                counts.get("pending", 0),
                urgent or 0,
                counts.get("approved", 0) + counts.get("rejected", 0),
            )
        )
    return result


def survey_title(session: Session, survey_id: int) -> str | None:
    """The survey's English title (its slug when it has none); None when there is no such survey."""
    slug = session.scalar(select(Survey.slug).where(Survey.id == survey_id))
    if slug is None:
        return None
    title = session.scalar(
        select(SurveyText.text).where(
            SurveyText.survey_id == survey_id, SurveyText.lang == "en", SurveyText.key == "title"
        )
    )
    return title or slug
