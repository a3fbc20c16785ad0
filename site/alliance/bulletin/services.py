"""Subscribing to the e-bulletin: double opt-in, preferences and one-click unsubscribe.

Signing up never says whether an address is already subscribed (that would tell anyone who reads the
bulletin): a new sign-up, or one for an address already waiting or subscribed, gets the same page, and
the email it sends is the only thing that differs."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from alliance import signed_links
from alliance.bulletin import mail
from alliance.bulletin.models import CONFIRMED, PENDING, TOPICS, UNSUBSCRIBED, Subscriber

CONFIRM, MANAGE = "bulletin-confirm", "bulletin-manage"


def _live(session: Session, email: str) -> Subscriber | None:
    return session.scalar(
        select(Subscriber).where(
            func.lower(Subscriber.email) == email.strip().lower(), Subscriber.status.in_((PENDING, CONFIRMED))
        )
    )


def subscribe(session: Session, email: str, topics: list[str], lang: str, now: datetime) -> Subscriber:
    """Ask the address to confirm (or, if it is already subscribed, tell it how to change its choices).
    The caller commits."""
    chosen = " ".join(topic for topic in TOPICS if topic in topics)
    found = _live(session, email)
    if found is not None and found.status == CONFIRMED:
        mail.send_already_subscribed(session, found)
        return found
    if found is None:
        found = Subscriber(email=email.strip(), status=PENDING, salt=secrets.token_hex(16), created_at=now)
        session.add(found)
    found.topics, found.lang = chosen, lang
    session.flush()
    mail.send_confirm(session, found)
    return found


def by_token(session: Session, purpose: str, token: str) -> Subscriber | None:
    number = signed_links.record_id(token)
    if number is None:
        return None
    found = session.get(Subscriber, number)
    if (
        found is None
        or found.status == UNSUBSCRIBED
        or not signed_links.matches(purpose, found.id, found.salt, token)
    ):
        return None
    return found


def confirm(session: Session, subscriber: Subscriber, now: datetime) -> None:
    if subscriber.status == PENDING:
        subscriber.status, subscriber.confirmed_at = CONFIRMED, now


def change(subscriber: Subscriber, topics: list[str], lang: str) -> None:
    subscriber.topics = " ".join(topic for topic in TOPICS if topic in topics)
    subscriber.lang = lang


def unsubscribe(subscriber: Subscriber, now: datetime) -> None:
    """At once, for good: the address and the salt (so every link) are erased; the row stays for counts."""
    subscriber.status, subscriber.unsubscribed_at = UNSUBSCRIBED, now
    subscriber.email, subscriber.salt, subscriber.topics = None, None, ""


def expire_unconfirmed(session: Session, now: datetime, hours: int, dry_run: bool = False) -> int:
    """Delete sign-ups nobody confirmed within `hours`. The caller commits."""
    due = (Subscriber.status == PENDING, Subscriber.created_at < now - timedelta(hours=hours))
    if dry_run:
        return session.scalar(select(func.count()).select_from(Subscriber).where(*due)) or 0
    result = session.execute(delete(Subscriber).where(*due).execution_options(synchronize_session=False))
    return result.rowcount  # type: ignore[attr-defined]  # a DELETE returns a CursorResult


def confirmed_count(session: Session) -> dict[str, int]:
    """Confirmed subscribers per topic, for staff."""
    rows = session.scalars(select(Subscriber.topics).where(Subscriber.status == CONFIRMED)).all()
    return {topic: sum(topic in row.split() for row in rows) for topic in TOPICS}
