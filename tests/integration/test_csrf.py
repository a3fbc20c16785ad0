"""CSRF fails closed: every POST route in the app refuses a POST without a token.

The routes come from the app's route list, so a new POST route is checked here without anyone
remembering to add it. The only routes whose views see a tokenless POST are the survey answering
pages and the erase form, which re-show the page with what was typed and store nothing, and the
e-bulletin's one-click unsubscribe (RFC 8058: a mail program posts it with no form of ours; the signed
token in its URL is the proof); they are listed below.
"""

import re

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.directory.models import Service
from alliance.extensions import csrf, limiter
from alliance.surveys import seeding
from alliance.surveys.models import Draft, Response
from tests.integration.surveys.conftest import CONTENT, ENGLISH_ANSWERS, SLUG, TOKEN, answer_all

ARGUMENT = re.compile(r"<(?:([a-z]+):)?([a-z_]+)>")

# Views that check the token themselves before they run (surveys.views.reshows_on_expired_token).
RESHOW_ON_A_BAD_TOKEN = {"surveys.question", "surveys.about_you", "surveys.check", "surveys.erase"}
# RFC 8058 one-click unsubscribe: the token in the URL authorises it, and a wrong one changes nothing.
ONE_CLICK = {"bulletin.unsubscribe"}
# Blueprints with no CSRF check at all: the ORUK API (read only, no cookies, no POST routes).
EXEMPT_BLUEPRINTS = {"oruk"}
TIMED_OUT = "This form timed out. Check your answers and send them again."


def post_routes(app) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        values = {}
        for converter, name in ARGUMENT.findall(rule.rule):
            values[name] = {"lang": "en", "slug": SLUG, "page": "1"}.get(
                name, "1" if converter == "int" else "x"
            )
        routes.append((rule.endpoint, app.url_map.bind("localhost").build(rule.endpoint, values)))
    return sorted(routes)


def stored(session) -> tuple:
    session.expire_all()
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    drafts = tuple(session.execute(select(Draft.key, Draft.data)).all())
    return count(AuditEvent), count(Response), count(Service), drafts


def test_the_only_csrf_exemptions_are_the_documented_ones(app):
    exempt_views = {view.rsplit(".", 1)[1] for view in csrf._exempt_views}
    assert exempt_views == {endpoint.split(".")[1] for endpoint in RESHOW_ON_A_BAD_TOKEN | ONE_CLICK}
    assert {getattr(bp, "name", bp) for bp in csrf._exempt_blueprints} == EXEMPT_BLUEPRINTS
    assert not [
        endpoint for endpoint, _url in post_routes(app) if endpoint.split(".")[0] in EXEMPT_BLUEPRINTS
    ]


@pytest.fixture
def survey(app, session):
    limiter.reset()
    seeding.seed_surveys(session, CONTENT)
    return SLUG


def test_every_post_route_refuses_a_post_without_a_token(app, session, client, survey):
    # Half way through the survey, so that each answering page gets as far as the token.
    check_page = answer_all(client, "en", SLUG)
    form_token = TOKEN.search(check_page).group(1)  # the answers' own token, not the CSRF token
    routes = post_routes(app)
    assert len(routes) >= 55
    for endpoint, url in routes:
        before = stored(session)
        response = client.post(
            url, data={"connection": "carer", "reference": "AAAA-2222", "confirm": "yes", "token": form_token}
        )
        body = response.get_data(as_text=True)
        if endpoint == "surveys.erase":
            # The erase form is re-shown with what was typed, refused.
            assert response.status_code == 400 and "AAAA-2222" in body, url
        elif endpoint in ONE_CLICK:
            # No such subscriber: the same page as a real unsubscribe, and nothing changes.
            assert response.status_code == 200, (url, response.status_code)
        elif endpoint in RESHOW_ON_A_BAD_TOKEN:
            assert response.status_code in (200, 400), (url, response.status_code)
            assert TIMED_OUT in body.replace("&#39;", "'"), url
        else:
            assert response.status_code == 400, (url, response.status_code)
            assert "Sorry, there is a problem with your request" in body, url
        assert stored(session) == before, url


def test_a_post_with_the_token_is_still_answered_on_the_survey_pages(client, survey):
    # The control for the test above: the same pages do accept a POST that carries its token.
    html = answer_all(client, "en", SLUG, pages=ENGLISH_ANSWERS)
    assert "Check your answers" in html
