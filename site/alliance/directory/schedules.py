"""ORUK schedules (iCalendar-style freq/byday/interval) turned into the next time a service is open."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
BYDAY = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
LOOKAHEAD_DAYS = 400
LONDON = ZoneInfo("Europe/London")


def now_local() -> datetime:
    """The time in the Alliance's area, naive: schedules are written in local time."""
    return datetime.now(LONDON).replace(tzinfo=None)


@dataclass(frozen=True)
class Opening:
    starts: datetime
    ends: datetime | None


@dataclass(frozen=True)
class Rule:
    """A schedule read into plain values; `days` holds (nth, weekday) with nth None for every week."""

    freq: str
    interval: int
    days: tuple[tuple[int | None, int], ...]
    monthdays: tuple[int, ...]
    opens: time | None
    closes: time | None
    start: date | None
    valid_from: date | None
    valid_to: date | None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def clock_time(value: object) -> time:
    """A time of day written HH:MM or HH:MM:SS (24-hour); ValueError for anything else ("25:99", "9am").
    The one reader of opening times: imports, the back-office form and the public pages use it."""
    match = CLOCK.match(str(value).strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError("must be a time of day like 09:30 (24-hour, 00:00 to 23:59)")
    hours, minutes, seconds = match.groups()
    return time(int(hours), int(minutes), int(seconds or 0))


def _time(value: str | None) -> time | None:
    try:
        return clock_time(value) if value else None
    except ValueError:
        return None


def read(schedule: dict) -> Rule | None:
    """The schedule as a Rule, or None when it says nothing a calendar can use."""
    freq = (schedule.get("freq") or "").upper()
    if freq not in ("WEEKLY", "MONTHLY", "DAILY"):
        return None
    days = []
    for part in (schedule.get("byday") or "").upper().split(","):
        match = BYDAY.match(part.strip())
        if match:
            days.append((int(match.group(1)) if match.group(1) else None, DAYS.index(match.group(2))))
    monthdays = tuple(
        int(part)
        for part in (schedule.get("bymonthday") or "").split(",")
        if part.strip().lstrip("-").isdigit()
    )
    try:
        interval = max(1, int(schedule.get("interval") or 1))
    except (TypeError, ValueError):
        interval = 1
    if freq == "WEEKLY" and not days:
        return None
    if freq == "MONTHLY" and not days and not monthdays:
        return None
    if any(schedule.get(key) and _time(schedule.get(key)) is None for key in ("opens_at", "closes_at")):
        return None  # a time that is no time ("25:99") is never shown as midnight
    return Rule(
        freq,
        interval,
        tuple(days),
        monthdays,
        _time(schedule.get("opens_at")),
        _time(schedule.get("closes_at")),
        _date(schedule.get("dtstart")),
        _date(schedule.get("valid_from")),
        _date(schedule.get("valid_to")),
    )


def _nth_weekday(day: date, nth: int, weekday: int) -> bool:
    if day.weekday() != weekday:
        return False
    if nth > 0:
        return (day.day - 1) // 7 + 1 == nth
    # Counting from the end: the nth-last one has n-1 more in the month after it, and no nth.
    count = -nth
    return (day + timedelta(days=7 * (count - 1))).month == day.month and (
        day + timedelta(days=7 * count)
    ).month != day.month


def occurs_on(rule: Rule, day: date) -> bool:
    first = rule.start or rule.valid_from
    if first and day < first:
        return False
    if rule.valid_from and day < rule.valid_from:
        return False
    if rule.valid_to and day > rule.valid_to:
        return False
    if rule.freq == "DAILY":
        return not first or (day - first).days % rule.interval == 0
    if rule.freq == "WEEKLY":
        if not any(weekday == day.weekday() for _nth, weekday in rule.days):
            return False
        if rule.interval > 1 and first:
            week0 = first - timedelta(days=first.weekday())
            return ((day - week0).days // 7) % rule.interval == 0
        return True
    # MONTHLY
    if (
        rule.interval > 1
        and first
        and ((day.year - first.year) * 12 + day.month - first.month) % rule.interval
    ):
        return False
    if day.day in rule.monthdays:
        return True
    return any(
        (nth is None and day.weekday() == weekday) or (nth is not None and _nth_weekday(day, nth, weekday))
        for nth, weekday in rule.days
    )


def next_opening(schedules: list[dict], now: datetime) -> Opening | None:
    """The earliest opening that has not yet ended, over all of a service's schedules (local time)."""
    best: Opening | None = None
    for schedule in schedules:
        rule = read(schedule)
        if rule is None:
            continue
        for offset in range(LOOKAHEAD_DAYS):
            day = now.date() + timedelta(days=offset)
            if best and day > best.starts.date():
                break
            if rule.valid_to and day > rule.valid_to:
                break
            if not occurs_on(rule, day):
                continue
            starts = datetime.combine(day, rule.opens or time(0))
            ends = datetime.combine(day, rule.closes) if rule.closes else None
            if (ends or datetime.combine(day, time(23, 59))) <= now:
                continue
            if best is None or starts < best.starts:
                best = Opening(starts, ends)
            break
    return best


FIELDS = (
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "dtstart",
    "valid_from",
    "valid_to",
    "description",
)


def schedule_fields(schedule) -> dict:
    """The parts of an ORUK schedule the site reads, as a plain dict (stored in the index, shown on pages)."""
    return {key: getattr(schedule, key) for key in FIELDS}


def _open_on(rule: Rule, day: date, moment: time) -> bool:
    """Whether an opening that starts on `day` covers `moment` of that day."""
    if rule.opens is None or not occurs_on(rule, day):
        return False
    closes = rule.closes
    if closes is None or closes == rule.opens:
        return moment >= rule.opens  # no closing time given: open for the rest of that day
    if closes < rule.opens:  # runs past midnight: this day's part
        return moment >= rule.opens
    return rule.opens <= moment < closes or (closes >= time(23, 59) and moment >= rule.opens)


def _open_from_yesterday(rule: Rule, day: date, moment: time) -> bool:
    """Whether an overnight opening that started the day before still covers `moment`."""
    if rule.opens is None or rule.closes is None or rule.closes >= rule.opens:
        return False
    return moment < rule.closes and occurs_on(rule, day - timedelta(days=1))


def open_at(schedules: list[dict], now: datetime) -> bool:
    """Whether any of a service's schedules has it open at `now` (London local time, naive).

    A schedule without an opening time says nothing about the hours, so it never counts as open; a
    range that closes before it opens ("22:00" to "02:00") runs past midnight into the next day."""
    day, moment = now.date(), now.time()
    for schedule in schedules:
        rule = read(schedule)
        if rule is None:
            continue
        if _open_on(rule, day, moment) or _open_from_yesterday(rule, day, moment):
            return True
    return False
