"""How a message leaves: SMTP, or GOV.UK Notify through its official client, chosen by MAIL_TRANSPORT.

A transport's `send(message)` returns the provider's id for the message ("" for SMTP) or raises
DeliveryError, whose `permanent` flag says whether trying again could help.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

TRANSPORTS = ("smtp", "notify")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar", ...: text attachments only
    text: str


@dataclass(frozen=True)
class Outgoing:
    id: int
    kind: str
    to: str
    subject: str
    body: str
    headers: tuple[tuple[str, str], ...] = ()
    attachments: tuple[Attachment, ...] = ()


class DeliveryError(Exception):
    """The message was not accepted. `permanent`: the same message will never be accepted."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class Transport(Protocol):
    def send(self, message: Outgoing) -> str: ...


class SmtpTransport:
    """Hands each message to an SMTP relay (SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, SMTP_USERNAME...)."""

    def __init__(self, host: str, port: int, sender: str, starttls=False, username=None, password=None):
        self.host, self.port, self.sender = host, int(port), sender
        self.starttls, self.username, self.password = starttls, username, password

    def send(self, message: Outgoing) -> str:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        for name, value in message.headers:
            email[name] = value
        email.set_content(message.body)
        for attachment in message.attachments:
            maintype, _, subtype = attachment.content_type.partition("/")
            email.add_attachment(
                attachment.text.encode("utf-8"),
                maintype=maintype,
                subtype=subtype,
                filename=attachment.filename,
            )
        try:
            with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise DeliveryError(_reply("recipient refused", code, reply), permanent=code >= 500) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise DeliveryError(
                _reply("message refused", error.smtp_code, error.smtp_error), permanent=error.smtp_code >= 500
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(
                f"SMTP {self.host}:{self.port}: {error.__class__.__name__}: {error}"
            ) from None
        return ""


def _reply(what: str, code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"SMTP {what}: {code} {text}"


class NotifyTransport:
    """Sends through GOV.UK Notify with a template whose personalisation is ((subject)) and ((body)).

    Notify takes no attachments or headers of ours: a message with an attachment carries a link to the
    same file on the site in its body (the caller's job), so nothing is lost.

    `templates` maps a message kind to its own template id; other kinds use `default_template`.
    """

    def __init__(self, api_key: str, base_url: str, default_template: str, templates: dict[str, str]):
        from notifications_python_client.notifications import NotificationsAPIClient

        self.client = NotificationsAPIClient(api_key, base_url=base_url, timeout=10)
        self.default_template, self.templates = default_template, templates

    def send(self, message: Outgoing) -> str:
        from notifications_python_client.errors import APIError

        try:
            answer = self.client.send_email_notification(
                email_address=message.to,
                template_id=self.templates.get(message.kind, self.default_template),
                personalisation={"subject": message.subject, "body": message.body},
                reference=f"outbox-{message.id}",
            )
        except APIError as error:
            # 400 (bad address, template or personalisation) will never succeed; 403 (key), 429 and
            # 5xx may once the key is fixed or Notify recovers.
            raise DeliveryError(f"Notify: {error}", permanent=error.status_code == 400) from None
        return str(answer.get("id", ""))


def parse_templates(text: str | None) -> dict[str, str]:
    """NOTIFY_TEMPLATES, "kind=template-id,kind=template-id", as a dict."""
    templates = {}
    for pair in (text or "").split(","):
        kind, _, template = pair.partition("=")
        if kind.strip() and template.strip():
            templates[kind.strip()] = template.strip()
    return templates


def from_config(config) -> Transport:
    """The transport MAIL_TRANSPORT names, built from the app's configuration."""
    if config["MAIL_TRANSPORT"] == "notify":
        return NotifyTransport(
            config["NOTIFY_API_KEY"],
            config["NOTIFY_BASE_URL"],
            config["NOTIFY_TEMPLATE_ID"],
            parse_templates(config.get("NOTIFY_TEMPLATES")),
        )
    return SmtpTransport(
        config["SMTP_HOST"],
        config["SMTP_PORT"],
        config["MAIL_FROM"],
        starttls=config.get("SMTP_STARTTLS"),
        username=config.get("SMTP_USERNAME"),
        password=config.get("SMTP_PASSWORD"),
    )
