"""Redaction: replacing chosen spans of an answer, and checking that an edit only removes text."""

from __future__ import annotations

import re

from alliance.surveys.moderation_terms import REDACTED, ModerationError
from alliance.surveys.personal_data import Span

# Redaction ----------------------------------------------------------------------------------------------

_MARKER = re.compile(re.escape(REDACTED), re.IGNORECASE)


def is_redaction_of(edited: str, original: str) -> bool:
    """True when `edited` is `original` with parts replaced by "[redacted]" and nothing added: the
    pieces between the markers appear in the original, in order, and the text only differs from the
    original where a marker stands."""
    edited, original = edited.replace("\r\n", "\n").strip(), original.replace("\r\n", "\n").strip()
    pieces = _MARKER.split(edited)
    if len(pieces) == 1:
        return edited == original
    if not original.startswith(pieces[0]) or not original.endswith(pieces[-1]):
        return False
    position = len(pieces[0])
    for piece in pieces[1:-1]:
        found = original.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return len(original) - len(pieces[-1]) >= position


def redact(original: str, chosen: list[Span], edited: str | None = None) -> str:
    """The text to publish: `edited` (or the original) with every chosen span replaced by
    "[redacted]" wherever it appears. Raises ModerationError when the edit adds anything."""
    text = original.replace("\r\n", "\n").strip()
    if edited is not None and not edited.strip():
        raise ModerationError("Enter the text to publish, or reject the answer", "text")
    if edited is not None and edited.replace("\r\n", "\n").strip() != text:
        if not is_redaction_of(edited, original):
            raise ModerationError(
                'The edited text may only replace parts of the answer with "[redacted]". '
                "Put back anything else you changed.",
                "text",
            )
        text = _MARKER.sub(REDACTED, edited.replace("\r\n", "\n").strip())
    for span in sorted(chosen, key=lambda s: -len(s.text)):
        if span.text:
            text = re.sub(r"(?<!\w)" + re.escape(span.text) + r"(?!\w)", REDACTED, text)
    return text
