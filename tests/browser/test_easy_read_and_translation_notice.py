"""Stories: a reader of a translation is told first that it is unchecked; Easy Read pictures sit on the
reading side of their words, in English and in the Urdu site."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from alliance.extensions import db
from alliance.pages import content, services
from tests.browser.conftest import DESKTOP, MOBILE

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "easy-read"

ENGLISH_BODY = "![A doctor](icon:doctor) See a GP.\n\n![A phone](icon:phone) Call 111 for help.\n"
URDU_BODY = "![ایک ڈاکٹر](icon:doctor) جی پی سے ملیں۔\n\n![ایک فون](icon:phone) مدد کے لیے 111 پر کال کریں۔\n"
HEAD = "---\ntitle: {title}\nsection: help\norder: 900\nclinical: false\n{extra}---\n\n"


@pytest.fixture(scope="module")
def urdu_easy_read(live_app, tmp_path_factory):
    """An Easy Read page written in Urdu (a test page: the site's own Easy Read pages are English)."""
    folder = tmp_path_factory.mktemp("content") / "pages" / "picture-side-easy-read"
    folder.mkdir(parents=True)
    (folder / "en.md").write_text(
        HEAD.format(title="Picture side example (Easy Read)", extra="") + ENGLISH_BODY
    )
    origin = (
        f"translated_from: {content.body_hash(ENGLISH_BODY)}\nreview_status: awaiting-translator-review\n"
    )
    (folder / "ur.md").write_text(HEAD.format(title="تصویر کی سمت کی مثال", extra=origin) + URDU_BODY)
    with live_app.app_context():
        services.seed_pages(db.session, folder.parent.parent)
    return "/ur/picture-side-easy-read"


def shot(page, name: str) -> None:
    """The screen as the reader first sees it, and the page's text with its pictures."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    page.locator("article").screenshot(path=str(SHOTS / f"{name}-article.png"))


def picture_sides(page) -> list[dict]:
    """For each picture row: where the picture and its words are, left to right on the screen."""
    return page.locator(".app-picture-row").evaluate_all(
        """rows => rows.map(row => {
            const picture = row.querySelector("img").getBoundingClientRect();
            const words = row.querySelector(".app-picture-row__text");
            const text = words.getBoundingClientRect();
            const style = getComputedStyle(words);
            return {pictureLeft: picture.left, pictureRight: picture.right, textLeft: text.left,
                    textRight: text.right, fontSize: parseFloat(style.fontSize),
                    lineHeight: parseFloat(style.lineHeight), loaded: row.querySelector("img").naturalWidth > 0};
        })"""
    )


def test_an_unreviewed_urdu_page_shows_its_notice_first_above_the_fold_on_a_phone(
    page, live_server, check_accessibility
):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server}/ur/bowel-screening")
    first = page.locator("#maincontent .nhsuk-grid-column-two-thirds > *").first
    expect(first).to_have_class("nhsuk-card nhsuk-card--warning app-translation-notice")
    # Unchecked ("unreviewed"), or older than the English if that has changed since ("outdated").
    assert first.get_attribute("data-translation-state") in ("unreviewed", "outdated")
    heading = first.locator("h2")
    expect(heading).to_be_visible()
    box = heading.bounding_box()
    assert box is not None and box["y"] + box["height"] <= MOBILE["height"]
    # Above the page's title and its advice, with the English page and the interpreter sentence.
    title = page.locator("article h1").bounding_box()
    assert title is not None and box["y"] < title["y"]
    expect(first.locator('a[hreflang="en"]')).to_have_attribute("href", "/en/bowel-screening")
    expect(first).to_contain_text("NHS 111")
    easy_read = page.locator(".app-easy-read-link a")
    expect(easy_read).to_have_attribute("hreflang", "en")
    expect(easy_read).to_contain_text("(انگریزی میں)")
    shot(page, "ur-bowel-screening-phone")
    check_accessibility("unreviewed Urdu bowel screening on a phone")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_english_easy_read_pictures_sit_left_of_their_words_in_large_text(
    page, live_server, check_accessibility, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/en/bowel-screening-easy-read")
    rows = picture_sides(page)
    assert len(rows) >= 10
    for row in rows:
        assert row["loaded"]
        assert row["pictureRight"] <= row["textLeft"]
        assert row["fontSize"] >= (18 if viewport is MOBILE else 19)
        assert row["lineHeight"] >= 1.5 * row["fontSize"]
    shot(page, f"en-bowel-easy-read-{'phone' if viewport is MOBILE else 'desktop'}")
    check_accessibility("English Easy Read")


def test_the_english_easy_read_page_in_the_urdu_site_keeps_pictures_on_the_english_reading_side(
    page, live_server, check_accessibility
):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server}/ur/bowel-screening-easy-read")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("article")).to_have_attribute("dir", "ltr")
    rows = picture_sides(page)
    assert rows and all(row["pictureRight"] <= row["textLeft"] for row in rows)
    shot(page, "ur-site-english-easy-read-phone")
    check_accessibility("English Easy Read in the Urdu site")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_an_easy_read_page_written_in_urdu_has_its_pictures_on_the_right(
    page, live_server, check_accessibility, urdu_easy_read, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}{urdu_easy_read}")
    expect(page.locator("article")).to_have_attribute("dir", "rtl")
    expect(page.locator(".app-translation-notice")).to_be_visible()
    rows = picture_sides(page)
    assert len(rows) == 2
    for row in rows:
        assert row["loaded"]
        assert row["pictureLeft"] >= row["textRight"]
        assert row["fontSize"] >= 18 and row["lineHeight"] >= 1.5 * row["fontSize"]
    shot(page, f"ur-easy-read-{'phone' if viewport is MOBILE else 'desktop'}")
    check_accessibility("Easy Read written in Urdu")


@pytest.mark.parametrize("slug", ["symptoms-easy-read", "worried-about-a-symptom-easy-read"])
def test_the_symptoms_easy_read_pages_show_a_picture_with_each_idea_and_pass_axe(
    page, live_server, check_accessibility, slug
):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server}/en/{slug}")
    rows = picture_sides(page)
    assert len(rows) >= 10
    assert all(row["loaded"] and row["pictureRight"] <= row["textLeft"] for row in rows)
    expect(page.locator(".app-easy-read-link a")).to_have_attribute("href", "/en/symptoms")
    shot(page, f"en-{slug}-phone")
    check_accessibility(slug)


def test_the_urdu_symptoms_hub_links_to_its_easy_read_version_in_english(page, live_server):
    page.goto(f"{live_server}/ur/symptoms")
    link = page.locator(".app-easy-read-link a")
    expect(link).to_have_attribute("hreflang", "en")
    link.click()
    expect(page).to_have_url(f"{live_server}/ur/symptoms-easy-read")
    expect(page.locator("article")).to_have_attribute("lang", "en")
