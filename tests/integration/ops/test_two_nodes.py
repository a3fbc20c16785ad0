"""Two real gunicorn nodes against one PostgreSQL database and one Redis, as in production.

Each node has its own search index folder, so nothing passes between them except through the
database and Redis. The database is created for this run and dropped after it; Redis keys carry a
prefix unique to the run and are deleted after it.

Without PostgreSQL and Redis on 127.0.0.1 this module skips, unless REQUIRE_POSTGRES=1 (as in CI),
where their absence fails the run.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest

from tests.integration.ops.processes import flask, free_port, reachable

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
SURVEYS = ROOT / "content" / "surveys"
SURVEY = "have-your-say-on-cancer-care"
PG_HOST, PG_PORT, REDIS_PORT = "127.0.0.1", 5432, 6379
REDIS_DB = int(os.environ.get("TEST_REDIS_DB", "0"))  # a database of its own on a shared Redis
PAGE_TEXT = "Screening checks for blood in your poo."


class Node:
    """One gunicorn server; cookies kept by hand because production cookies are Secure-only."""

    def __init__(self, name: str, port: int, env: dict):
        self.name, self.port, self.env = name, port, env
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "site/alliance/ops/gunicorn_conf.py", "wsgi:app"],
            cwd=ROOT,
            env={
                **self.env,
                "BIND": f"127.0.0.1:{self.port}",
                "WEB_CONCURRENCY": "1",
                "GUNICORN_THREADS": "2",
                "GUNICORN_GRACEFUL_TIMEOUT": "3",
            },
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

    def request(
        self, method: str, path: str, body: dict | str | None = None, cookie: str = ""
    ) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": cookie} if cookie else {}
        data = None
        if body is not None:
            data = body if isinstance(body, str) else urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        connection.close()
        found = {k.lower(): v for k, v in response.getheaders()}
        found["set-cookies"] = response.msg.get_all("Set-Cookie") or []
        return response.status, found, text

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"node {self.name} exited: {self.process.stderr.read().decode()[-3000:]}"
                )
            try:
                if self.request("GET", "/readyz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"node {self.name} not ready after {seconds} s")


PASSPHRASE = "two nodes share one database and one cache"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not (reachable(PG_PORT) and reachable(REDIS_PORT)):
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail("REQUIRE_POSTGRES=1 but PostgreSQL or Redis is not reachable on 127.0.0.1")
        pytest.skip("PostgreSQL and Redis on 127.0.0.1 are needed for the two-node test")
    import psycopg
    import redis

    run = f"{os.getpid()}_{uuid.uuid4().hex[:8]}"
    database = f"test_twonode_{run}"
    with psycopg.connect(
        f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres", autocommit=True
    ) as pg:
        pg.execute(f'CREATE DATABASE "{database}"')
    prefix = f"test-twonode-{run}:"
    content = tmp_path_factory.mktemp("content")
    shutil.copytree(FIXTURES, content, dirs_exist_ok=True)
    shutil.copytree(SURVEYS, content / "surveys", dirs_exist_ok=True)
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "FLASK_", "GUNICORN"))},
        "ALLIANCE_ENV": "production",
        "SITE_URL": "http://127.0.0.1",
        "ALLIANCE_CONTACT_EMAIL": "contact@alliance.test",
        "ALLIANCE_NODES": "2",
        "SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "DATABASE_URL": f"postgresql+psycopg://postgres@{PG_HOST}:{PG_PORT}/{database}",
        "REDIS_URL": f"redis://{PG_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "REDIS_KEY_PREFIX": prefix,
        "CONTENT_DIR": str(content),
    }
    nodes = [
        Node(name, free_port(), {**base, "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp(f"search-{name}"))})
        for name in ("a", "b")
    ]
    redis_client = redis.Redis.from_url(base["REDIS_URL"])
    try:
        flask(nodes[0].env, "db", "upgrade")
        flask(nodes[0].env, "seed")
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
        yield {
            "a": nodes[0],
            "b": nodes[1],
            "content": content,
            "redis": redis_client,
            "prefix": prefix,
            "dsn": f"host={PG_HOST} port={PG_PORT} user=postgres dbname={database}",
        }
    finally:
        for node in nodes:
            node.stop()
        for key in redis_client.scan_iter(match=prefix + "*", count=500):
            redis_client.delete(key)
        redis_client.close()
        with psycopg.connect(
            f"host={PG_HOST} port={PG_PORT} user=postgres dbname=postgres", autocommit=True
        ) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _eventually(check, seconds: float) -> float:
    """Seconds until check() was true; fails after `seconds`."""
    started = time.monotonic()
    while True:
        if check():
            return time.monotonic() - started
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not true within {seconds} s")
        time.sleep(0.05)


def test_a_page_published_through_node_a_is_served_fresh_by_node_b(cluster):
    a, b = cluster["a"], cluster["b"]
    status, headers, html = b.request("GET", "/en/example")
    assert status == 200 and PAGE_TEXT in html
    # Served again, the page comes from the shared Redis page cache.
    assert b.request("GET", "/en/example")[0] == 200
    assert list(cluster["redis"].scan_iter(match=cluster["prefix"] + "page:*:/en/example"))

    page = cluster["content"] / "pages" / "example" / "en.md"
    page.write_text(page.read_text().replace(PAGE_TEXT, "Screening looks for tiny amounts of blood."))
    # `flask pages load` publishes a non-clinical page's change as the named publisher; the example
    # page is made non-clinical for this test, since a clinical one would wait for a second person.
    import psycopg

    with psycopg.connect(cluster["dsn"], autocommit=True) as pg:
        pg.execute("UPDATE pages SET clinical = false WHERE slug = 'example'")
    operator = "operator@example.nhs.uk"
    flask(a.env, "users", "create-admin", "--email", operator, "--name", "Operator", "--password", PASSPHRASE)
    flask(a.env, "pages", "load", "--as", operator)  # publishes the new revision with node A's settings

    elapsed = _eventually(lambda: "tiny amounts of blood" in b.request("GET", "/en/example")[2], 2.0)
    assert PAGE_TEXT not in b.request("GET", "/en/example")[2]
    assert "tiny amounts of blood" in a.request("GET", "/en/example")[2]
    print(f"node B served the new page {elapsed:.2f} s after publishing")


def _sign_in_form(node: Node) -> tuple[str, str]:
    status, headers, html = node.request("GET", "/backoffice/sign-in")
    assert status == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    cookie = headers["set-cookie"].split(";", 1)[0]
    return token, cookie


def test_failed_sign_ins_count_across_both_nodes(cluster):
    a, b = cluster["a"], cluster["b"]
    # The session cookie from node A is good on node B: sessions are signed cookies, no shared store.
    token, cookie = _sign_in_form(a)
    form = {"csrf_token": token, "email": "nobody@example.nhs.uk", "password": "not the password"}
    for attempt in range(10):
        node = (a, b)[attempt % 2]
        status, _headers, html = node.request("POST", "/backoffice/sign-in", form, cookie)
        assert status == 200, f"attempt {attempt + 1} on node {node.name}: {status}"
        assert "Too many failed attempts" not in html
    for node in (a, b):
        status, _headers, html = node.request("POST", "/backoffice/sign-in", form, cookie)
        assert status == 429
        assert "Too many failed attempts" in html


def test_a_service_imported_through_node_a_is_found_by_search_on_node_b_within_two_seconds(cluster):
    a, b = cluster["a"], cluster["b"]
    service_id = str(uuid.uuid4())
    feed = {
        "services": [
            {
                "id": service_id,
                "name": "Kingfisher Walking Group (example)",
                "description": "A made-up walking group for people affected by cancer. Example listing.",
                "status": "active",
                "organization": {
                    "id": str(uuid.uuid4()),
                    "name": "Kingfisher Trust (example)",
                    "description": "Example organisation, made up for a test.",
                },
            }
        ]
    }
    path = cluster["content"] / "new-service.json"
    path.write_text(json.dumps(feed))
    assert "Kingfisher" not in b.request("GET", "/en/support?q=kingfisher")[2]
    flask(a.env, "directory", "import", str(path))
    elapsed = _eventually(
        lambda: "Kingfisher Walking Group" in b.request("GET", "/en/support?q=kingfisher")[2], 2.0
    )
    print(f"node B found the new service {elapsed:.2f} s after the import")


class Browser:
    """One person's cookies, carried from node to node as a browser behind the proxy would."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def keep(self, headers: dict) -> None:
        for line in headers["set-cookies"]:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=thu, 01 jan 1970" not in line.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)

    def get(self, node: Node, path: str) -> tuple[int, dict, str]:
        status, headers, html = node.request("GET", path, cookie=self.header())
        self.keep(headers)
        return status, headers, html

    def post(self, node: Node, path: str, form: dict) -> tuple[int, dict, str]:
        status, headers, html = node.request(
            "POST", path, urllib.parse.urlencode(form, doseq=True), self.header()
        )
        self.keep(headers)
        return status, headers, html


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _answer(browser: Browser, node: Node, path: str, answers: dict) -> str:
    """Fetch a page of the survey, post its answers with the page's own CSRF token; the next path."""
    status, _headers, html = browser.get(node, path)
    assert status == 200, f"GET {path} on node {node.name}: {status}"
    status, headers, html = browser.post(node, path, {**answers, "csrf_token": _csrf(html)})
    assert status == 303, f"POST {path} on node {node.name}: {status} {html[:300]}"
    return urllib.parse.urlsplit(headers["location"]).path


