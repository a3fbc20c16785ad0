"""Survey answers in progress, kept in the database between pages instead of in the session cookie.

The session holds only a random token; the table's key is a hash of it, so reading the table does not
give anyone a token to replay. A draft holds the survey's slug, the answers, the equality answers and
the submission token, and nothing about who is answering. It is deleted when the answers are sent,
and a draft not written for `SURVEY_DRAFT_HOURS` is treated as gone and deleted by the next new draft
or by `flask retention run`. Every node reads the same table, so a journey can move between nodes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from alliance.surveys.models import Draft

DEFAULT_HOURS = 24


def new_key() -> str:
    return secrets.token_urlsafe(32)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _usable(key: object) -> bool:
    return isinstance(key, str) and 20 <= len(key) <= 64


def _aware(value: datetime) -> datetime:
    # SQLite gives back naive datetimes; every time here is UTC.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def load(session: Session, key: object, slug: str, hours: int, now: datetime | None = None) -> dict | None:
    """The answers in progress under this key for this survey, or None (unknown, expired or another
    survey's)."""
    if not _usable(key):
        return None
    row = session.get(Draft, _digest(key))
    now = now or datetime.now(UTC)
    if row is None or row.survey_slug != slug or _aware(row.updated_at) < now - timedelta(hours=hours):
        return None
    try:
        state = json.loads(row.data)
    except ValueError:
        return None
    if (
        not isinstance(state, dict)
        or not isinstance(state.get("a"), dict)
        or not isinstance(state.get("e"), dict)
    ):
        return None
    return state


def save(session: Session, key: str, slug: str, state: dict, hours: int, now: datetime | None = None) -> None:
    """Write the answers in progress under this key, and commit. A new draft first deletes expired ones."""
    now = now or datetime.now(UTC)
    digest, data = _digest(key), json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    row = session.get(Draft, digest)
    if row is None:
        purge(session, now, hours)
        session.add(Draft(key=digest, survey_slug=slug, data=data, updated_at=now))
        try:
            session.commit()
            return
        except IntegrityError:
            # The same session's other request created it a moment ago: write over it below.
            session.rollback()
            row = session.get(Draft, digest)
    row.survey_slug, row.data, row.updated_at = slug, data, now
    session.commit()


def discard(session: Session, key: object) -> None:
    """Delete the draft under this key (its answers were sent). The caller commits."""
    if _usable(key):
        session.execute(delete(Draft).where(Draft.key == _digest(key)))


def purge(session: Session, now: datetime, hours: int, dry_run: bool = False) -> int:
    """Delete drafts not written for `hours`; how many there were. The caller commits."""
    cutoff = now - timedelta(hours=hours)
    if dry_run:
        return session.scalar(select(func.count()).select_from(Draft).where(Draft.updated_at < cutoff)) or 0
    return session.execute(delete(Draft).where(Draft.updated_at < cutoff)).rowcount or 0
