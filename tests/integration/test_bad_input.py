"""Hostile input on every public route: control characters, broken UTF-8, huge numbers and ids that are
not UUIDs in paths, query strings and form fields are a 400 or a 404, never a 5xx, on both databases.

Paths and query strings are handed to the app as a real server does (PATH_INFO holds the raw bytes,
QUERY_STRING stays percent-encoded), so broken UTF-8 reaches the app as it would in production.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from urllib.parse import unquote_to_bytes

import html5lib
import pytest

from alliance import signed_links
from alliance.bulletin import services as bulletin
from alliance.cli import SEEDERS
from alliance.database import utcnow
from alliance.directory import models as m
from alliance.events import services as events
from alliance.events.models import Event
from alliance.events.tokens import cancel_token
from alliance.extensions import db, limiter
from alliance.genetics import guide
from alliance.inputs import parse_uuid
from alliance.panel import services as panel
from alliance.search import index
from alliance.surveys import models as survey_models
from alliance.trials import models as trial_models
from tests.bench.run_gunicorn import gunicorn
from tests.conftest import _empty_tables

ROUTES = Path(__file__).with_name("routes.txt")
CONTENT = Path(__file__).resolve().parents[2] / "content"
CONTROL = ["%00", "%01", "%7F"]
BROKEN_UTF8 = ["%C0%AF", "%ED%A0%80"]
HOSTILE = [*CONTROL, *BROKEN_UTF8, "1" * 40, "not-a-uuid"]
REFUSED = CONTROL + BROKEN_UTF8
REFUSED_TITLE = "Sorry, there is a problem with your request"

# What each view reads from the query string.
DIRECTORY_ARGS = [
    "q",
    "page",
    "within",
    "category",
    "locality",
    "language",
    "delivery",
    "audience",
    "needs",
    "postcode",
    "sort",
]
TRIAL_ARGS = ["cancer", "age", "tya", "locality", "hospital", "phase", "recruiting", "page"]
GUIDE_ARGS = [*guide.NAMES, "continue"]
ORUK_LIST_ARGS = ["page", "per_page", "format", "search"]
ORUK_SERVICE_ARGS = [
    "taxonomy_term_id",
    "taxonomy_id",
    "organization_id",
    "modified_after",
    "minimal",
    "full",
]
QUERY_ARGS = {
    "pages.search": ["q"],
    "pages.search_pages": ["q", "page"],
    "directory.search": DIRECTORY_ARGS,
    "directory.category": DIRECTORY_ARGS,
    "directory.area": DIRECTORY_ARGS,
    "trials.find": TRIAL_ARGS,
    "trials.young_people": TRIAL_ARGS,
    "genetics.services": ["area"],
    "genetics.guide_start": GUIDE_ARGS,
    "genetics.guide_step": GUIDE_ARGS,
    "genetics.guide_result": GUIDE_ARGS,
    "surveys.question": ["change"],
    "pages.useful": ["answer"],
    "nhsuk_assets": ["v"],
    "static": ["v"],
    "oruk.services": [*ORUK_LIST_ARGS, *ORUK_SERVICE_ARGS],
    "oruk.service_at_locations": [*ORUK_LIST_ARGS, *ORUK_SERVICE_ARGS, "postcode", "proximity"],
    "oruk.organizations": [*ORUK_LIST_ARGS, "full", "full_service"],
    "oruk.organization": ["full_service"],
    "oruk.taxonomies": ORUK_LIST_ARGS,
    "oruk.taxonomy_terms": [*ORUK_LIST_ARGS, "taxonomy_id", "parent_id", "top_only"],
}


def public_get_routes() -> list[tuple[str, str]]:
    routes = []
    for line in ROUTES.read_text().splitlines():
        rule, methods, endpoint = line.split(" ")
        if "GET" in methods.split(",") and not rule.startswith("/backoffice") and endpoint != "ops.metrics":
            routes.append((rule, endpoint))
    return routes


def public_form_routes() -> list[tuple[str, str]]:
    routes = []
    for line in ROUTES.read_text().splitlines():
        rule, methods, endpoint = line.split(" ")
        public = not rule.startswith("/backoffice") or endpoint in (
            "backoffice.sign_in",
            "backoffice.password_reset_request",
        )
        if public and {"GET", "POST"} <= set(methods.split(",")):
            routes.append((rule, endpoint))
    return routes


@pytest.fixture(scope="module")
def site(engine_app):
    """The whole of content/ loaded once for the module; the requests below change nothing that matters."""
    _empty_tables(engine_app)
    # Every form is posted many times here: the rate limits (tested elsewhere) would hide the views.
    limiter.enabled = False
    with engine_app.app_context():
        for _name, seeder in SEEDERS:
            seeder(db.session, CONTENT)
        db.session.commit()
        index.rebuild(db.session, engine_app.config["SEARCH_INDEX_DIR"])
        session = db.session
        service = session.query(m.Service).filter_by(status="active").order_by(m.Service.id).first()
        event = session.query(Event).order_by(Event.id).first()
        with engine_app.test_request_context("/en/"):
            registration = events.register(
                session,
                event.id,
                name="Example Person",
                email="person@example.org",
                access_needs="",
                lang="en",
                now=utcnow(),
            )
            subscriber = bulletin.subscribe(session, "reader@example.org", ["screening"], "en", utcnow())
            member = panel.join(
                session,
                panel.Joining(
                    "Example Person", "panel@example.org", ["surveys"], "sheffield", ["en"], "agreed"
                ),
                {},
                "en",
                utcnow(),
            )
            session.commit()
        values = {
            "lang": "en",
            "slug": "about",
            "surveys.slug": session.query(survey_models.Survey).first().slug,
            "trial_id": str(session.query(trial_models.Trial).first().id),
            "step": guide.STEPS[0],
            "locality": "barnsley",
            "term": session.query(m.TaxonomyTerm).filter(m.TaxonomyTerm.term.isnot(None)).first().term,
            "service_id": service.id,
            "page": "1",
            "part": "1",
            "filename": "css/app.css",
            "nhsuk_assets.filename": "images/favicon.ico",
            "oruk.services.record_id": service.id,
            "oruk.organizations.record_id": service.organization_id,
            "oruk.organization.record_id": service.organization_id,
            "oruk.taxonomy.record_id": session.query(m.Taxonomy).first().id,
            "oruk.taxonomy_term.record_id": session.query(m.TaxonomyTerm).first().id,
            "oruk.service_at_location.record_id": session.query(m.ServiceAtLocation).first().id,
            "oruk.service.record_id": service.id,
            "events.event_id": str(event.id),
            "events.cancel.token": cancel_token(registration),
            "outcome": "booked",
            "bulletin.confirm.token": signed_links.make(bulletin.CONFIRM, subscriber.id, subscriber.salt),
            "bulletin.token": signed_links.make(bulletin.MANAGE, subscriber.id, subscriber.salt),
            "panel.withdraw.token": panel.withdraw_token(member),
        }
    yield engine_app, values
    limiter.enabled = True
    _empty_tables(engine_app)


def real_value(values: dict, endpoint: str, name: str) -> str:
    blueprint = endpoint.split(".")[0]
    for key in (f"{endpoint}.{name}", f"{blueprint}.{name}", name):
        if key in values:
            return values[key]
    raise KeyError(f"no real value for {name} of {endpoint}")


def fill(rule: str, endpoint: str, values: dict, hostile: tuple[str, str] | None = None) -> str:
    def one(match: re.Match) -> str:
        name = match.group(2)
        if hostile and hostile[0] == name:
            return hostile[1]
        return real_value(values, endpoint, name)

    return re.sub(r"<(?:([a-z]+):)?([a-z_]+)>", one, rule)


def fetch(client, url: str, method: str = "GET", **kwargs):
    """Send `url` as a WSGI server would: the path's bytes undecoded, the query string as sent."""
    path, _, query = url.partition("?")
    raw_path = unquote_to_bytes(path).decode("latin-1")
    overrides = {"PATH_INFO": raw_path, "QUERY_STRING": query}
    return client.open("/", method=method, environ_overrides=overrides, **kwargs)


