"""The registry of question kinds: every kind a survey may use is in every registry, and a kind none of
them knows is refused by each way of asking them."""

import pytest

from alliance.surveys import question_kinds
from alliance.surveys.models import QUESTION_KINDS
from alliance.surveys.reading import QuestionView, SurveyError

REGISTRIES = {
    "VALIDATORS": question_kinds.VALIDATORS,
    "STORERS": question_kinds.STORERS,
    "SHOWERS": question_kinds.SHOWERS,
    "FIELDS": question_kinds.FIELDS,
    "REPORTING": question_kinds.REPORTING,
    "EXPORTING": question_kinds.EXPORTING,
    "BUILDING": question_kinds.BUILDING,
    "REFILLERS": question_kinds.REFILLERS,
    "GIVES_LOCALITY": question_kinds.GIVES_LOCALITY,
}


def _question(kind: str) -> QuestionView:
    return QuestionView(key="s", kind=kind, required=True, text="S", page=1)


# Each way of asking the registry, given a question of an unknown kind.
ENTRIES = {
    "validate_question": lambda q: question_kinds.validate_question(q, {"s": ["3"]}),
    "answer_rows": lambda q: question_kinds.answer_rows(q, "3", {}),
    "answer_text": lambda q: question_kinds.answer_text(q, {"s": "3"}),
    "field": lambda q: question_kinds.field(q.kind),
    "reporting": lambda q: question_kinds.reporting(q.kind),
    "exporting": lambda q: question_kinds.exporting(q.kind),
    "building": lambda q: question_kinds.building(q.kind),
    "refill": lambda q: question_kinds.refill(q, "3", {}),
    "gives_locality": lambda q: question_kinds.gives_locality(q.kind),
}


@pytest.mark.parametrize("name", sorted(REGISTRIES))
def test_every_kind_a_survey_may_use_is_in_the_registry_and_no_other_kind_is(name):
    assert set(REGISTRIES[name]) == set(QUESTION_KINDS)


@pytest.mark.parametrize("entry", sorted(ENTRIES))
def test_a_kind_the_registry_does_not_know_is_refused_rather_than_guessed(entry):
    with pytest.raises(SurveyError, match="unknown question kind slider"):
        ENTRIES[entry](_question("slider"))


@pytest.mark.parametrize("kind", QUESTION_KINDS)
def test_every_kind_answers_each_way_of_asking_the_registry(kind):
    # A kind the registries know gives an answer at each entry rather than the refusal above.
    question = _question(kind)
    assert question_kinds.field(kind).builder in {"choices", "character_count", "date", "ranking", "input"}
    assert question_kinds.reporting(kind).summary in {"choices", "scale", "number", "ranking", "count"}
    assert question_kinds.exporting(kind).value in {"ranks", "choices", "value"}
    assert question_kinds.exporting(kind).cell in {"text", "number", "date"}
    assert question_kinds.building(kind).label
    assert isinstance(question_kinds.gives_locality(kind), bool)
    question_kinds.validate_question(question, {})
    assert isinstance(question_kinds.answer_text(question, {}), str)


def test_every_field_the_registry_names_has_a_way_to_be_drawn_on_the_answering_page():
    from alliance.surveys import presenters

    assert {field.builder for field in question_kinds.FIELDS.values()} == set(presenters._BUILDERS)
    choices = {field.choices for field in question_kinds.FIELDS.values() if field.builder == "choices"}
    assert choices == set(presenters._CHOICES)


def test_every_setting_the_builder_registry_names_is_a_field_of_the_question_form():
    from alliance.backoffice.survey_forms import QuestionForm

    named = {name for kind in question_kinds.BUILDING.values() for name in kind.settings}
    assert named <= {name for name in dir(QuestionForm) if not name.startswith("_")}


def test_a_kind_with_a_character_limit_has_a_default_and_only_a_kind_with_options_may_have_an_other_option():
    for name, kind in question_kinds.BUILDING.items():
        assert (kind.limits == "length") == (kind.default_length is not None), name
        assert not kind.other_option or kind.options, name


def test_only_typed_text_kinds_are_moderated_as_a_whole_and_only_a_postcode_places_the_respondent():
    assert question_kinds.FREE_TEXT_KINDS == ("short_text", "long_text")
    assert [kind for kind in QUESTION_KINDS if question_kinds.gives_locality(kind)] == ["outcode"]
