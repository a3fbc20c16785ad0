"""Stories: a person answers the example survey in their own language, without JavaScript, and sends it twice."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from alliance.surveys.models import Response
from tests.browser.conftest import DESKTOP, MOBILE

SLUG = "have-your-say-on-cancer-care"


def given_a_browser_without_javascript(browser, viewport=DESKTOP):
    context = browser.new_context(java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    return context, page


def and_i_continue(page) -> None:
    page.locator("form.app-survey-form button[type=submit]").click()


def when_i_answer_every_question(page, check=lambda label: None) -> None:
    and_i_continue(page)  # nothing chosen on a required question
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check("question with an error")
    page.locator('input[name="connection"][value="carer"]').check()
    and_i_continue(page)
    check("rating question")
    page.locator('input[name="experience_rating"][value="2"]').check()
    and_i_continue(page)
    check("ranking question")
    for rank, option in enumerate(["support", "quick", "close", "explained", "choices"], start=1):
        page.locator(f'select[name="what_matters[{option}]"]').select_option(str(rank))
    and_i_continue(page)
    check("multiple choice with other")
    page.locator('input[name="barriers"][value="transport"]').check()
    page.locator('input[name="barriers"][value="other"]').check()
    page.locator('input[name="barriers.other"]').fill("Parcheggio")
    and_i_continue(page)
    check("long text")
    page.locator('textarea[name="tell_us_more"]').fill("Opieka była dobra")
    and_i_continue(page)
    check("postcode and number")
    page.locator('input[name="outcode"]').fill("S40 1AA")
    page.locator('input[name="travel_minutes"]').fill("25")
    and_i_continue(page)
    check("date and short text")
    page.locator('input[name="last_appointment[day]"]').fill("12")
    page.locator('input[name="last_appointment[month]"]').fill("10")
    page.locator('input[name="last_appointment[year]"]').fill("2026")
    and_i_continue(page)
    check("about you")
    page.locator('input[name="age_band"][value="45-54"]').check()
    and_i_continue(page)


def count_responses(app, lang: str) -> int:
    session = app.extensions["db"]["sessionmaker"]()
    try:
        return session.scalar(select(func.count()).select_from(Response).where(Response.lang == lang))
    finally:
        session.close()


@pytest.mark.parametrize(("code", "direction"), [("ur", "rtl"), ("pl", "ltr")])
def test_a_person_without_javascript_answers_in_their_language_and_sending_twice_stores_one_response(
    browser, live_server, live_app, code, direction
):
    before = count_responses(live_app, code)  # other stories may have answered in this language
    context, page = given_a_browser_without_javascript(browser)
    page.goto(f"{live_server}/{code}/surveys/")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    page.locator(f'a[href="/{code}/surveys/{SLUG}/"]').click()
    page.locator("a.nhsuk-button").click()
    when_i_answer_every_question(page)

    expect(page).to_have_url(f"{live_server}/{code}/surveys/{SLUG}/check-your-answers")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("Opieka była dobra")
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text("S40")
    form = page.locator("form.app-survey-form")
    sent_again = {
        "csrf_token": form.locator('input[name="csrf_token"]').input_value(),
        "token": form.locator('input[name="token"]').input_value(),
    }
    form.locator("button[type=submit]").dblclick()
    reference = page.locator(".app-survey-reference").inner_text()
    assert len(reference) == 9

    # The same form sent once more, as a retry or a resent page would.
    again = page.request.post(f"{live_server}/{code}/surveys/{SLUG}/check-your-answers", form=sent_again)
    assert again.ok and reference in again.text()
    assert count_responses(live_app, code) == before + 1
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
@pytest.mark.parametrize("code", ["en", "ar"])
def test_every_survey_page_passes_axe(page, live_server, check_accessibility, viewport, code):
    page.set_viewport_size(viewport)

    def check(label: str) -> None:
        # A click returns once the next page starts loading; let the header's script finish first.
        page.wait_for_load_state("load")
        check_accessibility(f"{code} {label} {viewport['width']}")

    page.goto(f"{live_server}/{code}/surveys/")
    check("survey list")
    page.goto(f"{live_server}/{code}/surveys/{SLUG}/")
    check("start page")
    page.locator("a.nhsuk-button").click()
    check("first question")
    when_i_answer_every_question(page, check)
    check("check your answers")
    page.locator("form.app-survey-form button[type=submit]").click()
    expect(page.locator(".app-survey-reference")).to_be_visible()
    check("sent")
    page.goto(f"{live_server}/{code}/surveys/{SLUG}/?expired=1")
    check("start again")
