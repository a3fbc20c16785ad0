"""The token of a registration's cancel link (alliance.signed_links): every email carries the same
link, and erasure (which clears the registration's salt) ends it."""

from __future__ import annotations

from alliance import signed_links
from alliance.events.models import Registration

PURPOSE = "event-cancel"


def cancel_token(registration: Registration) -> str:
    assert registration.cancel_salt
    return signed_links.make(PURPOSE, registration.id, registration.cancel_salt)


def matches(registration: Registration, token: str) -> bool:
    return signed_links.matches(PURPOSE, registration.id, registration.cancel_salt, token)
