"""Survey question kinds: for each kind in QUESTION_KINDS, how a submitted form is validated into an
answer, how an answer is stored as Answer rows, how it reads on the check-your-answers page, and how its
form field is drawn (FIELDS, asked through `field`).

`validate_question`, `answer_rows`, `answer_text` and `field` ask the registries; a kind missing from them is
refused, and unit tests check that every kind in QUESTION_KINDS is in each.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from typing import cast

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from alliance.dates import DateError, parse_date_parts
from alliance.places import PostcodeError, outcode
from alliance.surveys.models import Answer
from alliance.surveys.reading import DEFAULT_SHORT_TEXT, QuestionView, SurveyError

Form = dict[str, list[str]]
Result = tuple[object, str | None]


def clean_text(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and nobody types one: everything else is kept as typed.
    return value.replace("\x00", "")


def _one(form: Form, name: str) -> str:
    values = form.get(name) or [""]
    return clean_text(values[0] if isinstance(values, list) else values)


def _asked(question: QuestionView) -> str:
    """The question as an error message names it (the NHS design system: say what to answer)."""
    text = " ".join(question.text.split())
    return text if len(text) <= 120 else text[:117].rstrip() + "..."


def _blank(question: QuestionView, message: str) -> Result:
    """No answer: an error only when the question must be answered."""
    return None, (message if question.required else None)


def _choose_one(question: QuestionView, form: Form, choices: list[str]) -> Result:
    value = _one(form, question.key)
    if not value:
        return _blank(question, str(_l("Select an answer to “%(question)s”", question=_asked(question))))
    if value not in choices:
        return None, str(_l("Select an answer from the list"))
    return value, None


def _single(question: QuestionView, form: Form) -> Result:
    return _choose_one(question, form, [option.key for option in question.options])


def _rating(question: QuestionView, form: Form) -> Result:
    low, high = question.min_value or 1, question.max_value or 5
    return _choose_one(question, form, [str(n) for n in range(low, high + 1)])


def _yes_no(question: QuestionView, form: Form) -> Result:
    return _choose_one(question, form, ["yes", "no"])


def _multiple(question: QuestionView, form: Form) -> Result:
    values = [clean_text(v) for v in form.get(question.key, [])]
    if not values:
        return _blank(
            question, str(_l("Select at least one answer to “%(question)s”", question=_asked(question)))
        )
    option_keys = [option.key for option in question.options]
    if any(value not in option_keys for value in values):
        return None, str(_l("Select answers from the list"))
    return list(dict.fromkeys(values)), None


def _text(question: QuestionView, form: Form) -> Result:
    value = _one(form, question.key)
    limit = question.max_length or DEFAULT_SHORT_TEXT
    if not value.strip():
        return _blank(question, str(_l("Enter your answer to “%(question)s”", question=_asked(question))))
    if len(value) > limit:
        return value, str(_l("Your answer must be %(max)s characters or fewer", max=limit))
    return value, None


def _number(question: QuestionView, form: Form) -> Result:
    value = _one(form, question.key).strip()
    if not value:
        return _blank(question, str(_l("Enter a number for “%(question)s”", question=_asked(question))))
    if not re.fullmatch(r"[0-9]{1,9}", value):
        return value, str(_l("Enter a whole number, like 3"))
    low, high = question.min_value, question.max_value
    if (low is not None and int(value) < low) or (high is not None and int(value) > high):
        return value, str(_l("Enter a number between %(min)s and %(max)s", min=low or 0, max=high))
    return str(int(value)), None


def _date(question: QuestionView, form: Form) -> Result:
    try:
        value = parse_date_parts(
            *(_one(form, f"{question.key}[{part}]") for part in ("day", "month", "year"))
        )
    except DateError as error:
        return None, str(error.message)
    if value is None:
        return _blank(question, str(_l("Enter a date for “%(question)s”", question=_asked(question))))
    return value.isoformat(), None


def _outcode(question: QuestionView, form: Form) -> Result:
    value = _one(form, question.key)
    if not value.strip():
        return _blank(question, str(_l("Enter the first part of your postcode")))
    try:
        return outcode(value[:20]), None
    except PostcodeError:
        return None, str(_l("Enter the first part of your postcode, like S1 or DN22"))


def _ranking(question: QuestionView, form: Form) -> Result:
    option_keys = [option.key for option in question.options]
    ranks = {option: _one(form, f"{question.key}[{option}]").strip() for option in option_keys}
    if not any(ranks.values()):
        return _blank(
            question, str(_l("Put every item in order for “%(question)s”", question=_asked(question)))
        )
    allowed = {str(n) for n in range(1, len(option_keys) + 1)}
    if not all(rank in allowed for rank in ranks.values()):
        return None, str(_l("Put every item in order"))
    if len(set(ranks.values())) != len(option_keys):
        return None, str(_l("Give each item a different number"))
    return sorted(option_keys, key=lambda option: int(ranks[option])), None


VALIDATORS: dict[str, Callable[[QuestionView, Form], Result]] = {
    "single": _single,
    "multiple": _multiple,
    "rating": _rating,
    "yes_no": _yes_no,
    "short_text": _text,
    "long_text": _text,
    "number": _number,
    "date": _date,
    "outcode": _outcode,
    "ranking": _ranking,
}


def validate_question(question: QuestionView, form: Form) -> Result:
    """(answer, error message) for one question from the submitted form; the answer is None when blank."""
    validator = VALIDATORS.get(question.kind)
    if validator is None:
        raise SurveyError(f"unknown question kind {question.kind}")
    return validator(question, form)


def is_other(question: QuestionView, key: str) -> bool:
    """Whether `key` is the question's "other, please say" option."""
    return any(option.key == key and option.is_other for option in question.options)


