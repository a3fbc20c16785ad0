"""The single rule for a translation's state."""

import pytest

from alliance.translation.state import translation_state


def test_a_reviewed_translation_of_the_published_english_is_reviewed():
    assert translation_state("reviewed", "abc123abc123", "abc123abc123") == "reviewed"


def test_a_translation_awaiting_review_of_the_published_english_is_unreviewed():
    assert translation_state("awaiting-translator-review", "abc123abc123", "abc123abc123") == "unreviewed"


def test_a_reviewed_translation_of_an_older_english_text_is_outdated():
    assert translation_state("reviewed", "000000000000", "abc123abc123") == "outdated"


def test_an_unreviewed_translation_of_an_older_english_text_is_outdated():
    assert translation_state(None, "000000000000", "abc123abc123") == "outdated"


def test_a_translation_with_no_record_of_its_english_is_outdated():
    assert translation_state("reviewed", None, "abc123abc123") == "outdated"


def test_a_translation_whose_english_is_not_published_is_never_reviewed():
    assert translation_state("reviewed", "abc123abc123", None) == "unreviewed"


@pytest.mark.parametrize(
    ("review_status", "translated_from", "english_body_hash", "expected"),
    [
        ("reviewed", "aaaaaaaaaaaa", "aaaaaaaaaaaa", "reviewed"),
        ("reviewed", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "outdated"),
        ("awaiting-translator-review", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "outdated"),
        ("awaiting-translator-review", "aaaaaaaaaaaa", "aaaaaaaaaaaa", "unreviewed"),
        (None, "aaaaaaaaaaaa", "aaaaaaaaaaaa", "unreviewed"),
        (None, None, None, "unreviewed"),
        ("reviewed", None, "aaaaaaaaaaaa", "outdated"),
    ],
)
def test_a_translation_is_reviewed_only_when_checked_against_the_current_english(
    review_status, translated_from, english_body_hash, expected
):
    assert translation_state(review_status, translated_from, english_body_hash) == expected
