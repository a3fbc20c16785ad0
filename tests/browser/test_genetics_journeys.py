"""Stories: a person checks whether to ask about genetic testing, and finds the service for their area."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE


def given_a_browser_without_javascript(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    return context, page


def when_i_choose(page, name: str, value: str) -> None:
    page.locator(f'input:not([type=hidden])[name="{name}"][value="{value}"]').check()


def and_i_continue(page) -> None:
    page.locator("form.app-guide-form button[type=submit]").click()


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_a_person_without_javascript_walks_the_guide_and_is_sent_to_their_gp(
    browser, live_server, axe, code, direction
):
    context, page = given_a_browser_without_javascript(browser)
    page.goto(f"{live_server}/{code}/genetic-testing/should-i-ask")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    page.locator("a.nhsuk-button").click()
    expect(page).to_have_url(f"{live_server}/{code}/genetic-testing/should-i-ask/your-history")

    and_i_continue(page)  # nothing chosen
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator(".nhsuk-error-message")).to_be_visible()

    when_i_choose(page, "own", "young")
    and_i_continue(page)
    expect(page.locator('input[name="family"]').first).to_be_visible()
    when_i_choose(page, "family", "bowel-womb")
    and_i_continue(page)
    page.locator("button.nhsuk-back-link").click()
    expect(page.locator('input[type=checkbox][name="family"][value="bowel-womb"]')).to_be_checked()
    and_i_continue(page)
    when_i_choose(page, "gene", "not-sure")
    and_i_continue(page)
    when_i_choose(page, "ancestry", "no")
    and_i_continue(page)

    assert "?" not in page.url  # the answers never went into an address, nor into history
    result = page.locator(".app-guide-result")
    expect(result.locator("li")).to_have_count(3 + 3 + 6)  # points, things to take, localities
    expect(page.locator(".nhsuk-review-date")).to_be_visible()
    page.locator(f'.app-guide-result a[href="/{code}/genetic-testing/services?area=rotherham"]').click()
    expect(page.locator(".app-genetics-service")).to_have_count(3)
    expect(page.locator(".app-genetics-service").first).to_contain_text("Sheffield Clinical Genetics Service")
    # The only cookie is the session holding the form token: nothing about the answers is kept.
    assert [cookie["name"] for cookie in context.cookies()] in ([], ["session"])
    context.close()


def test_a_person_who_ticks_none_of_these_is_still_told_to_talk_to_a_gp_if_worried(browser, live_server):
    context, page = given_a_browser_without_javascript(browser)
    page.goto(f"{live_server}/en/genetic-testing/should-i-ask/your-history")
    for name, value in (("own", "no"), ("family", "none"), ("gene", "no"), ("ancestry", "no")):
        when_i_choose(page, name, value)
        and_i_continue(page)
    expect(page.locator("h1")).to_have_text("Talk to your GP or care team")
    expect(page.locator(".app-guide-result")).to_contain_text("Family history can change")
    expect(page.locator(".app-guide-result")).to_contain_text(
        "If you are worried about cancer in your family"
    )
    context.close()


PAGES = [
    "/en/genetic-testing/services",
    "/en/genetic-testing/services?area=north-derbyshire",
    "/en/genetic-testing/services?area=nowhere",
    "/ar/genetic-testing/services?area=bassetlaw",
    "/en/genetic-testing/tests",
    "/ur/genetic-testing/tests",
    "/en/genetic-testing/should-i-ask",
    "/en/genetic-testing/should-i-ask/family?own=no",
    "/ckb/genetic-testing/should-i-ask/family?own=no&continue=1",
    "/en/genetic-testing/should-i-ask/result?own=young&family=young&gene=yes&ancestry=yes",
    "/ar/genetic-testing/should-i-ask/result",
]


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("path", PAGES)
def test_every_genetics_page_type_passes_axe(page, live_server, check_accessibility, viewport, path):
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server}{path}")
    assert response.status == 200
    check_accessibility(f"{path} {viewport['width']}")