# How an answer is stored: option keys in option_key, the text or number or date in value.
Storer = Callable[[QuestionView, object, dict], list[Answer]]


def _store_choices(question: QuestionView, value: object, answers: dict) -> list[Answer]:
    other = answers.get(f"{question.key}.other", "")
    return [
        Answer(question_id=question.id, option_key=option, value=other if is_other(question, option) else "")
        for option in cast(list, value)
    ]


def _store_ranking(question: QuestionView, value: object, answers: dict) -> list[Answer]:
    return [
        Answer(question_id=question.id, option_key=option, value=str(rank))
        for rank, option in enumerate(cast(list, value), start=1)
    ]


def _store_choice(question: QuestionView, value: object, answers: dict) -> list[Answer]:
    return [Answer(question_id=question.id, option_key=value, value="")]


def _store_value(question: QuestionView, value: object, answers: dict) -> list[Answer]:
    return [Answer(question_id=question.id, value=str(value))]


STORERS: dict[str, Storer] = {
    "single": _store_choice,
    "multiple": _store_choices,
    "rating": _store_value,
    "yes_no": _store_choice,
    "short_text": _store_value,
    "long_text": _store_value,
    "number": _store_value,
    "date": _store_value,
    "outcode": _store_value,
    "ranking": _store_ranking,
}


def answer_rows(question: QuestionView, value: object, answers: dict) -> list[Answer]:
    """The Answer rows that store one question's answer; `answers` holds its "other" text, if any."""
    storer = STORERS.get(question.kind)
    if storer is None:
        raise SurveyError(f"unknown question kind {question.kind}")
    return storer(question, value, answers)


# How an answer reads on the check-your-answers page (HTML: text is escaped, lines joined with <br>).
Shower = Callable[[QuestionView, object, dict], Markup]


