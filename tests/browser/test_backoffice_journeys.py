"""Stories in the back-office: an editor drafts, a publisher approves, the public sees it."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.extensions import db
from tests.browser.conftest import AXE_TAGS
from tests.factories import PASSWORD, StaffUserFactory


@pytest.fixture(scope="module")
def staff(live_app):
    """An editor who has not set up MFA yet, and a publisher who has."""
    with live_app.app_context():
        editor = StaffUserFactory(
            email="editor.browser@example.nhs.uk", roles="editor", totp_secret=None, totp_confirmed=False
        )
        publisher = StaffUserFactory(email="publisher.browser@example.nhs.uk", roles="publisher")
        db.session.add_all([editor, publisher])
        db.session.commit()
        return {"editor": editor.email, "publisher": (publisher.email, publisher.totp_secret)}


def given_i_sign_in(page, base, email):
    page.goto(f"{base}/backoffice/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()


def test_an_edit_is_drafted_reviewed_approved_by_someone_else_and_published(
    page, browser, live_app, live_server, staff, check_accessibility
):
    # The editor signs in for the first time and sets up an authenticator app.
    given_i_sign_in(page, live_server, staff["editor"])
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    check_accessibility("MFA set-up")
    secret = page.locator("#mfa-secret").inner_text()
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    page.get_by_role("link", name="I have saved my recovery codes").click()
    check_accessibility("dashboard")

    # They draft a change to the English bowel screening page and send it for review.
    page.goto(f"{live_server}/backoffice/content")
    check_accessibility("content list")
    page.goto(f"{live_server}/backoffice/content/bowel-screening/en/edit")
    body = page.get_by_label("Page text (Markdown)")
    body.fill(body.input_value() + "\n\nThis sentence was added in the back-office.\n")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".app-preview")).to_contain_text("This sentence was added in the back-office.")
    check_accessibility("edit with preview")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".app-flash")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Send for review").click()
    expect(page.locator(".app-flash")).to_contain_text("Sent for review")
    check_accessibility("revisions")

    # A publisher signs in with their code, approves and publishes.
    other = browser.new_context().new_page()
    other.route("https://assets.nhs.uk/**", lambda route: route.abort())
    email, secret = staff["publisher"]
    given_i_sign_in(other, live_server, email)
    other.get_by_label("Security code").fill(pyotp.TOTP(secret).at(time.time()))
    other.get_by_role("button", name="Sign in").click()
    # Their dashboard counts the pages waiting for review and links to this one.
    other.goto(f"{live_server}/backoffice/")
    waiting = other.locator("#waiting-pages")
    expect(waiting.locator(".app-waiting__count")).not_to_have_text("0")
    waiting.get_by_role("link", name="Bowel cancer screening").first.click()
    expect(other).to_have_url(f"{live_server}/backoffice/content/bowel-screening/en")
    other.get_by_role("button", name="Approve").click()
    other.get_by_role("button", name="Publish", exact=True).click()
    expect(other.locator(".app-flash")).to_contain_text("Published")

    # The public sees it, and the Urdu translation shows as out of date.
    other.goto(f"{live_server}/en/bowel-screening")
    expect(other.locator("article")).to_contain_text("This sentence was added in the back-office.")
    other.goto(f"{live_server}/backoffice/content/translations?lang=ur&state=out+of+date")
    expect(other.locator("table").last).to_contain_text("Bowel cancer screening")
    other.context.close()

    # Every step is in the audit log.
    with live_app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {
        "mfa.enrol",
        "sign-in.success",
        "content.save",
        "content.submit",
        "content.approve",
        "content.published",
    } <= actions


def test_every_back_office_task_page_passes_axe(page, live_server, staff, check_accessibility):
    page.goto(f"{live_server}/backoffice/sign-in")
    check_accessibility("sign in")
    page.goto(f"{live_server}/backoffice/password-reset")
    check_accessibility("password reset")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    check_accessibility("password reset with an error")


@pytest.fixture(scope="module")
def admin_secret(live_app):
    with live_app.app_context():
        admin = StaffUserFactory(email="admin.browser@example.nhs.uk", roles="administrator")
        db.session.add(admin)
        db.session.commit()
        return admin.totp_secret


def signed_in_admin(browser, live_server, secret, javascript: bool, steps_ahead: int):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    given_i_sign_in(page, live_server, "admin.browser@example.nhs.uk")
    totp = pyotp.TOTP(secret)
    page.get_by_label("Security code").fill(totp.at(time.time() + steps_ahead * totp.interval))
    page.get_by_role("button", name="Sign in").click()
    return context, page


@pytest.fixture(scope="module")
def admin_page(browser, live_server, admin_secret):
    """An administrator's browser, signed in with password and code (axe needs JavaScript to run)."""
    context, page = signed_in_admin(browser, live_server, admin_secret, javascript=True, steps_ahead=0)
    yield page
    context.close()


