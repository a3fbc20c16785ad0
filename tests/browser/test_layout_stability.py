"""Stories: a reader on a phone opens a page and nothing jumps as it loads, in any language."""

import re

import pytest

PHONE = {"width": 375, "height": 667}
# Adds up the page's layout shifts as Chrome reports them (the Cumulative Layout Shift of the load).
MEASURE_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({type: "layout-shift", buffered: true});
"""
SCRIPTS = re.compile(r".*\.m?js(\?.*)?$")
PAGES = ["/en/", "/ar/", "/ur/", "/ckb/", "/en/bowel-screening", "/ur/bowel-screening"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    yield page
    context.close()


@pytest.mark.parametrize("path", PAGES)
def test_before_its_script_runs_a_page_is_no_wider_than_the_phone(phone, live_server, path):
    # The state a slow phone shows while the script is still on its way: the script never arrives here.
    phone.route(SCRIPTS, lambda route: route.abort())
    phone.goto(f"{live_server}{path}", wait_until="load")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{path} is {width}px wide before the header script runs"


@pytest.mark.parametrize("path", PAGES)
def test_a_page_loading_on_a_phone_shifts_less_than_a_tenth(phone, live_server, path):
    phone.add_init_script(MEASURE_SHIFTS)
    phone.goto(f"{live_server}{path}", wait_until="load")
    phone.wait_for_function("document.querySelector('[data-nhsuk-header-init]') !== null")
    phone.wait_for_timeout(300)
    shift = phone.evaluate("window.__layoutShift")
    assert shift < 0.1, f"{path}: cumulative layout shift {shift:.3f}"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
