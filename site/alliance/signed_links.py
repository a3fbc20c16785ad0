"""Tokens for links in emails that act without signing in (cancel a place, confirm or leave the
e-bulletin): "<record id>-<signature>", the signature an HMAC of the purpose, the id and the record's
own random salt under the site's secret key. Nothing secret is stored; clearing the salt ends every
link of that record."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

SIGNATURE_LENGTH = 40


def make(purpose: str, record_id: int, salt: str) -> str:
    return f"{record_id}-{_signature(purpose, record_id, salt)}"


def record_id(token: str | None) -> int | None:
    """The id a token names, if it has the shape of one; the caller then checks it with `matches`."""
    number, _, signature = (token or "").partition("-")
    if not number.isdigit() or len(number) > 12 or len(signature) != SIGNATURE_LENGTH:
        return None
    return int(number)


def matches(purpose: str, record_id: int, salt: str | None, token: str) -> bool:
    if not salt:
        return False
    signature = token.partition("-")[2]
    return hmac.compare_digest(_signature(purpose, record_id, salt), signature)


def _signature(purpose: str, record_id: int, salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    message = f"{purpose}:{record_id}:{salt}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SIGNATURE_LENGTH]
