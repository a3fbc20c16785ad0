"""A reset link names the configured site (SITE_URL), whatever Host the request for it named."""

from __future__ import annotations

from sqlalchemy import func, select

from alliance.accounts import services
from alliance.accounts.models import PasswordResetToken
from alliance.outbox.models import OutboxMessage
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, send_mail

RESET = "/backoffice/password-reset"
SITE = "http://127.0.0.1:5000"


def reset_links(inbox) -> list[str]:
    return [
        line.strip()
        for index in range(len(inbox.messages))
        for line in inbox.body(index).splitlines()
        if "/backoffice/password-reset/" in line
    ]


def test_a_reset_request_naming_an_unknown_host_is_refused_and_no_mail_goes_out(app, session, smtp):
    user = make_staff(session)
    client = app.test_client()
    token = csrf_token(client.get(RESET).get_data(as_text=True))
    forged = client.post(
        RESET, data={"email": user.email, "csrf_token": token}, headers={"Host": "evil.example"}
    )
    assert forged.status_code == 400
    assert "Sorry, there is a problem with your request" in forged.get_data(as_text=True)
    assert client.get(RESET, headers={"Host": "evil.example"}).status_code == 400
    send_mail(app)
    assert session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert smtp.messages == []


def test_from_another_allowed_host_the_emailed_reset_link_names_the_configured_site_only(app, session, smtp):
    app.config["ALLIANCE_TRUSTED_HOSTS"] = "localhost,old-name.example.nhs.uk"
    try:
        user = make_staff(session)
        client = app.test_client()
        client.environ_base["HTTP_HOST"] = "old-name.example.nhs.uk"
        token = csrf_token(client.get(RESET).get_data(as_text=True))
        sent = client.post(RESET, data={"email": user.email, "csrf_token": token})
        assert sent.status_code == 200
        assert "sent 1" in send_mail(app)
    finally:
        app.config["ALLIANCE_TRUSTED_HOSTS"] = "localhost"
    [link] = reset_links(smtp)
    assert link.startswith(f"{SITE}/backoffice/password-reset/")
    assert "old-name" not in smtp.messages[0].content.decode()
    assert app.test_client().get(link.removeprefix(SITE)).status_code == 200


def test_a_reset_request_queued_with_a_link_to_another_site_is_never_sent(app, session, smtp):
    user = make_staff(session)
    services.queue_password_reset(session, user.email, "http://evil.example/backoffice/password-reset/")
    session.commit()
    send_mail(app)
    assert smtp.messages == []
    assert session.scalar(select(func.count(PasswordResetToken.id))) == 0
