"""Fuzzing the answering forms and query parameters: never a server error, never a half-written response."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from sqlalchemy import func, select

from alliance.surveys.models import Answer, Response
from tests.integration.surveys.conftest import csrf_from, post_page

# Hypothesis keeps caches in ./.hypothesis by default: keep them out of the working tree.
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "hypothesis-alliance")
SLUG = "have-your-say-on-cancer-care"
NAMES = [
    "connection", "experience_rating", "what_matters[quick]", "what_matters[close]", "barriers", "barriers.other",
    "tell_us_more", "outcode", "travel_minutes", "last_appointment[day]", "last_appointment[month]",
    "last_appointment[year]", "one_change", "age_band", "religion", "token", "website", "csrf_token", "change",
    "reference", "confirm",
]  # fmt: skip
PATHS = [f"/en/surveys/{SLUG}/questions/{n}" for n in range(1, 8)] + [
    f"/ur/surveys/{SLUG}/about-you",
    f"/pl/surveys/{SLUG}/check-your-answers",
    f"/en/surveys/{SLUG}/",
    f"/en/surveys/{SLUG}/sent",
    "/en/surveys/",
    "/en/surveys/erase",
    "/ur/surveys/erase",
    "/en/surveys/erase/done",
    "/en/surveys/you-said-we-did",
    f"/ar/surveys/{SLUG}/you-said-we-did",
]
text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["patient", "other", "1", "0", "-1", "99999999999", "S1", "DN22 7XY", "\x00", "ی" * 600]),
)
forms = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), st.text(max_size=10)), st.lists(text, max_size=3), max_size=8
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example database left in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@FUZZ
@given(path=st.sampled_from(PATHS), form=forms, with_csrf=st.booleans())
def test_any_form_posted_to_any_survey_page_gives_no_server_error(
    client, survey, session, path, form, with_csrf
):
    post_page(client, f"/en/surveys/{SLUG}/questions/1", {"connection": "patient"})
    data = {key: values for key, values in form.items() if values}
    if with_csrf:
        data["csrf_token"] = csrf_from(client.get(f"/en/surveys/{SLUG}/questions/1").get_data(as_text=True))
    response = client.post(path, data=data)
    assert response.status_code < 500
    session.expire_all()
    # Nothing half-written: every stored response has its answers.
    answerless = session.scalar(
        select(func.count()).select_from(Response).where(~Response.answers.any(Answer.id.isnot(None)))
    )
    assert answerless == 0


@FUZZ
@given(
    path=st.sampled_from(PATHS), query=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4)
)
def test_any_query_parameters_on_any_survey_page_give_no_server_error(client, survey, path, query):
    assert client.get(path, query_string=query).status_code < 500
