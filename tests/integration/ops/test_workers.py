"""One node, real gunicorn with two worker processes and a real Redis, as `make serve` runs it.

Rate limits and sign-in lockouts must hold for the node as a whole, not per worker, and one scrape of
/metrics must count the requests every worker served. Each test also checks, from the metrics files
the workers write, that both workers really served the requests it sent.

The database is SQLite (a file in a temporary folder) and, when TEST_DATABASE_URL names a PostgreSQL
server, a PostgreSQL database made for the run and dropped after it. Redis is db 3 on 127.0.0.1 with a
prefix unique to the run, whose keys are deleted after it. Without Redis this module skips, unless
REQUIRE_POSTGRES=1 (as in CI), where its absence fails the run.
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
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.mmap_dict import MmapedDict

from tests.integration.ops.processes import flask, free_port, reachable

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
REDIS_URL = "redis://127.0.0.1:6379/3"
TOKEN = "a-metrics-token-for-the-workers-test"
SERVICE_ID = "7d1c6f3e-5a0b-4c1e-9f59-4b8e8f2a6c01"


class Server:
    """`gunicorn -c site/alliance/ops/gunicorn_conf.py wsgi:app` with the given environment."""

    def __init__(self, env: dict):
        self.env = env
        self.port = int(env["BIND"].rsplit(":", 1)[1])
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "site/alliance/ops/gunicorn_conf.py", "wsgi:app"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.process.stderr.read().decode()[-3000:]}")
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn not ready after {seconds} s")

    def request(
        self, method: str, path: str, body: dict | None = None, cookie: str = "", headers: dict | None = None
    ) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = dict(headers or {})
        if cookie:
            sent["Cookie"] = cookie
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, text

    def scrape(self) -> str:
        status, _headers, text = self.request("GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert status == 200
        return text


def _sample(scrape: str, line_start: str) -> float:
    """The value of the one sample whose line starts with `line_start`; 0 when there is none yet."""
    found = [line for line in scrape.splitlines() if line.startswith(line_start)]
    assert len(found) <= 1, found
    return float(found[0].rsplit(" ", 1)[1]) if found else 0.0


def _served_by_worker(folder: Path, endpoint: str) -> Counter:
    """Requests each worker process counted for `endpoint`, read from the files it wrote."""
    served: Counter = Counter()
    for path in folder.glob("counter_*.db"):
        if path.stat().st_size == 0:  # being created by a worker's first request: no counts yet
            continue
        pid = path.stem.split("_", 1)[1]
        for key, value, *_rest in MmapedDict.read_all_values_from_file(str(path)):
            _metric, name, labels, *_help = json.loads(key)
            if name == "alliance_requests_total" and labels.get("endpoint") == endpoint:
                served[pid] += value
    return served


def _more_than_before(after: Counter, before: Counter) -> dict:
    return {pid: after[pid] - before[pid] for pid in after if after[pid] > before[pid]}


def _databases() -> list:
    kinds = [pytest.param("sqlite", id="sqlite")]
    url = os.environ.get("TEST_DATABASE_URL", "")
    if url.startswith("postgresql"):
        kinds.append(pytest.param("postgresql", id="postgresql"))
    return kinds


@pytest.fixture(scope="module", params=_databases())
def node(request, tmp_path_factory):
    if not reachable(6379):
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but Redis is not reachable on 127.0.0.1:6379")
        pytest.skip("Redis on 127.0.0.1:6379 is needed to run several gunicorn workers")
    import redis

    run = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
    folder = tmp_path_factory.mktemp(f"workers-{request.param}")
    database_name = None
    if request.param == "postgresql":
        import psycopg

        base_url = os.environ["TEST_DATABASE_URL"]
        database_name = f"test_workers_{run}"
        admin = base_url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "{database_name}"')
        database_url = base_url.rsplit("/", 1)[0] + f"/{database_name}"
    else:
        database_url = f"sqlite:///{folder / 'site.db'}"
    content = folder / "content"
    shutil.copytree(FIXTURES, content)
    feed = folder / "directory.json"
    feed.write_text(
        json.dumps(
            {
                "services": [
                    {
                        "id": SERVICE_ID,
                        "name": "Heron Support Group (example)",
                        "description": "A made-up support group for people affected by cancer.",
                        "status": "active",
                        "organization": {
                            "id": str(uuid.uuid4()),
                            "name": "Heron Trust (example)",
                            "description": "Example organisation, made up for a test.",
                        },
                    }
                ]
            }
        )
    )
    prefix = f"test-workers-{run}:"
    env = {
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
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": prefix,
        "CONTENT_DIR": str(content),
        "SEARCH_INDEX_DIR": str(folder / "search"),
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
        "BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": "2",
        # One thread each: a worker busy with a request leaves the next connection to the other one.
        "GUNICORN_THREADS": "1",
        "GUNICORN_GRACEFUL_TIMEOUT": "3",
    }
    server = Server(env)
    redis_client = redis.Redis.from_url(REDIS_URL)
    try:
        flask(env, "db", "upgrade")
        flask(env, "seed")
        flask(env, "directory", "import", str(feed))
        server.start()
        server.wait_ready()
        yield {"server": server, "metrics": folder / "metrics", "redis": redis_client, "prefix": prefix}
    finally:
        server.stop()
        # Every key (cached pages, rate-limit counters) starts with the prefix.
        for key in redis_client.scan_iter(match="*" + prefix + "*", count=500):
            redis_client.delete(key)
        redis_client.close()
        if database_name:
            import psycopg

            with psycopg.connect(admin, autocommit=True) as pg:
                pg.execute(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')


def _form(server: Server, path: str) -> tuple[str, str]:
    status, headers, html = server.request("GET", path)
    assert status == 200, status
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    return token, headers["set-cookie"].split(";", 1)[0]


def _all_at_once(send, count: int) -> list:
    with ThreadPoolExecutor(max_workers=6) as pool:
        return list(pool.map(lambda _n: send(), range(count)))


def test_the_report_a_problem_limit_of_five_lets_exactly_five_through_across_two_workers(node):
    server = node["server"]
    path = f"/en/support/services/{SERVICE_ID}/report-a-problem"
    token, cookie = _form(server, path)
    form = {"csrf_token": token, "problem": "contact", "details": "The number rings out."}
    before = _served_by_worker(node["metrics"], "directory.report_problem")

    statuses = _all_at_once(lambda: server.request("POST", path, form, cookie)[0], 15)

    assert Counter(statuses) == {303: 5, 429: 10}
    assert server.request("POST", path, form, cookie)[0] == 429
    posts = _more_than_before(_served_by_worker(node["metrics"], "directory.report_problem"), before)
    assert len(posts) == 2, f"the posts were not shared by both workers: {posts}"
    # The counts are in the shared Redis, under this run's prefix.
    assert list(node["redis"].scan_iter(match="*" + node["prefix"] + "*report_problem*"))


def test_the_tenth_failed_sign_in_locks_the_address_out_on_both_workers(node):
    server = node["server"]
    token, cookie = _form(server, "/backoffice/sign-in")
    form = {"csrf_token": token, "email": "nobody@example.nhs.uk", "password": "not the password"}
    before = _served_by_worker(node["metrics"], "backoffice.sign_in")

    answers = _all_at_once(lambda: server.request("POST", "/backoffice/sign-in", form, cookie), 10)

    assert [status for status, _headers, _html in answers] == [200] * 10
    assert not any("Too many failed attempts" in html for _status, _headers, html in answers)
    posts = _more_than_before(_served_by_worker(node["metrics"], "backoffice.sign_in"), before)
    assert len(posts) == 2, f"the attempts were not shared by both workers: {posts}"
    for _worker in range(4):  # the eleventh attempt, and more, whichever worker takes them
        status, _headers, html = server.request("POST", "/backoffice/sign-in", form, cookie)
        assert status == 429
        assert "Too many failed attempts" in html


def test_one_scrape_counts_every_request_that_either_worker_served(node):
    server = node["server"]
    first = server.scrape()
    before = _served_by_worker(node["metrics"], "ops.healthz")

    statuses = _all_at_once(lambda: server.request("GET", "/healthz")[0], 40)

    assert statuses == [200] * 40
    served = _more_than_before(_served_by_worker(node["metrics"], "ops.healthz"), before)
    assert len(served) == 2, f"the requests were not shared by both workers: {served}"
    scrape = server.scrape()
    total = 'alliance_requests_total{endpoint="ops.healthz",status="200"}'
    count = 'alliance_request_duration_seconds_count{endpoint="ops.healthz",status="200"}'
    assert _sample(scrape, total) - _sample(first, total) == 40
    assert _sample(scrape, count) - _sample(first, count) == 40
    # The scrape that answered `first` was itself counted by the time of the second one.
    metrics = 'alliance_requests_total{endpoint="ops.metrics",status="200"}'
    assert _sample(scrape, metrics) - _sample(first, metrics) == 1


def test_a_restarted_server_counts_from_zero_rather_than_adding_an_earlier_run(node):
    server = node["server"]
    total = 'alliance_requests_total{endpoint="ops.healthz",status="200"}'
    assert server.request("GET", "/healthz")[0] == 200
    assert _sample(server.scrape(), total) >= 1
    server.stop()
    assert list(node["metrics"].glob("counter_*.db")), "the stopped server left its counts behind"
    server.start()
    server.wait_ready()

    for _n in range(3):
        assert server.request("GET", "/healthz")[0] == 200

    assert _sample(server.scrape(), total) == 3


def test_production_refuses_to_start_two_workers_that_would_count_rate_limits_apart(node, tmp_path):
    env = {k: v for k, v in node["server"].env.items() if k != "REDIS_URL"}
    env["BIND"] = f"127.0.0.1:{free_port()}"
    env["PROMETHEUS_MULTIPROC_DIR"] = str(tmp_path / "metrics")
    server = Server(env)
    server.start()
    try:
        server.process.wait(timeout=60)
    finally:
        server.stop()
    log = server.process.stderr.read().decode()
    assert server.process.returncode != 0
    assert "gunicorn is set to run 2 workers but REDIS_URL is not set" in log
