"""The content store format: parse, validate and write back byte for byte."""

import re
from datetime import date
from pathlib import Path

import pytest

from alliance.pages import content

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "content"
REAL = Path(__file__).resolve().parents[3] / "content"


def test_a_page_file_is_parsed_into_its_fields():
    page = content.parse((FIXTURES / "pages/example/en.md").read_text(), "example", "en")
    assert page.title == "Example screening"
    assert page.section == "screening" and page.order == 10 and page.clinical
    assert page.last_reviewed == date(2026, 11, 22) and page.next_review_due == date(2027, 11, 22)
    assert page.sources[0]["url"].startswith("https://www.nhs.uk/")
    assert page.easy_read == "example-easy-read"
    assert len(page.body_hash) == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("no front matter", "must start with"),
        ("---\ntitle: x\n", "no closing"),
        ("---\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        ("---\nsection: screening\n---\nbody", "'title' is required"),
        ("---\ntitle: T\nsection: gossip\n---\nbody", "section must be one of"),
        ("---\ntitle: T\nsection: screening\ncolour: blue\n---\nbody", "unknown front matter keys: colour"),
        ("---\ntitle: T\nsection: screening\nclinical: true\n---\nbody", "must name its sources"),
        ("---\ntitle: T\nsection: about\nlast_reviewed: soon\n---\nbody", "must be a date"),
        (
            "---\ntitle: T\nsection: about\nsources:\n- title: x\n  url: http://insecure\n---\nbody",
            "https:// url",
        ),
    ],
)
def test_a_broken_file_is_refused_with_a_message_naming_the_problem(text, message):
    with pytest.raises(content.ContentError, match=message):
        content.parse(text, "slug", "en")


def test_a_translation_must_record_its_english_origin_and_review_status():
    text = "---\ntitle: T\nsection: about\n---\nbody"
    with pytest.raises(content.ContentError, match="translated_from"):
        content.parse(text, "slug", "pl")
    with pytest.raises(content.ContentError, match="review_status"):
        content.parse(text.replace("section", "translated_from: abc\nsection"), "slug", "pl")


def _all_files(root: Path) -> list[Path]:
    return sorted((root / "pages").glob("*/*.md"))


@pytest.mark.parametrize(
    "path", _all_files(FIXTURES) + _all_files(REAL), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_content_file_is_in_canonical_form_so_export_is_byte_for_byte(path):
    text = path.read_text(encoding="utf-8")
    assert content.dump(content.parse(text, path.parent.name, path.stem)) == text


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("title: &t Title\nsummary: *t\nsection: help", "line 2: YAML anchors and aliases"),
        ("title: T\nsection: help\nsources:\n- &s {title: x, url: 'https://a.example'}\n- *s", "line 5"),
        ("title: T\nsummary: " + "s" * 601 + "\nsection: help", "'summary' is longer than 600"),
        ("title: T\nsection: help\nowner: " + "o" * 121, "'owner' is longer than 120"),
        ("title: T\nsection: help\ntranslated_from: " + "a" * 13, "'translated_from' is longer than 12"),
        ("title: T\nsection: help\norder: -1", "'order' must be between 0 and 100000"),
        (
            "title: T\nsection: help\nsources:\n" + "- {title: x, url: 'https://a.example'}\n" * 51,
            "at most 50 sources",
        ),
        ("title: T\nsection: help\nsources:\n- {title: x, url: 'https://" + "a" * 2000 + "'}", "source url"),
        ("title: T\nsection: help\n1: one", "unknown front matter keys: 1"),
        ("title: T\nsection: help\neasy_read: {a: 1}", "'easy_read' must be the slug of a page"),
        ("title: T\nsection: help\nreview_status: [x]", "review_status must be one of"),
        ("title: T\nsection: help\ntranslator_note: [x]", "'translator_note' must be text"),
    ],
    ids=["alias", "anchor in a list", "summary", "owner", "translated_from", "order", "sources", "url"]
    + ["number key", "easy read", "review status", "note"],
)
def test_front_matter_with_anchors_aliases_or_oversize_fields_is_refused_naming_the_line_or_field(
    front_matter, message
):
    with pytest.raises(content.ContentError, match=re.escape(message)):
        content.parse(f"---\n{front_matter}\n---\nbody", "slug", "en")


def test_a_content_file_over_the_size_limit_is_refused_before_its_yaml_is_read():
    text = "---\ntitle: T\nsection: help\n---\n" + "w" * content.MAX_FILE_BYTES
    with pytest.raises(content.ContentError, match="the file is over 256 KB"):
        content.parse(text, "slug", "en")


def test_every_reader_of_content_files_loads_front_matter_through_the_one_function(tmp_path):
    # read_tree (seed, flask pages load, the zip import) refuses an alias as parse does.
    folder = tmp_path / "pages" / "slug"
    folder.mkdir(parents=True)
    (folder / "en.md").write_text("---\ntitle: &t T\nsummary: *t\nsection: help\n---\nbody\n")
    pages, errors = content.read_tree(tmp_path)
    assert pages == [] and errors == [
        "pages/slug/en.md: line 2: YAML anchors and aliases (& and *) are not allowed"
    ]


EASY_READ_HEAD = "---\ntitle: Easy\nsection: screening\n---\n\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("![](icon:doctor) See a GP.", "the picture 'doctor' has no alt text"),
        ("![A doctor](https://example.com/doctor.png) See a GP.", "is not one of the site's own pictures"),
        ("![A doctor](/static/nhsuk/doctor.png) See a GP.", "is not one of the site's own pictures"),
        ("![A doctor](icon:no-such-picture) See a GP.", "there is no picture called 'no-such-picture'"),
    ],
)
def test_a_page_with_a_bad_picture_is_refused_with_a_clear_message(body, message):
    with pytest.raises(content.ContentError, match=re.escape(message)) as error:
        content.parse(EASY_READ_HEAD + body, "easy", "en")
    assert str(error.value).startswith("easy/en.md: ")


def test_a_picture_may_have_empty_alt_text_only_when_marked_decorative():
    page = content.parse(EASY_READ_HEAD + '![](icon:people "decorative") People.\n', "easy", "en")
    assert "icon:people" in page.body
    assert content.parse(EASY_READ_HEAD + "![Two people](icon:people) People.\n", "easy", "en").body
