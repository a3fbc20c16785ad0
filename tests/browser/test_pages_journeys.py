"""Stories: a reader finds and reads screening and symptom information in their own language."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize(("code", "direction"), [("ur", "rtl"), ("pl", "ltr"), ("ar", "rtl")])
def test_a_reader_reads_bowel_screening_in_their_language_and_follows_the_easy_read_link(
    page, live_server, check_accessibility, viewport, code, direction
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/{code}/bowel-screening")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("article")).to_have_attribute("lang", code)
    expect(page.locator(".nhsuk-review-date")).to_be_visible()
    expect(page.locator(".app-sources a").first).to_be_visible()
    check_accessibility(f"bowel screening {code}")
    page.locator(".app-easy-read-link a").click()
    expect(page).to_have_url(f"{live_server}/{code}/bowel-screening-easy-read")
    expect(page.locator("h1")).to_be_visible()
    check_accessibility(f"bowel screening easy read {code}")


def test_a_reader_searches_for_poo_and_finds_bowel_screening(page, live_server, check_accessibility):
    page.goto(f"{live_server}/en/")
    page.get_by_role("searchbox").first.fill("poo")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.locator("#pages .app-search-results")).to_contain_text("Bowel cancer screening")
    check_accessibility("search results")
    page.locator("#pages .app-search-results a", has_text="Bowel cancer screening").first.click()
    expect(page).to_have_url(f"{live_server}/en/bowel-screening")


@pytest.mark.parametrize(
    "path",
    [
        "/en/screening",
        "/en/symptoms",
        "/en/lung-cancer-symptoms",
        "/ur/symptoms",
        "/ckb/breast-screening",
        "/so/cervical-screening",
        "/zh/lung-screening",
        "/en/about",
        "/en/get-involved",
        "/en/accessibility",
        "/en/privacy",
        "/en/contact",
        "/ur/skin-cancer-symptoms",
        "/ar/genetic-testing-appointment",
        "/pl/gynaecological-cancer-symptoms",
        "/bn/blood-cancer-symptoms",
        "/en/bladder-and-kidney-cancer-symptoms",
        "/ar/bladder-and-kidney-cancer-symptoms",
        "/ckb/cervical-screening",
        "/en/prostate-cancer-symptoms",
        "/en/search?q=zzzzqq",
        "/ar/search?q=poo",
    ],
)
def test_every_page_type_passes_axe(page, live_server, check_accessibility, path):
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    check_accessibility(path)


def test_a_reader_without_javascript_searches_in_polish_and_reads_the_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/pl/")
    page.locator("#search-field").fill("kaszel")
    page.locator("#search-field").press("Enter")
    expect(page).to_have_url(f"{live_server}/pl/search?q=kaszel")
    page.locator(".app-search-results a", has_text="Objawy raka płuc").click()
    expect(page).to_have_url(f"{live_server}/pl/lung-cancer-symptoms")
    expect(page.locator("article")).to_have_attribute("lang", "pl")
    context.close()


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("ur", "rtl")])
def test_the_mobile_back_link_s_chevron_is_on_the_reading_side_and_points_back(
    page, live_server, code, direction
):
    page.set_viewport_size(MOBILE)
    page.goto(f"{live_server}/{code}/bowel-screening")
    link = page.locator(".nhsuk-breadcrumb .nhsuk-back-link")
    expect(link).to_be_visible()
    chevron = link.evaluate(
        """link => {
            const box = link.getBoundingClientRect();
            const before = getComputedStyle(link, "::before");
            return {left: parseFloat(before.left), right: parseFloat(before.right), width: box.width,
                    transform: before.transform};
        }"""
    )
    # The chevron sits against the edge where reading starts: left in English, right in Urdu.
    start_edge = chevron["left"] if direction == "ltr" else chevron["right"]
    assert start_edge == 0
    # rotate(225deg) points left (back in English); rotate(45deg) points right (back in Urdu).
    a, b = (float(n) for n in chevron["transform"].split("(")[1].split(",")[:2])
    assert (a < 0) == (direction == "ltr") and (b < 0) == (direction == "ltr")
