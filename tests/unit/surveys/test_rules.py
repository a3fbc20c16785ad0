"""The answering rules, with no database: conditions, page order, and checking each kind of answer."""

import pytest

from alliance.surveys import equality
from alliance.surveys.answering import (
    first_unanswered_page,
    form_values,
    merge_page,
    next_page,
    previous_page,
    prune,
    visible_pages,
)
from alliance.surveys.models import QUESTION_KINDS
from alliance.surveys.question_kinds import SHOWERS, STORERS, VALIDATORS, answer_rows, validate_question
from alliance.surveys.reading import OptionView, QuestionView, SurveyError, SurveyView


def q(key, kind, page, required=False, **extra):
    return QuestionView(key=key, kind=kind, required=required, text=key, page=page, **extra)


WHO = q("who", "single", 1, True, options=[OptionView("patient", "Patient"), OptionView("public", "Public")])
RATING = q(
    "rating", "rating", 2, True, min_value=1, max_value=5, show_if_key="who", show_if_values=["patient"]
)
WHY = q("why", "long_text", 2, max_length=10)
LAST = q("last", "yes_no", 3)
SURVEY = SurveyView(1, "s", "en", "S", "", "", 1, True, None, False, True, [[WHO], [RATING], [WHY], [LAST]])
for number, page in enumerate(SURVEY.pages, start=1):
    for question in page:
        question.page = number


def test_a_conditional_question_is_asked_only_when_the_earlier_answer_matches():
    assert visible_pages(SURVEY, {"who": "patient"}) == [1, 2, 3, 4]
    assert visible_pages(SURVEY, {"who": "public"}) == [1, 3, 4]
    assert next_page(SURVEY, {"who": "public"}, 1) == 3
    assert previous_page(SURVEY, {"who": "public"}, 3) == 1
    assert next_page(SURVEY, {"who": "public"}, 4) is None


def test_answers_to_a_question_no_longer_asked_are_dropped():
    assert prune(SURVEY, {"who": "public", "rating": "3", "why": "x"}) == {"who": "public", "why": "x"}
    merged = merge_page(SURVEY, {"who": "patient", "rating": "3"}, 1, {"who": "public"})
    assert merged == {"who": "public"}


def test_the_first_page_with_a_required_answer_missing_is_found():
    assert first_unanswered_page(SURVEY, {}) == 1
    assert first_unanswered_page(SURVEY, {"who": "patient"}) == 2
    assert first_unanswered_page(SURVEY, {"who": "public"}) is None


@pytest.mark.parametrize(
    ("question", "form", "expected"),
    [
        (WHO, {"who": ["patient"]}, ("patient", None)),
        (WHO, {}, (None, "Select an answer to “who”")),
        (WHO, {"who": ["x"]}, (None, "Select an answer from the list")),
        (RATING, {"rating": ["5"]}, ("5", None)),
        (RATING, {"rating": ["6"]}, (None, "Select an answer from the list")),
        (WHY, {"why": [" as typed\x00 "]}, (" as typed ", None)),
        (WHY, {"why": ["   "]}, (None, None)),
        (WHY, {"why": ["x" * 11]}, ("x" * 11, "Your answer must be 10 characters or fewer")),
        (LAST, {"last": ["no"]}, ("no", None)),
        (q("n", "number", 1, min_value=0, max_value=9), {"n": ["007"]}, ("7", None)),
        (q("n", "number", 1), {"n": ["-1"]}, ("-1", "Enter a whole number, like 3")),
        (q("p", "outcode", 1), {"p": ["dn22 7xy"]}, ("DN22", None)),
        (q("p", "outcode", 1, True), {"p": [""]}, (None, "Enter the first part of your postcode")),
        (q("d", "date", 1), {"d[day]": ["29"], "d[month]": ["2"], "d[year]": ["2024"]}, ("2024-02-29", None)),
        (
            q("d", "date", 1),
            {"d[day]": ["1"], "d[month]": ["1"], "d[year]": ["99"]},
            (None, "Enter the year as four digits, like 2026"),
        ),
        (q("d", "date", 1, True), {}, (None, "Enter a date for “d”")),
    ],
)
def test_each_kind_of_answer_is_checked(question, form, expected):
    assert validate_question(question, form) == expected


def test_a_ranking_is_kept_in_order_and_needs_every_item_once():
    ranking = q("r", "ranking", 1, options=[OptionView("a", "A"), OptionView("b", "B"), OptionView("c", "C")])
    assert validate_question(ranking, {"r[a]": ["2"], "r[b]": ["3"], "r[c]": ["1"]}) == (
        ["c", "a", "b"],
        None,
    )
    assert validate_question(ranking, {"r[a]": ["1"], "r[b]": ["1"], "r[c]": ["2"]})[1] == (
        "Give each item a different number"
    )
    assert validate_question(ranking, {"r[a]": ["1"]})[1] == "Put every item in order"
    assert form_values(ranking, {"r": ["c", "a", "b"]}) == {"r[c]": ["1"], "r[a]": ["2"], "r[b]": ["3"]}


def test_multiple_choice_keeps_each_choice_once():
    many = q("m", "multiple", 1, True, options=[OptionView("a", "A"), OptionView("b", "B", True)])
    assert validate_question(many, {"m": ["a", "a", "b"]}) == (["a", "b"], None)
    assert validate_question(many, {"m": []}) == (None, "Select at least one answer to “m”")


def test_equality_answers_keep_only_known_answers_to_known_questions():
    form = {"age_band": "25-34", "sex": "prefer-not-to-say", "religion": "jedi", "shoe_size": "9"}
    assert equality.clean(form) == {"age_band": "25-34", "sex": "prefer-not-to-say"}
    assert all(equality.options(question)[-1][0] == "prefer-not-to-say" for question in equality.QUESTIONS)
    assert len(equality.QUESTIONS) == 9


def test_every_question_kind_a_survey_may_use_has_a_validator_and_no_other_kind_does():
    assert set(VALIDATORS) == set(QUESTION_KINDS)


def test_a_question_of_a_kind_the_registry_does_not_know_is_refused_rather_than_guessed():
    with pytest.raises(SurveyError, match="unknown question kind slider"):
        validate_question(q("s", "slider", 1), {"s": ["3"]})


def test_every_question_kind_a_survey_may_use_has_a_way_to_be_stored_and_shown_for_checking():
    assert set(STORERS) == set(QUESTION_KINDS)
    assert set(SHOWERS) == set(QUESTION_KINDS)


def test_a_ranking_is_stored_as_one_row_per_option_with_its_place_and_other_text_only_on_other():
    ranking = q("r", "ranking", 1, options=[OptionView("a", "A"), OptionView("b", "B")])
    assert [(row.option_key, row.value) for row in answer_rows(ranking, ["b", "a"], {})] == [
        ("b", "1"),
        ("a", "2"),
    ]
    many = q("m", "multiple", 1, options=[OptionView("a", "A"), OptionView("x", "Other", is_other=True)])
    rows = answer_rows(many, ["a", "x"], {"m.other": "a bus pass"})
    assert [(row.option_key, row.value) for row in rows] == [("a", ""), ("x", "a bus pass")]


def test_an_error_for_a_question_left_unanswered_names_the_question():
    asked = QuestionView(
        key="ease", kind="single", required=True, page=1, text="How easy was it to get an appointment?"
    )
    assert validate_question(asked, {})[1] == "Select an answer to “How easy was it to get an appointment?”"
