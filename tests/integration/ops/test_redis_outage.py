"""With Redis gone, every public form that writes still works: rate limits are counted in the
process's memory (with a logged warning), the page cache is skipped, and /readyz says "degraded".

A real redis-server runs on a spare port of 127.0.0.1 for each test and is stopped in the middle of
it; the app under test shares the database of the session's app (SQLite, and PostgreSQL when set).
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance import create_app
from alliance.directory.models import ProblemReport
from alliance.directory.seed import seed_directory
from alliance.extensions import limiter
from alliance.outbox.models import OutboxMessage
from alliance.surveys import seeding
from alliance.surveys.models import Response
from tests.conftest import PageCheckingClient
from tests.factories import make_staff
from tests.integration.surveys.conftest import SLUG, answer_all, post_page, send

ROOT = Path(__file__).resolve().parents[3]
SERVICE = "22a45d33-86d7-5748-b926-b886aefb4946"
REPORT = f"/en/support/services/{SERVICE}/report-a-problem"
FALLBACK_WARNING = "falling back to in-memory storage"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A private redis-server on 127.0.0.1 that a test can stop."""

    def __init__(self):
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


def _app_with_redis(engine_app, url: str):
    prefix = f"outage-{uuid.uuid4().hex[:8]}:"
    app = create_app(
        "test",
        {
            "DATABASE_URL": engine_app.config["DATABASE_URL"],
            "SEARCH_INDEX_DIR": engine_app.config["SEARCH_INDEX_DIR"],
            "REDIS_URL": url,
            "RATELIMIT_STORAGE_URI": url,
            "REDIS_KEY_PREFIX": prefix,
            "RATELIMIT_KEY_PREFIX": prefix,
            "PAGE_CACHE": True,
        },
    )
    app.test_client_class = PageCheckingClient
    return app


@pytest.fixture
def redis_app(app, session, redis_server):
    """An app whose rate limits and page cache live in the running redis-server; the directory and
    the example survey are loaded. The limiter is shared by every app in this process: it is given
    back to the session's app afterwards."""
    with app.app_context():
        seed_directory(session, ROOT / "content")
    seeding.seed_surveys(session, ROOT / "content")
    yield _app_with_redis(app, f"redis://127.0.0.1:{redis_server.port}/10")
    limiter.init_app(app)
    limiter._storage_dead = False
    limiter.reset()


def _report(client, details: str):
    return post_page(client, REPORT, {"problem": "opening", "details": details})


def test_with_redis_stopped_every_public_form_that_writes_still_works(
    redis_app, redis_server, session, caplog
):
    client = redis_app.test_client()
    assert _report(client, "Reported while Redis runs").status_code == 303
    redis_server.stop()
    caplog.set_level(logging.WARNING)

    user = make_staff(session)
    # First after the stop: the reset limits, counted in code, find Redis gone on their own.
    reset = post_page(redis_app.test_client(), "/backoffice/password-reset", {"email": user.email})
    assert reset.status_code == 200
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert _report(client, "Reported after Redis stopped").status_code == 303
    html = answer_all(client, "en", SLUG)
    assert send(client, "en", SLUG, html).status_code == 303
    reference = session.scalars(select(Response.reference)).one()
    erase = post_page(client, "/en/surveys/erase", {"reference": reference})
    assert erase.status_code == 200 and "Are you sure you want to delete your answers?" in erase.get_data(
        as_text=True
    )
    signed = post_page(
        redis_app.test_client(), "/backoffice/sign-in", {"email": user.email, "password": "wrong"}
    )
    assert signed.status_code == 200 and "Email address or password is not right" in signed.get_data(
        as_text=True
    )

    assert session.scalar(select(func.count()).select_from(ProblemReport)) == 2
    assert session.scalar(select(func.count()).select_from(Response)) == 1
    assert any(FALLBACK_WARNING in record.getMessage() for record in caplog.records)
    assert any("rate limits: storage unreachable" in record.getMessage() for record in caplog.records)


def test_with_redis_stopped_the_report_limit_is_still_counted_in_memory(redis_app, redis_server):
    client = redis_app.test_client()
    assert _report(client, "first, while Redis runs").status_code == 303
    redis_server.stop()
    answers = [_report(client, f"report {n}").status_code for n in range(6)]
    # The limit (5 per 10 minutes) starts afresh in memory: five more go through, the sixth is refused.
    assert answers == [303] * 5 + [429]


def test_with_redis_stopped_public_pages_are_served_without_the_page_cache(redis_app, redis_server, caplog):
    client = redis_app.test_client()
    assert client.get("/en/surveys/").status_code == 200
    redis_app.extensions[
        "page_cache"
    ].retry_after = 3600  # however slow this machine, Redis is not retried here
    redis_server.stop()
    caplog.set_level(logging.WARNING, logger="alliance.cache")
    first = client.get("/en/")
    second = client.get("/en/")
    assert first.status_code == second.status_code == 200
    assert first.get_data() == second.get_data()
    warnings = [r.getMessage() for r in caplog.records if r.name == "alliance.cache"]
    # The first failure is logged, then Redis is left alone for a while rather than asked on every request.
    assert len(warnings) == 1 and "skipping the cache" in warnings[0]


def test_readyz_says_degraded_with_200_while_redis_is_stopped_and_ready_once_it_is_back(
    redis_app, redis_server
):
    client = redis_app.test_client()
    assert client.get("/readyz").json == {"status": "ready"}
    redis_server.stop()
    degraded = client.get("/readyz")
    assert degraded.status_code == 200
    assert degraded.headers["Cache-Control"] == "no-store"
    assert degraded.json["status"] == "degraded"
    assert degraded.json["problems"] == [
        "redis: not reachable; rate limits are counted per process and the page cache is skipped"
    ]
    redis_server.start()
    assert client.get("/readyz").json == {"status": "ready"}


def test_an_app_started_with_redis_already_unreachable_serves_forms_and_says_degraded(app, session):
    with app.app_context():
        seed_directory(session, ROOT / "content")
    broken = _app_with_redis(app, f"redis://127.0.0.1:{_free_port()}/10")
    try:
        client = broken.test_client()
        assert _report(client, "Redis was never there").status_code == 303
        assert client.get("/readyz").json["status"] == "degraded"
    finally:
        limiter.init_app(app)
        limiter._storage_dead = False
        limiter.reset()
