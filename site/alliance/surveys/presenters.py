"""Questions and answers turned into the parameters of NHS.UK frontend components."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from alliance.forms import character_count_texts
from alliance.surveys import answering, equality, question_kinds, reading
from alliance.surveys.reading import QuestionView, SurveyView


def closes_on(view: SurveyView) -> str | None:
    return format_date(view.closes_at, "long") if view.closes_at else None


def field_id(key: str) -> str:
    # Prefixed so a question key can never clash with an id elsewhere on the page.
    return f"q-{key}"


def error_list(errors: dict[str, str], anchors: dict[str, str] | None = None) -> list[dict]:
    """The error summary: each error linked to its field; a form-wide error (timed out) unlinked."""
    items = []
    for key, message in errors.items():
        if key == "_form":
            items.append({"text": message})
        elif key.endswith(".other"):
            items.append({"text": message, "href": f"#{field_id(key[:-6])}-other"})
        else:
            items.append({"text": message, "href": f"#{(anchors or {}).get(key, field_id(key))}"})
    return items


def anchors(view: SurveyView, number: int) -> dict[str, str]:
    """Where each question's error links to: its first input (a date's day box)."""
    return {
        q.key: f"{field_id(q.key)}{question_kinds.field(q.kind).first_input}"
        for q in view.pages[number - 1]
        if question_kinds.field(q.kind).first_input
    }


def page_values(view: SurveyView, number: int, answers: dict) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {}
    for question in view.pages[number - 1]:
        values.update(answering.form_values(question, answers))
    return values


def _first(values: dict, name: str) -> str:
    found = values.get(name) or [""]
    return found[0] if isinstance(found, list) else str(found)


def _yes_no_pairs(question: QuestionView) -> list[tuple[str, str]]:
    return [("yes", str(_l("Yes"))), ("no", str(_l("No")))]


def _scale_pairs(question: QuestionView) -> list[tuple[str, str]]:
    low, high = question.min_value or 1, question.max_value or 5
    pairs = []
    for n in range(low, high + 1):
        label = question.low_label if n == low else question.high_label if n == high else ""
        pairs.append((str(n), f"{n} – {label}" if label else str(n)))
    return pairs


def _option_pairs(question: QuestionView) -> list[tuple[str, str]]:
    return [(option.key, option.text) for option in question.options]


# Where a choice question's items come from, named by question_kinds.Field.choices.
_CHOICES: dict[str, Callable[[QuestionView], list[tuple[str, str]]]] = {
    "options": _option_pairs,
    "yes_no": _yes_no_pairs,
    "scale": _scale_pairs,
}


def _choice_items(question: QuestionView, values: dict, errors: dict) -> list[dict]:
    chosen = values.get(question.key) or []
    pairs = _CHOICES[question_kinds.field(question.kind).choices](question)
    items = []
    for value, text in pairs:
        item = {"value": value, "text": text, "checked": value in chosen}
        option = next((o for o in question.options if o.key == value and o.is_other), None)
        if option is not None:
            other_error = errors.get(f"{question.key}.other")
            item["conditional"] = {
                "html": Markup(
                    '<div class="nhsuk-form-group{err}"><label class="nhsuk-label" for="{id}">{label}</label>'
                    "{message}"
                    '<input class="nhsuk-input{ierr}" id="{id}" name="{name}" type="text" value="{value}"'
                    ' maxlength="{max}" autocomplete="off"{described}></div>'
                ).format(
                    err=" nhsuk-form-group--error" if other_error else "",
                    ierr=" nhsuk-input--error" if other_error else "",
                    id=f"{field_id(question.key)}-other",
                    name=f"{question.key}.other",
                    label=_l("Please say what"),
                    message=Markup(
                        '<span class="nhsuk-error-message" id="{id}-error">'
                        '<span class="nhsuk-u-visually-hidden">{prefix}</span> {text}</span>'
                    ).format(id=f"{field_id(question.key)}-other", prefix=_l("Error:"), text=other_error)
                    if other_error
                    else "",
                    value=_first(values, f"{question.key}.other"),
                    max=reading.DEFAULT_SHORT_TEXT,
                    described=Markup(' aria-describedby="{}-error"').format(f"{field_id(question.key)}-other")
                    if other_error
                    else "",
                )
            }
        items.append(item)
    return items


def _question_params(question: QuestionView, heading: bool, values: dict, errors: dict) -> dict:
    error = errors.get(question.key)
    label: dict[str, object] = {"text": question.text}
    if heading:
        label.update({"isPageHeading": True, "size": "l"})
    else:
        label["size"] = "m"
    common = {
        "id": field_id(question.key),
        "name": question.key,
        "hint": {"text": question.help} if question.help else None,
        "errorMessage": {"text": error} if error else None,
    }
    common = {key: value for key, value in common.items() if value is not None}
    kind = question_kinds.field(question.kind)
    params = _BUILDERS[kind.builder](question, kind, label, common, values, errors)
    return {"macro": kind.macro, "params": params}


def _choices_params(
    question: QuestionView, kind: question_kinds.Field, label: dict, common: dict, values: dict, errors: dict
) -> dict:
    # The first item takes the id itself (the error summary links to it), so the group has none.
    params: dict[str, object] = {
        "idPrefix": common.pop("id"),
        **common,
        "fieldset": {"legend": label},
        "items": _choice_items(question, values, errors),
    }
    if kind.classes:
        params["classes"] = kind.classes
    return params


def _character_count_params(
    question: QuestionView, kind: question_kinds.Field, label: dict, common: dict, values: dict, errors: dict
) -> dict:
    return {
        **common,
        "label": label,
        "value": _first(values, question.key),
        "maxlength": question.max_length or reading.DEFAULT_SHORT_TEXT,
        "rows": 6,
        **character_count_texts(),
    }


def _date_params(
    question: QuestionView, kind: question_kinds.Field, label: dict, common: dict, values: dict, errors: dict
) -> dict:
    error_class = " nhsuk-input--error" if errors.get(question.key) else ""
    return {
        **common,
        "namePrefix": question.key,
        "fieldset": {"legend": label},
        "items": [
            {
                "name": part,
                "label": str(text),
                "classes": width + error_class,
                "value": _first(values, f"{question.key}[{part}]"),
            }
            for part, text, width in (
                ("day", _l("Day"), "nhsuk-input--width-2"),
                ("month", _l("Month"), "nhsuk-input--width-2"),
                ("year", _l("Year"), "nhsuk-input--width-4"),
            )
        ],
    }


def _ranking_params(
    question: QuestionView, kind: question_kinds.Field, label: dict, common: dict, values: dict, errors: dict
) -> dict:
    error = errors.get(question.key)
    count = len(question.options)
    return {
        **common,
        "legend": label,
        "selects": [
            {
                "id": field_id(question.key) if n == 0 else f"{field_id(question.key)}-{option.key}",
                "name": f"{question.key}[{option.key}]",
                "label": {"text": option.text},
                "classes": "nhsuk-select--error" if error else "",
                "items": [{"value": "", "text": str(_l("Choose a number"))}]
                + [
                    {
                        "value": str(rank),
                        "text": str(rank),
                        "selected": _first(values, f"{question.key}[{option.key}]") == str(rank),
                    }
                    for rank in range(1, count + 1)
                ],
            }
            for n, option in enumerate(question.options)
        ],
    }


def _input_params(
    question: QuestionView, kind: question_kinds.Field, label: dict, common: dict, values: dict, errors: dict
) -> dict:
    params = {**common, "label": label, "value": _first(values, question.key), **kind.extra}
    if kind.classes:
        params["classes"] = kind.classes
    if kind.max_length_attribute:
        params["attributes"] = {"maxlength": str(question.max_length or reading.DEFAULT_SHORT_TEXT)}
    return params


# How each kind of form field's parameters are made, named by question_kinds.Field.builder.
_BUILDERS: dict[str, Callable[..., dict]] = {
    "choices": _choices_params,
    "character_count": _character_count_params,
    "date": _date_params,
    "ranking": _ranking_params,
    "input": _input_params,
}


def page_questions(view: SurveyView, number: int, answers: dict, values: dict, errors: dict) -> list[dict]:
    shown = [q for q in view.pages[number - 1] if answering.is_visible(q, answering.prune(view, answers))]
    heading = len(shown) == 1
    return [
        {**_question_params(question, heading, values, errors), "title": question.text} for question in shown
    ]


def summary_rows(view: SurveyView, answers: dict, change_url=None) -> list[dict]:
    """One row per answered question; `change_url(page)` is where its "Change" link goes."""
    answers = answering.prune(view, answers)
    if change_url is None:

        def change_url(page: int) -> str:
            return url_for("surveys.question", slug=view.slug, page=page, change="1")

    rows = []
    for question in view.questions():
        if not answering.is_visible(question, answers):
            continue
        rows.append(
            {
                "key": {"text": question.text},
                "value": {"html": question_kinds.answer_text(question, answers)},
                "actions": {
                    "items": [
                        {
                            "href": change_url(question.page),
                            "text": str(_l("Change")),
                            "visuallyHiddenText": question.text,
                        }
                    ]
                },
            }
        )
    return rows


def equality_questions(chosen: dict[str, str]) -> list[dict]:
    return [
        {
            "idPrefix": field_id(question.key),
            "name": question.key,
            "fieldset": {"legend": {"text": str(question.text), "size": "s"}},
            "items": [
                {"value": key, "text": str(text), "checked": chosen.get(question.key) == key}
                for key, text in equality.options(question)
            ],
        }
        for question in equality.QUESTIONS
    ]


def equality_rows(slug: str, chosen: dict[str, str], change_url: str | None = None) -> list[dict]:
    change_url = change_url or url_for("surveys.about_you", slug=slug)
    rows = []
    for question in equality.QUESTIONS:
        key = chosen.get(question.key)
        text = dict(equality.options(question)).get(key) if key else _l("Not answered")
        rows.append(
            {
                "key": {"text": str(question.text)},
                "value": {"text": str(text)},
                "actions": {
                    "items": [
                        {
                            "href": change_url,
                            "text": str(_l("Change")),
                            "visuallyHiddenText": str(question.text),
                        }
                    ]
                },
            }
        )
    return rows