def _show_yes_no(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup(escape(_l("Yes") if value == "yes" else _l("No")))


def _show_choice(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup(escape(question.option_text(str(value))))


def _show_choices(question: QuestionView, value: object, answers: dict) -> Markup:
    lines = []
    for key in cast(list, value):
        text = question.option_text(key)
        other = answers.get(f"{question.key}.other") if is_other(question, key) else None
        lines.append(escape(f"{text}: {other}" if other else text))
    return Markup("<br>").join(lines)


def _show_ranking(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup("<br>").join(
        escape(f"{rank}. {question.option_text(key)}") for rank, key in enumerate(cast(list, value), start=1)
    )


def _show_date(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup(escape(format_date(date.fromisoformat(str(value)), "long")))


def _show_outcode(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup('<span dir="ltr">{}</span>').format(value)


def _show_lines(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup("<br>").join(escape(line) for line in str(value).splitlines())


def _show_value(question: QuestionView, value: object, answers: dict) -> Markup:
    return Markup(escape(value))


SHOWERS: dict[str, Shower] = {
    "single": _show_choice,
    "multiple": _show_choices,
    "rating": _show_value,
    "yes_no": _show_yes_no,
    "short_text": _show_value,
    "long_text": _show_lines,
    "number": _show_value,
    "date": _show_date,
    "outcode": _show_outcode,
    "ranking": _show_ranking,
}


def answer_text(question: QuestionView, answers: dict) -> Markup:
    """One answer as it reads on the check-your-answers page."""
    value = answers.get(question.key)
    if value in (None, "", []):
        return Markup(escape(_l("Not answered")))
    shower = SHOWERS.get(question.kind)
    if shower is None:
        raise SurveyError(f"unknown question kind {question.kind}")
    return shower(question, value, answers)


@dataclass(frozen=True)
class Field:
    """How a kind's form field is drawn: which builder in presenters makes its parameters, and the
    per-kind values that builder needs."""

    builder: str  # "choices", "character_count", "date", "ranking" or "input"
    macro: str  # the nhsuk-frontend (or site) macro that draws the field
    choices: str = ""  # where a choice field's items come from: "options", "yes_no" or "scale"
    classes: str = ""  # classes added to the field's parameters
    extra: Mapping[str, object] = dataclass_field(default_factory=dict)  # other parameters, as given
    max_length_attribute: bool = False  # whether the input carries the question's maxlength
    first_input: str = ""  # suffix of the first input's id, where an error links (a date's day box)


FIELDS: dict[str, Field] = {
    "single": Field("choices", "radios", choices="options"),
    "multiple": Field("choices", "checkboxes", choices="options"),
    "rating": Field("choices", "radios", choices="scale"),
    "yes_no": Field("choices", "radios", choices="yes_no", classes="nhsuk-radios--inline"),
    "short_text": Field("input", "input", max_length_attribute=True),
    "long_text": Field("character_count", "characterCount"),
    "number": Field(
        "input", "input", classes="nhsuk-input--width-5", extra={"inputmode": "numeric", "spellcheck": False}
    ),
    "date": Field("date", "dateInput", first_input="-day"),
    "outcode": Field(
        "input", "input", classes="nhsuk-input--width-5", extra={"spellcheck": False, "autocomplete": "off"}
    ),
    "ranking": Field("ranking", "ranking"),
}


def field(kind: str) -> Field:
    """How a question of `kind` is drawn on the answering page."""
    return cast(Field, _entry(FIELDS, kind))


def _entry(registry: Mapping[str, object], kind: str):
    found = registry.get(kind)
    if found is None:
        raise SurveyError(f"unknown question kind {kind}")
    return found


@dataclass(frozen=True)
class Reporting:
    """How a kind's answers are summed up on the back-office report page."""

    summary: str  # "choices", "scale", "number", "ranking", or "count" (only how many answered)
    fixed_options: tuple[tuple[str, str], ...] = ()  # (key, English label) when the answers are fixed
    several: bool = False  # people may choose more than one answer
    free_text: bool = False  # answers are typed text, moderated and grouped under themes


REPORTING: dict[str, Reporting] = {
    "single": Reporting("choices"),
    "multiple": Reporting("choices", several=True),
    "rating": Reporting("scale"),
    "yes_no": Reporting("choices", fixed_options=(("yes", "Yes"), ("no", "No"))),
    "short_text": Reporting("count", free_text=True),
    "long_text": Reporting("count", free_text=True),
    "number": Reporting("number"),
    "date": Reporting("count"),
    "outcode": Reporting("count"),
    "ranking": Reporting("ranking"),
}


def reporting(kind: str) -> Reporting:
    """How answers to a question of `kind` are summed up in reports."""
    return cast(Reporting, _entry(REPORTING, kind))


@dataclass(frozen=True)
class Exporting:
    """How a kind's answers go into the downloads."""

    value: str  # how an answer reads as text: "ranks" (in rank order), "choices" (labels), or "value"
    cell: str = "text"  # the spreadsheet cell: "text", "number" or "date"
    reviewed_text: bool = False  # its text (typed, or "other" text) shows only as moderated


EXPORTING: dict[str, Exporting] = {
    "single": Exporting("choices", reviewed_text=True),
    "multiple": Exporting("choices", reviewed_text=True),
    "rating": Exporting("value", cell="number"),
    "yes_no": Exporting("choices", reviewed_text=True),
    "short_text": Exporting("value", reviewed_text=True),
    "long_text": Exporting("value", reviewed_text=True),
    "number": Exporting("value", cell="number"),
    "date": Exporting("value", cell="date"),
    "outcode": Exporting("value"),
    "ranking": Exporting("ranks"),
}


def exporting(kind: str) -> Exporting:
    """How answers to a question of `kind` go into the downloads."""
    return cast(Exporting, _entry(EXPORTING, kind))


@dataclass(frozen=True)
class Building:
    """How a kind is set up in the back-office survey builder."""

    label: str  # the kind's name in the builder
    settings: tuple[str, ...] = ()  # the question form's fields it shows, besides text, help and required
    limits: str = ""  # which numbers it keeps: "scale" (1 to 5 by default), "range", "length" or none
    default_length: int | None = None  # the character limit when none is given
    options: bool = False  # its answers are options the builder lists, one a line
    other_option: bool = False  # it may have an "other, please say" option
    conditions: str = ""  # answers a later question may depend on: "options", "yes_no", "scale" or none
    scale_labels: bool = False  # it has labels for the lowest and highest values
    guidance: str = ""  # a note shown above its question form


BUILDING: dict[str, Building] = {
    "single": Building(
        "Single choice", ("options", "other_label"), options=True, other_option=True, conditions="options"
    ),
    "multiple": Building(
        "Multiple choice", ("options", "other_label"), options=True, other_option=True, conditions="options"
    ),
    "rating": Building(
        "Rating scale",
        ("min_value", "max_value", "low_label", "high_label"),
        limits="scale",
        conditions="scale",
        scale_labels=True,
        guidance="Leave the lowest and highest values empty for a scale from 1 to 5.",
    ),
    "short_text": Building("Short text", ("max_length",), limits="length", default_length=DEFAULT_SHORT_TEXT),
    "long_text": Building("Long text", ("max_length",), limits="length", default_length=1000),
    "number": Building("Number", ("min_value", "max_value"), limits="range"),
    "date": Building("Date"),
    "yes_no": Building("Yes or no", conditions="yes_no"),
    "outcode": Building("First part of a postcode"),
    "ranking": Building("Ranking", ("options",), options=True),
}


def building(kind: str) -> Building:
    """How a question of `kind` is set up in the survey builder."""
    return cast(Building, _entry(BUILDING, kind))


# How a stored answer goes back into the form, so a page shows what was chosen before.
Refiller = Callable[[QuestionView, object, dict], Form]


def _refill_date(question: QuestionView, value: object, answers: dict) -> Form:
    year, month, day = str(value).split("-")
    return {
        f"{question.key}[day]": [str(int(day))],
        f"{question.key}[month]": [str(int(month))],
        f"{question.key}[year]": [year],
    }


def _refill_ranking(question: QuestionView, value: object, answers: dict) -> Form:
    return {
        f"{question.key}[{option}]": [str(rank)] for rank, option in enumerate(cast(list, value), start=1)
    }


def _refill_value(question: QuestionView, value: object, answers: dict) -> Form:
    values: Form = {question.key: cast(list, value) if isinstance(value, list) else [cast(str, value)]}
    if f"{question.key}.other" in answers:
        values[f"{question.key}.other"] = [answers[f"{question.key}.other"]]
    return values


REFILLERS: dict[str, Refiller] = {
    "single": _refill_value,
    "multiple": _refill_value,
    "rating": _refill_value,
    "yes_no": _refill_value,
    "short_text": _refill_value,
    "long_text": _refill_value,
    "number": _refill_value,
    "date": _refill_date,
    "outcode": _refill_value,
    "ranking": _refill_ranking,
}


def refill(question: QuestionView, value: object, answers: dict) -> Form:
    """A stored answer as the form values that show it again; `answers` holds its "other" text, if any."""
    return cast(Refiller, _entry(REFILLERS, question.kind))(question, value, answers)


# Whether an answer places the respondent in a locality (the first part of a postcode does).
GIVES_LOCALITY: dict[str, bool] = {kind: kind == "outcode" for kind in VALIDATORS}


def gives_locality(kind: str) -> bool:
    """Whether an answer to a question of `kind` says where the respondent lives."""
    return cast(bool, _entry(GIVES_LOCALITY, kind))


# The kinds whose answers are typed text, so every answer is moderated before it is shown.
FREE_TEXT_KINDS = tuple(kind for kind, entry in REPORTING.items() if entry.free_text)
