"""Real gunicorn (production settings) losing its database: the site's own 503 page with Retry-After,
a cached page still served, and nothing typed into a form in gunicorn's stderr.

PostgreSQL: a scratch database is created, migrated and seeded, gunicorn serves it, then the database
is dropped under it (its connections terminated). SQLite: gunicorn starts on a path that is a folder.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.integration.ops.processes import flask, free_port

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
SERVICE_ID = "5b0c8c63-0d4e-4d8c-9a44-0b1f6c1d2e3f"
TYPED_EMAIL = "never.in.a.log.5521@example.org"
TYPED_TEXT = "Ask for Philomena Brackenridge at the desk"


class Server:
    def __init__(self, env: dict, stderr_path: Path):
        self.env, self.stderr_path = env, stderr_path
        self.port = int(env["BIND"].rsplit(":", 1)[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with open(self.stderr_path, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "site/alliance/ops/gunicorn_conf.py", "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

    def stop(self) -> str:
        if self.process is None:
            return ""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_listening(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.stderr_path.read_text()[-3000:]
            try:
                self.request("GET", "/healthz")
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start")

    def request(self, method: str, path: str, body: dict | None = None, cookie: str = ""):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        found = {k.lower(): v for k, v in response.getheaders()}
        found["set-cookie"] = response.msg.get_all("Set-Cookie") or []
        connection.close()
        return response.status, found, text

    def post_form(self, path: str, data: dict):
        """GET the form (keeping its session cookie), then POST it with its CSRF token."""
        status, headers, html = self.request("GET", path)
        assert status == 200, (path, status)
        cookie = "; ".join(c.split(";", 1)[0] for c in headers["set-cookie"])
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return self.request("POST", path, {**data, "csrf_token": token}, cookie=cookie)


def _env(tmp_path: Path, database_url: str) -> dict:
    return {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ALLIANCE_", "FLASK_", "GUNICORN", "PROMETHEUS_", "REDIS_", "WEB_"))
        },
        "ALLIANCE_ENV": "production",
        "SITE_URL": "http://127.0.0.1",
        "ALLIANCE_CONTACT_EMAIL": "contact@alliance.test",
        "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "CONTENT_DIR": str(tmp_path / "content"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "1",
        "GUNICORN_GRACEFUL_TIMEOUT": "3",
    }


def _assert_site_503(status: int, headers: dict, html: str) -> None:
    assert status == 503
    assert int(headers["retry-after"]) > 0
    assert "content-security-policy" in headers and headers["strict-transport-security"]
    assert "<h1>Sorry, the service is unavailable</h1>" in html and 'class="nhsuk-header' in html


def _admin_url() -> str:
    return POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"


@pytest.mark.skipif(not POSTGRES_URL.startswith("postgresql"), reason="TEST_DATABASE_URL is not PostgreSQL")
def test_gunicorn_losing_postgresql_serves_the_503_page_and_cached_pages_and_logs_no_typed_text(tmp_path):
    import psycopg

    name = f"test_outages_gunicorn_{uuid.uuid4().hex[:8]}"
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    shutil.copytree(FIXTURES, tmp_path / "content")
    feed = tmp_path / "feed.json"
    feed.write_text(
        json.dumps(
            {
                "services": [
                    {
                        "id": SERVICE_ID,
                        "name": "Kestrel Support Group (example)",
                        "description": "A made-up support group for people affected by cancer.",
                        "status": "active",
                        "organization": {
                            "id": str(uuid.uuid4()),
                            "name": "Kestrel Trust (example)",
                            "description": "Example organisation, made up for a test.",
                        },
                    }
                ]
            }
        )
    )
    env = _env(tmp_path, url)
    with psycopg.connect(_admin_url(), autocommit=True) as pg:
        pg.execute(f'CREATE DATABASE "{name}"')
    server = Server(env, tmp_path / "gunicorn.err")
    try:
        flask(env, "db", "upgrade")
        flask(env, "seed")
        flask(env, "directory", "import", str(feed))
        server.start()
        server.wait_listening()
        cached = server.request("GET", "/en/example")
        assert cached[0] == 200

        # A statement that fails with typed text and a typed email among its parameters.
        with psycopg.connect(plain, autocommit=True) as pg:
            pg.execute("ALTER TABLE directory_problem_reports RENAME TO directory_problem_reports_away")
            pg.execute("ALTER TABLE outbox RENAME TO outbox_away")
        report = server.post_form(
            f"/en/support/services/{SERVICE_ID}/report-a-problem",
            {"problem": "opening", "details": TYPED_TEXT},
        )
        reset = server.post_form("/backoffice/password-reset", {"email": TYPED_EMAIL})
        assert report[0] == 500 and reset[0] == 500
        assert "Sorry, there is a problem with the service" in report[2]

        with psycopg.connect(_admin_url(), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        time.sleep(1.1)  # the content version is re-read at most once a second; let it be re-read
        for path in ("/en/", "/en/support", "/en/surveys/", "/api/oruk/services"):
            status, headers, html = server.request("GET", path)
            assert status == 503, path
            if not path.startswith("/api/"):
                _assert_site_503(status, headers, html)
        again = server.request("GET", "/en/example")
        assert again[0] == 200 and again[2] == cached[2]  # the cached copy
        assert server.request("GET", "/readyz")[0] == 503
    finally:
        stderr = server.stop()
        with psycopg.connect(_admin_url(), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert TYPED_EMAIL not in stderr and "Philomena" not in stderr
    assert "Unhandled error" in stderr and "Database unavailable" in stderr
    assert "Traceback" not in stderr  # nothing escaped the app to gunicorn's own error log


def test_gunicorn_on_an_unreadable_sqlite_path_answers_every_page_with_the_503_page(tmp_path):
    (tmp_path / "site.db").mkdir()
    shutil.copytree(FIXTURES, tmp_path / "content")
    server = Server(_env(tmp_path, f"sqlite:///{tmp_path / 'site.db'}"), tmp_path / "gunicorn.err")
    try:
        server.start()
        server.wait_listening()
        for path in ("/en/", "/en/example", "/en/support", "/en/surveys/"):
            _assert_site_503(*server.request("GET", path))
        assert server.request("GET", "/healthz")[0] == 200
    finally:
        stderr = server.stop()
    assert "Database unavailable" in stderr and "Traceback" not in stderr
