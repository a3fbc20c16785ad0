"""Reminders go once per place, even when two nodes run cron at once; names, email addresses and
access needs are erased a set time after the event, leaving the numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from alliance.events import services
from alliance.events.models import Registration
from alliance.outbox.models import OutboxMessage
from tests.integration.events.conftest import calendar_of, make_event, parsed


def book(app, session, event, number, email=None):
    with app.test_request_context("/en/"):
        registration = services.register(
            session,
            event.id,
            name=f"Person {number}",
            email=email or f"person{number}@example.org",
            access_needs="Wheelchair user",
            lang="en",
            now=datetime.now(UTC),
        )
        session.commit()
    return registration


def reminders(session):
    session.expire_all()
    return session.scalars(select(OutboxMessage).where(OutboxMessage.subject.startswith("Reminder"))).all()


def test_a_reminder_goes_once_to_each_booked_place_at_an_event_starting_soon(
    app, session, runner, smtp, send_mail
):
    soon = make_event(session, capacity=1, days_ahead=1)
    later = make_event(session, capacity=5, days_ahead=10, title="Later event")
    book(app, session, soon, 1)
    book(app, session, soon, 2)  # waiting list: no reminder
    book(app, session, later, 3)
    first = runner.invoke(args=["events", "remind"])
    assert first.exit_code == 0 and "Queued 1 reminders" in first.output
    again = runner.invoke(args=["events", "remind"])
    assert "Queued 0 reminders" in again.output
    assert [m.to_address for m in reminders(session)] == ["person1@example.org"]
    send_mail()
    reminder = next(parsed(e) for e in smtp.messages if parsed(e)["Subject"].startswith("Reminder"))
    assert calendar_of(reminder) is not None


def test_reminders_claimed_by_two_senders_at_once_are_queued_once(app, session):
    soon = make_event(session, capacity=5, days_ahead=1)
    for number in range(4):
        book(app, session, soon, number)
    maker = app.extensions["db"]["sessionmaker"]
    with app.test_request_context("/en/"), maker() as one, maker() as two:
        now = datetime.now(UTC)
        counts = [services.send_reminders(one, now, 48), services.send_reminders(two, now, 48)]
    assert sorted(counts) == [0, 4]
    assert len(reminders(session)) == 4


def test_retention_erases_contact_details_and_access_needs_after_the_event_and_keeps_the_numbers(
    app, session, runner
):
    past = make_event(session, capacity=5, days_ahead=5)
    recent = make_event(session, capacity=5, days_ahead=5, title="Recent")
    book(app, session, past, 1)
    book(app, session, recent, 2)
    now = datetime.now(UTC)
    past.starts_at, past.ends_at = now - timedelta(days=32), now - timedelta(days=31)
    recent.starts_at, recent.ends_at = now - timedelta(days=11), now - timedelta(days=10)
    session.commit()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "Would erase the details of 1 event registrations" in dry.output
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "Erased the details of 1 event registrations" in result.output
    session.expire_all()
    erased = session.scalar(select(Registration).where(Registration.event_id == past.id))
    kept = session.scalar(select(Registration).where(Registration.event_id == recent.id))
    assert (erased.name, erased.email, erased.access_needs, erased.cancel_salt) == (None, None, None, None)
    assert erased.erased_at is not None and erased.status == "booked"
    assert kept.email == "person2@example.org" and kept.access_needs == "Wheelchair user"
    assert services.places(session, past.id).booked == 1