@pytest.fixture(scope="module")
def admin_page_without_javascript(browser, live_server, admin_secret):
    # Each code works once: this second sign-in uses the next one.
    context, page = signed_in_admin(browser, live_server, admin_secret, javascript=False, steps_ahead=1)
    yield page
    context.close()


# Barnsley Cancer Support Group, from content/directory/services.json.
SEEDED_SERVICE = "22a45d33-86d7-5748-b926-b886aefb4946"


@pytest.mark.parametrize(
    "path",
    [
        "/backoffice/",
        "/backoffice/account",
        "/backoffice/account/recovery-codes",
        "/backoffice/mfa/setup",
        "/backoffice/users",
        "/backoffice/users/new",
        "/backoffice/audit",
        "/backoffice/content",
        "/backoffice/content/translations",
        "/backoffice/content/overdue",
        "/backoffice/content/import",
        "/backoffice/content/symptoms/en",
        "/backoffice/content/bowel-screening/en",
        "/backoffice/content/symptoms/ar/edit",
        "/backoffice/content/symptoms/en/compare",
        "/backoffice/directory",
        "/backoffice/directory?unverified=1",
        "/backoffice/directory/problems",
        "/backoffice/directory/import",
        "/backoffice/directory/services/new",
        f"/backoffice/directory/services/{SEEDED_SERVICE}",
        f"/backoffice/directory/services/{SEEDED_SERVICE}/edit",
        f"/backoffice/directory/services/{SEEDED_SERVICE}/translations/ur",
        f"/backoffice/directory/services/{SEEDED_SERVICE}/translations/pl",
        "/backoffice/directory/organisations/2be6a179-0b52-5762-bbb4-f663ceaf4b9f",
        "/backoffice/research",
        "/backoffice/research?stale=1",
        "/backoffice/research/trials/import",
        "/backoffice/research/trials/1",
        "/backoffice/research/genetics/services/1",
        "/backoffice/research/genetics/tests/1",
        "/backoffice/mail",
        "/backoffice/sign-out",
    ],
)
def test_every_back_office_page_passes_axe_and_opens_without_javascript(
    admin_page, admin_page_without_javascript, live_server, axe, path
):
    response = admin_page.goto(f"{live_server}{path}")
    assert response.status == 200, path
    expect(admin_page.locator("html")).to_have_attribute("dir", "ltr")
    results = axe.run(admin_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert not results.response["violations"], [v["id"] for v in results.response["violations"]]
    plain = admin_page_without_javascript.goto(f"{live_server}{path}")
    assert plain.status == 200, path
    expect(admin_page_without_javascript.locator("main h1")).to_be_visible()


def test_a_new_account_form_without_javascript_shows_errors_and_keeps_what_was_typed(
    admin_page_without_javascript, live_server
):
    page = admin_page_without_javascript
    page.goto(f"{live_server}/backoffice/users/new")
    page.get_by_label("Name").fill("Sam Example")
    page.get_by_role("button", name="Add account").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter an email address")
    expect(page.get_by_label("Name")).to_have_value("Sam Example")
    expect(page).to_have_title(re.compile(r"^Error: "))


def test_the_outgoing_mail_page_with_waiting_and_failed_messages_passes_axe_and_retries(
    live_app, admin_page, live_server, axe
):
    from alliance.database import utcnow
    from alliance.outbox.models import OutboxMessage

    with live_app.app_context():
        common = {"subject": "Monthly report", "body": "The report is ready.", "last_error": "SMTP: refused"}
        db.session.add_all(
            [
                OutboxMessage(
                    kind="report", to_address="a@example.nhs.uk", status="failed", attempts=6, **common
                ),
                OutboxMessage(
                    kind="password-reset",
                    to_address="b@example.nhs.uk",
                    sensitive=True,
                    attempts=2,
                    next_attempt_at=utcnow(),
                    **common,
                ),
            ]
        )
        db.session.commit()
    admin_page.goto(f"{live_server}/backoffice/mail")
    expect(admin_page.get_by_text("Hidden: a security email")).to_be_visible()
    results = axe.run(admin_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert not results.response["violations"], [v["id"] for v in results.response["violations"]]
    admin_page.get_by_role("button", name=re.compile("^Retry now")).first.click()
    expect(admin_page.locator(".nhsuk-card")).to_have_count(1)
