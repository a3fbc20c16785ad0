"""What staff do with events: write and edit them (times typed in UK time), translate their text,
publish and cancel them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.database import utcnow
from alliance.directory.schedules import clock_time
from alliance.events.models import DRAFT, PUBLISHED, Event, EventText

LONDON = ZoneInfo("Europe/London")
ACCESS = ("step_free", "hearing_loop", "parking", "bsl")


@dataclass
class EventDetails:
    title: str
    summary: str
    description: str
    day: date
    starts: str  # HH:MM, UK time
    ends: str
    format: str
    venue_name: str
    venue_address: str
    access: list[str]
    interpreters: list[str]
    joining_details: str
    capacity: int
    example_data: bool

    @classmethod
    def from_form(cls, data: dict) -> EventDetails:
        return cls(
            title=data["title"].strip(),
            summary=data["summary"].strip(),
            description=(data.get("description") or "").strip(),
            day=data["day"],
            starts=data["starts"].strip(),
            ends=data["ends"].strip(),
            format=data["format"],
            venue_name=(data.get("venue_name") or "").strip(),
            venue_address=(data.get("venue_address") or "").strip(),
            access=list(data.get("access") or []),
            interpreters=list(data.get("interpreters") or []),
            joining_details=(data.get("joining_details") or "").strip(),
            capacity=int(data["capacity"]),
            example_data=data.get("example") == "yes",
        )


def uk_time_to_utc(day: date, clock: str) -> datetime:
    """A date and HH:MM on UK clocks (GMT or BST, whichever applies that day) as a UTC datetime."""
    local = datetime.combine(day, clock_time(clock), tzinfo=LONDON)
    return local.astimezone(UTC)


def form_data(event: Event) -> dict:
    """An event as the edit form's fields, times on UK clocks."""
    from alliance.events.services import aware

    english = english_text(event)
    starts, ends = aware(event.starts_at), aware(event.ends_at)
    assert starts is not None and ends is not None
    starts, ends = starts.astimezone(LONDON), ends.astimezone(LONDON)
    return {
        "title": english.title,
        "summary": english.summary,
        "description": english.description,
        "day": starts.date(),
        "starts": starts.strftime("%H:%M"),
        "ends": ends.strftime("%H:%M"),
        "format": event.format,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "access": [name for name in ACCESS if getattr(event, name)],
        "interpreters": event.interpreters.split(),
        "joining_details": event.joining_details,
        "capacity": str(event.capacity),
        "example": "yes" if event.example_data else "no",
    }


def english_text(event: Event) -> EventText:
    return next(text for text in event.texts if text.lang == "en")


def save(session: Session, event: Event | None, details: EventDetails) -> tuple[Event, list[str]]:
    """Create an event (a draft) or change one; returns it and the names of what changed."""
    values = {
        "starts_at": uk_time_to_utc(details.day, details.starts),
        "ends_at": uk_time_to_utc(details.day, details.ends),
        "format": details.format,
        "venue_name": details.venue_name if details.format != "online" else "",
        "venue_address": details.venue_address if details.format != "online" else "",
        "interpreters": " ".join(details.interpreters),
        "joining_details": details.joining_details if details.format != "in_person" else "",
        "capacity": details.capacity,
        "example_data": details.example_data,
        **{name: name in details.access for name in ACCESS},
    }
    if event is None:
        event = Event(status=DRAFT, **values)
        event.texts.append(
            EventText(
                lang="en", title=details.title, summary=details.summary, description=details.description
            )
        )
        session.add(event)
        session.flush()
        return event, ["created"]
    changed = [name for name, value in values.items() if _differs(getattr(event, name), value)]
    for name in changed:
        setattr(event, name, values[name])
    english = english_text(event)
    for name in ("title", "summary", "description"):
        if getattr(english, name) != getattr(details, name):
            setattr(english, name, getattr(details, name))
            changed.append(name)
    if changed:
        event.updated_at = utcnow()
    return event, changed


def _differs(old, new) -> bool:
    from alliance.events.services import aware

    if isinstance(new, datetime):
        return aware(old) != new
    return old != new


def save_translation(
    session: Session, event: Event, lang: str, title: str, summary: str, description: str
) -> None:
    """Staff's text in another language: shown at once, marked as not yet reviewed by a translator."""
    text = session.scalar(select(EventText).where(EventText.event_id == event.id, EventText.lang == lang))
    if text is None:
        text = EventText(event_id=event.id, lang=lang, title="")
        session.add(text)
    text.title, text.summary, text.description = title.strip(), summary.strip(), description.strip()
    text.review_status = "awaiting-translator-review"


def publish(event: Event) -> bool:
    if event.status != DRAFT:
        return False
    event.status = PUBLISHED
    return True


def all_events(session: Session) -> list[Event]:
    return list(session.scalars(select(Event).order_by(Event.starts_at.desc(), Event.id.desc())))
