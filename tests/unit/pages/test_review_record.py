"""A translation's review record in its front matter: reviewed_by, reviewed_on, reviewed_english."""

import pytest

from alliance.pages import content

HEAD = "title: T\nsection: about\norder: 0\nclinical: false\ntranslated_from: 0123456789ab\n"
RECORD = "review_status: reviewed\nreviewed_by: Urdu Reviewer\nreviewed_on: 2026-12-01\nreviewed_english: 0123456789ab\n"


def test_a_reviewed_translation_keeps_its_review_record_byte_for_byte():
    text = f"---\n{HEAD}{RECORD}translator_note: Checked.\n---\n\nبدن\n"
    page = content.parse(text, "slug", "ur")
    assert (page.reviewed_by, str(page.reviewed_on), page.reviewed_english) == (
        "Urdu Reviewer",
        "2026-12-01",
        "0123456789ab",
    )
    assert content.dump(page) == text


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ("review_status: reviewed\nreviewed_by: Someone\n", "needs all of reviewed_by, reviewed_on"),
        (RECORD.replace("review_status: reviewed", "review_status: awaiting-translator-review"), "only for"),
        (RECORD.replace("reviewed_on: 2026-12-01", "reviewed_on: yesterday"), "'reviewed_on' must be a date"),
        (RECORD.replace("0123456789ab\n", "not-a-hash\n"), "'reviewed_english' must be an English body hash"),
        (RECORD.replace("Urdu Reviewer", "[1, 2]"), "'reviewed_by' must be the reviewer's name"),
        (RECORD.replace("Urdu Reviewer", "r" * 121), "'reviewed_by' is longer than 120"),
    ],
    ids=["partial", "not reviewed", "date", "hash", "name", "long name"],
)
def test_a_broken_review_record_is_refused_naming_the_problem(record, message):
    with pytest.raises(content.ContentError, match=message):
        content.parse(f"---\n{HEAD}{record}---\nbody", "slug", "ur")


def test_an_english_page_cannot_carry_a_review_record():
    with pytest.raises(content.ContentError, match="only a translation has a review record"):
        content.parse(f"---\ntitle: T\nsection: about\n{RECORD}---\nbody", "slug", "en")
