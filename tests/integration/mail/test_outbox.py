"""The outbox: written with the change that causes it, delivered by `flask mail send` over SMTP or Notify,
with retries and backoff, and never twice when two senders run at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.database import utcnow
from alliance.outbox import enqueue, transports
from alliance.outbox.models import OutboxMessage
from alliance.outbox.services import Policy, SendReport, _claim, send_due
from tests.integration.backoffice.conftest import send_mail

ROOT = Path(__file__).resolve().parents[3]
POLICY = Policy(max_attempts=3, retry_base_seconds=60, retry_max_seconds=3600, claim_timeout_seconds=900)


def queue(session, to="someone@example.nhs.uk", kind="test", sensitive=False, body="Hello.") -> int:
    enqueue(session, to=to, subject="A subject", body=body, kind=kind, sensitive=sensitive)
    session.commit()
    return session.scalar(select(func.max(OutboxMessage.id)))


def fetch(session, message_id) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message_id)


def aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_a_message_is_queued_only_when_the_change_that_causes_it_commits(session):
    enqueue(session, to="a@example.nhs.uk", subject="Hi", body="Text", kind="test")
    session.rollback()
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0
    enqueue(session, to="a@example.nhs.uk", subject="Hi", body="Text", kind="test")
    session.commit()
    assert session.scalar(select(func.count(OutboxMessage.id))) == 1


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("not an address", "Hi"),
        ("a@example.nhs.uk, b@example.nhs.uk", "Hi"),
        ("a@example.nhs.uk", "Two\nlines"),
    ],
)
def test_an_address_or_subject_that_cannot_be_sent_is_refused_when_queued(session, to, subject):
    with pytest.raises(ValueError):
        enqueue(session, to=to, subject=subject, body="Text", kind="test")


def test_an_undeliverable_message_is_retried_with_doubling_waits_then_given_up(app, session, smtp_server):
    message_id = queue(session)
    transport = transports.from_config(app.config)
    now = utcnow()
    assert send_due(session, transport, POLICY, now) == SendReport(retrying=1)
    message = fetch(session, message_id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert aware(message.next_attempt_at) == now + timedelta(seconds=60)
    assert send_due(session, transport, POLICY, now + timedelta(seconds=59)).handled == 0
    second = now + timedelta(seconds=60)
    assert send_due(session, transport, POLICY, second) == SendReport(retrying=1)
    assert aware(fetch(session, message_id).next_attempt_at) == second + timedelta(seconds=120)
    third = second + timedelta(seconds=120)
    assert send_due(session, transport, POLICY, third) == SendReport(failed=1)
    message = fetch(session, message_id)
    assert (message.status, message.attempts) == ("failed", 3)
    assert send_due(session, transport, POLICY, third + timedelta(days=1)).handled == 0


def test_the_wait_between_tries_doubles_up_to_its_ceiling():
    policy = Policy(retry_base_seconds=60, retry_max_seconds=600)
    assert [policy.delay_after(n).total_seconds() for n in range(1, 7)] == [60, 120, 240, 480, 600, 600]


def test_a_message_waiting_for_a_server_that_was_down_is_delivered_once_it_is_back(app, session, smtp_server):
    message_id = queue(session, sensitive=True, body="Your link: https://example/backoffice/password-reset/x")
    transport = transports.from_config(app.config)
    now = utcnow()
    assert send_due(session, transport, POLICY, now) == SendReport(retrying=1)
    inbox = smtp_server.start()
    assert send_due(session, transport, POLICY, now + timedelta(minutes=1)) == SendReport(sent=1)
    assert len(inbox.messages) == 1 and "password-reset/x" in inbox.last_body()
    message = fetch(session, message_id)
    assert message.status == "sent" and message.sent_at is not None and message.last_error == ""
    # A security message keeps no copy of its link once sent.
    assert message.body == ""


def test_a_recipient_the_smtp_server_refuses_for_good_fails_at_once(app, session, smtp):
    smtp.refuse.add("gone@example.nhs.uk")
    message_id = queue(session, to="gone@example.nhs.uk")
    assert send_due(session, transports.from_config(app.config), POLICY) == SendReport(failed=1)
    message = fetch(session, message_id)
    assert (message.status, message.attempts) == ("failed", 1) and "550" in message.last_error


def test_two_senders_at_once_send_every_message_exactly_once(app, session, smtp):
    smtp.delay = 0.01
    addresses = [f"person{n}@example.nhs.uk" for n in range(30)]
    for address in addresses:
        enqueue(session, to=address, subject="Hello", body="Text", kind="test")
    session.commit()
    start, reports = threading.Barrier(2), []

    def sender():
        with app.extensions["db"]["sessionmaker"]() as own_session:
            start.wait()
            reports.append(send_due(own_session, transports.from_config(app.config), POLICY))

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    delivered = sorted(rcpt for message in smtp.messages for rcpt in message.rcpt_tos)
    assert delivered == sorted(addresses)
    assert sum(report.sent for report in reports) == 30
    assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_two_flask_mail_send_processes_at_once_send_every_message_exactly_once(app, session, smtp):
    smtp.delay = 0.02
    addresses = [f"person{n}@example.nhs.uk" for n in range(20)]
    for address in addresses:
        enqueue(session, to=address, subject="Hello", body="Text", kind="test")
    session.commit()
    env = {
        **os.environ,
        "ALLIANCE_ENV": "development",
        "FLASK_APP": "wsgi",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(app.config["SMTP_PORT"]),
        "MAIL_TRANSPORT": "smtp",
    }
    flask = [sys.executable, "-m", "flask", "mail", "send"]
    processes = [
        subprocess.Popen(flask, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [process.communicate(timeout=60)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0]
    delivered = sorted(rcpt for message in smtp.messages for rcpt in message.rcpt_tos)
    assert delivered == sorted(addresses), outputs
    assert set(session.scalars(select(OutboxMessage.status))) == {"sent"}


def test_a_message_left_mid_send_by_a_sender_that_stopped_is_sent_after_the_claim_timeout(app, session, smtp):
    message_id = queue(session)
    now = utcnow()
    assert _claim(session, message_id, now, POLICY) is not None  # ...and the sender died here
    transport = transports.from_config(app.config)
    assert send_due(session, transport, POLICY, now + timedelta(minutes=1)).handled == 0
    assert send_due(session, transport, POLICY, now + timedelta(minutes=16)) == SendReport(sent=1)
    assert len(smtp.messages) == 1 and fetch(session, message_id).attempts == 2


def test_flask_mail_send_sends_everything_due_in_batches_and_prints_counts(app, session, smtp):
    smtp.refuse.add("gone@example.nhs.uk")
    for n in range(5):
        queue(session, to=f"person{n}@example.nhs.uk")
    queue(session, to="gone@example.nhs.uk")
    app.config["MAIL_SEND_BATCH"] = 2
    try:
        output = send_mail(app)
    finally:
        app.config["MAIL_SEND_BATCH"] = 50
    assert "sent 5, to retry 0, failed 1" in output
    assert len(smtp.messages) == 5
    assert "sent 0, to retry 0, failed 0" in send_mail(app)


def test_messages_sent_or_set_aside_long_ago_are_deleted_and_failed_ones_kept(app, session, smtp):
    old = utcnow() - timedelta(days=31)
    for status in ("sent", "dropped", "discarded", "failed", "pending"):
        session.add(
            OutboxMessage(
                kind="test",
                to_address="a@example.nhs.uk",
                subject="Old",
                body="",
                status=status,
                created_at=old,
            )
        )
    session.add(
        OutboxMessage(kind="test", to_address="a@example.nhs.uk", subject="New", body="", status="sent")
    )
    session.commit()
    assert "removed 3 messages sent or set aside more than 30 days ago" in send_mail(app)
    left = session.execute(
        select(OutboxMessage.subject, OutboxMessage.status).order_by(OutboxMessage.id)
    ).all()
    # The old pending one was sent just now: it is kept as long as any other sent today.
    assert [tuple(row) for row in left] == [("Old", "failed"), ("Old", "sent"), ("New", "sent")]


# --- GOV.UK Notify --------------------------------------------------------------------------


def test_notify_is_sent_the_message_with_the_configured_template_and_its_id_is_kept(app, session, notify):
    message_id = queue(session, to="a@example.nhs.uk", kind="password-reset", sensitive=True, body="Link")
    assert "sent 1" in send_mail(app)
    [accepted] = notify.accepted
    assert accepted["email_address"] == "a@example.nhs.uk"
    assert accepted["template_id"] == notify.template_id
    assert accepted["personalisation"] == {"subject": "A subject", "body": "Link"}
    assert accepted["reference"] == f"outbox-{message_id}"
    message = fetch(session, message_id)
    assert message.status == "sent" and message.provider_id == accepted["id"] and message.body == ""


def test_a_kind_of_message_with_its_own_notify_template_uses_it(app, session, notify):
    own = "0b6f2b5e-5a5c-4d8e-9d43-2f1c0a7b9e11"
    notify.templates.add(own)
    app.config["NOTIFY_TEMPLATES"] = f"password-reset={own}"
    queue(session, kind="password-reset")
    queue(session, kind="test")
    send_mail(app)
    assert [accepted["template_id"] for accepted in notify.accepted] == [own, notify.template_id]


def test_notify_refusing_an_address_with_a_400_fails_the_message_at_once(app, session, notify):
    message_id = queue(session, to="someone@example.invalid")
    assert send_due(session, transports.from_config(app.config), POLICY) == SendReport(failed=1)
    message = fetch(session, message_id)
    assert (message.status, message.attempts) == ("failed", 1)
    assert "400" in message.last_error and "Not a valid email address" in message.last_error
    assert notify.refused == [(400, "ValidationError")]


@pytest.mark.parametrize("status", [500, 429])
def test_a_notify_server_error_or_rate_limit_is_retried_and_then_sent(app, session, notify, status):
    notify.fail_next = [status]
    message_id = queue(session)
    transport = transports.from_config(app.config)
    now = utcnow()
    assert send_due(session, transport, POLICY, now) == SendReport(retrying=1)
    message = fetch(session, message_id)
    assert message.status == "pending" and str(status) in message.last_error
    assert send_due(session, transport, POLICY, now + timedelta(minutes=1)) == SendReport(sent=1)
    assert len(notify.accepted) == 1 and fetch(session, message_id).attempts == 2


def test_a_wrong_notify_key_is_refused_by_notify_and_kept_for_a_retry(app, session, notify):
    app.config["NOTIFY_API_KEY"] = f"alliance_test-{notify.service_id}-{'0' * 8}-0000-0000-0000-{'0' * 12}"
    message_id = queue(session)
    assert send_due(session, transports.from_config(app.config), POLICY) == SendReport(retrying=1)
    message = fetch(session, message_id)
    assert "403" in message.last_error and "Invalid token" in message.last_error
    assert notify.accepted == []
