"""Stories: a reader arrives, reads in their language on desktop and mobile, and switches language."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE

LANGUAGES = [("en", "ltr"), ("ur", "rtl"), ("pl", "ltr")]


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize(("code", "direction"), LANGUAGES)
def test_a_reader_sees_the_home_page_in_their_language(
    page, live_server, check_accessibility, viewport, code, direction
):
    page.set_viewport_size(viewport)
    page.goto(f"{live_server}/{code}/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", direction)
    expect(html).to_have_attribute("lang", code)
    expect(page.locator("h1")).to_have_count(1)
    check_accessibility(f"home {code} {viewport['width']}")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize(("code", "direction"), LANGUAGES)
def test_a_reader_who_follows_a_broken_link_gets_a_helpful_page(
    page, live_server, check_accessibility, viewport, code, direction
):
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server}/{code}/this-page-does-not-exist")
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("dir", direction)
    expect(page.locator("main a[href='https://111.nhs.uk']")).to_be_visible()
    check_accessibility(f"404 {code}")


def test_a_reader_switches_from_english_to_urdu_and_stays_on_the_same_page(
    page, live_server, check_accessibility
):
    page.goto(f"{live_server}/en/this-page-does-not-exist")
    page.goto(f"{live_server}/en/")
    page.get_by_role("navigation", name="Choose a language").get_by_role("link", name="اردو").click()
    expect(page).to_have_url(f"{live_server}/ur/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.get_by_role("link", name="Polski").click()
    expect(page).to_have_url(f"{live_server}/pl/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    check_accessibility("home pl after switching")


def test_the_site_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/so/")
    expect(page.locator("html")).to_have_attribute("lang", "so")
    page.get_by_role("link", name="English").first.click()
    expect(page).to_have_url(f"{live_server}/en/")
    context.close()


VIOLATIONS_SCRIPT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


def test_the_pages_scripts_run_under_the_csp_when_served_from_the_cache(page, live_app, live_server):
    live_app.config["PAGE_CACHE"] = True
    try:
        page.add_init_script(VIOLATIONS_SCRIPT)
        for visit in ("first, rendered", "again, from the cache", "with a tracking link"):
            query = "?utm_source=newsletter&fbclid=abc" if visit == "with a tracking link" else ""
            response = page.goto(f"{live_server}/en/bowel-screening{query}")
            assert response.status == 200, visit
            assert "sha256-" in response.headers["content-security-policy"], visit
            body = page.locator("body")
            # The NHS template's inline line ran, and so did the inline module that starts nhsuk-frontend.
            expect(body).to_have_class(re.compile(r"\bjs-enabled\b.*\bnhsuk-frontend-supported\b"))
            expect(page.locator("[data-module='nhsuk-header']")).to_have_attribute(
                "data-nhsuk-header-init", ""
            )
            assert page.evaluate("window.__cspViolations") == [], visit
    finally:
        live_app.config["PAGE_CACHE"] = False
        live_app.extensions["page_cache"].clear()
