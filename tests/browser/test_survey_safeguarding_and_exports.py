"""Stories: a moderator redacts a name and a phone number and the downloads carry neither; a person's
answer that may show a safeguarding concern reaches the safeguarding lead by email at once, with a link
to the answer and none of its words."""

import csv
import io
import json
from datetime import UTC, datetime

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.extensions import db
from alliance.surveys import submission
from alliance.surveys.models import Survey
from tests.browser.conftest import sign_in_with_a_code
from tests.factories import StaffUserFactory
from tests.integration.backoffice.conftest import SmtpServer, send_mail

SLUG = "have-your-say-on-cancer-care"
PERSONAL = "The ward was calm. My name is Maria Kowalczyk, ring me on 07700 900517 any time."
CONCERN = "Since the diagnosis I can't cope and nobody is helping me at home."
LEAD = "safeguarding.lead.browser@example.nhs.uk"


def a_member_of_staff(app, email: str, roles: str) -> dict:
    with app.app_context():
        user = StaffUserFactory(email=email, roles=roles)
        db.session.add(user)
        db.session.commit()
        return {"email": user.email, "secret": user.totp_secret}


@pytest.fixture
def smtp_for_the_site(live_app, live_server):
    """A real SMTP server on 127.0.0.1 that the site sends to, safeguarding contacts configured, and
    links built on the address the browser uses."""
    server = SmtpServer()
    keys = ("SMTP_HOST", "SMTP_PORT", "MAIL_TRANSPORT", "SAFEGUARDING_CONTACTS", "SITE_URL")
    old = {key: live_app.config[key] for key in keys}
    live_app.config.update(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=server.port,
        MAIL_TRANSPORT="smtp",
        SAFEGUARDING_CONTACTS=[LEAD],
        SITE_URL=live_server,
    )
    inbox = server.start()
    yield inbox
    server.stop()
    live_app.config.update(old)


def given_i_am_signed_in(page, base, staff):
    sign_in_with_a_code(page, base, staff["email"], staff["secret"])


def when_i_download(page, link_name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.path().read_bytes()


def test_a_moderator_redacts_a_name_and_a_phone_number_and_no_download_carries_them(
    page, live_app, live_server, check_accessibility
):
    # Given an answer with a name and a phone number, and a member of staff who moderates and reports.
    with live_app.app_context():
        answers = {"connection": "public", "barriers": ["transport"], "tell_us_more": PERSONAL}
        when = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
        content = live_app.config["CONTENT_DIR"]
        submission.submit(db.session, SLUG, "en", submission.new_token(), answers, {}, content, now=when)
        survey_id = db.session.scalar(select(Survey.id).where(Survey.slug == SLUG))
    staff = a_member_of_staff(live_app, "redact.export.browser@example.nhs.uk", "administrator")
    given_i_am_signed_in(page, live_server, staff)

    # When they redact both in the moderation screen, which says what downloads will carry...
    page.goto(f"{live_server}/backoffice/moderation/{survey_id}")
    page.locator(".app-moderation-item", has_text="The ward was calm").get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("Reports, quotes and downloads (CSV, spreadsheet, JSON)")
    page.get_by_label("Approve with the parts chosen below redacted").check()
    page.get_by_label("possible name: Maria Kowalczyk").check()
    page.get_by_label("possible phone number: 07700 900517").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".app-flash")).to_contain_text("approved")
    check_accessibility("queue after redacting")

    # ...then download the responses in each format from the report.
    page.goto(f"{live_server}/backoffice/surveys/{survey_id}/report")
    expect(page.locator("main")).to_contain_text("Free-text answers are downloaded as moderated")
    check_accessibility("report with downloads")
    csv_text = when_i_download(page, "Responses as CSV").decode("utf-8-sig")
    json_text = when_i_download(page, "Responses as JSON").decode("utf-8")
    workbook = openpyxl.load_workbook(
        io.BytesIO(when_i_download(page, "Responses, questions, themes and equality counts as a spreadsheet"))
    )
    xlsx_text = "\n".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row
    )

    # Then neither the name nor the phone number is in any of them, and the redacted text is.
    for text in (csv_text, json_text, xlsx_text):
        assert "Kowalczyk" not in text and "900517" not in text
        assert "My name is [redacted], ring me on [redacted] any time." in text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert any(row["tell_us_more"].startswith("The ward was calm. My name is [redacted]") for row in rows)
    assert json.loads(json_text)["text"] == "moderated"
    check_accessibility("report after downloading")


def when_a_person_answers_the_survey(page, base: str, text: str) -> None:
    page.goto(f"{base}/en/surveys/{SLUG}/")
    page.locator("a.nhsuk-button").click()

    def and_continue():
        page.locator("form.app-survey-form button[type=submit]").click()

    page.locator('input[name="connection"][value="public"]').check()
    and_continue()
    and_continue()  # ranking: optional
    page.locator('input[name="barriers"][value="transport"]').check()
    and_continue()
    page.locator('textarea[name="tell_us_more"]').fill(text)
    and_continue()
    and_continue()  # postcode and number: optional
    and_continue()  # date and short text: optional
    and_continue()  # about you: optional
    page.locator("form.app-survey-form button[type=submit]").click()
    expect(page.locator(".app-survey-reference")).to_be_visible()


def test_a_safeguarding_concern_reaches_the_lead_by_email_with_a_link_and_no_answer_text(
    browser, page, live_app, live_server, smtp_for_the_site, check_accessibility
):
    inbox = smtp_for_the_site
    # Given the safeguarding lead is a contact for the survey and has a back-office account.
    lead = a_member_of_staff(live_app, LEAD, "moderator")

    # When a person sends an answer that may show a concern, and the mail sender runs as cron does.
    respondent = browser.new_context()
    answering = respondent.new_page()
    answering.route("https://assets.nhs.uk/**", lambda route: route.abort())
    when_a_person_answers_the_survey(answering, live_server, CONCERN)
    respondent.close()
    send_mail(live_app)

    # Then one email arrives for the lead, naming the concern and linking to the answer, without its words.
    arrived = [n for n, message in enumerate(inbox.messages) if LEAD in message.rcpt_tos]
    assert len(arrived) == 1
    body = inbox.body(arrived[0])
    assert "Possible distress, or no help at home" in body
    assert "cope" not in body and "helping me" not in body and "diagnosis" not in body
    link = next(
        line for line in body.splitlines() if line.startswith(f"{live_server}/backoffice/moderation/")
    )

    # And following the link after signing in shows the answer, marked urgent.
    given_i_am_signed_in(page, live_server, lead)
    page.goto(link)
    expect(page.locator("main")).to_contain_text(CONCERN)
    expect(page.locator("main")).to_contain_text("Urgent")
    expect(page.locator("main")).to_contain_text("Possible distress, or no help at home")
    check_accessibility("the answer the alert links to")
