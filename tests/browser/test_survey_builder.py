"""Story: an engagement lead builds a small survey with a conditional question, translates it into
Urdu and previews it in Urdu as the public would see it; every page passes axe."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from alliance.extensions import db
from alliance.surveys.models import Response, Survey
from tests.browser.conftest import sign_in_with_a_code
from tests.factories import StaffUserFactory

SLUG = "bowel-screening-views"


@pytest.fixture(scope="module")
def lead(live_app):
    with live_app.app_context():
        user = StaffUserFactory(email="lead.browser@example.nhs.uk", roles="engagement_lead")
        db.session.add(user)
        db.session.commit()
        return user.email, user.totp_secret


def given_i_am_signed_in_as_an_engagement_lead(page, base, lead):
    email, secret = lead
    sign_in_with_a_code(page, base, email, secret)


def when_i_add_a_question(page, number: int, kind: str) -> None:
    page.locator(f"section:has(h3:text-is('Page {number}')) select").select_option(kind)
    page.get_by_role("button", name=f"Add a question to page {number}").click()


def test_a_lead_builds_a_conditional_survey_and_previews_it_in_urdu(
    page, live_app, live_server, lead, check_accessibility
):
    given_i_am_signed_in_as_an_engagement_lead(page, live_server, lead)
    page.goto(f"{live_server}/backoffice/surveys")
    check_accessibility("survey list")
    page.get_by_role("button", name="Create survey").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessibility("survey list with errors")
    page.get_by_label("Web address name").fill(SLUG)
    page.get_by_label("English title").fill("Your views on bowel screening")
    page.get_by_role("button", name="Create survey").click()
    expect(page.locator(".app-flash")).to_contain_text("Survey created")
    check_accessibility("survey overview")

    page.get_by_role("link", name="Edit title, introduction").click()
    page.get_by_label("Introduction").fill("Tell us about bowel screening.")
    page.get_by_label("Privacy notice").fill("Your answers are anonymous.")
    check_accessibility("survey details")
    page.get_by_role("button", name="Save details").click()
    page.get_by_role("button", name="Add a page").click()
    page.get_by_role("button", name="Add a page").click()

    when_i_add_a_question(page, 1, "yes_no")
    page.get_by_label("Question", exact=True).fill("Have you done the home test kit?")
    page.get_by_label("Yes, an answer is needed").check()
    check_accessibility("new yes or no question")
    page.get_by_role("button", name="Save question").click()
    when_i_add_a_question(page, 2, "long_text")
    page.get_by_label("Question", exact=True).fill("What was it like?")
    page.get_by_label("Character limit").fill("abc")
    page.get_by_label("‘Have you done the home test kit?’ is ‘Yes’").check()
    page.get_by_role("button", name="Save question").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a number")
    expect(page.get_by_label("Question", exact=True)).to_have_value("What was it like?")
    check_accessibility("conditional question with an error")
    page.get_by_label("Character limit").fill("500")
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("main")).to_contain_text("shown only for some answers to q1")

    page.get_by_role("link", name="Urdu").click()
    expect(page.locator("main [lang=ur]").first).to_be_visible()  # the translation page has loaded
    page.wait_for_load_state("load")
    for box in page.locator("main [lang=ur]").all():
        box.fill("اردو " + box.get_attribute("name"))
    check_accessibility("Urdu translation")
    page.get_by_role("button", name="Save translation").click()
    expect(page.locator(".app-flash")).to_contain_text("It is complete")

    page.get_by_role("link", name="Preview in ur").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator(".app-survey-preview")).to_contain_text("Preview: answers are not saved")
    check_accessibility("preview start in Urdu")
    page.locator("a.nhsuk-button").click()
    page.locator('input[name="q1"][value="yes"]').check()
    check_accessibility("preview question in Urdu")
    page.locator("form.app-survey-form button[type=submit]").click()
    expect(page.locator("textarea[name=q2]")).to_be_visible()
    check_accessibility("preview conditional question in Urdu")
    page.locator("textarea[name=q2]").fill("ٹھیک تھا")
    page.locator("form.app-survey-form button[type=submit]").click()
    check_accessibility("preview about you in Urdu")
    page.locator("form.app-survey-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("ٹھیک تھا")
    check_accessibility("preview check answers in Urdu")
    page.locator("form.app-survey-form button[type=submit]").click()
    expect(page.locator(".app-flash")).to_contain_text("nothing was sent")

    with live_app.app_context():
        survey = db.session.scalar(select(Survey).where(Survey.slug == SLUG))
        assert survey.status == "draft"
        responses = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        assert responses == 0
