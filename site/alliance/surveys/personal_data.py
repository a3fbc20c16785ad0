"""Finding personal data in free text: emails, phone numbers, NHS numbers, postcodes and names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliance.surveys.moderation_terms import PII_LABELS
from alliance.surveys.normalising import _ascii_digits

# Personal data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # email, phone, nhs_number, postcode, name
    text: str

    @property
    def label(self) -> str:
        return PII_LABELS[self.kind]


EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# +44 7700 900123, +44 (0)114 496 0000, 0044 ..., 07700 900123, (0114) 496 0000, 0114-496-0000
PHONE = re.compile(
    r"(?<![0-9+])(?:(?:\+|00)44[\s.-]?(?:\(0\)[\s.-]?)?|\(?0)[1-9](?:[\s.()-]{0,2}[0-9]){8,9}(?![0-9])"
)
NHS_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{3}[ -][0-9]{3}[ -][0-9]{4}|[0-9]{10})(?![0-9])")
POSTCODE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\s*[0-9][A-Za-z]{2}(?![A-Za-z0-9])")

# "My name is" and its equivalents; the name is the one or two words after it. Urdu and Punjabi put the
# verb after the name ("میرا نام احمد ہے"): the verb is a stop word, never part of the name.
NAME_INTROS = {
    "en": [r"my name is", r"my name's", r"i am called", r"i'm called"],
    "ar": [r"اسمي(?:\s+هو)?", r"أنا اسمي"],
    "bn": [r"আমার নাম"],
    "ckb": [r"ناوم", r"ناوی من"],
    "pa": [r"ਮੇਰਾ ਨਾਮ", r"ਮੇਰਾ ਨਾਂ"],
    "pl": [r"nazywam się", r"nazywam sie", r"mam na imię", r"mam na imie", r"moje imię to"],
    "ro": [r"numele meu este", r"numele meu e", r"mă numesc", r"ma numesc", r"mă cheamă", r"ma cheama"],
    "sk": [r"volám sa", r"volam sa", r"moje meno je"],
    "so": [r"magacaygu waa", r"magacayga waa", r"magacaygu"],
    "ur": [r"میرا نام", r"مېرا نام"],
    "zh": [r"我叫", r"我的名字是", r"我的名字叫", r"我名叫"],
}
NAME_STOP_WORDS = {"ہے", "ہیں", "تھا", "ਹੈ", "ਸੀ", "هو", "است", "and", "i", "is", "from", "waa", "e", "este"}
# A word: letters and the vowel signs of Bengali, Gurmukhi and Arabic script, up to a space or punctuation.
_WORD = re.compile(r"[^\s\d.,;:!?\u060c\u061b\u06d4\u3002\uff0c\u3001\uff01\uff1f()\[\]\"\u201c\u201d]+")
_HAN = re.compile(r"[\u3400-\u9fff]{2,3}")


def _is_han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def _intro_pattern(lang: str) -> re.Pattern:
    langs = dict.fromkeys([lang, "en"])
    intros = [intro for code in langs for intro in NAME_INTROS.get(code, [])]
    return re.compile(r"(?<!\w)(?:" + "|".join(intros) + r")[\s:,]*", re.IGNORECASE)


def _name_after(text: str, start: int) -> tuple[int, int] | None:
    """The span of the one or two words of a name starting at `start`, or None."""
    han = _HAN.match(text, start)
    if han:
        return han.start(), han.end()
    first = _WORD.match(text, start)
    if not first or first.group().casefold() in NAME_STOP_WORDS:
        return None
    end = first.end()
    gap = re.match(r"[ \t]+", text[end:])
    if gap:
        second = _WORD.match(text, end + gap.end())
        # A second word counts only when capitalised ("Jane Smith", not "jane and"); scripts without
        # capitals join words like "and" to the next one, so there the name is one word.
        if second and second.group().casefold() not in NAME_STOP_WORDS and second.group()[0].isupper():
            end = second.end()
    return start, end


def _valid_nhs_number(digits: str) -> bool:
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _is_uk_phone(found: str) -> bool:
    digits = re.sub(r"[^0-9]", "", found.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif digits.startswith("44") and found.lstrip().startswith("+"):
        digits = "0" + digits[2:]
    return digits.startswith("0") and len(digits) in (10, 11) and digits[1] in "123578"


def find_personal_data(text: str, lang: str) -> list[Span]:
    """Likely personal data in an answer, in order, never overlapping: emails, UK phone numbers,
    NHS numbers whose modulus-11 check digit is valid, full UK postcodes, and names after "my name is"
    in `lang` or English. Digits in any script count."""
    shadow = _ascii_digits(text)
    found: list[Span] = []

    def add(start: int, end: int, kind: str) -> None:
        while end > start and text[end - 1] in " \t\n.,":
            end -= 1
        found.append(Span(start, end, kind, text[start:end]))

    for match in EMAIL.finditer(shadow):
        add(match.start(), match.end(), "email")
    for match in NHS_NUMBER.finditer(shadow):
        if _valid_nhs_number(re.sub(r"[^0-9]", "", match.group())):
            add(match.start(), match.end(), "nhs_number")
    for match in PHONE.finditer(shadow):
        if _is_uk_phone(match.group()):
            add(match.start(), match.end(), "phone")
    for match in POSTCODE.finditer(shadow):
        add(match.start(), match.end(), "postcode")
    for match in _intro_pattern(lang).finditer(shadow):
        name = _name_after(text, match.end())
        if name:
            add(*name, "name")
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, -(s.end - s.start))):
        if not kept or span.start >= kept[-1].end:
            kept.append(span)
    return kept


def segments(text: str, spans: list[Span]) -> list[tuple[str, Span | None]]:
    """The text cut into (piece, span) for display: span is None for the pieces between the spans."""
    pieces: list[tuple[str, Span | None]] = []
    position = 0
    for span in spans:
        if span.start > position:
            pieces.append((text[position : span.start], None))
        pieces.append((text[span.start : span.end], span))
        position = span.end
    if position < len(text):
        pieces.append((text[position:], None))
    return pieces
