from datetime import datetime

from alliance.directory.schedules import next_opening, read

MONDAY_NOON = datetime(2026, 11, 23, 12, 0)  # Monday 23 November 2026


def weekly(byday, opens="10:00:00", closes="12:30:00", **extra):
    return {"freq": "WEEKLY", "byday": byday, "opens_at": opens, "closes_at": closes, **extra}


def test_a_weekly_session_later_today_is_the_next_opening():
    found = next_opening([weekly("MO", opens="14:00:00", closes="16:00:00")], MONDAY_NOON)
    assert found.starts == datetime(2026, 11, 23, 14, 0) and found.ends == datetime(2026, 11, 23, 16, 0)


def test_a_session_open_right_now_counts_until_it_closes():
    assert next_opening([weekly("MO", opens="11:00:00", closes="13:00:00")], MONDAY_NOON).starts.day == 23


def test_a_session_that_has_closed_today_moves_to_the_next_matching_day():
    found = next_opening([weekly("MO,TH", opens="09:00:00", closes="11:00:00")], MONDAY_NOON)
    assert found.starts == datetime(2026, 11, 26, 9, 0)


def test_the_second_tuesday_of_the_month_is_found_in_the_next_month_when_this_ones_has_passed():
    found = next_opening([{"freq": "MONTHLY", "byday": "2TU", "opens_at": "10:30:00"}], MONDAY_NOON)
    assert found.starts == datetime(2026, 12, 8, 10, 30)


def test_the_last_friday_of_the_month_counts_from_the_end():
    found = next_opening([{"freq": "MONTHLY", "byday": "-1FR", "opens_at": "10:00:00"}], MONDAY_NOON)
    assert found.starts == datetime(2026, 11, 27, 10, 0)


def test_every_other_week_counts_from_the_start_date():
    rule = weekly("MO", interval=2, dtstart="2026-11-16")
    assert next_opening([rule], MONDAY_NOON).starts.date().isoformat() == "2026-11-30"


def test_the_earliest_of_several_schedules_wins():
    found = next_opening([weekly("FR"), weekly("WE")], MONDAY_NOON)
    assert found.starts.weekday() == 2


def test_a_schedule_that_has_ended_or_not_begun_gives_no_opening_outside_its_dates():
    assert next_opening([weekly("TU", valid_to="2026-01-31")], MONDAY_NOON) is None
    assert next_opening([weekly("TU", dtstart="2027-01-01")], MONDAY_NOON).starts.year == 2027


def test_a_schedule_without_a_usable_rule_gives_nothing():
    assert read({"freq": "WEEKLY"}) is None
    assert read({"freq": "YEARLY", "byday": "MO"}) is None
    assert read({"freq": "WEEKLY", "byday": "XX", "opens_at": "nonsense"}) is None
    assert next_opening([{"description": "By appointment"}], MONDAY_NOON) is None
