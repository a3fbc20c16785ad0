"""Stories: a reader finds what a closed survey heard and what the Alliance will do, in English and in
Urdu; a respondent deletes their answers with their reference; an engagement lead edits the page."""

from datetime import UTC, datetime

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from alliance.extensions import db
from alliance.surveys import feedback
from alliance.surveys.models import (
    Answer,
    AnswerReview,
    EqualityResponse,
    Question,
    Response,
    Survey,
    SurveyLanguage,
    SurveyPage,
    SurveyText,
)
from tests.browser.test_backoffice_journeys import given_i_sign_in
from tests.factories import StaffUserFactory

SLUG = "screening-invitations-2025"
REFERENCE = "WXYZ-2345"


@pytest.fixture(scope="module")
def closed_survey(live_app):
    """A closed survey with approved answers, "You said, we did" in English and Urdu, and one response
    whose reference the respondent kept."""
    # Several stories here post the erase form from one address: the limit is tested on its own elsewhere.
    live_app.config["SURVEY_ERASE_RATE_LIMIT"] = "100 per 10 minutes"
    with live_app.app_context():
        session = db.session
        survey = Survey(slug=SLUG, version=1, status="closed", closed_at=datetime(2026, 9, 1, tzinfo=UTC))
        session.add(survey)
        session.flush()
        page = SurveyPage(survey_id=survey.id, position=1)
        survey.pages.append(page)
        page.questions.append(Question(survey_id=survey.id, key="tell_us", position=1, kind="long_text"))
        for lang, title in (("en", "Screening invitations"), ("ur", "اسکریننگ کے دعوت نامے")):
            session.add(SurveyLanguage(survey_id=survey.id, lang=lang, offered=True))
            session.add(SurveyText(survey_id=survey.id, lang=lang, key="title", text=title))
        session.flush()
        question = page.questions[0]
        quoted = []
        for number, (lang, text) in enumerate(
            [("en", "The letter was hard to read"), ("ur", "خط اردو میں ہونا چاہیے"), ("en", "kept")], start=1
        ):
            response = Response(
                survey_id=survey.id,
                survey_version=1,
                reference=REFERENCE if text == "kept" else f"BRWS-{number}{number}{number}{number}",
                token=f"browser-feedback-{number}",
                lang=lang,
                monitoring_id=f"browserfeedback{number}",
            )
            response.answers.append(Answer(question_id=question.id, value=text))
            session.add(response)
            session.add(
                EqualityResponse(
                    id=response.monitoring_id, survey_id=survey.id, submitted_on=datetime(2026, 8, 1).date()
                )
            )
            session.flush()
            if text != "kept":
                session.add(
                    AnswerReview(
                        answer_id=response.answers[0].id, survey_id=survey.id, status="approved", text=text
                    )
                )
                quoted.append(response.answers[0].id)
        session.flush()
        feedback.save(
            session, survey.id, "en", "You told us the letters were hard to read.", "We will rewrite them."
        )
        feedback.save(
            session, survey.id, "ur", "آپ نے بتایا کہ خطوط پڑھنا مشکل تھا۔", "ہم انہیں دوبارہ لکھیں گے۔"
        )
        feedback.choose_quotes(session, survey.id, quoted)
        feedback.publish(session, survey.id)
        session.commit()
        return survey.id


