"""An event as an iCalendar file (RFC 5545), for the emails and the public "add to calendar" link.

It carries only what the public page shows: no name, no email, no joining details.
"""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from alliance.events.models import CANCELLED, Event

PRODID = "-//Cancer Alliance//Events//EN"


def ics(event: Event, title: str, summary: str, url: str, host: str, stamp: datetime) -> str:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    item = CalendarEvent()
    item.add("uid", f"event-{event.id}@{host}")
    item.add("dtstamp", stamp)
    item.add("dtstart", _utc(event.starts_at))
    item.add("dtend", _utc(event.ends_at))
    item.add("summary", title)
    item.add("description", f"{summary}\n\n{url}".strip())
    item.add("url", url)
    where = ", ".join(part for part in (event.venue_name, " ".join(event.venue_address.split())) if part)
    if where:
        item.add("location", where)
    item.add("status", "CANCELLED" if event.status == CANCELLED else "CONFIRMED")
    item.add("sequence", event.lock_version if event.status == CANCELLED else 0)
    calendar.add_component(item)
    return calendar.to_ical().decode("utf-8")


def _utc(moment: datetime) -> datetime:
    from alliance.events.services import aware

    value = aware(moment)
    assert value is not None
    return value
