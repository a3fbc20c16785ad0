"""Moderation of free-text survey answers: the terms shared by detection, the review queue,
decisions (approve, redact, reject) and themes.

Detection is a set of pure functions. The queue holds one AnswerReview per free-text answer (the text
of short_text and long_text questions, and the "other, please say" text of choice questions). Services
take primitives and a session and return plain values; the caller commits unless a docstring says
otherwise. Nothing here writes an answer's text anywhere but the review row it belongs to.
"""

from __future__ import annotations

from pathlib import Path

SAFEGUARDING_FILE = Path(__file__).resolve().parents[3] / "content" / "surveys" / "safeguarding.json"
REDACTED = "[redacted]"
STATUSES = ("pending", "approved", "rejected")
DECISIONS = ("approve", "redact", "reject")

PII_LABELS = {
    "email": "possible email address",
    "phone": "possible phone number",
    "nhs_number": "possible NHS number",
    "postcode": "possible postcode",
    "name": "possible name",
}


class ModerationError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs to, when there is one