def path_parameters(rule: str) -> list[str]:
    return re.findall(r"<(?:[a-z]+:)?([a-z_]+)>", rule)


def test_every_public_route_answers_with_its_real_ids(site):
    app, values = site
    client = app.test_client()
    for rule, endpoint in public_get_routes():
        response = fetch(client, fill(rule, endpoint, values))
        # The demo survey has no published "you said, we did" yet.
        expected = (404,) if endpoint == "surveys.feedback" else (200, 302, 303, 308)
        assert response.status_code in expected, (rule, response.status_code)


PATH_CASES = [
    (rule, endpoint, name) for rule, endpoint in public_get_routes() for name in path_parameters(rule)
]


@pytest.mark.parametrize(("rule", "endpoint", "name"), PATH_CASES, ids=[f"{c[0]}:{c[2]}" for c in PATH_CASES])
def test_hostile_path_values_are_refused_or_not_found_never_an_error(site, rule, endpoint, name):
    app, values = site
    client = app.test_client()
    for value in HOSTILE:
        url = fill(rule, endpoint, values, (name, value))
        response = fetch(client, url)
        assert response.status_code < 500, (url, response.status_code)
        if value in REFUSED:
            assert response.status_code in (400, 404), (url, response.status_code)
        if value in REFUSED and rule.startswith("/api/") and response.status_code == 400:
            assert response.get_json()["parameter"] == name


