"""The retention rules without a database: month arithmetic, when a survey closed, reading a reference."""

from datetime import UTC, datetime

import pytest

from alliance.surveys.models import Survey
from alliance.surveys.retention import add_months, closed_since, normalise_reference

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2025, 3, 31, 12, 0), 24, datetime(2027, 3, 31, 12, 0)),
        (datetime(2025, 8, 31), 6, datetime(2026, 2, 28)),  # a shorter month ends on its last day
        (datetime(2023, 2, 28), 12, datetime(2024, 2, 28)),
        (datetime(2025, 11, 15), 2, datetime(2026, 1, 15)),
        (datetime(2025, 11, 15), 0, datetime(2025, 11, 15)),
    ],
)
def test_months_are_added_by_the_calendar(start, months, expected):
    assert add_months(start, months) == expected


def test_a_survey_closed_by_staff_counts_from_the_day_they_closed_it():
    survey = Survey(
        status="closed", closed_at=datetime(2026, 1, 5), closes_at=datetime(2026, 3, 1, tzinfo=UTC)
    )
    assert closed_since(survey, NOW) == datetime(2026, 1, 5, tzinfo=UTC)


def test_a_survey_whose_closing_time_came_first_counts_from_then():
    survey = Survey(status="closed", closed_at=datetime(2026, 3, 5), closes_at=datetime(2026, 3, 1))
    assert closed_since(survey, NOW) == datetime(2026, 3, 1, tzinfo=UTC)


def test_an_open_survey_before_its_closing_time_has_not_closed():
    assert closed_since(Survey(status="open", closes_at=datetime(2026, 7, 1, tzinfo=UTC)), NOW) is None
    assert closed_since(Survey(status="open"), NOW) is None
    # "closed" with no date recorded cannot start the clock.
    assert closed_since(Survey(status="closed"), NOW) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ABCD-2345", "ABCD-2345"),
        ("abcd2345", "ABCD-2345"),
        (" ab cd 23 45 ", "ABCD-2345"),
        ("ABCD–2345", "ABCD-2345"),  # an en dash from a phone's keyboard
        ("ABCD-234", None),
        ("ABCD-23456", None),
        ("ABCD-23%5", None),
        ("", None),
        (None, None),
    ],
)
def test_a_reference_is_read_ignoring_case_spaces_and_hyphens(typed, expected):
    assert normalise_reference(typed) == expected
