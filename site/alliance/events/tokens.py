"""The token of a registration's cancel link: the registration's id and an HMAC of it, with its own
random salt, under the site's secret key. Every email carries the same link, nothing secret is stored,
and erasure (which clears the salt) ends the link."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

from alliance.events.models import Registration


def cancel_token(registration: Registration) -> str:
    assert registration.cancel_salt
    return f"{registration.id}-{_signature(registration.id, registration.cancel_salt)}"


def matches(registration: Registration, signature: str) -> bool:
    if not registration.cancel_salt:
        return False
    return hmac.compare_digest(_signature(registration.id, registration.cancel_salt), signature)


def _signature(registration_id: int, salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    message = f"event-cancel:{registration_id}:{salt}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]
