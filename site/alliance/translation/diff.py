"""What changed in an English text, word by word, for a reviewer to see."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# Words with the spaces after them, so joining the pieces gives back the text.
_WORDS = re.compile(r"\S+\s*|\s+")


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


def word_diff(before: str, after: str) -> list[Piece]:
    """The pieces of `after` with what `before` had instead, word by word."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            pieces.append(Piece("removed", "".join(old[i1:i2])))
        if tag in ("insert", "replace"):
            pieces.append(Piece("added", "".join(new[j1:j2])))
    return pieces


def has_changes(pieces: list[Piece]) -> bool:
    return any(piece.kind != "same" for piece in pieces)
