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


@pytest.mark.parametrize("value", ["22a45d33-86d7-5748-b926-b886aefb4946", "a b/c?d#e%f", "ünï"])
def test_a_link_made_once_and_filled_in_matches_url_for(english, value):
    from flask import url_for

    href = presenters.link_maker("directory.service", "service_id")
    assert href(value) == url_for("directory.service", service_id=value)
    term = presenters.link_maker("directory.category", "term")
    assert term(value) == url_for("directory.category", term=value)


def test_counts_are_remembered_per_language_not_shared_between_them(app):
    with app.test_request_context("/en/support"):
        app.preprocess_request()
        english = presenters.count_text(12345)
    with app.test_request_context("/pl/support"):
        app.preprocess_request()
        polish = presenters.count_text(12345)
    assert english == "12,345"
    assert polish == "12\N{NO-BREAK SPACE}345"


def test_language_options_are_named_in_the_readers_language_in_the_datas_order(polish):
    labels = presenters.language_labels({"ur": "Urdu", "pl": "Polish", "xx-made-up": "Made-up"})
    assert list(labels) == ["xx-made-up", "pl", "ur"]
    assert labels["pl"] == "polski" and labels["xx-made-up"] == "Made-up"
