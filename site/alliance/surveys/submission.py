"""Submission: storing a finished response with its reference."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, partial
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.surveys import equality, review_queue
from alliance.surveys.answering import first_unanswered_page, prune
from alliance.surveys.models import EqualityResponse, Response, Survey
from alliance.surveys.question_kinds import answer_rows, gives_locality
from alliance.surveys.reading import (
    REFERENCE_ALPHABET,
    TOKEN,
    AnswersIncomplete,
    SurveyClosed,
    SurveyError,
    SurveyView,
    current_survey,
    load_survey,
)

# Submission -------------------------------------------------------------------------------------------


@dataclass
class Submitted:
    reference: str
    duplicate: bool  # this token had already been stored: the first response stands


def new_token() -> str:
    return secrets.token_urlsafe(32)


def _reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


@lru_cache(maxsize=4)
def _outcode_localities(path: str) -> dict[str, str]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {code.upper(): name for name, codes in data["localities"].items() for code in codes}


def locality_for(code: str | None, content_dir: Path) -> str | None:
    """The Alliance locality an outcode is in, or None outside the area (or when unknown)."""
    if not code:
        return None
    return _outcode_localities(str(Path(content_dir) / "surveys" / "outcode-localities.json")).get(
        code.upper()
    )


def find_submitted(session: Session, token: str) -> str | None:
    if not TOKEN.match(token or ""):
        return None
    return session.scalar(select(Response.reference).where(Response.token == token))


def _new_response(
    survey: Survey, view: SurveyView, answers: dict, token: str, lang: str, now: datetime, content_dir: Path
) -> Response:
    """A response with a new reference and a row for each answer (not yet added to the session)."""
    response = Response(
        survey_id=survey.id,
        survey_version=survey.version,
        reference=_reference(),
        token=token,
        lang=lang,
        submitted_at=now,
    )
    locality = None
    for question in view.questions():
        value = answers.get(question.key)
        if value is None:
            continue
        if gives_locality(question.kind):
            locality = locality_for(value, content_dir)
        response.answers.extend(answer_rows(question, value, answers))
    response.locality = locality
    return response


def submit(
    session: Session,
    slug: str,
    lang: str,
    token: str,
    answers: dict,
    equality_answers: dict,
    content_dir: Path,
    now: datetime | None = None,
    safeguarding_contacts: list[str] | None = None,
    answer_link: Callable[[int, int], str] | None = None,
) -> Submitted:
    """Store one response in one transaction, with a moderation review (and its flags) for each
    free-text answer and, for an answer that may show a safeguarding concern, an alert in the mail
    outbox to each of `safeguarding_contacts` linking to `answer_link(survey_id, answer_id)`. The
    token's UNIQUE column makes a repeat (double click, resent form, retry, or two requests at once)
    return the first response's reference instead."""
    if not TOKEN.match(token or ""):
        raise SurveyError("bad token")
    existing = find_submitted(session, token)
    if existing:
        return Submitted(existing, True)
    now = now or datetime.now(UTC)
    survey = current_survey(session, slug)
    view = load_survey(session, slug, lang, now)
    if survey is None or view is None:
        raise SurveyError("no such survey")
    if not view.is_open:
        raise SurveyClosed(slug)
    answers = prune(view, answers)
    missing = first_unanswered_page(view, answers)
    if missing is not None:
        raise AnswersIncomplete(missing)
    monitoring = equality.clean(equality_answers)
    for attempt in range(3):
        response = _new_response(survey, view, answers, token, lang, now, content_dir)
        if monitoring:
            response.monitoring_id = secrets.token_hex(16)
        session.add(response)
        if monitoring:
            session.add(
                EqualityResponse(
                    id=response.monitoring_id, survey_id=survey.id, submitted_on=now.date(), **monitoring
                )
            )
        try:
            session.flush()
            concerns = review_queue.review_response(session, survey.id, response.id)
            if concerns and safeguarding_contacts and answer_link is not None:
                review_queue.alert_safeguarding(
                    session,
                    review_queue.survey_title(session, survey.id) or slug,
                    concerns,
                    safeguarding_contacts,
                    partial(answer_link, survey.id),
                )
            session.commit()
            return Submitted(response.reference, False)
        except IntegrityError:
            session.rollback()
            existing = find_submitted(session, token)
            if existing:
                return Submitted(existing, True)
            if attempt == 2:
                raise
    raise SurveyError("could not store the response")  # pragma: no cover - the loop returns or raises
