"""Events: what the public sees, registration with a waiting list, cancellation, reminders and erasure.

Places are counted by one writer at a time: every registration and cancellation starts by bumping the
event's lock_version (an UPDATE, so PostgreSQL holds the row's lock and SQLite the database's write
lock until commit) and only then counts. Two people asking for the last place at once on two nodes
get one place and one waiting-list place, never two places.
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from alliance import signed_links
from alliance.events import mail, tokens
from alliance.events.models import (
    BOOKED,
    CANCELLED,
    PUBLISHED,
    WAITING,
    WITHDRAWN,
    Event,
    EventText,
    Registration,
)
from alliance.spreadsheets import safe_cell


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


# --- What the public sees -------------------------------------------------------------------


def upcoming(session: Session, now: datetime) -> list[Event]:
    """Published and cancelled events that have not yet ended, soonest first."""
    return list(
        session.scalars(
            select(Event)
            .where(Event.status.in_((PUBLISHED, CANCELLED)), Event.ends_at >= now)
            .order_by(Event.starts_at, Event.id)
        )
    )


def public_event(session: Session, event_id: int) -> Event | None:
    event = session.get(Event, event_id)
    return event if event is not None and event.status in (PUBLISHED, CANCELLED) else None


def text_for(event: Event, lang: str) -> tuple[EventText, bool]:
    """The event's text in `lang`, or the English with True (the text is in English)."""
    texts = {text.lang: text for text in event.texts}
    if lang in texts and texts[lang].title.strip():
        return texts[lang], False
    return texts["en"], lang != "en"


@dataclass(frozen=True)
class Places:
    capacity: int
    booked: int
    waiting: int

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked) if not self.waiting else 0

    @property
    def full(self) -> bool:
        return self.left == 0


def places(session: Session, event_id: int) -> Places:
    counts = dict(
        session.execute(
            select(Registration.status, func.count())
            .where(Registration.event_id == event_id, Registration.status.in_((BOOKED, WAITING)))
            .group_by(Registration.status)
        ).all()
    )
    capacity = session.scalar(select(Event.capacity).where(Event.id == event_id)) or 0
    return Places(capacity, counts.get(BOOKED, 0), counts.get(WAITING, 0))


def is_open(event: Event, now: datetime) -> bool:
    """Registration is open for a published event until it starts."""
    starts = aware(event.starts_at)
    return event.status == PUBLISHED and starts is not None and starts > now


# --- Registration and cancellation ----------------------------------------------------------


def _lock(session: Session, event_id: int) -> None:
    """Take the event's lock for this transaction: the first statement of it, before any count."""
    session.execute(
        update(Event)
        .where(Event.id == event_id)
        .values(lock_version=Event.lock_version + 1)
        .execution_options(synchronize_session=False)
    )


class RegistrationClosed(Exception):
    """The event is not taking registrations (not published, cancelled or already started)."""


def register(
    session: Session,
    event_id: int,
    *,
    name: str,
    email: str,
    access_needs: str,
    lang: str,
    now: datetime,
) -> Registration:
    """Book a place, or a waiting-list place when the event is full (or others already wait), and queue
    the email that says which. The caller's transaction must be fresh (commit before) and the caller
    commits."""
    _lock(session, event_id)
    event = session.get_one(Event, event_id, populate_existing=True)
    if not is_open(event, now):
        raise RegistrationClosed
    count = places(session, event_id)
    status = WAITING if count.full else BOOKED
    registration = Registration(
        event_id=event_id,
        status=status,
        name=name.strip(),
        email=email.strip(),
        access_needs=access_needs.strip() or None,
        lang=lang,
        cancel_salt=secrets.token_hex(16),
        created_at=now,
    )
    session.add(registration)
    session.flush()
    mail.send_registered(session, event, registration)
    return registration


def find_registration(session: Session, event_id: int, token: str) -> Registration | None:
    """The live registration that a cancel link's token belongs to, within its event."""
    number = signed_links.record_id(token)
    if number is None:
        return None
    registration = session.scalar(
        select(Registration).where(
            Registration.id == number,
            Registration.event_id == event_id,
            Registration.status.in_((BOOKED, WAITING)),
        )
    )
    return registration if registration is not None and tokens.matches(registration, token) else None


