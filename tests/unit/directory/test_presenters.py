from datetime import datetime

import pytest

from alliance import create_app
from alliance.directory import presenters
from alliance.directory.schedules import Opening


@pytest.fixture(scope="module")
def app():
    return create_app("test", {"DATABASE_URL": "sqlite://"})


@pytest.fixture
def english(app):
    with app.test_request_context("/en/support"):
        app.preprocess_request()
        yield


@pytest.fixture
def polish(app):
    with app.test_request_context("/pl/support"):
        app.preprocess_request()
        yield


def test_a_weekly_schedule_reads_as_days_and_hours(english):
    text = presenters.schedule_text(
        {"freq": "WEEKLY", "byday": "WE,MO", "opens_at": "09:00", "closes_at": "17:00"}
    )
    assert text == "Every Monday and Wednesday, 09:00 to 17:00"


def test_a_monthly_schedule_names_which_week(english):
    text = presenters.schedule_text({"freq": "MONTHLY", "byday": "-1FR", "opens_at": "18:30:00"})
    assert text == "The last Friday of every month, from 18:30"


def test_a_daily_schedule_reads_as_every_day(english):
    assert presenters.schedule_text({"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR,SA,SU"}) == "Every day"


def test_a_schedule_without_a_rule_shows_its_own_description(english):
    assert presenters.schedule_text({"description": "By appointment"}) == "By appointment"


def test_day_names_come_in_the_readers_language(polish):
    text = presenters.schedule_text(
        {"freq": "WEEKLY", "byday": "MO", "opens_at": "09:00", "closes_at": "12:00"}
    )
    assert "poniedziałek" in text


def test_the_next_opening_names_the_date_and_hours(english):
    opening = Opening(datetime(2026, 12, 8, 10, 30), datetime(2026, 12, 8, 12, 30))
    assert presenters.opening_text(opening) == "Next open: Tuesday, 8 December 2026, 10:30 to 12:30"
    assert presenters.opening_text(None) == ""


def test_a_translation_is_used_when_the_reader_has_one_and_english_otherwise():
    card = {
        "name": "Group",
        "description": "About",
        "translations": {"ur": {"name": "گروپ", "description": None}},
    }
    assert presenters.localised(card, "ur") == ("گروپ", "About", True)
    assert presenters.localised(card, "pl") == ("Group", "About", False)
    assert presenters.localised(card, "en") == ("Group", "About", True)


def test_ages_read_naturally(english):
    assert presenters.ages_text(16, 24) == "Ages 16 to 24"
    assert presenters.ages_text(18, None) == "Ages 18 and over"
    assert presenters.ages_text(None, None) == ""
