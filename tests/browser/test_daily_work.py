"""Story: a publisher finds a page waiting on their dashboard and sends it back; its editor sees why."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.extensions import db
from alliance.pages import services, workflow
from alliance.pages.models import Page
from tests.browser.conftest import AXE_TAGS, sign_in_with_a_code
from tests.factories import StaffUserFactory

NOTE = "Please say who is invited, and at what age."


@pytest.fixture(scope="module")
def page_in_review(live_app):
    """An editor's change to a non-clinical English page, sent for review; and a publisher."""
    with live_app.app_context():
        editor = StaffUserFactory(email="editor.daily@example.nhs.uk", roles="editor")
        publisher = StaffUserFactory(email="publisher.daily@example.nhs.uk", roles="publisher")
        db.session.add_all([editor, publisher])
        db.session.commit()
        page = db.session.scalars(select(Page).where(Page.clinical.is_(False)).order_by(Page.slug)).first()
        latest = services.latest_revision(db.session, page.id, "en")
        draft = workflow.Draft(
            latest.title, latest.summary, latest.body + "\nA new sentence.\n", None, None, []
        )
        revision_id = workflow.save_draft(db.session, page.slug, "en", draft, editor.id, latest.id)
        workflow.submit_for_review(db.session, revision_id)
        db.session.commit()
        return {
            "editor": (editor.email, editor.totp_secret),
            "publisher": (publisher.email, publisher.totp_secret),
            "slug": page.slug,
            "title": latest.title,
        }


def then_axe_finds_nothing(page, axe, label):
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [(v["id"], v["help"]) for v in results.response["violations"]]
    assert violations == [], f"axe found violations on {label}: {violations}"


def test_a_publisher_sends_a_page_back_from_their_dashboard_and_the_editor_sees_the_note(
    page, browser, live_server, page_in_review, axe
):
    email, secret = page_in_review["publisher"]
    sign_in_with_a_code(page, live_server, email, secret)
    page.goto(f"{live_server}/backoffice/")
    waiting = page.locator("#waiting-pages")
    expect(waiting.locator(".app-waiting__count")).not_to_have_text("0")
    then_axe_finds_nothing(page, axe, "publisher's dashboard")

    waiting.get_by_role("link", name=page_in_review["title"]).first.click()
    page.get_by_text("Send back to the author").first.click()
    page.get_by_label("What should the author change?").first.fill(NOTE)
    then_axe_finds_nothing(page, axe, "revisions with the send-back form open")
    page.get_by_role("button", name="Send back", exact=True).first.click()
    expect(page.locator(".app-flash")).to_contain_text("Sent back to its author")
    expect(page.locator(".app-review-note").first).to_contain_text(NOTE)

    other = browser.new_context().new_page()
    other.route("https://assets.nhs.uk/**", lambda route: route.abort())
    email, secret = page_in_review["editor"]
    sign_in_with_a_code(other, live_server, email, secret)
    other.goto(f"{live_server}/backoffice/")
    returned = other.locator("#waiting-returned")
    expect(returned.locator(".app-waiting__count")).to_have_text("1")
    expect(returned).to_contain_text(NOTE)
    then_axe_finds_nothing(other, axe, "editor's dashboard with work sent back")
    returned.get_by_role("link", name=page_in_review["title"]).click()
    expect(other).to_have_url(f"{live_server}/backoffice/content/{page_in_review['slug']}/en")
    other.context.close()
