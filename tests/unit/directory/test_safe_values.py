"""The one reader of opening times, the one test for links, and spreadsheet-safe cells."""

from datetime import datetime, time

import pytest

from alliance.directory import schedules
from alliance.inputs import web_address
from alliance.spreadsheets import number_or_safe_cell, safe_cell, unneutralised


@pytest.mark.parametrize(("text", "expected"), [("09:30", time(9, 30)), ("23:59:59", time(23, 59, 59))])
def test_a_24_hour_time_with_or_without_seconds_is_read(text, expected):
    assert schedules.clock_time(text) == expected


@pytest.mark.parametrize("text", ["25:99", "24:00", "9:30", "09:60", "0930", "09:30+01:00", "9am", "", None])
def test_anything_that_is_not_a_time_of_day_is_refused(text):
    with pytest.raises(ValueError, match="must be a time of day like 09:30"):
        schedules.clock_time(text)


def test_a_schedule_with_an_impossible_opening_time_is_never_shown_as_midnight():
    schedule = {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU", "opens_at": "25:99", "closes_at": "26:00"}
    assert schedules.read(schedule) is None
    assert schedules.next_opening([schedule], datetime(2026, 3, 2, 8, 0)) is None
    good = {**schedule, "opens_at": "10:00:00", "closes_at": "12:00:00"}
    assert schedules.next_opening([good], datetime(2026, 3, 2, 8, 0)).starts == datetime(2026, 3, 2, 10, 0)


@pytest.mark.parametrize("link", ["https://example.org/a?b=1", "http://example.org", " HTTPS://Example.org "])
def test_http_and_https_addresses_are_links(link):
    assert web_address(link) == link.strip()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript://example.org/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//example.org",
        "https://",
        "https://exa\nmple.org",
        "http://[::1",
        "example.org",
        "",
        None,
    ],
)
def test_anything_else_is_not_a_link(link):
    assert web_address(link) is None


@pytest.mark.parametrize("text", ["=1+1", "+44", "-x", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_starts_a_formula_gets_an_apostrophe_and_reads_back_as_it_was(text):
    assert safe_cell(text) == "'" + text
    assert unneutralised(safe_cell(text)) == text


def test_plain_numbers_stay_numbers_and_other_text_is_untouched():
    assert number_or_safe_cell(-1.47) == "-1.47"
    assert number_or_safe_cell("-3") == "-3"
    assert number_or_safe_cell("-1.5e-05") == "'-1.5e-05"
    assert number_or_safe_cell(None) == ""
    assert safe_cell("Hallam") == "Hallam" and unneutralised("'quoted") == "'quoted"
