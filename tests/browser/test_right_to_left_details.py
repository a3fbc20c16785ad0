"""Stories: a reader of Arabic or Urdu on a desktop finds breadcrumbs and errors on their reading side,
and answers "Is this page useful?" without JavaScript."""

from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP


def test_breadcrumbs_read_from_the_right_in_arabic(page, live_server, check_accessibility):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/ar/bowel-screening")
    items = page.locator(".nhsuk-breadcrumb__list-item")
    home, section = items.nth(0).bounding_box(), items.nth(1).bounding_box()
    assert home["x"] > section["x"], "the first breadcrumb should be the rightmost"
    check_accessibility("arabic content page with breadcrumbs")


def test_the_red_bar_beside_a_question_with_an_error_is_on_the_right_in_urdu(page, live_server):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/ur/surveys/have-your-say-on-cancer-care/questions/1")
    page.locator("form button[type=submit]").last.click()
    group = page.locator(".nhsuk-form-group--error").first
    expect(group).to_be_visible()
    assert group.evaluate("e => getComputedStyle(e).borderRightWidth") == "4px"
    assert group.evaluate("e => getComputedStyle(e).borderLeftWidth") == "0px"


def test_a_reader_without_javascript_says_a_page_is_useful(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/ur/bowel-screening")
    page.locator('.app-useful button[value="yes"]').click()
    expect(page.locator('input[name="answer"][value="yes"]')).to_be_checked()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("h1")).to_have_text("آپ کی رائے کا شکریہ")
    context.close()


def test_the_usefulness_pages_pass_axe(page, live_server, check_accessibility):
    page.goto(f"{live_server}/ar/bowel-screening/useful?answer=no")
    check_accessibility("usefulness form")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("h1")).to_be_visible()
    check_accessibility("usefulness thank you")
