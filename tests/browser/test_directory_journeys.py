"""Stories: a reader finds local support near their postcode, in their language, and reports a wrong listing."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, MOBILE

BARNSLEY_GROUP = "22a45d33-86d7-5748-b926-b886aefb4946"


def test_a_reader_without_javascript_finds_a_support_group_near_s70_in_urdu_and_opens_it(
    browser, live_server
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/ur/support")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#directory-postcode").fill("S70 2TA")
    page.locator(".app-directory-filters summary").click()  # the filters fold away, without JavaScript too
    page.locator("#directory-category").select_option("support-groups")
    page.locator("#directory-within").select_option("10")
    page.locator("#directory-sort").select_option("distance")
    page.locator(".app-directory-form button").click()
    # The full postcode never stays in the address: only its district does.
    expect(page).to_have_url(
        f"{live_server}/ur/support?category=support-groups&postcode=S70&within=10&sort=distance&page=1"
    )
    expect(page.locator("#directory-postcode")).to_have_value("S70")
    first = page.locator(".app-directory-result h3 a").first
    expect(first).to_have_text("بارنزلی کینسر سپورٹ گروپ (مثال)")
    expect(page.locator(".app-attribution")).to_contain_text("Crown copyright")
    first.click()
    expect(page).to_have_url(f"{live_server}/ur/support/services/{BARNSLEY_GROUP}")
    expect(page.locator("h1")).to_have_text("بارنزلی کینسر سپورٹ گروپ (مثال)")
    expect(page.locator('a[href^="tel:"]').first).to_be_visible()
    context.close()


def test_a_reader_reports_a_wrong_listing_and_sees_a_confirmation(page, live_server, check_accessibility):
    page.goto(f"{live_server}/en/support/services/{BARNSLEY_GROUP}")
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessibility("report a problem with an error")
    page.get_by_label("The opening times or meeting dates are wrong").check()
    page.get_by_role("button", name="Send report").click()
    expect(page.locator("h1")).to_contain_text("Thank you for your report")
    check_accessibility("report sent")


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("code", ["ur", "en"])
@pytest.mark.parametrize(
    "path",
    [
        "/support",
        "/support?q=bereavement&postcode=S70&within=25&sort=distance&needs=free",
        "/support?postcode=ZZ99",
        "/support/category/support-groups",
        "/support/area/sheffield",
        f"/support/services/{BARNSLEY_GROUP}",
        f"/support/services/{BARNSLEY_GROUP}/report-a-problem",
    ],
)
def test_every_directory_page_passes_axe(page, live_server, check_accessibility, viewport, code, path):
    page.set_viewport_size(viewport)
    response = page.goto(f"{live_server}/{code}{path}")
    assert response.status == 200
    check_accessibility(f"{code}{path} at {viewport['width']}px")
