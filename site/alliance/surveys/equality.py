"""Equality-monitoring questions, in the Office for National Statistics Census 2021 categories.

Every question is optional and offers "Prefer not to say". Ethnic group uses the five high-level
ONS 2021 groups so that small numbers can still be reported without identifying anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PREFER_NOT = ("prefer-not-to-say", _l("Prefer not to say"))
YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


@dataclass(frozen=True)
class EqualityQuestion:
    key: str
    text: object
    options: list[tuple[str, object]]


QUESTIONS = [
    EqualityQuestion(
        "age_band",
        _l("What is your age?"),
        [
            ("under-16", _l("Under 16")),
            ("16-24", _l("16 to 24")),
            ("25-34", _l("25 to 34")),
            ("35-44", _l("35 to 44")),
            ("45-54", _l("45 to 54")),
            ("55-64", _l("55 to 64")),
            ("65-74", _l("65 to 74")),
            ("75-plus", _l("75 or over")),
        ],
    ),
    EqualityQuestion("sex", _l("What is your sex?"), [("female", _l("Female")), ("male", _l("Male"))]),
    EqualityQuestion(
        "gender_identity",
        _l("Is the gender you identify with the same as your sex registered at birth?"),
        YES_NO,
    ),
    EqualityQuestion(
        "sexual_orientation",
        _l("Which of the following best describes your sexual orientation?"),
        [
            ("straight", _l("Straight or heterosexual")),
            ("gay-lesbian", _l("Gay or lesbian")),
            ("bisexual", _l("Bisexual")),
            ("other", _l("Another sexual orientation")),
        ],
    ),
    EqualityQuestion(
        "ethnic_group",
        _l("What is your ethnic group?"),
        [
            ("asian", _l("Asian, Asian British, Asian Welsh")),
            ("black", _l("Black, Black British, Black Welsh, Caribbean or African")),
            ("mixed", _l("Mixed or multiple ethnic groups")),
            ("white", _l("White")),
            ("other", _l("Other ethnic group")),
        ],
    ),
    EqualityQuestion(
        "religion",
        _l("What is your religion?"),
        [
            ("none", _l("No religion")),
            ("christian", _l("Christian")),
            ("buddhist", _l("Buddhist")),
            ("hindu", _l("Hindu")),
            ("jewish", _l("Jewish")),
            ("muslim", _l("Muslim")),
            ("sikh", _l("Sikh")),
            ("other", _l("Any other religion")),
        ],
    ),
    EqualityQuestion(
        "disability",
        _l(
            "Do you have any physical or mental health conditions or illnesses lasting or expected to last "
            "12 months or more?"
        ),
        YES_NO,
    ),
    EqualityQuestion(
        "carer",
        _l(
            "Do you look after, or give any help or support to, anyone because of illness, disability or age?"
        ),
        YES_NO,
    ),
    EqualityQuestion(
        "pregnancy", _l("Are you pregnant, or have you given birth in the last 26 weeks?"), YES_NO
    ),
]
KEYS = [question.key for question in QUESTIONS]


def options(question: EqualityQuestion) -> list[tuple[str, object]]:
    return [*question.options, PREFER_NOT]


def clean(form: dict[str, str]) -> dict[str, str]:
    """Keep only known answers to known questions: anything else is dropped, not an error (all optional)."""
    kept = {}
    for question in QUESTIONS:
        value = form.get(question.key)
        if value and value in {key for key, _ in options(question)}:
            kept[question.key] = value
    return kept