QUERY_CASES = [(rule, endpoint) for rule, endpoint in public_get_routes() if endpoint in QUERY_ARGS]


@pytest.mark.parametrize(("rule", "endpoint"), QUERY_CASES, ids=[c[1] for c in QUERY_CASES])
def test_hostile_query_parameters_are_refused_or_ignored_never_an_error(site, rule, endpoint):
    app, values = site
    client = app.test_client()
    base = fill(rule, endpoint, values)
    for name in QUERY_ARGS[endpoint]:
        for value in HOSTILE:
            url = f"{base}?{name}={value}"
            response = fetch(client, url)
            assert response.status_code < 500, (url, response.status_code)
            if value in REFUSED:
                assert response.status_code == 400, (url, response.status_code)
                if rule.startswith("/api/"):
                    assert response.get_json()["parameter"] == name


def test_an_unknown_query_parameter_with_a_nul_byte_is_refused_too(site):
    app, _values = site
    response = fetch(app.test_client(), "/api/oruk/services?utm_source=%00")
    assert response.status_code == 400
    assert response.get_json() == {
        "status": 400,
        "error": "bad_request",
        "message": "utm_source must not contain control characters",
        "parameter": "utm_source",
    }


def test_the_api_names_a_path_id_with_a_nul_byte_and_finds_no_record_for_a_non_uuid(site):
    app, _values = site
    client = app.test_client()
    refused = fetch(client, "/api/oruk/services/%00")
    assert refused.status_code == 400
    assert refused.get_json()["parameter"] == "record_id"
    assert refused.headers["Access-Control-Allow-Origin"] == "*"
    missing = fetch(client, "/api/oruk/services/not-a-uuid")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"


def test_a_filter_that_is_not_a_uuid_is_a_bad_parameter(site):
    app, _values = site
    response = fetch(app.test_client(), "/api/oruk/service_at_locations?organization_id=123")
    assert response.status_code == 400
    assert response.get_json()["message"] == "organization_id must be a UUID"


def test_people_get_the_sites_400_page_in_their_language(site):
    app, values = site
    response = fetch(app.test_client(), f"/pl/support/services/{values['service_id']}%00")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="pl"' in html
    assert "nhsuk-header" in html
    assert "Sorry, there is a problem with your request" not in html


def test_a_trial_number_too_large_for_the_database_is_not_found(site):
    app, _values = site
    response = fetch(app.test_client(), "/en/clinical-trials/trial/" + "9" * 40)
    assert response.status_code == 404
    assert fetch(app.test_client(), "/en/clinical-trials/trial/2147483648").status_code == 404


def form_fields(html: str) -> list[tuple[str, dict[str, str]]]:
    """Each POST form on the page: its action and its fields with the values the page offers."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    forms = []
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: dict[str, str] = {}
        for element in form.iter():
            name = element.get("name")
            if not name or element.tag not in ("input", "textarea", "select"):
                continue
            if element.tag == "select":
                option = next(iter(element.iter("option")), None)
                fields.setdefault(name, option.get("value", "") if option is not None else "")
            elif element.get("type") in ("radio", "checkbox"):
                fields.setdefault(name, element.get("value", "on"))
            else:
                fields.setdefault(name, element.get("value") or element.text or "")
        forms.append((form.get("action") or "", fields))
    return forms


def encode(fields: dict[str, str], hostile: tuple[str, str]) -> bytes:
    """A URL-encoded body with one field's value replaced by raw percent-escapes."""
    from urllib.parse import quote

    parts = []
    for name, value in fields.items():
        encoded = hostile[1] if name == hostile[0] else quote(value, safe="")
        parts.append(f"{quote(name, safe='')}={encoded}")
    return "&".join(parts).encode("ascii")


