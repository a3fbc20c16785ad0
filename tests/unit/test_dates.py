from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.dates import DateError, parse_date_parts


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_every_real_date_typed_in_the_three_boxes_reads_back_as_itself(day):
    assert parse_date_parts(str(day.day), str(day.month), str(day.year)) == day
    assert parse_date_parts(f" {day.day:02d}", f"{day.month:02d} ", f"{day.year}") == day


@given(st.dates(), st.integers(min_value=0, max_value=999))
def test_a_year_of_fewer_than_four_digits_is_an_error_never_an_early_year(day, year):
    with pytest.raises(DateError) as raised:
        parse_date_parts(str(day.day), str(day.month), str(year))
    assert str(raised.value) == "Enter the year as four digits, like 2026"


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2000, max_value=2100))
def test_a_day_past_the_end_of_its_month_is_not_a_real_date(month, year):
    last = 31 if month == 12 else (date(year, month + 1, 1) - date(year, month, 1)).days
    with pytest.raises(DateError, match="Enter a real date"):
        parse_date_parts(str(last + 1), str(month), str(year))


@given(st.text(max_size=6), st.text(max_size=6), st.text(max_size=6))
def test_any_text_in_the_boxes_is_a_date_none_or_a_date_error_and_nothing_else(day, month, year):
    try:
        value = parse_date_parts(day, month, year)
    except DateError as error:
        assert error.message
    else:
        assert value is None or 1000 <= value.year <= 9999


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "2", "26"), "Enter the year as four digits, like 2026"),
        (("1", "2", "0026"), "Enter the year as four digits, like 2026"),
        (("1", "2", "20266"), "Enter the year as four digits, like 2026"),
        (("1", "2", ""), "Enter the year as four digits, like 2026"),
        (("30", "2", "2026"), "Enter a real date"),
        (("1", "13", "2026"), "Enter a real date"),
        (("-1", "2", "2026"), "Enter a real date"),
        (("1.5", "2", "2026"), "Enter a real date"),
        (("١", "٢", "٢٠٢٦"), "Enter a real date"),
        (("", "", "2026"), "Enter a real date"),
    ],
)
def test_each_kind_of_mistake_has_a_clear_message(parts, message):
    with pytest.raises(DateError) as raised:
        parse_date_parts(*parts)
    assert str(raised.value) == message


def test_three_empty_boxes_are_no_date():
    assert parse_date_parts("", " ", None) is None
