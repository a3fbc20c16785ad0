"""The one decision about a translation: reviewed, outdated or unreviewed."""

import pytest

from alliance.translation.state import translation_state


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
