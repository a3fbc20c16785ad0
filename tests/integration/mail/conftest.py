"""A local SMTP server (aiosmtpd) and a local HTTP server that answers as GOV.UK Notify's API does."""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from notifications_python_client.authentication import decode_jwt_token, get_token_issuer
from notifications_python_client.errors import TokenError

from tests.integration.backoffice.conftest import _fresh_rate_limits, smtp, smtp_server  # noqa: F401

# Notify's own error bodies for the failures the outbox must tell apart.
NOTIFY_ERRORS = {
    400: ("BadRequestError", "Can't send to this recipient using a team-only API key"),
    429: ("RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
    500: ("Exception", "Internal server error"),
}


class FakeNotify:
    """What the local Notify received, and what it should answer next."""

    def __init__(self):
        self.service_id = str(uuid.uuid4())
        self.secret = str(uuid.uuid4())
        self.api_key = f"alliance_test-{self.service_id}-{self.secret}"
        self.template_id = str(uuid.uuid4())
        self.templates = {self.template_id}
        self.accepted: list[dict] = []
        self.refused: list[tuple[int, str]] = []
        # Status codes (400, 429, 500) to answer the next requests with, in order, before accepting again.
        self.fail_next: list[int] = []
        self.lock = threading.Lock()


class NotifyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, status: int, document: dict) -> None:
        data = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, error: str, message: str) -> None:
        with self.server.notify.lock:
            self.server.notify.refused.append((status, error))
        self._answer(status, {"errors": [{"error": error, "message": message}], "status_code": status})

    def do_POST(self):
        notify: FakeNotify = self.server.notify
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path != "/v2/notifications/email":
            return self._error(404, "NotFound", "Not Found")
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return self._error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header.removeprefix("Bearer ")
        try:
            if get_token_issuer(token) != notify.service_id:
                return self._error(403, "AuthError", "Invalid token: service not found")
            decode_jwt_token(token, notify.secret)
        except TokenError as error:
            return self._error(403, "AuthError", error.message)
        with notify.lock:
            scripted = notify.fail_next.pop(0) if notify.fail_next else None
        if scripted:
            return self._error(scripted, *NOTIFY_ERRORS[scripted])
        try:
            body = json.loads(raw)
        except ValueError:
            return self._error(400, "ValidationError", "Invalid JSON supplied in POST data")
        address = str(body.get("email_address", ""))
        if "@" not in address or address.endswith(".invalid"):
            return self._error(400, "ValidationError", "email_address Not a valid email address")
        if body.get("template_id") not in notify.templates:
            return self._error(400, "BadRequestError", "Template not found")
        personalisation = body.get("personalisation") or {}
        missing = [name for name in ("subject", "body") if name not in personalisation]
        if missing:
            return self._error(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        notification_id = str(uuid.uuid4())
        with notify.lock:
            notify.accepted.append({**body, "id": notification_id})
        base = f"http://{self.headers.get('Host')}"
        self._answer(
            201,
            {
                "id": notification_id,
                "reference": body.get("reference"),
                "content": {
                    "subject": personalisation["subject"],
                    "body": personalisation["body"],
                    "from_email": "alliance@notifications.service.gov.uk",
                    "one_click_unsubscribe_url": None,
                },
                "uri": f"{base}/v2/notifications/{notification_id}",
                "template": {
                    "id": body["template_id"],
                    "version": 1,
                    "uri": f"{base}/v2/template/{body['template_id']}",
                },
            },
        )


@pytest.fixture
def notify(app):
    """A Notify API on 127.0.0.1, with the app set to send through it."""
    fake = FakeNotify()
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotifyHandler)
    server.notify = fake
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    keys = ("MAIL_TRANSPORT", "NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_TEMPLATE_ID", "NOTIFY_TEMPLATES")
    old = {key: app.config.get(key) for key in keys}
    app.config.update(
        MAIL_TRANSPORT="notify",
        NOTIFY_API_KEY=fake.api_key,
        NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_address[1]}",
        NOTIFY_TEMPLATE_ID=fake.template_id,
        NOTIFY_TEMPLATES="",
    )
    yield fake
    app.config.update(old)
    server.shutdown()
    server.server_close()