def test_a_reader_finds_you_said_we_did_in_english_and_in_urdu(
    page, live_server, closed_survey, check_accessibility
):
    page.goto(f"{live_server}/en/surveys/")
    page.locator('a[href="/en/surveys/you-said-we-did"]').click()
    check_accessibility("feedback index en")
    page.locator(f'a[href="/en/surveys/{SLUG}/you-said-we-did"]').click()
    expect(page.locator("h1")).to_have_text("Screening invitations")
    expect(page.locator("main")).to_contain_text("We will rewrite them.")
    expect(page.locator('blockquote[lang="ur"]')).to_have_attribute("dir", "rtl")
    expect(page.locator('blockquote[lang="en"]')).to_have_attribute("dir", "ltr")
    check_accessibility("feedback en")

    page.goto(f"{live_server}/ur/surveys/{SLUG}/you-said-we-did")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("h1")).to_have_attribute("lang", "ur")
    expect(page.locator("main")).to_contain_text("ہم انہیں دوبارہ لکھیں گے۔")
    expect(page.locator(".nhsuk-inset-text")).to_have_count(0)  # its own text: no English notice
    check_accessibility("feedback ur")

    # Polish has no text yet: the English, marked as English, with a notice.
    page.goto(f"{live_server}/pl/surveys/{SLUG}/you-said-we-did")
    expect(page.locator(".nhsuk-inset-text")).to_be_visible()
    expect(page.locator("h1")).to_have_attribute("lang", "en")
    check_accessibility("feedback pl fallback")

    page.goto(f"{live_server}/ur/get-involved")
    expect(page.locator(f'a[href="/ur/surveys/{SLUG}/you-said-we-did"]')).to_have_attribute("dir", "rtl")
    check_accessibility("get involved ur")


def count_responses(app) -> tuple[int, int]:
    with app.app_context():
        responses = db.session.scalar(
            select(func.count()).select_from(Response).where(Response.reference == REFERENCE)
        )
        equality = db.session.scalar(
            select(func.count())
            .select_from(EqualityResponse)
            .where(EqualityResponse.id == "browserfeedback3")
        )
        return responses, equality


def test_a_respondent_deletes_their_answers_with_their_reference_without_javascript(
    browser, live_server, live_app, closed_survey
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{live_server}/en/surveys/erase")
    page.locator('input[name="reference"]').fill("nope")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator('input[name="reference"]')).to_have_value("nope")
    page.locator('input[name="reference"]').fill(REFERENCE.lower().replace("-", " "))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".app-survey-reference")).to_have_text(REFERENCE)
    assert "The letter was hard to read" not in page.content()
    assert count_responses(live_app) == (1, 1)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/en/surveys/erase/done")
    assert count_responses(live_app) == (0, 0)
    context.close()


@pytest.mark.parametrize(("code", "direction"), [("en", "ltr"), ("ur", "rtl")])
def test_every_erase_page_passes_axe(page, live_server, closed_survey, check_accessibility, code, direction):
    page.goto(f"{live_server}/{code}/surveys/erase")
    expect(page.locator("html")).to_have_attribute("dir", direction)
    check_accessibility(f"erase form {code}")
    page.locator('input[name="reference"]').fill("ZZZZ-9999")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    expect(page.locator('input[name="reference"]')).to_have_value("ZZZZ-9999")
    check_accessibility(f"erase error {code}")
    page.locator('input[name="reference"]').fill("BRWS-1111")
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".app-survey-reference")).to_have_text("BRWS-1111")
    check_accessibility(f"erase confirm {code}")
    page.goto(f"{live_server}/{code}/surveys/erase/done")
    check_accessibility(f"erase done {code}")


def test_an_engagement_lead_edits_the_you_said_we_did_page(
    page, live_app, live_server, closed_survey, check_accessibility
):
    with live_app.app_context():
        lead = StaffUserFactory(email="lead.feedback@example.nhs.uk", roles="engagement_lead")
        db.session.add(lead)
        db.session.commit()
        secret = lead.totp_secret
    given_i_sign_in(page, live_server, "lead.feedback@example.nhs.uk")
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server}/backoffice/surveys/{closed_survey}/feedback")
    expect(page.get_by_role("heading", name="You said, we did", exact=True)).to_be_visible()
    check_accessibility("back-office feedback")
    page.get_by_label("What we will do (Urdu)").fill("ہم انہیں آسان زبان میں دوبارہ لکھیں گے۔")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".app-flash")).to_contain_text("Changes saved")
    check_accessibility("back-office feedback saved")
    page.goto(f"{live_server}/backoffice/surveys/erase")
    check_accessibility("back-office erase")
