"""Whether a service is open at a moment, from its ORUK schedules (London local time)."""

from datetime import datetime

import pytest

from alliance.directory.schedules import open_at


def weekly(byday: str, opens: str | None, closes: str | None, **extra) -> dict:
    return {"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes, **extra}


# 7 December 2026 is a Monday.
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 7, 9, 59), False),
        (datetime(2026, 12, 7, 10, 0), True),
        (datetime(2026, 12, 7, 15, 59), True),
        (datetime(2026, 12, 7, 16, 0), False),
        (datetime(2026, 12, 12, 12, 0), False),  # Saturday: a closed day
    ],
)
def test_a_weekday_service_is_open_only_inside_its_hours_on_its_days(moment, expected):
    assert open_at([weekly("MO,TU,WE,TH,FR", "10:00", "16:00")], moment) is expected


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 12, 11, 23, 0), True),  # Friday night
        (datetime(2026, 12, 12, 1, 30), True),  # after midnight, into Saturday
        (datetime(2026, 12, 12, 2, 0), False),
        (datetime(2026, 12, 13, 1, 0), False),  # Sunday morning: Saturday night is not a listed night
        (datetime(2026, 12, 11, 21, 59), False),
    ],
)
def test_an_overnight_range_runs_past_midnight_into_the_next_day(moment, expected):
    assert open_at([weekly("FR", "22:00", "02:00")], moment) is expected


def test_a_round_the_clock_service_is_open_in_the_last_minute_of_the_day():
    assert open_at(
        [weekly("MO,TU,WE,TH,FR,SA,SU", "00:00:00", "23:59:59")], datetime(2026, 12, 7, 23, 59, 30)
    )


def test_a_schedule_without_hours_or_outside_its_valid_dates_never_counts_as_open():
    monday_noon = datetime(2026, 12, 7, 12, 0)
    assert not open_at([weekly("MO", None, None)], monday_noon)
    assert not open_at([weekly("MO", "09:00", "17:00", valid_to="2026-11-30")], monday_noon)
    assert not open_at([{"description": "Check the website for opening times"}], monday_noon)
    assert not open_at([], monday_noon)


def test_a_monthly_meeting_is_open_only_on_its_day_of_the_month():
    group = [{"freq": "MONTHLY", "byday": "2TU", "opens_at": "10:30", "closes_at": "12:30"}]
    assert open_at(group, datetime(2026, 12, 8, 11, 0))  # the second Tuesday
    assert not open_at(group, datetime(2026, 12, 15, 11, 0))
