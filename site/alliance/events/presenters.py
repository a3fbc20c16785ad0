"""How an event reads on a page or in an email: dates in Europe/London, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time
from flask_babel import gettext as _

from alliance import i18n
from alliance.events.models import CANCELLED, Event

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class EventView:
    id: int
    title: str
    summary: str
    description: str
    in_english: bool  # the text is shown in English, the page is not
    when: str
    date: str
    format: str
    venue_name: str
    venue_address: str
    access: list[str]
    cancelled: bool


def when(event: Event) -> tuple[str, str]:
    """("Tuesday 12 January 2027", "10:00am to 12:00pm")-style date and time range, London time."""
    from alliance.events.services import aware

    starts, ends = aware(event.starts_at), aware(event.ends_at)
    assert starts is not None and ends is not None
    starts, ends = starts.astimezone(LONDON), ends.astimezone(LONDON)
    times = _("%(start)s to %(end)s", start=format_time(starts, "short"), end=format_time(ends, "short"))
    if starts.date() != ends.date():
        times = _(
            "%(start)s to %(end)s",
            start=f"{format_date(starts.date(), 'long')} {format_time(starts, 'short')}",
            end=f"{format_date(ends.date(), 'long')} {format_time(ends, 'short')}",
        )
    return format_date(starts.date(), "full"), times


def format_label(value: str) -> str:
    return {
        "in_person": _("In person"),
        "online": _("Online"),
        "both": _("In person or online"),
    }.get(value, value)


def access_lines(event: Event) -> list[str]:
    lines = []
    if event.format != "online":
        lines.append(_("Step-free access") if event.step_free else _("No step-free access"))
        if event.hearing_loop:
            lines.append(_("Hearing loop"))
        if event.parking:
            lines.append(_("Parking at the venue"))
    if event.bsl:
        lines.append(_("British Sign Language interpreter"))
    for code in event.interpreters.split():
        language = i18n.REGISTRY.get(code)
        if language is not None:
            lines.append(_("Interpreter: %(language)s", language=language.name))
    return lines


def view(event: Event, lang: str) -> EventView:
    from alliance.events.services import text_for

    text, in_english = text_for(event, lang)
    date, times = when(event)
    return EventView(
        id=event.id,
        title=text.title,
        summary=text.summary,
        description=text.description,
        in_english=in_english,
        when=times,
        date=date,
        format=format_label(event.format),
        venue_name=event.venue_name,
        venue_address=event.venue_address,
        access=access_lines(event),
        cancelled=event.status == CANCELLED,
    )
