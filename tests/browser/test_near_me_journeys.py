"""Stories: a reader finds support near them for the first time, on a phone, in Urdu with JavaScript and
in Polish without it: nearest first, distances on every card, phone and online services always listed."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import AXE_TAGS, MOBILE

FIRST_SCREEN = 667  # the height of a small phone's screen, at 375px wide
PHONE = {"width": MOBILE["width"], "height": FIRST_SCREEN}


def open_support_from_the_menu(page, lang: str) -> None:
    """The header's "Find support" link; on a phone it may sit in the folded "More" menu."""
    link = page.locator(f'header a[href="/{lang}/support"]').first
    if not link.is_visible():
        page.locator("header .nhsuk-header__menu-toggle, header button[aria-expanded]").first.click()
    link.click()


def local_miles(page) -> list[float]:
    texts = page.locator(
        ".app-directory-results:not(.app-directory-results--remote) .app-directory-facts"
    ).all_inner_texts()
    return [
        float(m) for text in texts for m in re.findall(r"(\d+(?:[.,]\d+)?)\s", text.replace(",", "."))[:1]
    ]


def check_the_first_screen(page) -> None:
    """The count and the start of the first result are visible without scrolling."""
    heading = page.locator("#results-heading").bounding_box()
    first = page.locator(".app-directory-result").first.bounding_box()
    assert heading and heading["y"] + heading["height"] <= FIRST_SCREEN, heading
    assert first and first["y"] + 60 <= FIRST_SCREEN, first


def search_near_s5_speaking(page, language: str) -> None:
    page.locator("#directory-postcode").fill("S5 7AU")
    page.locator(".app-directory-filters summary").click()
    page.locator("#directory-language").select_option(language)
    page.locator(".app-directory-form button[type=submit]").click()


def test_an_urdu_reader_on_a_phone_finds_urdu_speaking_support_near_s5_nearest_first(
    browser, live_server, axe
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())

    def check(label: str) -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert not results.response["violations"], (label, [v["id"] for v in results.response["violations"]])

    page.goto(f"{live_server}/ur/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    check("home")
    page.goto(f"{live_server}/ur/bowel-screening")
    expect(page.locator("h1")).to_be_visible()
    check("bowel screening")
    open_support_from_the_menu(page, "ur")
    expect(page).to_have_url(f"{live_server}/ur/support")
    check("support")
    search_near_s5_speaking(page, "ur")
    # Only the district stays in the address; nearest first is the order without choosing it.
    expect(page).to_have_url(re.compile(r"/ur/support\?language=ur&postcode=S5(&page=1)?$"))
    expect(page.locator("#directory-sort")).to_have_value("")  # the default: nearest first, with a place
    first = page.locator(".app-directory-result").first
    expect(first.locator("h3")).to_have_text("شیفیلڈ کینسر سپورٹ گروپ (مثال)")
    expect(first).to_contain_text("2.9 میل دور")
    check_the_first_screen(page)
    miles = local_miles(page)
    assert miles and miles == sorted(miles)
    remote = page.locator(".app-directory-results--remote")
    expect(page.locator("#remote-heading")).to_contain_text("فون یا آن لائن دستیاب")
    expect(remote).to_contain_text("Macmillan Support Line")
    expect(remote.locator(".app-directory-in-english").first).to_be_visible()
    page.screenshot(path=str(_shots() / "urdu-s5-phone.png"))
    check("results near S5")
    context.close()


def test_a_polish_reader_without_javascript_finds_polish_speaking_support_near_s5_nearest_first(
    browser, live_server, axe
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    # axe is a script, and scripts do not run here: each step's address is checked in a second page
    # that runs scripts, with the same markup from the server.
    checker = browser.new_page(viewport=PHONE)
    checker.route("https://assets.nhs.uk/**", lambda route: route.abort())

    def check(label: str) -> None:
        checker.goto(page.url)
        results = axe.run(checker, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert not results.response["violations"], (label, [v["id"] for v in results.response["violations"]])

    page.goto(f"{live_server}/pl/")
    check("home")
    page.goto(f"{live_server}/pl/bowel-screening")
    check("bowel screening")
    page.locator('header a[href="/pl/support"]').first.click()
    expect(page).to_have_url(f"{live_server}/pl/support")
    check("support")
    expect(page.locator(".app-directory-filters")).not_to_have_attribute("open", "")
    search_near_s5_speaking(page, "pl")
    expect(page).to_have_url(re.compile(r"/pl/support\?language=pl&postcode=S5(&page=1)?$"))
    first = page.locator(".app-directory-result").first
    expect(first).to_contain_text("mil stąd")
    check_the_first_screen(page)
    miles = local_miles(page)
    assert miles and miles == sorted(miles)
    expect(page.locator("#remote-heading")).to_contain_text("Dostępne telefonicznie lub online")
    expect(page.locator(".app-directory-results--remote")).to_contain_text("Macmillan Support Line")
    check("results near S5")
    # A town name in Polish works as well as a postcode, and open now narrows the list.
    page.locator("#directory-postcode").fill("Sheffield")
    page.locator(".app-directory-filters summary").click()
    page.locator("#needs-3").check()
    page.locator(".app-directory-form button[type=submit]").click()
    expect(page.locator(".app-directory-form")).to_be_visible()
    expect(page.locator("body")).to_contain_text("centrum miejscowości Sheffield")
    check("open now near Sheffield")
    checker.close()
    context.close()


def _shots():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
