"""A moderator works through a survey's free-text answers: redacts a phone number, approves, tags a theme."""

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.extensions import db
from alliance.surveys import submission, theming
from alliance.surveys.models import Answer, AnswerReview, AnswerTheme, Survey
from tests.browser.conftest import sign_in_with_a_code
from tests.factories import StaffUserFactory

SLUG = "have-your-say-on-cancer-care"
PHONE_ANSWER = "The chemo nurses were wonderful. Ring me on 07700 900461 to hear more."
URGENT_ANSWER = "My urgent referral was a month ago and nobody has called me back."


@pytest.fixture(scope="module")
def moderation_setup(live_app):
    """A moderator with MFA, and two answers sent through the survey service: one urgent."""
    with live_app.app_context():
        user = StaffUserFactory(email="moderator.browser@example.nhs.uk", roles="moderator")
        db.session.add(user)
        db.session.commit()
        content = live_app.config["CONTENT_DIR"]
        now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
        for text, key in ((PHONE_ANSWER, "tell_us_more"), (URGENT_ANSWER, "one_change")):
            answers = {"connection": "public", "barriers": ["transport"], key: text}
            submission.submit(db.session, SLUG, "en", submission.new_token(), answers, {}, content, now=now)
        survey_id = db.session.scalar(select(Survey.id).where(Survey.slug == SLUG))
        return {"email": user.email, "secret": user.totp_secret, "survey_id": survey_id}


def given_i_am_signed_in_as_a_moderator(page, base, setup):
    sign_in_with_a_code(page, base, setup["email"], setup["secret"])
    expect(page.get_by_label("Back-office menu").get_by_role("link", name="Moderation")).to_be_visible()


def test_a_moderator_redacts_a_phone_number_approves_the_rest_and_tags_a_theme(
    page, live_app, live_server, moderation_setup, check_accessibility
):
    given_i_am_signed_in_as_a_moderator(page, live_server, moderation_setup)
    survey_id = moderation_setup["survey_id"]

    # The overview lists the survey with an urgent answer, and the safeguarding instructions.
    page.get_by_label("Back-office menu").get_by_role("link", name="Moderation").click()
    expect(page.get_by_role("heading", name="Moderation", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("call 999 now")
    check_accessibility("moderation overview")

    # They add a theme to the survey's code list.
    page.goto(f"{live_server}/backoffice/moderation/{survey_id}/themes")
    check_accessibility("themes")
    page.get_by_label("Code").fill("staff-kindness")
    page.get_by_label("Description").fill("Kindness of staff")
    page.get_by_role("button", name="Add theme").click()
    expect(page.locator(".app-flash")).to_contain_text("staff-kindness")
    check_accessibility("themes after adding one")

    # The queue shows the urgent answer first, marked with its concern.
    page.goto(f"{live_server}/backoffice/moderation/{survey_id}")
    expect(page.get_by_role("heading", name="Urgent: possible safeguarding concerns")).to_be_visible()
    urgent_list = page.locator(".app-moderation-list").first
    expect(urgent_list).to_contain_text("nobody has called me back")
    expect(urgent_list).to_contain_text("Possible delay in an urgent referral")
    check_accessibility("queue")

    # The urgent answer's page carries the instructions too.
    urgent_list.locator("li", has_text="nobody has called me back").get_by_role("link").first.click()
    expect(page.locator("main")).to_contain_text("safeguarding lead")
    check_accessibility("urgent answer")

    # They open the answer with a phone number: it is highlighted for screen readers too.
    page.goto(f"{live_server}/backoffice/moderation/{survey_id}")
    page.locator(".app-moderation-item", has_text="chemo nurses").get_by_role("link").first.click()
    expect(page.locator("blockquote mark")).to_contain_text("07700 900461")
    expect(page.locator("blockquote mark .nhsuk-u-visually-hidden")).to_have_text("(possible phone number) ")
    check_accessibility("answer")

    page.get_by_label("Approve with the parts chosen below redacted").check()
    page.get_by_label("possible phone number: 07700 900461").check()
    page.get_by_label("Kindness of staff (staff-kindness)").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".app-flash")).to_contain_text("approved")
    check_accessibility("queue after a decision")

    page.goto(f"{live_server}/backoffice/moderation/{survey_id}?status=approved")
    expect(page.locator("main")).to_contain_text("Ring me on [redacted] to hear more.")
    check_accessibility("approved answers")

    with live_app.app_context():
        answer_id = db.session.scalar(select(Answer.id).where(Answer.value == PHONE_ANSWER))
        review = db.session.get(AnswerReview, answer_id)
        assert review.status == "approved"
        assert review.text == "The chemo nurses were wonderful. Ring me on [redacted] to hear more."
        tagged = db.session.scalars(
            select(AnswerTheme.theme_id).where(AnswerTheme.answer_id == answer_id)
        ).all()
        assert [theme.code for theme in theming.themes(db.session, survey_id) if theme.id in tagged] == [
            "staff-kindness"
        ]