FORM_CASES = public_form_routes()


@pytest.mark.parametrize(("rule", "endpoint"), FORM_CASES, ids=[c[1] for c in FORM_CASES])
def test_hostile_form_fields_are_refused_never_an_error(site, rule, endpoint):
    app, values = site
    client = app.test_client()
    if endpoint.startswith("surveys.") and "<slug>" in rule:
        # Answering starts on the survey's first page, which remembers the survey in the session.
        client.get(f"/en/surveys/{values['surveys.slug']}/")
    # A page that needs earlier answers sends the reader back to where they are: test the form found there.
    page = client.get(fill(rule, endpoint, values), follow_redirects=True)
    url = page.request.path
    assert page.status_code == 200, (url, page.status_code)
    forms = form_fields(page.get_data(as_text=True))
    assert forms, f"no form on {url}"
    tried = 0
    for action, fields in forms:
        target = action or url
        # A form that is only a button (cancel a place) has the CSRF token as its one field to try.
        for name in [name for name in fields if name != "csrf_token"] or ["csrf_token"]:
            for value in [*HOSTILE, "line%0Aone%09two%0D%0A"]:
                response = client.post(
                    target,
                    data=encode(fields, (name, value)),
                    content_type="application/x-www-form-urlencoded",
                )
                tried += 1
                assert response.status_code < 500, (target, name, value, response.status_code)
                if value in REFUSED:
                    assert response.status_code == 400, (target, name, value, response.status_code)
                    assert REFUSED_TITLE in response.get_data(as_text=True)
    assert tried


def test_a_multipart_form_field_with_a_nul_byte_is_refused(site):
    app, values = site
    client = app.test_client()
    url = f"/en/support/services/{values['service_id']}/report-a-problem"
    response = client.post(
        url, data={"problem": "closed", "details": "a\x00b"}, content_type="multipart/form-data"
    )
    assert response.status_code == 400


def test_line_breaks_and_tabs_in_a_report_are_kept(site):
    app, values = site
    client = app.test_client()
    url = f"/en/support/services/{values['service_id']}/report-a-problem"
    fields = dict(form_fields(fetch(client, url).get_data(as_text=True))[0][1])
    fields.update(problem="other")
    response = client.post(
        url,
        data=encode(fields, ("details", "first%0D%0Asecond%09third")),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 303
    with app.app_context():
        report = db.session.query(m.ProblemReport).order_by(m.ProblemReport.id.desc()).first()
        assert report.details == "first\r\nsecond\tthird"


def test_the_shared_uuid_parser_accepts_only_the_usual_written_form():
    assert parse_uuid("22a45d33-86d7-5748-b926-b886aefb4946") == "22a45d33-86d7-5748-b926-b886aefb4946"
    assert parse_uuid("22A45D33-86D7-5748-B926-B886AEFB4946") is not None
    for bad in [
        "",
        "not-a-uuid",
        "22a45d3386d75748b926b886aefb4946",
        "{22a45d33-86d7-5748-b926-b886aefb4946}",
        "22a45d33-86d7-5748-b926-b886aefb4946\x00",
        "1" * 40,
        None,
    ]:
        assert parse_uuid(bad) is None


def raw_request(base: str, target: bytes) -> int:
    """Send a request line holding `target` byte for byte, as a careless client might; the status."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_a_real_server_refuses_raw_and_encoded_bad_bytes_before_the_database(site, tmp_path):
    app, values = site
    env = {
        "ALLIANCE_ENV": "development",
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
    }
    service = values["service_id"].encode()
    with gunicorn("wsgi:app", env=env, ready_path="/healthz", log=tmp_path / "gunicorn.log") as base:
        assert raw_request(base, b"/en/support/services/" + service) == 200
        assert raw_request(base, b"/en/support/services/" + service + b"%00") == 400
        assert raw_request(base, b"/en/support/services/\xc0\xaf") == 400
        assert raw_request(base, b"/en/support?q=\xed\xa0\x80") == 400
        assert raw_request(base, b"/api/oruk/services?search=%00") == 400
        assert raw_request(base, b"/api/oruk/services/" + service + b"\x7f") == 400
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
