"""What every review records: who, when, and which English text it was checked against."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.accounts.models import StaffUser
from alliance.database import utcnow

NOTE_LIMIT = 2000


class ReviewError(ValueError):
    """A review that cannot be recorded now; the message is safe to show."""


class NoteError(ReviewError):
    """The comment sent with a translation going back is missing or too long."""


CHANGED_SINCE_OPENED = (
    "The English or the translation changed after you opened this page. Look at it again before you decide."
)


@dataclass
class Seen:
    """What the reviewer had in front of them: checked again when they decide."""

    english: str
    translation: str


def record(target, reviewer: StaffUser, english_hash: str) -> None:
    """Stamp a reviewed_by / reviewed_at / reviewed_english record on a translation."""
    target.reviewed_by = reviewer.display_name[:120]
    target.reviewed_at = utcnow()
    target.reviewed_english = english_hash


def clear(target) -> None:
    target.reviewed_by = target.reviewed_at = target.reviewed_english = None


def check_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise NoteError("Enter a comment saying what the translator should change")
    if len(note) > NOTE_LIMIT:
        raise NoteError(f"Keep the comment to {NOTE_LIMIT} characters or fewer")
    return note


def check_seen(seen: Seen, english: str, translation: str) -> None:
    if seen.english != english or seen.translation != translation:
        raise ReviewError(CHANGED_SINCE_OPENED)
