import itertools

import pytest

from alliance.genetics import guide

FORBIDDEN = ("eligible", "not eligible", "ineligible", "you need", "you have", "you qualify", "you will get")


def every_path():
    """Every combination of answers a person can give, including skipping questions."""
    options = []
    for q in guide.QUESTIONS:
        values = [[]] + [[value] for value, _ in q.choices]
        if q.multiple:
            others = [value for value, _ in q.choices if value != q.exclusive]
            values += [list(combo) for size in (2, 3) for combo in itertools.combinations(others, size)]
        options.append([(q.name, value) for value in values])
    for combination in itertools.product(*options):
        yield {name: values for name, values in combination if values}


def test_every_path_ends_with_advice_to_talk_to_a_gp_or_the_care_team():
    paths = list(every_path())
    assert len(paths) > 200
    for answers in paths:
        advice = guide.advice(answers)
        talk = " ".join(advice.talk_to)
        assert "GP" in talk and "cancer care team" in talk, answers
        assert advice.take, answers


def test_no_path_ever_uses_eligibility_words():
    for answers in every_path():
        for text in guide.guide_advice_text(answers):
            lowered = text.lower()
            assert not any(word in lowered for word in FORBIDDEN), (answers, text)


def test_the_questions_themselves_never_use_eligibility_words():
    for q in guide.QUESTIONS:
        for text in [q.text, q.hint, q.error, *(label for _, label in q.choices)]:
            assert not any(word in str(text).lower() for word in FORBIDDEN), text


def test_none_of_these_explains_that_family_history_can_change_and_to_talk_to_a_gp_if_worried():
    advice = guide.advice({"own": ["no"], "family": ["none"], "gene": ["no"], "ancestry": ["no"]})
    assert advice.nothing_mentioned
    remember = " ".join(advice.remember)
    assert "Family history can change" in remember
    assert "worried" in remember and "GP" in remember


def test_answers_worth_mentioning_are_listed_in_question_order():
    advice = guide.advice({"ancestry": ["yes"], "own": ["young"], "family": ["bowel-womb"]})
    assert advice.points == [
        "your own cancer diagnosis before the age of 50",
        "relatives on the same side of the family with bowel or womb cancer",
        "Ashkenazi Jewish ancestry",
    ]
    assert not advice.nothing_mentioned and not advice.remember


def test_unknown_questions_and_values_are_dropped_from_the_query_string():
    answers = guide.clean_answers(
        {"own": ["young", "older"], "family": ["none", "young", "zzz"], "gene": ["<script>"], "x": ["1"]}
    )
    assert answers == {"own": ["young"], "family": ["young"]}


@pytest.mark.parametrize(
    ("step", "submitted", "ok"),
    [
        ("your-history", ["young"], True),
        ("your-history", [], False),
        ("your-history", ["maybe"], False),
        ("your-history", ["young", "older"], False),
        ("your-history", ["young", "young"], True),
        ("family", ["none"], True),
        ("family", ["bowel-womb", "young"], True),
        ("family", ["none", "young"], False),
        ("family", ["young", "bogus"], False),
        ("ancestry", ["not-sure"], True),
    ],
)
def test_each_step_accepts_only_its_own_answers(step, submitted, ok):
    assert (guide.check_step(guide.question(step), submitted) is None) is ok


def test_the_steps_go_forward_to_the_result_and_back_to_the_start():
    assert guide.next_step("your-history") == "family"
    assert guide.next_step("ancestry") == "result"
    assert guide.previous_step("result") == "ancestry"
    assert guide.previous_step("your-history") is None
