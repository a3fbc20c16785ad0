"""Every id in a back-office URL is looked up within its parent: an id that exists but belongs to
another page, language or survey is a 404, changes nothing and leaves no audit entry.

The routes are derived from the app's own route list, so a new nested route is covered (or, when its
child id is of a kind this test has not met, fails here until it is).
"""

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.pages.models import Page, PageRevision
from alliance.surveys import builder, seeding, submission
from alliance.surveys.models import Answer, AnswerReview, Question, Survey, SurveyPage
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client
from tests.integration.surveys.conftest import CONTENT

ARGUMENT = re.compile(r"<(?:([a-z]+):)?([a-z_]+)>")


def nested_id_routes(app) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(rule, endpoint, [(converter, name), ...]) for back-office rules whose last argument is a
    whole-number id that sits below at least one other argument."""
    found = []
    for rule in app.url_map.iter_rules():
        arguments = [(converter or "default", name) for converter, name in ARGUMENT.findall(rule.rule)]
        if (
            rule.rule.startswith("/backoffice/")
            and len(arguments) >= 2
            and arguments[-1][0] == "int"
            and arguments[-1][1].endswith("_id")
        ):
            found.append((rule.rule, rule.endpoint, arguments))
    return sorted(found)


def state(session) -> tuple:
    """Everything a mismatched request could change."""
    session.expire_all()
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    return (
        count(AuditEvent),
        tuple(session.execute(select(PageRevision.id, PageRevision.status, PageRevision.publish_at)).all()),
        tuple(session.execute(select(SurveyPage.id, SurveyPage.survey_id, SurveyPage.position)).all()),
        tuple(session.execute(select(Question.id, Question.survey_id, Question.position)).all()),
        tuple(session.execute(select(AnswerReview.answer_id, AnswerReview.status)).all()),
        tuple(session.execute(select(Survey.id, Survey.status)).all()),
    )


@pytest.fixture
def world(app, session, seeded):
    """Survey A (seeded, with an answer) and draft survey B (a page and a question of its own);
    the page "example" in English and Urdu, and another page in English."""
    seeding.seed_surveys(session, CONTENT)
    first = session.scalar(select(Survey))
    submission.submit(
        session,
        first.slug,
        "en",
        submission.new_token(),
        {"connection": "public", "barriers": ["transport"], "tell_us_more": "The nurses were kind."},
        {},
        CONTENT,
        now=datetime(2026, 3, 1, 9, 0, tzinfo=UTC),
    )
    other = builder.create_survey(session, "another-survey", "Another survey")
    page = builder.add_page(session, other.id)
    builder.add_question(
        session, other.id, page.id, "short_text", builder.QuestionInput(text="What happened?")
    )
    session.commit()

    def revision(slug, lang):
        page_id = select(Page.id).where(Page.slug == slug).scalar_subquery()
        query = select(PageRevision.id).where(PageRevision.page_id == page_id, PageRevision.lang == lang)
        return session.scalar(query.order_by(PageRevision.id.desc()))

    parents = {"slug": "example", "lang": "en", "survey_id": other.id}
    # Ids that exist but belong to another parent than the one in `parents`.
    strangers = {
        "revision_id": [revision("example", "ur"), revision("example-easy-read", "en")],
        "page_id": [session.scalar(select(SurveyPage.id).where(SurveyPage.survey_id == first.id))],
        "question_id": [session.scalar(select(Question.id).where(Question.survey_id == first.id))],
        "answer_id": [session.scalar(select(Answer.id).where(Answer.value == "The nurses were kind."))],
        # A survey's texts in a language it is not translated into for review (English is the original).
        "survey_id": [first.id],
    }
    assert all(ids and None not in ids for ids in strangers.values()), strangers
    admin = make_staff(session, roles="administrator", email="admin@example.nhs.uk")
    return parents, strangers, signed_in_client(app, admin)


def test_the_route_list_has_nested_ids_to_check(app):
    endpoints = {endpoint for _rule, endpoint, _arguments in nested_id_routes(app)}
    assert {
        "backoffice.content_publish",
        "backoffice.moderate_answer",
        "backoffice.survey_question",
    } <= endpoints


def test_every_nested_id_that_belongs_to_another_parent_is_a_404_and_changes_nothing(app, session, world):
    parents, strangers, client = world
    token = csrf_token(client.get("/backoffice/surveys").get_data(as_text=True))
    tried = []
    for rule, endpoint, arguments in nested_id_routes(app):
        *outer, (_converter, child) = arguments
        assert child in strangers, f"{rule}: no id of another parent is known for {child}"
        for stranger in strangers[child]:
            values = {name: parents[name] for _c, name in outer} | {child: stranger}
            url = app.url_map.bind("localhost").build(endpoint, values)
            methods = app.url_map._rules_by_endpoint[endpoint][0].methods
            before = state(session)
            if "GET" in methods:
                response = client.get(url + "?kind=short_text")
                assert response.status_code == 404, (url, "GET", response.status_code)
            if "POST" in methods:
                response = client.post(
                    url,
                    data={
                        "csrf_token": token,
                        "direction": "up",
                        "decision": "approve",
                        "text": "Changed through the wrong parent",
                        "publish_time": "",
                    },
                )
                assert response.status_code == 404, (url, "POST", response.status_code)
            assert state(session) == before, url
            tried.append(url)
    assert len(tried) >= 12


def test_the_same_routes_answer_when_the_ids_match(app, session, world):
    parents, _strangers, client = world
    own_page = session.scalar(select(SurveyPage.id).where(SurveyPage.survey_id == parents["survey_id"]))
    own_question = session.scalar(select(Question.id).where(Question.survey_id == parents["survey_id"]))
    survey = parents["survey_id"]
    assert client.get(f"/backoffice/surveys/{survey}/questions/{own_question}").status_code == 200
    assert (
        client.get(f"/backoffice/surveys/{survey}/pages/{own_page}/questions/new?kind=short_text").status_code
        == 200
    )
