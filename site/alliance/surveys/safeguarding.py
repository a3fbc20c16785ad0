"""Safeguarding: phrases that raise a concern, and the alert sent when an answer does."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from alliance.surveys.moderation_terms import SAFEGUARDING_FILE
from alliance.surveys.normalising import normalise
from alliance.surveys.personal_data import _is_han, find_personal_data

# Safeguarding ----------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def safeguarding_data(path: str = str(SAFEGUARDING_FILE)) -> dict:
    """content/surveys/safeguarding.json: concerns, phrases per language and the instructions."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=32)
def _phrase_patterns(lang: str) -> dict[str, re.Pattern]:
    phrases = safeguarding_data()["phrases"]
    groups: dict[str, list[str]] = {}
    for code in dict.fromkeys([lang, "en"]):
        for group, items in phrases.get(code, {}).items():
            groups.setdefault(group, []).extend(items)
    patterns = {}
    for group, items in groups.items():
        parts = []
        for phrase in items:
            stem = phrase.endswith("*")
            body = re.escape(normalise(phrase.rstrip("*")))
            # Word edges matter in scripts with spaces; Chinese has none to match against, and Arabic and
            # Sorani join prefixes ("the", "and", "to") to the word.
            left = "" if _is_han(body[0]) or "\u0600" <= body[0] <= "\u06ff" else r"(?<!\w)"
            right = "" if stem or _is_han(body[-1]) else r"(?!\w)"
            parts.append(left + body + right)
        patterns[group] = re.compile("|".join(parts))
    return patterns


def flag_safeguarding(text: str, lang: str) -> list[str]:
    """The concerns (self_harm, abuse, urgent_referral_delay) whose phrases appear in the text, in the
    answer's language or English. A concern with several phrase groups needs a match in each."""
    folded = normalise(text)
    patterns = _phrase_patterns(lang)
    concerns = safeguarding_data()["concerns"]
    return [
        kind
        for kind, concern in concerns.items()
        if all(group in patterns and patterns[group].search(folded) for group in concern["needs"])
    ]


def concern_label(kind: str) -> str:
    concern = safeguarding_data()["concerns"].get(kind)
    return concern["label"] if concern else kind


def instructions() -> dict:
    """The Alliance's safeguarding instructions for moderators, with the note on the phrase lists."""
    data = safeguarding_data()
    return {**data["instructions"], "note": data["note"]}


def flags_for(text: str, lang: str) -> tuple[list[str], bool]:
    """(flags such as "pii:phone" and "safeguarding:self_harm", urgent)."""
    pii = sorted({span.kind for span in find_personal_data(text, lang)})
    concerns = flag_safeguarding(text, lang)
    return [f"pii:{kind}" for kind in pii] + [f"safeguarding:{kind}" for kind in concerns], bool(concerns)
