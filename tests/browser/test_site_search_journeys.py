"""Stories: a reader types what they are looking for into the header search and finds every kind of help."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_a_reader_searches_the_header_for_hospice_and_finds_support_near_them(
    page, live_server, check_accessibility, viewport
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/en/")
    page.get_by_role("searchbox").first.fill("hospice")
    page.get_by_role("searchbox").first.press("Enter")
    support = page.locator("section#support")
    expect(support.get_by_role("heading", name="Support near you")).to_be_visible()
    expect(support.locator("h3 a").first).to_contain_text("Hospice Day Services")
    check_accessibility("site search for hospice")
    support.get_by_role("link", name="Find all 7 support services for hospice by area or postcode").click()
    expect(page).to_have_url(f"{live_server}/en/support?q=hospice")


def test_a_reader_searches_in_urdu_and_sees_grouped_results_right_to_left(
    page, live_server, check_accessibility
):
    page.goto(f"{live_server}/ur/")
    page.get_by_role("searchbox").first.fill("سمیر ٹیسٹ")
    page.get_by_role("searchbox").first.press("Enter")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    pages = page.locator("section#pages")
    expect(pages.locator("h2")).to_have_text("معلوماتی صفحات")
    expect(pages.locator("h3 a").first).to_have_attribute("href", "/ur/cervical-screening")
    check_accessibility("site search in Urdu")


def test_a_misspelt_search_with_no_javascript_shows_the_corrected_results(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/en/")
    page.locator("#search-field").fill("bowl cancer")
    page.locator("#search-field").press("Enter")
    expect(page.locator(".app-suggestion")).to_contain_text("results for bowel cancer")
    page.locator("section#pages h3 a").first.click()
    expect(page).to_have_url(f"{live_server}/en/bowel-cancer-symptoms")
    context.close()


@pytest.mark.parametrize(
    "path",
    [
        "/en/search?q=wig",
        "/ar/search?q=%D9%81%D8%AD%D8%B5+%D8%A7%D9%84%D8%A8%D8%B1%D8%A7%D8%B2",
        "/en/search/pages?q=cancer",
    ],
)
def test_the_site_search_pages_pass_axe(page, live_server, check_accessibility, path):
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    check_accessibility(path)
