"""Story: an engagement lead publishes an event with one place; one person books it, a second (in Urdu,
on a phone, without JavaScript) joins the waiting list; the first cancels from the link in their email
and the second is emailed that the place is theirs, with the event as a calendar file."""

from __future__ import annotations

import email
import email.policy
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_with_a_code
from tests.browser.test_survey_safeguarding_and_exports import a_member_of_staff
from tests.integration.backoffice.conftest import SmtpServer, send_mail

PHONE = {"width": 375, "height": 667}


@pytest.fixture
def inbox(live_app, live_server):
    server = SmtpServer()
    keys = ("SMTP_HOST", "SMTP_PORT", "MAIL_TRANSPORT", "SITE_URL")
    old = {key: live_app.config[key] for key in keys}
    live_app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, MAIL_TRANSPORT="smtp", SITE_URL=live_server
    )
    received = server.start()
    yield received
    server.stop()
    live_app.config.update(old)


def offline(context):
    """A context that never waits on hosts this machine cannot reach (as the `page` fixture does)."""
    context.route("https://assets.nhs.uk/**", lambda route: route.abort())
    context.route("https://111.nhs.uk/**", lambda route: route.abort())
    return context


def mail_to(inbox, address: str, subject_start: str) -> email.message.EmailMessage:
    for envelope in inbox.messages:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        if address in envelope.rcpt_tos and message["Subject"].startswith(subject_start):
            return message
    raise AssertionError(f"no email to {address} starting {subject_start!r}")


def link_in(message, base: str, path_part: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(re.escape(base) + r"\S*" + re.escape(path_part) + r"\S*", text).group(0)


def has_calendar(message) -> bool:
    return any(part.get_content_type() == "text/calendar" for part in message.iter_attachments())


def test_a_full_event_offers_the_place_to_the_waiting_list_when_someone_cancels(
    browser, page, live_app, live_server, inbox, check_accessibility
):
    base = live_server
    lead = a_member_of_staff(live_app, "events.lead.browser@example.nhs.uk", "engagement_lead")
    sign_in_with_a_code(page, base, lead["email"], lead["secret"])
    page.goto(f"{base}/backoffice/events/new")
    page.get_by_label("Title").fill("Cervical screening coffee morning")
    page.get_by_label("Summary").fill("Come and tell us what would make cervical screening easier.")
    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2099")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("11:30")
    page.get_by_label("In person", exact=True).check()
    page.get_by_label("Venue", exact=True).fill("Example Family Hub")
    page.get_by_label("Step-free access").check()
    page.get_by_label("Places").fill("1")
    page.get_by_role("button", name="Save event").click()
    check_accessibility("the event in the back-office")
    page.get_by_role("button", name="Publish this event").click()
    expect(page.get_by_text("Published: the event is on the public site.")).to_be_visible()
    event_path = page.locator("a[href^='/en/events/']").first.get_attribute("href")

    # A first person books the only place.
    first = offline(browser.new_context())
    first_page = first.new_page()
    first_page.goto(f"{base}{event_path}")
    check_accessibility_on = _checker(first_page, check_accessibility)
    check_accessibility_on("the event page")
    first_page.get_by_label("Your name").fill("Amira")
    first_page.get_by_label("Email address").fill("amira@example.org")
    first_page.get_by_role("button", name="Register for this event").click()
    expect(first_page.get_by_role("heading", name="Your place is booked")).to_be_visible()

    # A second person, reading in Urdu on a phone with JavaScript off, joins the waiting list.
    second = offline(browser.new_context(viewport=PHONE, java_script_enabled=False))
    second_page = second.new_page()
    second_page.goto(f"{base}{event_path.replace('/en/', '/ur/')}")
    assert second_page.locator("html").get_attribute("dir") == "rtl"
    expect(second_page.get_by_role("button", name="انتظار کی فہرست میں شامل ہوں")).to_be_visible()
    second_page.get_by_label("آپ کا نام").fill("Bilal")
    second_page.get_by_label("ای میل پتہ").fill("bilal@example.org")
    second_page.get_by_role("button", name="انتظار کی فہرست میں شامل ہوں").click()
    expect(second_page.get_by_role("heading", name="آپ انتظار کی فہرست میں ہیں")).to_be_visible()
    # axe runs in the page, so it checks the same two Urdu pages on a phone with JavaScript on.
    checking = offline(browser.new_context(viewport=PHONE))
    checker = checking.new_page()
    for url in (f"{base}{event_path.replace('/en/', '/ur/')}", second_page.url):
        checker.goto(url)
        axe_on(checker, check_accessibility, url)
    checking.close()

    send_mail(live_app)
    booked = mail_to(inbox, "amira@example.org", "Your place is booked")
    assert has_calendar(booked)
    waiting = mail_to(inbox, "bilal@example.org", "آپ انتظار کی فہرست میں ہیں")
    assert not has_calendar(waiting)

    # The first person cancels from the link in their email, without signing in.
    first_page.goto(link_in(booked, base, "/cancel/"))
    axe_on(first_page, check_accessibility, "the cancel page")
    first_page.get_by_role("button", name="Cancel my place").click()
    expect(first_page.get_by_role("heading", name="Your registration is cancelled")).to_be_visible()

    send_mail(live_app)
    offered = mail_to(inbox, "bilal@example.org", "آپ کے لیے ایک جگہ خالی ہو گئی ہے")
    assert has_calendar(offered)
    assert "/ur/events/" in link_in(offered, base, "/cancel/")
    first.close()
    second.close()


def axe_on(other_page, check_accessibility, label):
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.conftest import AXE_TAGS

    results = Axe().run(other_page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in results.response["violations"]]
    assert not violations, f"axe found violations on {label}: {violations}"


def _checker(other_page, check_accessibility):
    return lambda label: axe_on(other_page, check_accessibility, label)
