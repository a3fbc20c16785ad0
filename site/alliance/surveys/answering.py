"""The answering rules: which pages and questions apply, and validating one page of answers."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from alliance.dates import DateError, parse_date_parts
from alliance.directory.places import PostcodeError, outcode
from alliance.surveys.reading import DEFAULT_SHORT_TEXT, QuestionView, SurveyError, SurveyView

# The answering rules ----------------------------------------------------------------------------------


def is_visible(question: QuestionView, answers: dict) -> bool:
    """A conditional question shows only when the earlier answer it depends on is one of its values."""
    if not question.show_if_key:
        return True
    answer = answers.get(question.show_if_key)
    chosen = answer if isinstance(answer, list) else [answer]
    return any(value in question.show_if_values for value in chosen if value is not None)


def prune(survey: SurveyView, answers: dict) -> dict:
    """Only the answers to questions that are shown, given the answers before them."""
    kept: dict = {}
    for question in survey.questions():
        if not is_visible(question, kept):
            continue
        for key in (question.key, f"{question.key}.other"):
            if key in answers:
                kept[key] = answers[key]
    return kept


def visible_pages(survey: SurveyView, answers: dict) -> list[int]:
    answers = prune(survey, answers)
    return [
        number
        for number, page in enumerate(survey.pages, start=1)
        if any(is_visible(question, answers) for question in page)
    ]


def next_page(survey: SurveyView, answers: dict, current: int) -> int | None:
    """The next page with a question to show, or None when the questions are done."""
    return next((number for number in visible_pages(survey, answers) if number > current), None)


def previous_page(survey: SurveyView, answers: dict, current: int) -> int | None:
    earlier = [number for number in visible_pages(survey, answers) if number < current]
    return earlier[-1] if earlier else None


def first_unanswered_page(survey: SurveyView, answers: dict) -> int | None:
    """The first shown page with a required question left unanswered (None when all are answered)."""
    answers = prune(survey, answers)
    for question in survey.questions():
        if (
            is_visible(question, answers)
            and question.required
            and answers.get(question.key) in (None, "", [])
        ):
            return question.page
    return None


def _clean_text(value: str) -> str:
    # PostgreSQL text cannot hold NUL, and nobody types one: everything else is kept as typed.
    return value.replace("\x00", "")


def validate_question(question: QuestionView, form: dict[str, list[str]]) -> tuple[object, str | None]:
    """(answer, error message) for one question from the submitted form; the answer is None when blank."""

    def one(name: str) -> str:
        values = form.get(name) or [""]
        return _clean_text(values[0] if isinstance(values, list) else values)

    kind, key = question.kind, question.key
    option_keys = [option.key for option in question.options]
    if kind in ("single", "rating", "yes_no"):
        choices = (
            ["yes", "no"]
            if kind == "yes_no"
            else [str(n) for n in range(question.min_value or 1, (question.max_value or 5) + 1)]
            if kind == "rating"
            else option_keys
        )
        value = one(key)
        if not value:
            return None, (str(_l("Select an answer")) if question.required else None)
        if value not in choices:
            return None, str(_l("Select an answer from the list"))
        return value, None
    if kind == "multiple":
        values = [_clean_text(v) for v in form.get(key, [])]
        if not values:
            return None, (str(_l("Select at least one answer")) if question.required else None)
        if any(value not in option_keys for value in values):
            return None, str(_l("Select answers from the list"))
        return list(dict.fromkeys(values)), None
    if kind in ("short_text", "long_text"):
        value = one(key)
        limit = question.max_length or DEFAULT_SHORT_TEXT
        if not value.strip():
            return None, (str(_l("Enter your answer")) if question.required else None)
        if len(value) > limit:
            return value, str(_l("Your answer must be %(max)s characters or fewer", max=limit))
        return value, None
    if kind == "number":
        value = one(key).strip()
        if not value:
            return None, (str(_l("Enter a number")) if question.required else None)
        if not re.fullmatch(r"[0-9]{1,9}", value):
            return value, str(_l("Enter a whole number, like 3"))
        low, high = question.min_value, question.max_value
        if (low is not None and int(value) < low) or (high is not None and int(value) > high):
            return value, str(_l("Enter a number between %(min)s and %(max)s", min=low or 0, max=high))
        return str(int(value)), None
    if kind == "date":
        try:
            value = parse_date_parts(*(one(f"{key}[{part}]") for part in ("day", "month", "year")))
        except DateError as error:
            return None, str(error.message)
        if value is None:
            return None, (str(_l("Enter a date")) if question.required else None)
        return value.isoformat(), None
    if kind == "outcode":
        value = one(key)
        if not value.strip():
            return None, (str(_l("Enter the first part of your postcode")) if question.required else None)
        try:
            return outcode(value[:20]), None
        except PostcodeError:
            return None, str(_l("Enter the first part of your postcode, like S1 or DN22"))
    if kind == "ranking":
        ranks = {option: one(f"{key}[{option}]").strip() for option in option_keys}
        if not any(ranks.values()):
            return None, (str(_l("Put every item in order")) if question.required else None)
        allowed = {str(n) for n in range(1, len(option_keys) + 1)}
        if not all(rank in allowed for rank in ranks.values()):
            return None, str(_l("Put every item in order"))
        if len(set(ranks.values())) != len(option_keys):
            return None, str(_l("Give each item a different number"))
        return sorted(option_keys, key=lambda option: int(ranks[option])), None
    raise SurveyError(f"unknown question kind {kind}")


def validate_page(
    survey: SurveyView, number: int, form: dict[str, list[str]], answers: dict
) -> tuple[dict, dict[str, str]]:
    """Check one page's answers. Returns (the page's answers, errors by question key)."""
    found: dict = {}
    errors: dict[str, str] = {}
    earlier = prune(survey, answers)
    for question in survey.pages[number - 1]:
        if not is_visible(question, {**earlier, **found}):
            continue
        value, error = validate_question(question, form)
        if error:
            errors[question.key] = error
            continue
        if value is not None:
            found[question.key] = value
        other = next((option for option in question.options if option.is_other), None)
        if other is not None and isinstance(value, list) and other.key in value:
            text = _clean_text((form.get(f"{question.key}.other") or [""])[0])
            if not text.strip():
                errors[f"{question.key}.other"] = str(_l("Tell us what you mean by other"))
            elif len(text) > DEFAULT_SHORT_TEXT:
                errors[f"{question.key}.other"] = str(
                    _l("Your answer must be %(max)s characters or fewer", max=DEFAULT_SHORT_TEXT)
                )
            else:
                found[f"{question.key}.other"] = text
    return found, errors


def merge_page(survey: SurveyView, answers: dict, number: int, found: dict) -> dict:
    """The answers with this page's replaced by `found`, and answers to now-hidden questions dropped."""
    page_keys = {q.key for q in survey.pages[number - 1]} | {
        f"{q.key}.other" for q in survey.pages[number - 1]
    }
    merged = {key: value for key, value in answers.items() if key not in page_keys}
    merged.update(found)
    return prune(survey, merged)


def form_values(question: QuestionView, answers: dict) -> dict[str, list[str]]:
    """Stored answers turned back into form values, so a page shows what was chosen before."""
    value = answers.get(question.key)
    if value is None:
        return {}
    if question.kind == "date":
        year, month, day = value.split("-")
        return {
            f"{question.key}[day]": [str(int(day))],
            f"{question.key}[month]": [str(int(month))],
            f"{question.key}[year]": [year],
        }
    if question.kind == "ranking":
        return {f"{question.key}[{option}]": [str(rank)] for rank, option in enumerate(value, start=1)}
    values = {question.key: value if isinstance(value, list) else [value]}
    if f"{question.key}.other" in answers:
        values[f"{question.key}.other"] = [answers[f"{question.key}.other"]]
    return values
