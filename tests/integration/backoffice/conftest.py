import asyncio
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
    """What a local SMTP server received. Addresses in `refuse` get a permanent 550; `delay` slows each message."""

    def __init__(self):
        self.messages = []
        self.refuse: set[str] = set()
        self.delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(envelope)
        return "250 Message accepted for delivery"

    def last_body(self) -> str:
        return self.body(-1)

    def body(self, index: int) -> str:
        message = email.message_from_bytes(self.messages[index].content, policy=email.policy.default)
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


class SmtpServer:
    """A real SMTP server on a free port of 127.0.0.1 that the app is pointed at; it may start later."""

    def __init__(self):
        self.inbox = Inbox()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = None

    def start(self) -> Inbox:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self.inbox

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(app):
    """The app's SMTP server, not yet started: mail to it fails until `start()`."""
    server = SmtpServer()
    old = app.config["SMTP_HOST"], app.config["SMTP_PORT"], app.config["MAIL_TRANSPORT"]
    app.config["SMTP_HOST"], app.config["SMTP_PORT"], app.config["MAIL_TRANSPORT"] = (
        "127.0.0.1",
        server.port,
        "smtp",
    )
    yield server
    app.config["SMTP_HOST"], app.config["SMTP_PORT"], app.config["MAIL_TRANSPORT"] = old
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    return smtp_server.start()


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
