"""People register for events with the least personal data needed; a full event keeps a waiting list
and gives a freed place to the next person in order; the emails carry an iCalendar file and a cancel
link that needs no sign-in."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from alliance.events import services
from alliance.events.models import BOOKED, WAITING, WITHDRAWN, Registration
from tests.integration.backoffice.conftest import csrf_token
from tests.integration.events.conftest import (
    calendar_of,
    cancel_path,
    make_event,
    parsed,
    text_of,
    to_address,
)


def register(client, event_id, name, email, access="", lang="en"):
    url = f"/{lang}/events/{event_id}"
    html = client.get(url).get_data(as_text=True)
    return client.post(
        url, data={"name": name, "email": email, "access_needs": access, "csrf_token": csrf_token(html)}
    )


def statuses(session, event_id):
    session.expire_all()
    rows = session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    ).all()
    return [(row.email, row.status) for row in rows]


def test_a_person_with_a_place_gets_an_email_with_the_event_as_a_calendar_file(
    app, client, session, smtp, send_mail
):
    event = make_event(session, capacity=5)
    response = register(client, event.id, "Amira", "amira@example.org", access="Step-free access please")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/events/{event.id}/registered/booked")
    assert "Your place is booked" in client.get(response.headers["Location"]).get_data(as_text=True)
    send_mail()
    [envelope] = smtp.messages
    message = parsed(envelope)
    assert to_address(envelope) == "amira@example.org"
    assert message["Subject"] == "Your place is booked: Bowel screening listening event"
    body = text_of(message)
    assert "Example Community Centre" in body and "cancel your place here" in body
    ics = calendar_of(message)
    assert ics is not None and "BEGIN:VEVENT" in ics
    starts = re.search(r"DTSTART[^:]*:(\d{8}T\d{6}Z)", ics).group(1)
    expected = services.aware(event.starts_at).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    assert starts == expected
    assert "amira" not in ics.lower(), "the calendar file carries no personal data"


def test_a_full_event_puts_people_on_the_waiting_list_and_a_cancellation_offers_the_place_in_order(
    app, client, session, smtp, send_mail
):
    event = make_event(session, capacity=1)
    register(client, event.id, "First", "first@example.org")
    response = register(client, event.id, "Second", "second@example.org")
    assert response.headers["Location"].endswith("/registered/waiting")
    register(client, event.id, "Third", "third@example.org")
    assert statuses(session, event.id) == [
        ("first@example.org", BOOKED),
        ("second@example.org", WAITING),
        ("third@example.org", WAITING),
    ]
    page = client.get(f"/en/events/{event.id}").get_data(as_text=True)
    assert "Join the waiting list" in page
    send_mail()
    first_mail = next(e for e in smtp.messages if to_address(e) == "first@example.org")
    waiting_mail = parsed(next(e for e in smtp.messages if to_address(e) == "second@example.org"))
    assert waiting_mail["Subject"].startswith("You are on the waiting list")
    assert calendar_of(waiting_mail) is None, "no calendar file until there is a place"

    path = cancel_path(text_of(parsed(first_mail)))
    page = client.get(path)
    assert page.status_code == 200 and "Cancel your place" in page.get_data(as_text=True)
    response = client.post(path, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 303
    assert statuses(session, event.id) == [
        ("first@example.org", WITHDRAWN),
        ("second@example.org", BOOKED),
        ("third@example.org", WAITING),
    ]
    smtp.messages.clear()
    send_mail()
    subjects = {to_address(e): parsed(e)["Subject"] for e in smtp.messages}
    assert subjects["second@example.org"].startswith("A place has come free for you")
    assert subjects["first@example.org"].startswith("Your registration is cancelled")
    offered = parsed(next(e for e in smtp.messages if to_address(e) == "second@example.org"))
    assert calendar_of(offered) is not None
    assert client.get(path).status_code == 404, "a used cancel link does nothing more"


def test_the_cancel_link_from_the_waiting_list_email_still_works_after_a_place_is_offered(
    app, client, session, smtp, send_mail
):
    event = make_event(session, capacity=1)
    register(client, event.id, "First", "first@example.org")
    register(client, event.id, "Second", "second@example.org")
    send_mail()
    waiting_link = cancel_path(
        text_of(parsed(next(e for e in smtp.messages if to_address(e) == "second@example.org")))
    )
    first_link = cancel_path(
        text_of(parsed(next(e for e in smtp.messages if to_address(e) == "first@example.org")))
    )
    html = client.get(first_link).get_data(as_text=True)
    client.post(first_link, data={"csrf_token": csrf_token(html)})
    html = client.get(waiting_link).get_data(as_text=True)
    assert "Cancel your place" in html
    client.post(waiting_link, data={"csrf_token": csrf_token(html)})
    assert statuses(session, event.id)[1] == ("second@example.org", WITHDRAWN)


def test_cancel_links_are_looked_up_within_their_event_and_a_changed_token_is_refused(
    app, client, session, smtp, send_mail
):
    event = make_event(session, capacity=3)
    other = make_event(session, capacity=3, title="Another event")
    register(client, event.id, "Amira", "amira@example.org")
    send_mail()
    path = cancel_path(text_of(parsed(smtp.messages[0])))
    token = path.rsplit("/", 1)[1]
    assert client.get(f"/en/events/{other.id}/cancel/{token}").status_code == 404
    number, signature = token.split("-")
    forged = f"{number}-{'0' * len(signature)}"
    assert client.get(f"/en/events/{event.id}/cancel/{forged}").status_code == 404
    assert client.get(f"/en/events/{event.id}/cancel/not-a-token").status_code == 404
    assert client.get(path).status_code == 200


def test_two_nodes_asking_for_the_last_places_at_once_never_overbook(app, session):
    event = make_event(session, capacity=3)
    maker = app.extensions["db"]["sessionmaker"]
    barrier = threading.Barrier(8)
    errors = []

    def ask(number: int) -> None:
        with app.test_request_context("/en/"), maker() as own:
            try:
                barrier.wait()
                services.register(
                    own,
                    event.id,
                    name=f"Person {number}",
                    email=f"person{number}@example.org",
                    access_needs="",
                    lang="en",
                    now=datetime.now(UTC),
                )
                own.commit()
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    counts = services.places(session, event.id)
    assert (counts.booked, counts.waiting) == (3, 5)


def test_a_mistake_in_the_form_is_explained_in_the_readers_language_and_keeps_what_was_typed(
    app, client, session
):
    event = make_event(session, capacity=3)
    response = register(client, event.id, "", "not-an-address", access="I use a wheelchair", lang="ur")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "Enter your name" not in html, "the error is in Urdu"
    assert 'value="not-an-address"' in html and "I use a wheelchair" in html
    assert services.places(session, event.id).booked == 0


def test_control_characters_in_a_registration_are_refused_and_nothing_is_stored(app, client, session):
    event = make_event(session, capacity=3)
    response = register(client, event.id, "Amira\x00", "amira@example.org")
    assert response.status_code == 400
    assert services.places(session, event.id).booked == 0


def test_registration_is_rate_limited(app, client, session):
    app.config["EVENTS_REGISTER_LIMIT"] = "3 per 10 minutes"
    try:
        event = make_event(session, capacity=50)
        codes = [register(client, event.id, f"P{n}", f"p{n}@example.org").status_code for n in range(4)]
    finally:
        app.config["EVENTS_REGISTER_LIMIT"] = "5 per 10 minutes"
    assert codes == [303, 303, 303, 429]


def test_drafts_are_not_public_and_registration_closes_when_the_event_starts(app, client, session):
    draft = make_event(session, publish=False)
    assert client.get(f"/en/events/{draft.id}").status_code == 404
    assert client.get(f"/en/events/{draft.id}/calendar.ics").status_code == 404
    assert "Bowel screening" not in client.get("/en/events/").get_data(as_text=True)
    started = make_event(session, days_ahead=0)
    started.starts_at = datetime.now(UTC) - timedelta(minutes=5)
    started.ends_at = datetime.now(UTC) + timedelta(hours=1)
    session.commit()
    html = client.get(f"/en/events/{started.id}").get_data(as_text=True)
    assert "Registration for this event has closed." in html and 'name="email"' not in html
    open_event = make_event(session, title="Open")
    token = csrf_token(client.get(f"/en/events/{open_event.id}").get_data(as_text=True))
    response = client.post(
        f"/en/events/{started.id}", data={"name": "Late", "email": "late@example.org", "csrf_token": token}
    )
    assert response.status_code == 200
    assert services.places(session, started.id).booked == 0


def test_the_events_list_shows_places_left_in_the_readers_language(app, client, session):
    event = make_event(session, capacity=2)
    english = client.get("/en/events/").get_data(as_text=True)
    assert "Bowel screening listening event" in english and "2 places left" in english
    urdu = client.get("/ur/events/").get_data(as_text=True)
    assert f'href="/ur/events/{event.id}"' in urdu
    assert 'lang="en"' in urdu, "an untranslated title is marked as English"


def test_the_access_needs_box_counts_characters_in_the_readers_language(app, client, session):
    event = make_event(session)
    html = client.get(f"/ur/events/{event.id}").get_data(as_text=True)
    assert "You can enter up to" not in html and "characters remaining" not in html
    assert "حروف" in html and "%{count}" in html, "the component's words, in Urdu, keep its placeholder"
