import email
import email.policy
import re
import socket
import time

import pytest
from aiosmtpd.controller import Controller

from alliance.accounts.models import StaffUser
from alliance.backoffice import auth
from alliance.extensions import limiter
from tests.conftest import PageCheckingClient


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def last_body(self) -> str:
        message = email.message_from_bytes(self.messages[-1].content, policy=email.policy.default)
        return message.get_content()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Limits are counted per app, and the app lives for the whole run.
    limiter.reset()
    yield
    limiter.reset()


def send_mail(app) -> str:
    """Run `flask mail send` once, as cron does; return what it printed."""
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    old = app.config["SMTP_HOST"], app.config["SMTP_PORT"]
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = "127.0.0.1", port
    yield inbox
    app.config["SMTP_HOST"], app.config["SMTP_PORT"] = old
    controller.stop()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def submit(client, url: str, data: dict, follow_redirects: bool = False, page: str | None = None):
    """Fetch the page with the form (url, or page), then post the form to url with its CSRF token."""
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_token(html)}, follow_redirects=follow_redirects)


def signed_in_client(app, user) -> PageCheckingClient:
    """A client whose session belongs to `user`, as after a full sign-in with MFA."""
    client = app.test_client()
    now = int(time.time())
    with app.extensions["db"]["sessionmaker"]() as db_session:
        version = db_session.get(StaffUser, user.id).session_version
    with client.session_transaction() as session:
        session[auth.SESSION_KEY] = {"id": user.id, "v": version, "at": now, "seen": now}
    return client
