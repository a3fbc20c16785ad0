"""Decisions on a reviewed answer: approve, redact or reject."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from alliance.surveys.models import (
    AnswerReview,
)
from alliance.surveys.moderation_terms import DECISIONS, REDACTED, ModerationError
from alliance.surveys.personal_data import find_personal_data
from alliance.surveys.redaction import _MARKER, redact
from alliance.surveys.review_queue import get_item

# Decisions -----------------------------------------------------------------------------------------------


@dataclass
class Decided:
    answer_id: int
    decision: str  # approve, redact or reject
    status: str
    redactions: int  # how many "[redacted]" markers the published text carries


def decide(
    session: Session,
    survey_id: int,
    answer_id: int,
    decision: str,
    staff_id: int | None,
    chosen: list[int] | None = None,
    edited: str | None = None,
    now: datetime | None = None,
) -> Decided:
    """Approve, redact or reject one answer. `chosen` are indices into find_personal_data's spans to
    replace with "[redacted]"; `edited` is the moderator's edit, which may only replace text with
    "[redacted]". Approving with spans chosen or an edit publishes the redacted text. A change of
    mind is allowed: the latest decision stands. The caller audits and commits."""
    if decision not in DECISIONS:
        raise ModerationError("Choose approve, redact or reject")
    item = get_item(session, survey_id, answer_id)
    if item is None:
        raise ModerationError("No such answer in this survey")
    review = session.get_one(AnswerReview, answer_id)
    spans = find_personal_data(item.text, item.lang)
    picked = [spans[index] for index in sorted(set(chosen or [])) if 0 <= index < len(spans)]
    if decision == "reject":
        review.status, review.text = "rejected", None
    else:
        text = redact(item.text, picked, edited)
        if decision == "redact" and REDACTED not in text:
            raise ModerationError(
                'Choose what to redact, or replace it with "[redacted]" in the text', "redact"
            )
        review.status, review.text = "approved", text
    review.decided_by = staff_id
    review.decided_at = now or datetime.now(UTC)
    session.flush()
    markers = len(_MARKER.findall(review.text or ""))
    return Decided(answer_id, decision, review.status, markers)
