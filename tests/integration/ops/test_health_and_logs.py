import json
import logging

import pytest
from sqlalchemy import text

from alliance.extensions import db
from alliance.search import index


def test_healthz_answers_without_touching_the_database(app, client, monkeypatch):
    def no_database(*args, **kwargs):
        raise AssertionError("healthz used the database")

    monkeypatch.setattr(db.__class__, "session", property(no_database))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_the_database_is_migrated_and_indexes_open(app, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json == {"status": "ready"}
    assert response.headers["Cache-Control"] == "no-store"


def _with_revision(app, revision, request):
    with app.app_context(), db.engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    try:
        return request()
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_readyz_is_503_with_a_reason_when_migrations_are_behind(app, client):
    from alembic.script import ScriptDirectory

    with app.app_context():
        scripts = ScriptDirectory.from_config(db.alembic_config())
        previous = scripts.get_revision(db.head_revision()).down_revision
    response = _with_revision(app, previous, lambda: client.get("/readyz"))
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"
    assert response.json["problems"] == [
        f"migrations: database at {previous}, code expects {scripts.get_current_head()}: run flask db upgrade"
    ]


def test_readyz_stays_ready_when_newer_code_has_already_migrated_the_database(app, client):
    # Rolling upgrade: the additive migration of the next release runs while this code still serves.
    response = _with_revision(app, "9999_from_a_newer_release", lambda: client.get("/readyz"))
    assert response.status_code == 200, response.json


def test_readyz_is_503_naming_the_index_that_cannot_open(app, client, monkeypatch):
    name = sorted(index.REGISTRY)[0]

    def broken(session, index_dir, wanted):
        if wanted == name:
            raise OSError("disk gone")
        return None

    monkeypatch.setattr(index, "open_index", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["problems"] == [f"search index {name}: cannot be opened for the current version"]


def test_readyz_is_503_when_the_database_is_unreachable(engine_app):
    from alliance import create_app

    broken = create_app(
        "test",
        {
            "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=1",
            "SEARCH_INDEX_DIR": engine_app.config["SEARCH_INDEX_DIR"],
        },
    )
    response = broken.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "problems": ["database: not reachable"]}


def _access_lines(caplog) -> list[dict]:
    return [record.fields for record in caplog.records if record.name == "alliance.access"]


def test_each_request_is_one_log_line_without_query_string_address_or_agent(client, caplog):
    caplog.set_level(logging.INFO, logger="alliance.access")
    response = client.get(
        "/en/search?q=S11+8UP+lump",
        headers={"User-Agent": "SecretBrowser/1.0", "X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
        buffered=True,  # the line is written when the server closes the response, as gunicorn does
    )
    lines = _access_lines(caplog)
    assert len(lines) == 1
    line = lines[0]
    assert set(line) == {"request_id", "method", "endpoint", "status", "duration_ms"}
    assert line["method"] == "GET"
    assert line["status"] == response.status_code
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["duration_ms"] > 0
    rendered = json.dumps(line) + caplog.text
    for secret in ("S11", "8UP", "lump", "SecretBrowser", "203.0.113.9", "198.51.100.7", "/en/search"):
        assert secret not in rendered


def test_a_well_formed_request_id_from_the_proxy_is_kept_and_echoed(client, caplog):
    caplog.set_level(logging.INFO, logger="alliance.access")
    response = client.get(
        "/healthz", headers={"X-Request-ID": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"}, buffered=True
    )
    assert response.headers["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert _access_lines(caplog)[0]["request_id"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert _access_lines(caplog)[0]["endpoint"] == "ops.healthz"


@pytest.mark.parametrize("bad", ["short", "has spaces in it", "x" * 200, '"><script>', "semi;colon-12345"])
def test_a_malformed_request_id_is_replaced_by_a_new_one(client, bad):
    response = client.get("/healthz", headers={"X-Request-ID": bad})
    assert response.headers["X-Request-ID"] != bad
    assert len(response.headers["X-Request-ID"]) == 32


def test_a_page_cache_hit_is_logged_with_its_endpoint(app, client, caplog):
    app.config["PAGE_CACHE"] = True
    try:
        client.get("/en/")
        caplog.set_level(logging.INFO, logger="alliance.access")
        response = client.get("/en/", buffered=True)
    finally:
        app.config["PAGE_CACHE"] = False
        app.extensions["page_cache"].clear()
    assert response.status_code == 200
    lines = _access_lines(caplog)
    assert len(lines) == 1 and lines[0]["status"] == 200
    assert lines[0]["endpoint"] not in ("none", "")


def test_metrics_are_hidden_without_the_configured_token(app, client):
    assert client.get("/metrics").status_code == 404
    app.config["METRICS_TOKEN"] = "a-long-metrics-token"
    try:
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    finally:
        app.config["METRICS_TOKEN"] = None


def test_metrics_count_requests_per_endpoint_and_status(app, client):
    app.config["METRICS_TOKEN"] = "a-long-metrics-token"
    try:
        client.get("/healthz", buffered=True)
        client.post("/healthz", buffered=True)
        body = client.get("/metrics", headers={"Authorization": "Bearer a-long-metrics-token"})
    finally:
        app.config["METRICS_TOKEN"] = None
    assert body.status_code == 200
    assert body.mimetype == "text/plain"
    text_ = body.get_data(as_text=True)
    assert 'alliance_requests_total{endpoint="ops.healthz",status="200"' in text_
    assert 'endpoint="none",status="405"' in text_
    assert 'alliance_request_duration_seconds_bucket{endpoint="ops.healthz",le="+Inf",status="200"}' in text_
