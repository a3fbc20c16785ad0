"""Password reset requests answer the same for every address, only write rows, and are limited."""

from __future__ import annotations

import re

from sqlalchemy import func, select, update

from alliance.accounts.models import AuditEvent, PasswordResetToken
from alliance.outbox.models import OutboxMessage
from tests.factories import make_staff
from tests.integration.backoffice.conftest import send_mail, submit

RESET = "/backoffice/password-reset"


def normalised(response, email: str) -> str:
    """The page with what differs on every request (CSRF token, CSP nonce) and the typed address blanked."""
    html = response.get_data(as_text=True)
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', html)
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return html.replace(email, "ADDRESS")


def answer(response, email: str) -> tuple:
    """Status, headers and page; compare addresses of the same length (Content-Length is kept)."""
    headers = sorted((name, value) for name, value in response.headers.items() if name != "X-Request-ID")
    # A cookie's value and a CSP nonce differ on every request; their presence must not.
    headers = [
        (
            name,
            value.split("=", 1)[0] if name == "Set-Cookie" else re.sub(r"'nonce-[^']*'", "'nonce-'", value),
        )
        for name, value in headers
    ]
    return response.status_code, headers, normalised(response, email)


def client_at(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def links(inbox) -> list[str]:
    return [
        line.replace("http://127.0.0.1:5000", "")
        for index in range(len(inbox.messages))
        for line in inbox.body(index).splitlines()
        if "/backoffice/password-reset/" in line
    ]


def test_with_the_smtp_server_down_a_known_address_is_answered_exactly_as_an_unknown_one(
    app, session, smtp_server
):
    make_staff(session, email="known@example.nhs.uk")
    known = submit(client_at(app, "192.0.2.1"), RESET, {"email": "known@example.nhs.uk"})
    unknown = submit(client_at(app, "192.0.2.2"), RESET, {"email": "other@example.nhs.uk"})
    assert known.status_code == unknown.status_code == 200
    assert answer(known, "known@example.nhs.uk") == answer(unknown, "other@example.nhs.uk")
    # Each request wrote the same one row; no token exists until the sender looks the address up.
    rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(row.kind, row.to_address) for row in rows] == [
        ("password-reset-request", "known@example.nhs.uk"),
        ("password-reset-request", "other@example.nhs.uk"),
    ]
    assert rows[0].body == rows[1].body == "http://127.0.0.1:5000/backoffice/password-reset/"
    assert session.scalar(select(func.count(PasswordResetToken.id))) == 0
    inbox = smtp_server.start()
    assert "sent 1, to retry 0, failed 0, nothing to send 1" in send_mail(app)
    assert [message.rcpt_tos for message in inbox.messages] == [["known@example.nhs.uk"]]


def test_a_reset_request_waiting_for_a_down_server_is_sent_once_it_is_back(app, session, smtp_server):
    user = make_staff(session)
    submit(client_at(app, "192.0.2.9"), RESET, {"email": user.email})
    assert "sent 0, to retry 1, failed 0" in send_mail(app)
    message = session.scalars(select(OutboxMessage)).one()
    assert message.kind == "password-reset" and "/backoffice/password-reset/" in message.body
    inbox = smtp_server.start()
    session.execute(update(OutboxMessage).values(next_attempt_at=message.created_at))
    session.commit()
    assert "sent 1" in send_mail(app)
    [link] = links(inbox)
    assert client_at(app, "192.0.2.9").get(link).status_code == 200


def test_ten_reset_requests_for_one_address_send_at_most_the_limit_and_answer_alike(app, session, smtp):
    user = make_staff(session)
    client = client_at(app, "192.0.2.3")
    answers = [answer(submit(client, RESET, {"email": user.email}), user.email) for _ in range(10)]
    assert len(set(map(repr, answers))) == 1
    send_mail(app)
    assert len(smtp.messages) == 3  # PASSWORD_RESET_LIMIT_PER_EMAIL, "3 per hour"
    limited = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.detail.contains('"limited": true'))
    )
    assert limited == 7


def test_over_the_limit_a_known_and_an_unknown_address_are_still_answered_alike(app, session, smtp):
    make_staff(session, email="known@example.nhs.uk")
    replies = {}
    for email, address in (("known@example.nhs.uk", "192.0.2.4"), ("other@example.nhs.uk", "192.0.2.5")):
        client = client_at(app, address)
        replies[email] = [answer(submit(client, RESET, {"email": email}), email) for _ in range(5)]
    assert replies["known@example.nhs.uk"] == replies["other@example.nhs.uk"]


def test_reset_requests_from_one_client_are_limited_across_addresses(app, session, smtp):
    app.config["PASSWORD_RESET_LIMIT_PER_CLIENT"] = "4 per hour"
    try:
        people = [make_staff(session) for _ in range(6)]
        busy = client_at(app, "192.0.2.6")
        for person in people:
            submit(busy, RESET, {"email": person.email})
        submit(client_at(app, "192.0.2.7"), RESET, {"email": people[-1].email})
    finally:
        app.config["PASSWORD_RESET_LIMIT_PER_CLIENT"] = "20 per hour"
    send_mail(app)
    received = sorted(message.rcpt_tos[0] for message in smtp.messages)
    assert received == sorted([person.email for person in people[:4]] + [people[-1].email])


def test_a_new_reset_link_voids_the_earlier_ones(app, session, smtp):
    user = make_staff(session)
    client = client_at(app, "192.0.2.8")
    submit(client, RESET, {"email": user.email})
    submit(client, RESET, {"email": user.email})
    send_mail(app)
    first, second = links(smtp)
    assert client.get(first).status_code == 410
    assert client.get(second).status_code == 200
    assert (
        session.scalar(select(func.count(PasswordResetToken.id)).where(PasswordResetToken.used_at.is_(None)))
        == 1
    )


def test_a_new_account_gets_its_link_through_the_outbox(app, session, smtp):
    from tests.integration.backoffice.conftest import signed_in_client

    admin = signed_in_client(app, make_staff(session, roles="administrator"))
    submit(
        admin,
        "/backoffice/users/new",
        {"display_name": "Sam Lee", "email": "sam@example.nhs.uk", "roles": ["editor"]},
    )
    message = session.scalars(select(OutboxMessage)).one()
    assert (message.kind, message.to_address, message.sensitive) == (
        "account-invitation",
        "sam@example.nhs.uk",
        True,
    )
    assert smtp.messages == []
    send_mail(app)
    assert "An account has been made for you" in smtp.last_body()