def cancel(session: Session, event_id: int, token: str, now: datetime) -> Registration | None:
    """Cancel the place the token belongs to; a freed place goes to the first on the waiting list, who is
    emailed. None when the token matches no live registration of this event. The caller commits."""
    _lock(session, event_id)
    registration = find_registration(session, event_id, token)
    if registration is None:
        return None
    was_booked = registration.status == BOOKED
    registration.status, registration.cancelled_at = WITHDRAWN, now
    event = session.get_one(Event, event_id)
    mail.send_cancelled(session, event, registration)
    if was_booked:
        offer_next_place(session, event, now)
    return registration


def offer_next_place(session: Session, event: Event, now: datetime) -> Registration | None:
    """Give a free place to the first on the waiting list (in the order they joined) and email them."""
    session.flush()
    if places(session, event.id).booked >= event.capacity:
        return None
    first = session.scalar(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == WAITING)
        .order_by(Registration.created_at, Registration.id)
        .limit(1)
    )
    if first is None or not is_open(event, now):
        return None
    first.status, first.offered_at = BOOKED, now
    mail.send_place_offered(session, event, first)
    return first


def cancel_event(session: Session, event: Event) -> int:
    """Cancel the event and tell everyone with a place or on the waiting list; how many were told."""
    event.status = CANCELLED
    people = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id, Registration.status.in_((BOOKED, WAITING))
        )
    ).all()
    for registration in people:
        mail.send_event_cancelled(session, event, registration)
    return len(people)


# --- Reminders and erasure (cron) -----------------------------------------------------------


def send_reminders(session: Session, now: datetime, hours: int) -> int:
    """Queue a reminder for every booked place at an event starting within `hours`, once each. The
    claim is a conditional UPDATE, so two nodes running this at once remind nobody twice."""
    due = session.execute(
        select(Registration.id, Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.status == PUBLISHED,
            Event.starts_at > now,
            Event.starts_at <= now + timedelta(hours=hours),
            Registration.status == BOOKED,
            Registration.reminded_at.is_(None),
            Registration.email.is_not(None),
        )
    ).all()
    session.commit()
    sent = 0
    for registration_id, event_id in due:
        claimed = session.execute(
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminded_at.is_(None))
            .values(reminded_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult
            session.rollback()
            continue
        registration = session.get_one(Registration, registration_id, populate_existing=True)
        mail.send_reminder(session, session.get_one(Event, event_id), registration)
        session.commit()
        sent += 1
    return sent


def erase_past(session: Session, now: datetime, days: int, dry_run: bool = False) -> int:
    """Erase names, email addresses and access needs of everyone registered for an event that ended more
    than `days` ago. The rows stay (how many came), with nothing that says who; their cancel links stop
    working. The caller commits. With dry_run, only count them."""
    ended = select(Event.id).where(Event.ends_at < now - timedelta(days=days))
    due = (Registration.event_id.in_(ended), Registration.erased_at.is_(None))
    if dry_run:
        return session.scalar(select(func.count()).select_from(Registration).where(*due)) or 0
    result = session.execute(
        update(Registration)
        .where(*due)
        .values(name=None, email=None, access_needs=None, cancel_salt=None, erased_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]  # an UPDATE returns a CursorResult


# --- Staff ------------------------------------------------------------------------------------


def registrations(session: Session, event_id: int) -> list[Registration]:
    """Everyone registered, booked first then the waiting list in order, then cancellations."""
    order = {BOOKED: 0, WAITING: 1, WITHDRAWN: 2}
    rows = session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(Registration.created_at)
    ).all()
    return sorted(rows, key=lambda row: (order.get(row.status, 3), aware(row.created_at), row.id))


def attendees_csv(rows: list[Registration]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["status", "name", "email", "access needs", "language", "registered (UTC)"])
    for row in rows:
        registered = aware(row.created_at)
        writer.writerow(
            [
                row.status,
                safe_cell(row.name),
                safe_cell(row.email),
                safe_cell(row.access_needs),
                row.lang,
                registered.strftime("%Y-%m-%d %H:%M") if registered else "",
            ]
        )
    return out.getvalue()
