"""What a reader of a translated page is told at the top: not yet checked, or older than the English."""

import re
import shutil

import pytest

from alliance.pages import content, services
from alliance.search import index
from tests.integration.conftest import load_with_second_person


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def notice_of(main: str) -> str | None:
    found = re.search(
        r'<div class="nhsuk-card nhsuk-card--warning app-translation-notice".*?</div>\s*</div>', main, re.S
    )
    return found.group(0) if found else None


@pytest.fixture
def two_urdu_pages(app, session, content_dir):
    """The example page and a second one, each in English and in Urdu awaiting review."""
    shutil.copytree(content_dir / "pages/example", content_dir / "pages/example-two")
    for lang in ("en", "ur"):
        path = content_dir / "pages/example-two" / f"{lang}.md"
        path.write_text(path.read_text().replace("easy_read: example-easy-read\n", ""))
    services.seed_pages(session, content_dir)
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])
    return content_dir


def mark_urdu_reviewed(content_dir, slug: str) -> None:
    english = content.parse((content_dir / f"pages/{slug}/en.md").read_text(), slug, "en")
    path = content_dir / f"pages/{slug}/ur.md"
    text = re.sub(r"translated_from: \w+", f"translated_from: {english.body_hash}", path.read_text())
    path.write_text(text.replace("review_status: awaiting-translator-review", "review_status: reviewed"))


def test_an_unreviewed_urdu_page_says_so_at_the_top_in_urdu(client, two_urdu_pages):
    main = main_of(client.get("/ur/example"))
    notice = notice_of(main)
    assert notice is not None
    # Before the page's title and its advice.
    assert main.index(notice) < main.index("<h1>") < main.index("0800 707 6060")
    assert 'data-translation-state="unreviewed"' in notice
    assert "اس ترجمے کی جانچ نہیں ہوئی" in notice
    assert "کسی مستند مترجم نے ابھی تک اس کی جانچ نہیں کی" in notice
    assert '<a href="/en/example" hreflang="en">یہ صفحہ انگریزی میں پڑھیں</a>' in notice
    assert '<span dir="ltr" class="app-ltr">111</span>' in notice and "NHS 111" in notice
    assert "translator" not in notice  # said in Urdu, not English


def test_the_old_small_print_at_the_foot_of_the_page_is_gone(client, two_urdu_pages):
    main = main_of(client.get("/ur/example"))
    assert "اس ترجمے کو ابھی تک کسی مستند مترجم نے چیک نہیں کیا ہے" not in main
    assert main.count("app-translation-notice") == 1


def test_english_pages_and_english_standing_in_have_no_translation_notice(client, two_urdu_pages):
    assert notice_of(main_of(client.get("/en/example"))) is None
    polish = main_of(client.get("/pl/example"))
    assert notice_of(polish) is None
    assert "nhsuk-inset-text" in polish  # the page is not in Polish yet, so it is shown in English


def test_a_reviewed_urdu_page_loses_the_notice_and_only_that_page_does(client, session, two_urdu_pages):
    mark_urdu_reviewed(two_urdu_pages, "example")
    load_with_second_person(session, two_urdu_pages)
    assert notice_of(main_of(client.get("/ur/example"))) is None
    other = notice_of(main_of(client.get("/ur/example-two")))
    assert other is not None and 'data-translation-state="unreviewed"' in other


def test_when_the_english_changes_a_reviewed_translation_says_it_may_be_out_of_date(
    client, session, two_urdu_pages
):
    mark_urdu_reviewed(two_urdu_pages, "example")
    load_with_second_person(session, two_urdu_pages)
    path = two_urdu_pages / "pages/example/en.md"
    path.write_text(path.read_text().replace("Screening checks", "The test checks"))
    load_with_second_person(session, two_urdu_pages)
    notice = notice_of(main_of(client.get("/ur/example")))
    assert notice is not None
    assert 'data-translation-state="outdated"' in notice
    assert "ہو سکتا ہے یہ ترجمہ پرانا ہو" in notice
    assert "انگریزی صفحہ بدل گیا ہے" in notice
    assert '<a href="/en/example" hreflang="en">' in notice
    # The other page's English did not change: it still only awaits review.
    assert 'data-translation-state="unreviewed"' in notice_of(main_of(client.get("/ur/example-two")))


def test_the_easy_read_link_on_a_translated_page_says_the_easy_read_page_is_in_english(
    client, two_urdu_pages
):
    main = main_of(client.get("/ur/example"))
    assert (
        '<a href="/ur/example-easy-read" hreflang="en">آسان زبان (Easy Read) والا ورژن (انگریزی میں)</a>'
        in main
    )
    english = main_of(client.get("/en/example"))
    assert '<a href="/en/example-easy-read">Read the Easy Read version of this page</a>' in english


def test_a_translated_easy_read_page_is_linked_without_saying_english(client, session, two_urdu_pages):
    english = (two_urdu_pages / "pages/example-easy-read/en.md").read_text()
    body_hash = content.body_hash(english.split("\n---\n", 1)[1])
    urdu = english.replace("title: Example screening (Easy Read)", "title: مثال (آسان زبان)").replace(
        "standard: example\n",
        f"standard: example\ntranslated_from: {body_hash}\nreview_status: awaiting-translator-review\n",
    )
    (two_urdu_pages / "pages/example-easy-read/ur.md").write_text(urdu)
    load_with_second_person(session, two_urdu_pages)
    main = main_of(client.get("/ur/example"))
    assert "(انگریزی میں)" not in main
    assert 'href="/ur/example-easy-read">' in main
