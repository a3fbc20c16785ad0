"""The e-bulletin's own emails, in the subscriber's language, through the outbox. Each carries the
subscriber's links, so each is marked sensitive (the back-office never shows its body)."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from alliance import hosts, signed_links
from alliance.bulletin.models import Subscriber
from alliance.outbox import enqueue


def links(subscriber: Subscriber) -> dict[str, str]:
    """The subscriber's confirm, preferences and one-click unsubscribe links."""
    from alliance.bulletin.services import CONFIRM, MANAGE

    assert subscriber.salt
    manage = signed_links.make(MANAGE, subscriber.id, subscriber.salt)
    lang = subscriber.lang
    return {
        "confirm": hosts.external_url(
            "bulletin.confirm", lang=lang, token=signed_links.make(CONFIRM, subscriber.id, subscriber.salt)
        ),
        "preferences": hosts.external_url("bulletin.preferences", lang=lang, token=manage),
        "unsubscribe": hosts.external_url("bulletin.unsubscribe", lang=lang, token=manage),
    }


def list_headers(subscriber: Subscriber) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs show an unsubscribe button that works with one click."""
    return {
        "List-Unsubscribe": f"<{links(subscriber)['unsubscribe']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _send(session: Session, subscriber: Subscriber, subject: str, lines: list[str], kind: str) -> None:
    enqueue(
        session,
        to=subscriber.email or "",
        subject=subject,
        body="\n".join([*lines, "", _("Cancer Alliance engagement team")]),
        kind=kind,
        sensitive=True,
    )


def send_confirm(session: Session, subscriber: Subscriber) -> None:
    with force_locale(subscriber.lang):
        _send(
            session,
            subscriber,
            _("Confirm that you want our e-bulletin"),
            [
                _("Someone, probably you, asked for the Cancer Alliance e-bulletin at this address."),
                "",
                _("To start getting it, confirm here: %(link)s", link=links(subscriber)["confirm"]),
                "",
                _("If it was not you, do nothing: we will not email you again, and we delete the request."),
            ],
            "bulletin-confirm",
        )


def send_already_subscribed(session: Session, subscriber: Subscriber) -> None:
    with force_locale(subscriber.lang):
        _send(
            session,
            subscriber,
            _("You already get our e-bulletin"),
            [
                _("Someone asked for the Cancer Alliance e-bulletin at this address, which already gets it."),
                "",
                _("To change what you get, or to stop it: %(link)s", link=links(subscriber)["preferences"]),
            ],
            "bulletin-confirm",
        )
