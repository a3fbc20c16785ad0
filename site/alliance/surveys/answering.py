"""The answering rules: which pages and questions apply, and validating one page of answers."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from alliance.surveys.question_kinds import clean_text, refill, validate_question
from alliance.surveys.reading import DEFAULT_SHORT_TEXT, QuestionView, SurveyView

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
            text = clean_text((form.get(f"{question.key}.other") or [""])[0])
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
    return refill(question, value, answers)
