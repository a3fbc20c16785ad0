"""Engagement leads write, translate, publish and cancel events, and see who registered (audited)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.events import services
from alliance.events.models import Event
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client, submit
from tests.integration.events.conftest import make_event, parsed, to_address

FORM = {
    "title": "Lung health check listening event",
    "summary": "Tell us how to make lung health checks easier to attend.",
    "description": "",
    "day[day]": "10",
    "day[month]": "6",
    "day[year]": "2099",
    "starts": "10:00",
    "ends": "12:30",
    "format": "both",
    "venue_name": "Example Library",
    "venue_address": "2 Example Road\nRotherham",
    "access": ["step_free", "bsl"],
    "interpreters": ["ur", "ar"],
    "joining_details": "The video link is sent the day before.",
    "capacity": "12",
    "example": "yes",
}


def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead"))


def test_an_engagement_lead_adds_an_event_in_uk_time_and_publishes_it(app, session):
    client = lead(app, session)
    response = submit(client, "/backoffice/events/new", FORM)
    assert response.status_code == 303
    event = session.scalar(select(Event))
    assert event.status == "draft"
    # 10 June is in British Summer Time: 10:00 on UK clocks is 09:00 UTC.
    assert services.aware(event.starts_at) == datetime(2099, 6, 10, 9, 0, tzinfo=UTC)
    assert services.aware(event.ends_at) == datetime(2099, 6, 10, 11, 30, tzinfo=UTC)
    assert (event.step_free, event.bsl, event.hearing_loop, event.interpreters) == (
        True,
        True,
        False,
        "ur ar",
    )
    assert app.test_client().get(f"/en/events/{event.id}").status_code == 404
    submit(client, f"/backoffice/events/{event.id}/publish", {}, page=f"/backoffice/events/{event.id}")
    public = app.test_client().get(f"/en/events/{event.id}").get_data(as_text=True)
    assert "Lung health check listening event" in public
    assert "British Sign Language interpreter" in public and "اردو" in public
    assert "video link" not in public, "joining details go only to people with a place"


def test_a_mistake_in_the_event_form_keeps_what_was_typed(app, session):
    client = lead(app, session)
    response = submit(client, "/backoffice/events/new", {**FORM, "ends": "09:00", "capacity": "many"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The end time must be after the start time" in html
    assert "Enter the number of places as a whole number from 1 to 10000" in html
    assert 'value="Lung health check listening event"' in html and 'value="many"' in html
    assert session.scalar(select(Event)) is None


def test_a_translation_is_shown_to_readers_in_that_language_marked_as_not_yet_reviewed(app, session):
    event = make_event(session)
    client = lead(app, session)
    response = submit(
        client,
        f"/backoffice/events/{event.id}/translations/ur",
        {
            "title": "آنتوں کی اسکریننگ پر بات چیت",
            "summary": "ہمیں بتائیں کہ کیا مدد کرے گا۔",
            "description": "",
        },
    )
    assert response.status_code == 303
    urdu = app.test_client().get(f"/ur/events/{event.id}").get_data(as_text=True)
    assert "آنتوں کی اسکریننگ پر بات چیت" in urdu
    assert "not yet reviewed" in client.get(f"/backoffice/events/{event.id}").get_data(as_text=True)
    assert client.get(f"/backoffice/events/{event.id}/translations/xx").status_code == 404
    assert client.get(f"/backoffice/events/{event.id}/translations/en").status_code == 404


def test_looking_at_and_exporting_who_registered_is_audited_and_the_export_is_safe_to_open(app, session):
    event = make_event(session, capacity=5)
    with app.test_request_context("/en/"):
        services.register(
            session,
            event.id,
            name="=HYPERLINK(1)",
            email="p@example.org",
            access_needs="",
            lang="pl",
            now=datetime.now(UTC),
        )
        session.commit()
    client = lead(app, session)
    page = client.get(f"/backoffice/events/{event.id}/attendees").get_data(as_text=True)
    assert "p@example.org" in page
    csv_text = client.get(f"/backoffice/events/{event.id}/attendees.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in csv_text
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "events.attendees.view" in actions and "events.attendees.export" in actions
    assert client.get("/backoffice/events/999999/attendees").status_code == 404


def test_an_editor_cannot_see_who_registered(app, session):
    event = make_event(session)
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get(f"/backoffice/events/{event.id}/attendees").status_code == 403


def test_cancelling_an_event_tells_everyone_registered(app, session, smtp, send_mail):
    event = make_event(session, capacity=1)
    with app.test_request_context("/en/"):
        for n in range(2):
            services.register(
                session,
                event.id,
                name=f"P{n}",
                email=f"p{n}@example.org",
                access_needs="",
                lang="en",
                now=datetime.now(UTC),
            )
        session.commit()
    client = lead(app, session)
    submit(client, f"/backoffice/events/{event.id}/cancel", {}, page=f"/backoffice/events/{event.id}")
    assert "This event is cancelled" in app.test_client().get(f"/en/events/{event.id}").get_data(as_text=True)
    send_mail()
    told = sorted(to_address(e) for e in smtp.messages if parsed(e)["Subject"].startswith("Event cancelled"))
    assert told == ["p0@example.org", "p1@example.org"]
