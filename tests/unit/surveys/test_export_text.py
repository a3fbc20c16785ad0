"""Which text an export carries for one answer: the moderator's decision, or the text as typed only when asked."""

import pytest

from alliance.surveys.exports import AWAITING, is_free_text, shown_text


@pytest.mark.parametrize(
    ("status", "published", "expected"),
    [
        ("approved", "Ring me on [redacted]", "Ring me on [redacted]"),
        ("rejected", None, None),
        ("pending", None, AWAITING),
        (None, None, AWAITING),  # free text with no review yet is never let out as typed
    ],
)
def test_an_export_carries_the_moderated_text(status, published, expected):
    assert shown_text("Ring me on 07700 900123", status, published) == expected


def test_the_text_as_typed_comes_out_only_when_asked_for():
    assert shown_text("Ring me on 07700 900123", "rejected", None, raw=True) == "Ring me on 07700 900123"


@pytest.mark.parametrize(
    ("kind", "value", "free"),
    [
        ("long_text", "Kind nurses", True),
        ("short_text", "Evening clinics", True),
        ("multiple", "Parking", True),  # the "other, please say" text
        ("single", "", False),
        ("ranking", "2", False),
        ("number", "45", False),
        ("rating", "4", False),
        ("date", "2026-09-03", False),
    ],
)
def test_free_text_is_text_questions_and_other_please_say_text(kind, value, free):
    assert is_free_text(kind, value) is free
