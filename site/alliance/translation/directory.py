"""Reviewing a directory service's name and description in one language."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser
from alliance.directory import models as m
from alliance.inputs import parse_uuid
from alliance.pages.content import body_hash
from alliance.translation import review
from alliance.translation.queue import QueueItem
from alliance.translation.state import REVIEWED, translation_state

AWAITING = "awaiting-translator-review"


def text_hash(name: str, description: str | None) -> str:
    return body_hash(f"{name}\n\n{description or ''}")


def state_of(translation: m.Translation, current: str) -> str:
    # A directory translation records the English it was reviewed against; one never reviewed (or
    # marked reviewed by an import, before reviews were recorded) is measured against the English now.
    return translation_state(translation.review_status, translation.reviewed_english or current, current)


def pending(session: Session, lang: str) -> list[QueueItem]:
    """Service names and descriptions in `lang` waiting for a reviewer."""
    rows = session.execute(
        select(m.Service, m.Translation)
        .join(m.Translation, m.Translation.entity_id == m.Service.id)
        .where(m.Translation.entity == "service", m.Translation.lang == lang)
    ).all()
    found = []
    for service, translation in rows:
        state = state_of(translation, text_hash(service.name, service.description))
        if state != REVIEWED:
            found.append(QueueItem("directory", service.id, service.name, state, service.last_modified))
    return found


@dataclass
class DirectoryReview:
    service: m.Service
    translation: m.Translation
    english_hash: str
    state: str


def screen(session: Session, service_id: str, lang: str) -> DirectoryReview | None:
    service = session.get(m.Service, service_id) if parse_uuid(service_id) else None
    if service is None or lang == "en":
        return None
    translation = session.scalar(
        select(m.Translation).where(
            m.Translation.entity == "service",
            m.Translation.entity_id == service.id,
            m.Translation.lang == lang,
        )
    )
    if translation is None:
        return None
    current = text_hash(service.name, service.description)
    return DirectoryReview(service, translation, current, state_of(translation, current))


def translation_hash(found: DirectoryReview) -> str:
    return text_hash(found.translation.name, found.translation.description)


def _checked(session: Session, service_id: str, lang: str, seen: review.Seen) -> DirectoryReview:
    found = screen(session, service_id, lang)
    if found is None:
        raise review.ReviewError("This service has no text in this language to review")
    review.check_seen(seen, found.english_hash, translation_hash(found))
    return found


def approve(session: Session, service_id: str, lang: str, reviewer: StaffUser, seen: review.Seen) -> None:
    found = _checked(session, service_id, lang, seen)
    found.translation.review_status = REVIEWED
    found.translation.review_note = None
    review.record(found.translation, reviewer, found.english_hash)


def send_back(
    session: Session, service_id: str, lang: str, reviewer: StaffUser, note: str, seen: review.Seen
) -> None:
    note = review.check_note(note)
    found = _checked(session, service_id, lang, seen)
    found.translation.review_status = AWAITING
    found.translation.review_note = note
    review.clear(found.translation)