def test_a_survey_answered_half_on_node_a_and_finished_on_node_b_stores_one_response(cluster):
    import psycopg

    a, b = cluster["a"], cluster["b"]
    marker = f"Evening clinics {uuid.uuid4().hex[:12]}"
    base = f"/en/surveys/{SURVEY}"
    pages = [
        {"connection": "patient"},
        {"experience_rating": "4"},
        {
            f"what_matters[{key}]": str(n)
            for n, key in enumerate(["close", "quick", "explained", "support", "choices"], 1)
        },
        {"barriers": ["transport", "other"], "barriers.other": "Parking at the hospital"},
        {"tell_us_more": "The nurses were kind."},
        {"outcode": "S10 2TN", "travel_minutes": "45"},
        {
            "last_appointment[day]": "3",
            "last_appointment[month]": "9",
            "last_appointment[year]": "2026",
            "one_change": marker,
        },
    ]
    browser = Browser()
    assert browser.get(a, base + "/")[0] == 200
    path = f"{base}/questions/1"
    for number, answers in enumerate(pages, start=1):
        node = a if number <= 3 else b  # pages 1-3 on node A, the rest on node B
        assert path == f"{base}/questions/{number}", f"expected page {number}, went to {path}"
        path = _answer(browser, node, path, answers)
    assert path == f"{base}/about-you"
    path = _answer(browser, b, path, {"age_band": "45-54", "carer": "no"})
    assert path == f"{base}/check-your-answers"

    # Node B's summary holds the answers given on node A as well as its own.
    status, _headers, html = browser.get(b, path)
    assert status == 200
    assert "I have or have had cancer" in html and marker in html
    form = {
        "csrf_token": _csrf(html),
        "token": re.search(r'name="token" value="([^"]+)"', html).group(1),
        "website": "",
    }

    # The final form reaches both nodes at once (a double click split by the proxy); same cookies.
    cookie, results = browser.header(), {}
    barrier = threading.Barrier(2)

    def send(node: Node) -> None:
        barrier.wait()
        results[node.name] = node.request("POST", path, urllib.parse.urlencode(form), cookie)

    threads = [threading.Thread(target=send, args=(node,)) for node in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    references = set()
    for name, (status, headers, _html) in results.items():
        assert status == 303, f"node {name}: {status}"
        assert urllib.parse.urlsplit(headers["location"]).path == f"{base}/sent"
        done = Browser()
        done.cookies = dict(browser.cookies)
        done.keep(headers)
        status, _headers, html = done.get((a, b)[name == "a"], f"{base}/sent")  # read on the other node
        assert status == 200
        references.add(re.search(r'class="app-survey-reference"[^>]*>([^<]+)<', html).group(1))
    assert len(references) == 1, f"the two posts were given different references: {references}"

    with psycopg.connect(cluster["dsn"]) as pg:
        stored = pg.execute(
            "SELECT r.reference, r.token FROM survey_responses r JOIN surveys s ON s.id = r.survey_id "
            "WHERE s.slug = %s",
            (SURVEY,),
        ).fetchall()
        marked = pg.execute("SELECT count(*) FROM survey_answers WHERE value = %s", (marker,)).fetchone()[0]
        equality = pg.execute("SELECT count(*) FROM survey_equality_responses").fetchone()[0]
    assert [row[0] for row in stored] == list(references)
    assert stored[0][1] == form["token"]
    assert marked == 1 and equality == 1
