"""The emails of an event registration, written in the person's language and queued in the outbox.

Each carries the event as an iCalendar attachment (Notify, which takes no attachments, still has the
"add to your calendar" link in the body) and a link that cancels without signing in. The link holds a
secret, so the messages are marked sensitive: the back-office never shows their bodies.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from alliance import hosts
from alliance.database import utcnow
from alliance.events import calendar, presenters
from alliance.events.models import BOOKED, Event, Registration
from alliance.events.tokens import cancel_token
from alliance.outbox import Attachment, enqueue


def _links(event: Event, registration: Registration, cancellable: bool) -> dict[str, str]:
    lang = registration.lang
    links = {
        "event": hosts.external_url("events.event", lang=lang, event_id=event.id),
        "calendar": hosts.external_url("events.calendar_file", lang=lang, event_id=event.id),
    }
    if cancellable:
        token = cancel_token(registration)
        links["cancel"] = hosts.external_url("events.cancel", lang=lang, event_id=event.id, token=token)
    return links


def _attachment(event: Event, lang: str) -> Attachment:
    view = presenters.view(event, lang)
    url = hosts.external_url("events.event", lang=lang, event_id=event.id)
    text = calendar.ics(event, view.title, view.summary, url, hosts.site_host(hosts.site_url()), utcnow())
    return Attachment(filename=f"event-{event.id}.ics", content_type="text/calendar", text=text)


def _details(event: Event, registration: Registration) -> str:
    view = presenters.view(event, registration.lang)
    lines = [view.title, f"{view.date}, {view.when}", view.format]
    if event.format != "online" and (event.venue_name or event.venue_address):
        lines.append(
            ", ".join(part for part in (event.venue_name, " ".join(event.venue_address.split())) if part)
        )
    if event.format != "in_person" and event.joining_details.strip():
        lines += ["", _("How to join online:"), event.joining_details.strip()]
    return "\n".join(lines)


def _queue(
    session: Session,
    event: Event,
    registration: Registration,
    subject: str,
    paragraphs: list[str],
    cancellable: bool,
    calendar_file: bool = True,
) -> None:
    links = _links(event, registration, cancellable)
    body = [
        _("Hello %(name)s,", name=registration.name or ""),
        "",
        *paragraphs,
        "",
        _details(event, registration),
        "",
    ]
    body += [_("Event details: %(link)s", link=links["event"])]
    if calendar_file:
        body += [_("Add it to your calendar: %(link)s", link=links["calendar"])]
    if "cancel" in links:
        body += [
            "",
            _(
                "If you cannot come, cancel your place here (no sign-in needed): %(link)s",
                link=links["cancel"],
            ),
        ]
    body += [
        "",
        _(
            "We delete your name, email address and access needs %(days)s days after the event.",
            days=current_app.config["EVENT_RETENTION_DAYS"],
        ),
        "",
        _("Cancer Alliance engagement team"),
    ]
    enqueue(
        session,
        to=registration.email or "",
        subject=subject,
        body="\n".join(body),
        kind="event",
        sensitive=cancellable,
        attachments=[_attachment(event, registration.lang)] if calendar_file else None,
    )


def send_registered(session: Session, event: Event, registration: Registration) -> None:
    with force_locale(registration.lang):
        title = presenters.view(event, registration.lang).title
        if registration.status == BOOKED:
            subject = _("Your place is booked: %(title)s", title=title)
            paragraphs = [_("Thank you for registering. Your place is booked.")]
        else:
            subject = _("You are on the waiting list: %(title)s", title=title)
            paragraphs = [
                _("Thank you for registering. The event is full, so you are on the waiting list."),
                _("If a place comes free, we will give it to the next person on the list and email them."),
            ]
        _queue(
            session,
            event,
            registration,
            subject,
            paragraphs,
            True,
            calendar_file=registration.status == BOOKED,
        )


def send_place_offered(session: Session, event: Event, registration: Registration) -> None:
    with force_locale(registration.lang):
        title = presenters.view(event, registration.lang).title
        _queue(
            session,
            event,
            registration,
            _("A place has come free for you: %(title)s", title=title),
            [_("Someone has cancelled, and you were next on the waiting list. Your place is now booked.")],
            True,
        )


def send_reminder(session: Session, event: Event, registration: Registration) -> None:
    with force_locale(registration.lang):
        title = presenters.view(event, registration.lang).title
        _queue(
            session,
            event,
            registration,
            _("Reminder: %(title)s", title=title),
            [_("This is a reminder of the event you registered for.")],
            True,
        )


def send_cancelled(session: Session, event: Event, registration: Registration) -> None:
    with force_locale(registration.lang):
        title = presenters.view(event, registration.lang).title
        _queue(
            session,
            event,
            registration,
            _("Your registration is cancelled: %(title)s", title=title),
            [_("You have cancelled your registration. You do not need to do anything else.")],
            False,
            calendar_file=False,
        )


def send_event_cancelled(session: Session, event: Event, registration: Registration) -> None:
    with force_locale(registration.lang):
        title = presenters.view(event, registration.lang).title
        _queue(
            session,
            event,
            registration,
            _("Event cancelled: %(title)s", title=title),
            [_("We are sorry: this event has been cancelled. You do not need to do anything.")],
            False,
        )
