"""Events test helpers: an event made as staff make one, and reading what the local SMTP server got."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta

import pytest

from alliance.events import staff
from tests.integration.backoffice.conftest import _fresh_rate_limits, smtp, smtp_server  # noqa: F401


def make_event(session, *, capacity=2, days_ahead=20, title="Bowel screening listening event", publish=True):
    details = staff.EventDetails(
        title=title,
        summary="Tell us what would help people do their bowel screening kit.",
        description="A friendly conversation with the screening team.",
        day=date.today() + timedelta(days=days_ahead),
        starts="10:00",
        ends="12:00",
        format="in_person",
        venue_name="Example Community Centre",
        venue_address="1 Example Street\nSheffield",
        access=["step_free", "hearing_loop"],
        interpreters=["ur"],
        joining_details="",
        capacity=capacity,
        example_data=True,
    )
    event, _ = staff.save(session, None, details)
    if publish:
        staff.publish(event)
    session.commit()
    return event


def parsed(envelope) -> email.message.EmailMessage:
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def text_of(message) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def calendar_of(message) -> str | None:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            content = part.get_content()
            return content.decode() if isinstance(content, bytes) else content
    return None


def cancel_path(text: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:5000(/\w+/events/\d+/cancel/[\w-]+)", text)
    assert match, text
    return match.group(1)


def to_address(envelope) -> str:
    return envelope.rcpt_tos[0]


@pytest.fixture
def send_mail(app):
    def send() -> None:
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert result.exit_code == 0, result.output

    return send
