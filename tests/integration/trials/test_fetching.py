import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import select

from alliance.trials import fetcher, services
from alliance.trials.models import Trial
from tests.integration.trials.conftest import FIXTURES

PAGES = {None: "page1.json", "NF0g5JGBlPMu": "page2.json"}


@pytest.fixture
def recorded_api():
    """The recorded API pages, served on 127.0.0.1 the way ClinicalTrials.gov pages through a search."""
    requests: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlparse(self.path)
            query = {key: values[0] for key, values in parse_qs(url.query).items()}
            requests.append({"path": url.path, **query})
            name = PAGES.get(query.get("pageToken"))
            body = (FIXTURES / "api" / name).read_bytes() if name and url.path == "/api/v2/studies" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body or b'{"message": "not found"}')

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v2/studies", requests
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetch_enabled(app, monkeypatch, recorded_api):
    url, requests = recorded_api
    monkeypatch.setitem(app.config, "TRIALS_FETCH_ENABLED", True)
    monkeypatch.setitem(app.config, "TRIALS_API_URL", url)
    return requests


def test_fetching_is_off_by_default_and_the_command_refuses(app, runner, session):
    assert app.config["TRIALS_FETCH_ENABLED"] is False
    with pytest.raises(fetcher.FetchDisabled):
        list(fetcher.fetch_studies(app.config))
    result = runner.invoke(args=["trials", "fetch"])
    assert result.exit_code != 0
    assert "switched off" in result.output
    assert session.scalars(select(Trial)).all() == []


def test_the_fetcher_follows_next_page_tokens_and_sends_the_configured_search(app, fetch_enabled):
    studies = list(fetcher.fetch_studies(app.config))
    assert [label for label, _ in studies] == ["page 1 #1", "page 1 #2", "page 2 #1"]
    assert len(fetch_enabled) == 2
    first, second = fetch_enabled
    assert first["query.cond"] == "cancer"
    assert first["query.locn"] == "Sheffield, United Kingdom"
    assert first["filter.overallStatus"] == "RECRUITING,NOT_YET_RECRUITING,ENROLLING_BY_INVITATION"
    assert first["pageSize"] == "100" and "pageToken" not in first
    assert second["pageToken"] == "NF0g5JGBlPMu"


def test_the_fetch_command_imports_trials_with_a_local_site(app, runner, session, fetch_enabled):
    result = runner.invoke(args=["trials", "fetch"])
    assert result.exit_code == 0, result.output
    assert "2 added, 0 updated, 0 unchanged, 1 with no site in the area, 0 skipped" in result.output
    trials = {t.registry_id: t for t in session.scalars(select(Trial))}
    assert set(trials) == {"NCT09980001", "NCT09980003"}
    assert [s.hospital for s in trials["NCT09980001"].sites] == ["Weston Park Cancer Centre"]
    assert trials["NCT09980003"].sites[0].status == "NOT_YET_RECRUITING"
    again = runner.invoke(args=["trials", "fetch"])
    assert "0 added, 0 updated, 2 unchanged" in again.output


def test_a_page_cap_stops_paging_and_is_reported(app, fetch_enabled, session):
    studies = list(fetcher.fetch_studies(app.config, max_pages=1))
    report = services.import_studies(session, studies, services.area_from_config(app.config))
    assert report.created == 1
    assert report.skipped == ["page 2: stopped after 1 pages (TRIALS_FETCH_MAX_PAGES)"]


def test_an_answer_that_is_not_a_page_of_studies_stops_the_fetch_with_a_clear_error(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRIALS_FETCH_ENABLED", True)
    with pytest.raises(fetcher.FetchError, match="not JSON"):
        list(fetcher.fetch_studies(app.config, transport=lambda url: b"<html>busy</html>"))
    with pytest.raises(fetcher.FetchError, match="no `studies` list"):
        list(fetcher.fetch_studies(app.config, transport=lambda url: b'{"studies": {}}'))


def test_a_server_error_makes_the_command_fail_without_importing(app, runner, session, monkeypatch):
    monkeypatch.setitem(app.config, "TRIALS_FETCH_ENABLED", True)
    monkeypatch.setitem(app.config, "TRIALS_API_URL", "http://127.0.0.1:9/api/v2/studies")
    result = runner.invoke(args=["trials", "fetch"])
    assert result.exit_code != 0
    assert "Fetch failed, nothing imported" in result.output
    assert session.scalars(select(Trial)).all() == []
