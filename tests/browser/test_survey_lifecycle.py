"""The whole life of a survey: an engagement lead builds it with a conditional question and opens it in
Urdu and Polish; people answer without JavaScript and send twice; a moderator redacts a phone number and
approves the rest; the report suppresses small numbers; the exports hold no live formulas; and once the
survey has been closed long enough, retention removes its responses."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from alliance.extensions import db
from alliance.surveys import submission
from alliance.surveys.models import AnswerReview, Response, Survey
from tests.browser.conftest import AXE_TAGS, sign_in_with_a_code
from tests.browser.test_survey_builder import when_i_add_a_question
from tests.factories import StaffUserFactory

SLUG = "life-of-a-survey"
PHONE = "07700 900461"
ANSWERS = {
    "ur": f"نرس بہت اچھی تھی۔ مجھے {PHONE} پر فون کریں",
    "pl": '=HYPERLINK("http://example.com","Pielęgniarki były miłe")',
}


@pytest.fixture(scope="module")
def people(live_app):
    with live_app.app_context():
        lead = StaffUserFactory(email="lifecycle.lead@example.nhs.uk", roles="engagement_lead")
        moderator = StaffUserFactory(email="lifecycle.moderator@example.nhs.uk", roles="moderator")
        db.session.add_all([lead, moderator])
        db.session.commit()
        return {"lead": (lead.email, lead.totp_secret), "moderator": (moderator.email, moderator.totp_secret)}


def signed_in(browser, base, person):
    email, secret = person
    context = browser.new_context()
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    sign_in_with_a_code(page, base, email, secret)
    expect(page.get_by_role("heading", name="Back-office", level=1)).to_be_visible()
    return context, page


def build_and_open(page, base) -> int:
    page.goto(f"{base}/backoffice/surveys")
    page.get_by_label("Web address name").fill(SLUG)
    page.get_by_label("English title").fill("Your experience of the chemotherapy unit")
    page.get_by_role("button", name="Create survey").click()
    survey_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    page.get_by_role("link", name="Edit title, introduction").click()
    page.get_by_label("Introduction").fill("Tell us about the chemotherapy unit.")
    page.get_by_label("Privacy notice").fill("Your answers are anonymous.")
    page.get_by_role("button", name="Save details").click()
    page.get_by_role("button", name="Add a page").click()
    page.get_by_role("button", name="Add a page").click()
    when_i_add_a_question(page, 1, "yes_no")
    page.get_by_label("Question", exact=True).fill("Have you had treatment in the unit?")
    page.get_by_label("Yes, an answer is needed").check()
    page.get_by_role("button", name="Save question").click()
    when_i_add_a_question(page, 2, "long_text")
    page.get_by_label("Question", exact=True).fill("What was it like?")
    page.get_by_label("Character limit").fill("500")
    page.get_by_label("‘Have you had treatment in the unit?’ is ‘Yes’").check()
    page.get_by_role("button", name="Save question").click()

    for name, code in (("Urdu", "ur"), ("Polish", "pl")):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page).to_have_url(f"{base}/backoffice/surveys/{survey_id}/translations/{code}")
        expect(page.locator(f"main [lang={code}]").first).to_be_visible()
        page.wait_for_load_state("load")
        for box in page.locator(f"main [lang={code}]").all():
            box.fill(f"{code} " + box.get_attribute("name"))
        page.get_by_role("button", name="Save translation").click()
        expect(page.locator(".app-flash")).to_contain_text("It is complete")
        page.goto(f"{base}/backoffice/surveys/{survey_id}")
        page.get_by_role("button", name=f"Offer in {code}").click()
    page.get_by_role("button", name="Open this version").click()
    expect(page.locator("main")).to_contain_text("open")
    return survey_id


def answer_and_send_twice(browser, base, code: str, text: str, check, javascript: bool) -> str:
    context = browser.new_context(java_script_enabled=javascript)
    if not javascript:
        check = lambda page, label: None  # noqa: E731  (axe is a script; these pages are checked in the Polish run)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.goto(f"{base}/{code}/surveys/{SLUG}/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if code == "ur" else "ltr")
    check(page, f"{code} start")
    page.locator("a.nhsuk-button").click()
    page.locator('input[name="q1"][value="yes"]').check()
    page.locator("form.app-survey-form button[type=submit]").click()
    page.locator("textarea[name=q2]").fill(text)
    check(page, f"{code} conditional question")
    page.locator("form.app-survey-form button[type=submit]").click()
    page.locator("form.app-survey-form button[type=submit]").click()  # about you: all optional
    expect(page.locator(".nhsuk-summary-list").first).to_contain_text(text[:10])
    check(page, f"{code} check your answers")
    form = page.locator("form.app-survey-form")
    again = {name: form.locator(f'input[name="{name}"]').input_value() for name in ("csrf_token", "token")}
    form.locator("button[type=submit]").dblclick()
    reference = page.locator(".app-survey-reference").inner_text()
    check(page, f"{code} sent")
    resent = page.request.post(f"{base}/{code}/surveys/{SLUG}/check-your-answers", form=again)
    assert resent.ok and reference in resent.text()
    context.close()
    return reference


def count(app, survey_id: int, lang: str | None = None) -> int:
    with app.app_context():
        query = select(func.count()).select_from(Response).where(Response.survey_id == survey_id)
        if lang:
            query = query.where(Response.lang == lang)
        return db.session.scalar(query)


def test_a_survey_from_building_to_retention(browser, live_app, live_server, people, axe):
    def check(page, label: str) -> None:
        page.wait_for_load_state("load")
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert not results.response["violations"], (label, results.response["violations"])

    lead_context, lead = signed_in(browser, live_server, people["lead"])
    survey_id = build_and_open(lead, live_server)
    check(lead, "survey overview, open")

    # Urdu without JavaScript; Polish with it, so axe can check each public page.
    for code, text in ANSWERS.items():
        answer_and_send_twice(browser, live_server, code, text, check, javascript=code == "pl")
        assert count(live_app, survey_id, code) == 1

    # A moderator redacts the phone number from the Urdu answer and approves the Polish one as typed.
    moderator_context, moderator = signed_in(browser, live_server, people["moderator"])
    moderator.goto(f"{live_server}/backoffice/moderation/{survey_id}")
    check(moderator, "queue")
    moderator.locator(".app-moderation-item", has_text=PHONE).get_by_role("link").first.click()
    expect(moderator.locator("blockquote mark")).to_contain_text(PHONE)
    check(moderator, "answer with a phone number")
    moderator.get_by_label("Approve with the parts chosen below redacted").check()
    moderator.get_by_label(f"possible phone number: {PHONE}").check()
    moderator.get_by_role("button", name="Save decision").click()
    moderator.locator(".app-moderation-item", has_text="HYPERLINK").get_by_role("link").first.click()
    moderator.get_by_label("Approve for publication").check()
    moderator.get_by_role("button", name="Save decision").click()
    with live_app.app_context():
        reviews = db.session.scalars(select(AnswerReview).where(AnswerReview.survey_id == survey_id)).all()
        assert sorted(review.status for review in reviews) == ["approved", "approved"]
        texts = {review.text for review in reviews}
        assert ANSWERS["ur"].replace(PHONE, "[redacted]") in texts and ANSWERS["pl"] in texts
    moderator_context.close()

    # Eleven more people answer: 10 "yes" and 3 "no" in all. The 3 are shown as "*", and the 10
    # beside them is hidden too, or the total would give the 3 away.
    with live_app.app_context():
        content = live_app.config["CONTENT_DIR"]
        for number in range(11):
            answers = {"q1": "no" if number < 3 else "yes"}
            submission.submit(db.session, SLUG, "en", submission.new_token(), answers, {}, content)
    lead.goto(f"{live_server}/backoffice/surveys/{survey_id}/report")
    check(lead, "report")
    table = lead.locator("table", has_text="Have you had treatment in the unit?").first
    cells = [cell.strip() for cell in table.locator("td").all_inner_texts()]
    assert "*" in cells and "3" not in cells and "10" not in cells, cells

    # The exports open in csv and openpyxl, and the typed formula is neutralised.
    exported = lead.request.get(f"{live_server}/backoffice/surveys/{survey_id}/report/export.csv")
    assert exported.ok and exported.body().startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(exported.body().decode("utf-8-sig"))))
    assert len(rows) == 1 + 13
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    exported = lead.request.get(f"{live_server}/backoffice/surveys/{survey_id}/report/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(exported.body()))
    values = [cell for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row]
    assert not any(isinstance(value, str) and value.startswith("=") for value in values)
    assert any(isinstance(value, str) and value.startswith("'=HYPERLINK") for value in values)

    # Closed 25 months ago, past the 24 months responses are kept: retention removes them.
    lead.goto(f"{live_server}/backoffice/surveys/{survey_id}")
    lead.get_by_role("button", name="Close this survey").click()
    lead_context.close()
    with live_app.app_context():
        survey = db.session.get(Survey, survey_id)
        survey.closed_at = datetime.now(UTC) - timedelta(days=31 * 25)
        db.session.commit()
    result = live_app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert count(live_app, survey_id) == 0
