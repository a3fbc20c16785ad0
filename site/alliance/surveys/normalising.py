"""Normalising text before detection: digits, letters written differently on different keyboards, spaces."""

from __future__ import annotations

import re
import unicodedata

# Normalising text ---------------------------------------------------------------------------------------


def _ascii_digits(text: str) -> str:
    """The text with every decimal digit (Arabic-Indic, Bengali, Gurmukhi, full-width...) as 0-9 and
    full-width Latin as ASCII, one character for one, so offsets still point into the original."""
    out = []
    for char in text:
        if char.isascii():
            out.append(char)
            continue
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif "\uff01" <= char <= "\uff5e":
            out.append(chr(ord(char) - 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


# Letters written differently in Arabic, Urdu and Sorani keyboards, and marks people often leave out.
_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0649": "\u06cc",  # alef maksura
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0622": "\u0627",  # alef with madda
        "\u0629": "\u0647",  # teh marbuta
        "\u06c1": "\u0647",  # heh goal
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u0a3c": None,  # Gurmukhi nukta
        "\u0142": "l",  # Polish l with stroke has no decomposition
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "-": " ",
        "\u2010": " ",
        "\u2011": " ",
        "\u2013": " ",
        "\u2014": " ",
    }
)
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670]")
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Text folded for matching phrases: NFKC, case folded, Latin accents dropped (people often type
    Polish, Romanian and Slovak without them), Arabic-script letter variants unified, vowel marks and
    joiners removed, dashes as spaces, runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text).casefold())
    kept: list[str] = []
    for char in decomposed:
        if unicodedata.category(char) == "Mn" and kept and ord(kept[-1]) < 0x250:
            continue  # an accent on a Latin letter
        kept.append(char)
    text = unicodedata.normalize("NFC", "".join(kept)).translate(_FOLD)
    text = _ARABIC_MARKS.sub("", text)
    return _SPACES.sub(" ", text).strip()
