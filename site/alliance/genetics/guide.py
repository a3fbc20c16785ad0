"""'Should I ask about genetic testing?': the questions, the answers carried between them, the advice.

Nothing here is stored: the answers travel in hidden fields of POST forms from one question to the
next, never in an address (so they stay out of browser history and server logs), and the result only
ever suggests talking to a GP or the care team. It never says whether someone is
eligible for a test: only a clinician can decide that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Question:
    step: str  # the URL segment
    name: str  # the query-string key carrying the answer
    text: object
    hint: object
    choices: tuple[tuple[str, object], ...]
    multiple: bool = False
    exclusive: str | None = None  # a "none of these" choice that cannot be combined with others
    error: object = ""


QUESTIONS: tuple[Question, ...] = (
    Question(
        "your-history",
        "own",
        _l("Have you ever been diagnosed with cancer?"),
        _l("Include cancer that was treated a long time ago."),
        (
            ("young", _l("Yes, before the age of 50")),
            ("older", _l("Yes, at the age of 50 or over")),
            ("no", _l("No")),
        ),
        error=_l("Select whether you were ever diagnosed with cancer"),
    ),
    Question(
        "family",
        "family",
        _l("Has anyone in your family had any of these?"),
        _l(
            "Think of blood relatives on the same side of the family: parents, brothers, sisters, children, grandparents, aunts, uncles and cousins. Select all that apply."
        ),
        (
            ("bowel-womb", _l("2 or more relatives with bowel or womb (endometrial) cancer")),
            (
                "breast-ovarian-prostate",
                _l("2 or more relatives with breast, ovarian, prostate or pancreatic cancer"),
            ),
            ("young", _l("A relative diagnosed with cancer before the age of 50")),
            ("none", _l("None of these, or I do not know")),
        ),
        multiple=True,
        exclusive="none",
        error=_l("Select which of these apply to your family, or select none of these"),
    ),
    Question(
        "gene-change",
        "gene",
        _l("Has anyone in your family been told they carry a gene change linked to cancer?"),
        _l("For example a BRCA1, BRCA2 or PALB2 gene change, or Lynch syndrome."),
        (("yes", _l("Yes")), ("no", _l("No")), ("not-sure", _l("I am not sure"))),
        error=_l("Select whether anyone in your family has been told they carry a gene change"),
    ),
    Question(
        "ancestry",
        "ancestry",
        _l("Is your family background Ashkenazi Jewish?"),
        _l("Some gene changes linked to cancer are more common in people with Ashkenazi Jewish ancestry."),
        (("yes", _l("Yes")), ("no", _l("No")), ("not-sure", _l("I am not sure"))),
        error=_l("Select whether your family background is Ashkenazi Jewish"),
    ),
)
STEPS = tuple(question.step for question in QUESTIONS)
NAMES = tuple(question.name for question in QUESTIONS)


def question(step: str) -> Question | None:
    return next((q for q in QUESTIONS if q.step == step), None)


def _allowed(q: Question) -> set[str]:
    return {value for value, _ in q.choices}


def clean_answers(args: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Keep only known answers to known questions; anything else in the query string is dropped."""
    answers: dict[str, list[str]] = {}
    for q in QUESTIONS:
        raw = [value for value in args.get(q.name, []) if isinstance(value, str)]
        values = [value for value in dict.fromkeys(raw) if value in _allowed(q)]
        if not q.multiple:
            values = values[:1]
        elif q.exclusive in values and len(values) > 1:
            values = [value for value in values if value != q.exclusive]
        if values:
            answers[q.name] = values
    return answers


def check_step(q: Question, submitted: list[str]) -> str | None:
    """The error message for this question's submitted answer, or None when it is acceptable."""
    submitted = list(dict.fromkeys(submitted))  # the same box sent twice is still one answer
    values = [value for value in submitted if value in _allowed(q)]
    if not values or len(values) != len(submitted):
        return str(q.error)
    if not q.multiple and len(values) > 1:
        return str(q.error)
    if q.exclusive and q.exclusive in values and len(values) > 1:
        return str(_l("Select none of these on its own, or the things that apply"))
    return None


def next_step(step: str) -> str:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else "result"


def previous_step(step: str) -> str | None:
    """The step before this one (None before the first question: the start page)."""
    if step == "result":
        return STEPS[-1]
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None


def query_pairs(answers: dict[str, list[str]], leave_out: str | None = None) -> list[tuple[str, str]]:
    """The answers as (name, value) pairs for a URL or hidden fields, in question order."""
    return [(name, value) for name in NAMES if name != leave_out for value in answers.get(name, [])]


@dataclass
class Advice:
    """What the result page says. Every result suggests talking to a GP or the care team."""

    points: list[str] = field(default_factory=list)
    nothing_mentioned: bool = False
    talk_to: list[str] = field(default_factory=list)
    take: list[str] = field(default_factory=list)
    remember: list[str] = field(default_factory=list)

    def all_text(self) -> list[str]:
        return self.points + self.talk_to + self.take + self.remember


POINTS = {
    ("own", "young"): _l("your own cancer diagnosis before the age of 50"),
    ("own", "older"): _l("your own cancer diagnosis"),
    ("family", "bowel-womb"): _l("relatives on the same side of the family with bowel or womb cancer"),
    ("family", "breast-ovarian-prostate"): _l(
        "relatives on the same side of the family with breast, ovarian, prostate or pancreatic cancer"
    ),
    ("family", "young"): _l("a relative diagnosed with cancer before the age of 50"),
    ("gene", "yes"): _l("a gene change linked to cancer found in a relative, such as BRCA or Lynch syndrome"),
    ("gene", "not-sure"): _l("whether anyone in your family has had a genetic test"),
    ("ancestry", "yes"): _l("Ashkenazi Jewish ancestry"),
}


def advice(answers: dict[str, list[str]]) -> Advice:
    """The advice for any set of answers, including none at all."""
    result = Advice()
    result.points = [
        str(POINTS[(name, value)]) for name, value in query_pairs(answers) if (name, value) in POINTS
    ]
    result.nothing_mentioned = not result.points
    result.talk_to = [
        str(
            _l(
                "Talk to your GP surgery about your family history. If you are being treated for cancer, talk to your cancer care team or specialist nurse."
            )
        ),
        str(
            _l(
                "Only a doctor or genetics team can decide whether a referral or a genetic test would help. This guide cannot tell you that."
            )
        ),
    ]
    if result.nothing_mentioned:
        result.remember = [
            str(
                _l(
                    "Nothing you told us is on the list of things to mention. Family history can change: if a relative is diagnosed with cancer or finds out they carry a gene change, look at this guide again."
                )
            ),
            str(_l("If you are worried about cancer in your family, talk to your GP surgery anyway.")),
        ]
    result.take = [
        str(
            _l(
                "a list of relatives who have had cancer: which side of the family, which cancer, and their age at diagnosis"
            )
        ),
        str(
            _l(
                "any letters or results from genetic tests in your family, including the name of the gene change"
            )
        ),
        str(_l("details of your own diagnosis and treatment, if any")),
    ]
    return result


def guide_advice_text(answers: dict[str, list[str]]) -> list[str]:
    """Every sentence the result page shows for these answers (for checking its wording)."""
    return advice(answers).all_text()
