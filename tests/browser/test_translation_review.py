"""A translation reviewer's screens in a real browser: the queue, and the English and the Urdu side by
side (two columns on a desktop, one above the other on a phone), passing axe."""

import pytest
from playwright.sync_api import expect

from alliance.extensions import db
from tests.browser.conftest import DESKTOP, MOBILE, sign_in_with_a_code
from tests.factories import StaffUserFactory


@pytest.fixture(scope="module")
def urdu_reviewer(live_app):
    with live_app.app_context():
        reviewer = StaffUserFactory(
            email="urdu.reviewer.browser@example.nhs.uk", roles="translation_reviewer", review_languages="ur"
        )
        db.session.add(reviewer)
        db.session.commit()
        return reviewer.email, reviewer.totp_secret


def test_an_urdu_reviewer_opens_the_queue_and_a_page_side_by_side_and_a_missing_comment_is_explained(
    page, live_server, urdu_reviewer, check_accessibility
):
    email, secret = urdu_reviewer
    page.set_viewport_size(DESKTOP)
    sign_in_with_a_code(page, live_server, email, secret)
    expect(page.locator("#waiting-review-ur")).to_be_visible()
    page.locator("#waiting-review-ur a").click()
    expect(page.locator("main h1")).to_have_text("Urdu: waiting for review")
    check_accessibility("the Urdu review queue")

    page.locator("main table a[href*='/pages/']").first.click()
    translation = page.locator("#translation-text")
    expect(translation).to_have_attribute("dir", "rtl")
    expect(translation).to_have_attribute("lang", "ur")
    english = page.locator(".app-review-text[lang='en']")
    side, other = english.bounding_box(), translation.bounding_box()
    assert other["x"] > side["x"] and abs(other["y"] - side["y"]) < 5  # two columns
    check_accessibility("the review screen")

    page.set_viewport_size(MOBILE)
    side, other = english.bounding_box(), translation.bounding_box()
    assert other["y"] > side["y"] + side["height"] - 1  # stacked on a phone

    page.get_by_label("Send it back to the translator with a comment").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a comment saying what the translator should change"
    )
    expect(page.get_by_label("Send it back to the translator with a comment")).to_be_checked()
    check_accessibility("the review screen with an error")

    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server}/backoffice/translations/ur")
    page.locator("main table a[href*='/surveys/']").first.click()
    expect(page.locator("main table td[dir='rtl']").first).to_be_visible()
    check_accessibility("the survey texts review screen")

    assert page.goto(f"{live_server}/backoffice/translations/ar").status == 404
