"""The back-office page of outgoing mail that failed or waits to be retried."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from alliance.accounts.models import AuditEvent
from alliance.outbox import enqueue
from alliance.outbox.models import OutboxMessage
from tests.factories import make_staff
from tests.integration.backoffice.conftest import send_mail, signed_in_client, submit

PAGE = "/backoffice/mail"


@pytest.fixture
def admin(app, session):
    return signed_in_client(app, make_staff(session, roles="administrator", email="admin@example.nhs.uk"))


def queue(
    session, to="someone@example.nhs.uk", body="The text of an ordinary message", **kwargs
) -> OutboxMessage:
    enqueue(session, to=to, subject="Monthly report", body=body, kind=kwargs.pop("kind", "report"), **kwargs)
    session.commit()
    return session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()


def decide(admin, message_id: int, action: str, page: str = PAGE):
    """Post the message's form with a CSRF token from `page` (the account page when the list is empty)."""
    return submit(admin, f"{PAGE}/{message_id}", {"action": action}, page=page)


def test_the_page_shows_error_attempts_and_next_try_but_never_a_reset_link_or_security_text(
    app, session, admin, smtp_server
):
    make_staff(session, email="known@example.nhs.uk")
    submit(app.test_client(), "/backoffice/password-reset", {"email": "known@example.nhs.uk"})
    queue(session)
    assert "sent 0, to retry 2, failed 0" in send_mail(app)
    reset = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "password-reset")).one()
    token = re.search(r"/password-reset/(\S+)", reset.body).group(1)
    # An error that happens to quote the link must not show it either.
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == reset.id)
        .values(last_error=f"{reset.last_error} while sending https://site/backoffice/password-reset/{token}")
    )
    session.commit()
    html = admin.get(PAGE).get_data(as_text=True)
    assert "known@example.nhs.uk" in html and "someone@example.nhs.uk" in html
    assert "ConnectionRefusedError" in html and "Waiting to retry" in html
    assert re.search(r"Attempts</dt><dd[^>]*>1</dd>", html)
    assert re.search(r"Next try</dt><dd[^>]*>\d{4}-\d\d-\d\d \d\d:\d\d UTC</dd>", html)
    assert token not in html and "Someone asked to reset your password" not in html
    assert "Hidden: a security email" in html and "[hidden]" in html
    assert "The text of an ordinary message" in html


def test_an_administrator_retries_a_message_that_was_given_up_and_it_is_sent_and_audited(
    app, session, admin, smtp
):
    smtp.refuse.add("gone@example.nhs.uk")
    message = queue(session, to="gone@example.nhs.uk")
    assert "failed 1" in send_mail(app)
    assert "Gave up" in admin.get(PAGE).get_data(as_text=True)
    smtp.refuse.clear()
    response = decide(admin, message.id, "retry")
    assert response.status_code == 302 and response.location == PAGE
    assert "sent 1" in send_mail(app)
    assert smtp.messages[-1].rcpt_tos == ["gone@example.nhs.uk"]
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "mail.retry")).one()
    assert event.actor_email == "admin@example.nhs.uk" and event.target == "gone@example.nhs.uk"
    assert "Nothing is waiting" in admin.get(PAGE).get_data(as_text=True)


def test_an_administrator_discards_a_message_and_it_is_never_sent_and_keeps_no_security_text(
    app, session, admin, smtp_server
):
    message = queue(
        session, kind="password-reset", sensitive=True, body="Link: /backoffice/password-reset/abc"
    )
    send_mail(app)
    assert decide(admin, message.id, "discard").status_code == 302
    session.expire_all()
    discarded = session.get(OutboxMessage, message.id)
    assert discarded.status == "discarded" and discarded.body == ""
    assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "mail.discard")).one()
    smtp_server.start()
    assert "sent 0" in send_mail(app)
    assert "Nothing is waiting" in admin.get(PAGE).get_data(as_text=True)


def test_a_message_already_sent_cannot_be_retried_or_discarded(app, session, admin, smtp):
    message = queue(session)
    send_mail(app)
    response = decide(admin, message.id, "retry", page="/backoffice/account")
    assert response.status_code == 302
    assert "no longer waiting" in admin.get(PAGE).get_data(as_text=True)
    assert session.scalars(select(AuditEvent).where(AuditEvent.action.like("mail.%"))).all() == []
    assert len(smtp.messages) == 1


def test_retry_needs_the_form_token_and_a_known_action(app, session, admin, smtp_server):
    message = queue(session)
    send_mail(app)
    assert admin.post(f"{PAGE}/{message.id}", data={"action": "retry"}).status_code == 400
    assert decide(admin, message.id, "resend", page="/backoffice/account").status_code == 400
    assert decide(admin, 999999, "retry", page="/backoffice/account").status_code == 302


def test_the_dashboard_offers_outgoing_mail_to_administrators_only(app, session, admin):
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert 'href="/backoffice/mail"' in admin.get("/backoffice/").get_data(as_text=True)
    assert 'href="/backoffice/mail"' not in editor.get("/backoffice/").get_data(as_text=True)
    assert editor.get(PAGE).status_code == 403
