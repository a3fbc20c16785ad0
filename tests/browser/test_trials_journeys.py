"""Stories: a young person's family finds a local cancer trial, in Urdu, without JavaScript."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.extensions import db
from alliance.trials.models import Trial
from tests.browser.conftest import DESKTOP, MOBILE


def trial_path(live_app, registry_id: str, lang: str = "en") -> str:
    with live_app.app_context():
        trial_id = db.session.scalar(select(Trial.id).where(Trial.registry_id == registry_id))
    return f"/{lang}/clinical-trials/trial/{trial_id}"


def test_a_reader_without_javascript_searches_trials_in_urdu_and_opens_one(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/ur/clinical-trials/find")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    page.locator("#cancer").select_option("blood")
    page.locator("#age").fill("19")
    page.locator("#locality").select_option("Sheffield")
    page.locator("form.app-filter-form button").click()
    expect(page).to_have_url(
        f"{live_server}/ur/clinical-trials/find?cancer=blood&age=19&locality=Sheffield&hospital=&phase=&recruiting=yes"
    )
    results = page.locator(".app-trial-results a")
    expect(results).to_have_count(1)
    results.first.click()
    expect(page.locator("h1")).to_have_text("A gentler treatment plan for young people with Hodgkin lymphoma")
    expect(page.locator("html")).to_have_attribute("lang", "ur")
    expect(page.locator(".nhsuk-card")).to_have_count(2)
    expect(page.locator(".nhsuk-review-date")).to_be_visible()
    context.close()


def test_a_mistyped_age_is_explained_without_losing_it(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/ar/clinical-trials/find")
    page.locator("#age").fill("twenty")
    page.locator("form.app-filter-form button").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator("#age")).to_have_value("twenty")
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_kind_of_trials_page_has_no_accessibility_violations(
    page, live_server, live_app, check_accessibility, viewport, lang
):
    page.set_viewport_size(viewport)
    paths = [
        f"/{lang}/clinical-trials/find",
        f"/{lang}/clinical-trials/find?recruiting=all&page=2",
        f"/{lang}/clinical-trials/find?age=abc&cancer=nothing",
        f"/{lang}/clinical-trials/find?cancer=lung&locality=Bassetlaw",
        f"/{lang}/clinical-trials/young-people",
        trial_path(live_app, "NCT09990005", lang),
        trial_path(live_app, "NCT09990011", lang),
        trial_path(live_app, "NCT09990015", lang),  # a record over 6 months old: the notice
        trial_path(live_app, "NCT09990006", lang),  # from 18 months
    ]
    for path in paths:
        page.goto(f"{live_server}{path}")
        expect(page.locator("h1")).to_be_visible()
        check_accessibility(f"{path} at {viewport['width']}px")
