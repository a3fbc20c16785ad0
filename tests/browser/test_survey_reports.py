"""Story: an engagement lead signs in with their code, opens a survey report and reads it."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.extensions import db
from alliance.surveys.models import Survey
from tests.browser.conftest import sign_in_with_a_code
from tests.factories import StaffUserFactory
from tests.integration.surveys.test_reports import make_responses


@pytest.fixture(scope="module")
def lead_and_survey(live_app):
    with live_app.app_context():
        lead = StaffUserFactory(email="report.reader.browser@example.nhs.uk", roles="engagement_lead")
        db.session.add(lead)
        db.session.commit()
        survey_id = db.session.scalar(select(Survey.id).where(Survey.slug == "have-your-say-on-cancer-care"))
        # Other stories may have answered the survey already: these 44 make the report's numbers.
        make_responses(db.session, survey_id)
        return lead.email, lead.totp_secret, survey_id


def given_i_sign_in_with_my_code(page, base, email, secret):
    sign_in_with_a_code(page, base, email, secret)


def test_an_engagement_lead_reads_a_report_with_small_numbers_suppressed(
    page, live_server, lead_and_survey, check_accessibility
):
    email, secret, survey_id = lead_and_survey
    given_i_sign_in_with_my_code(page, live_server, email, secret)

    page.goto(f"{live_server}/backoffice/surveys/{survey_id}/report")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("img").first).to_be_visible()
    expect(page.locator("td", has_text="*").first).to_be_visible()
    check_accessibility("survey report")

    # They break the choices down by sex, with the filters and no JavaScript needed.
    page.get_by_label("Break down choice questions by").select_option("sex")
    page.get_by_role("button", name="Show report").click()
    expect(page.get_by_role("columnheader", name="Prefer not to say").first).to_be_visible()
    check_accessibility("survey report by sex")

    # A bad date gets a clear error and keeps what they typed.
    page.locator("#date_from-day").fill("31")
    page.locator("#date_from-month").fill("2")
    page.locator("#date_from-year").fill("2026")
    page.get_by_role("button", name="Show report").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a real date")
    expect(page.locator("#date_from-day")).to_have_value("31")
    check_accessibility("survey report with an error")


CHART_TEXT_FITS = """() => [...document.querySelectorAll("svg.app-chart")].flatMap((svg) => {
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].map((text) => {
    const r = text.getBoundingClientRect();
    return {
      text: text.textContent,
      size: parseFloat(getComputedStyle(text).fontSize),
      inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5
        && r.bottom <= box.bottom + 0.5,
    };
  });
})"""


@pytest.fixture(scope="module")
def second_reader(live_app, lead_and_survey):
    """Another engagement lead, so signing in does not reuse the first one's security code."""
    with live_app.app_context():
        lead = StaffUserFactory(email="report.reader.narrow@example.nhs.uk", roles="engagement_lead")
        db.session.add(lead)
        db.session.commit()
        return lead.email, lead.totp_secret, lead_and_survey[2]


def test_chart_labels_are_whole_and_readable_on_a_phone_and_on_a_desktop(
    page, live_server, second_reader, tmp_path_factory
):
    email, secret, survey_id = second_reader
    given_i_sign_in_with_my_code(page, live_server, email, secret)
    shots = tmp_path_factory.mktemp("report")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/backoffice/surveys/{survey_id}/report?by=sex")
        expect(page.locator("svg.app-chart").first).to_be_visible()

        texts = page.evaluate(CHART_TEXT_FITS)
        assert len(texts) > 10
        too_small = [t["text"] for t in texts if t["size"] < 14]
        clipped = [t["text"] for t in texts if not t["inside"]]
        assert (width, too_small, clipped) == (width, [], [])
        page.screenshot(path=str(shots / f"report-{width}.png"), full_page=True)
        page.get_by_role("heading", name="Questions", exact=True).scroll_into_view_if_needed()
        page.screenshot(path=str(shots / f"questions-{width}.png"))
