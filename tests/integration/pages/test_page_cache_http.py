"""The page cache under real traffic: tracking links are answered from it, it stays bounded, and a
proxy or CDN in front can cache and revalidate public pages (and never stores personal ones).

Redis tests use a real server on 127.0.0.1 (database 4, keys under a prefix unique to the run). Without
one they skip, unless REQUIRE_POSTGRES=1 (as in CI), where its absence fails the run.
"""

from __future__ import annotations

import gzip
import os
import random
import re
import socket
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import request_started

from alliance.cache import CachedPage, RedisPageCache
from alliance.directory.seed import seed_directory
from alliance.extensions import limiter
from tests.unit.test_page_cache import random_tracking_query

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
CSP = "default-src 'self'"


@pytest.fixture
def caching(app):
    app.extensions["page_cache"].clear()
    app.config["PAGE_CACHE"] = True
    yield app.extensions["page_cache"]
    app.config["PAGE_CACHE"] = False
    app.extensions["page_cache"].clear()


@contextmanager
def requests_reaching_flask(app):
    """The paths of requests Flask handled (a hit answered before Flask never starts a Flask request)."""
    paths: list[str] = []

    def note(sender, **extra):
        from flask import request

        paths.append(request.full_path)

    request_started.connect(note, app)
    try:
        yield paths
    finally:
        request_started.disconnect(note, app)


def _redis_client():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError:
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but Redis is not reachable at {REDIS_URL}")
        pytest.skip(f"Redis at {REDIS_URL} is needed for this test")
    return client


@pytest.fixture
def redis_store():
    client = _redis_client()
    prefix = f"test-cache-{os.getpid()}-{uuid.uuid4().hex[:8]}:"
    yield client, prefix
    for key in client.scan_iter(match=prefix + "*", count=500):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_caching(app, caching, redis_store):
    client, prefix = redis_store
    in_process = app.extensions["page_cache"]
    store = RedisPageCache(client, prefix)
    app.extensions["page_cache"] = store
    yield client, prefix
    app.extensions["page_cache"] = in_process


def page_keys(client, prefix: str) -> list[bytes]:
    return [
        key for key in client.scan_iter(match=prefix + "page:*", count=500) if not key.endswith(b"#count")
    ]


# --- Tracking parameters ------------------------------------------------------------------------


def test_thirty_links_with_random_tracking_parameters_make_one_entry_and_are_answered_from_it(
    app, seeded, caching
):
    rng = random.Random(30)
    reader = app.test_client()
    first = reader.get("/en/example")
    with requests_reaching_flask(app) as reached:
        responses = [reader.get(f"/en/example?{random_tracking_query(rng)}") for _ in range(30)]
    assert len(caching) == 1
    assert reached == []  # every one answered by the cache layer, before Flask
    assert {response.data for response in responses} == {first.data}
    assert {response.headers["ETag"] for response in responses} == {first.headers["ETag"]}


def test_thirty_links_with_random_tracking_parameters_make_one_key_in_redis(app, seeded, redis_caching):
    client, prefix = redis_caching
    rng = random.Random(31)
    reader = app.test_client()
    bodies = {reader.get(f"/en/example?{random_tracking_query(rng)}").data for _ in range(30)}
    keys = page_keys(client, prefix)
    assert len(keys) == 1 and keys[0].endswith(b":/en/example")
    assert len(bodies) == 1
    assert 0 < client.ttl(keys[0]) <= 60 * 60


def test_the_first_visitors_tracking_parameters_never_reach_later_readers(app, seeded, caching):
    first = app.test_client().get("/en/example?fbclid=SECRET-CLICK-ID&utm_source=facebook")
    later = app.test_client().get("/en/example")
    for response in (first, later):
        html = response.get_data(as_text=True)
        assert "SECRET-CLICK-ID" not in html and "utm_source" not in html
    assert 'href="/ur/example"' in later.get_data(as_text=True)


def test_an_uncached_page_keeps_its_own_query_in_the_language_links(client, seeded):
    html = client.get("/en/search?q=bowel").get_data(as_text=True)
    assert 'href="/ur/search?q=bowel"' in html


# --- Bounds in Redis ----------------------------------------------------------------------------


def test_redis_holds_at_most_the_cap_of_pages_per_content_version(redis_store):
    client, prefix = redis_store
    store = RedisPageCache(client, prefix, ttl=600, max_keys=5)
    for number in range(8):
        store.put(f"/en/page-{number}", CachedPage.from_html(f"<p>{number}</p>", 7, CSP))
    assert len(page_keys(client, prefix)) == 5
    assert store.get("/en/page-0", 7) is not None and store.get("/en/page-7", 7) is None
    # A new content version starts a new count; the old version's keys expire on their own.
    store.put("/en/page-7", CachedPage.from_html("<p>7</p>", 8, CSP))
    assert store.get("/en/page-7", 8) is not None and store.get("/en/page-7", 7) is None
    assert all(0 < client.ttl(key) <= 600 for key in client.scan_iter(match=prefix + "*"))


def test_redis_keeps_no_page_bigger_than_an_entry_may_be(redis_store):
    client, prefix = redis_store
    store = RedisPageCache(client, prefix, max_entry_bytes=4096)
    noise = random.Random(5).randbytes(6000).hex()
    store.put("/en/big", CachedPage.from_html(noise, 1, CSP))
    store.put("/en/small", CachedPage.from_html("<p>small</p>", 1, CSP))
    assert store.get("/en/big", 1) is None and store.get("/en/small", 1) is not None


def test_a_page_is_rendered_as_usual_when_redis_is_down(app, seeded, caching):
    import redis

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    in_process = app.extensions["page_cache"]
    app.extensions["page_cache"] = RedisPageCache(
        redis.Redis(host="127.0.0.1", port=port, socket_timeout=0.5, socket_connect_timeout=0.5), "x:"
    )
    try:
        for _ in range(2):
            response = app.test_client().get("/en/example")
            assert response.status_code == 200 and "<h1>Example screening</h1>" in response.get_data(
                as_text=True
            )
    finally:
        app.extensions["page_cache"] = in_process


# --- Cache-Control, ETag and conditional GETs ---------------------------------------------------


def test_a_cached_public_page_may_be_kept_briefly_by_a_proxy_and_revalidated(app, seeded, caching):
    reader = app.test_client()
    miss = reader.get("/en/example")
    hit = reader.get("/en/example", headers={"Accept-Encoding": "gzip"})
    for response in (miss, hit):
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert response.headers["ETag"] == miss.headers["ETag"]
        assert "Accept-Encoding" in response.headers["Vary"]
    assert gzip.decompress(hit.data) == miss.data


def test_a_conditional_get_for_a_cached_page_is_a_304_with_no_body(app, seeded, caching):
    reader = app.test_client()
    etag = reader.get("/en/example").headers["ETag"]
    with requests_reaching_flask(app) as reached:
        not_modified = reader.get("/en/example?utm_source=x", headers={"If-None-Match": etag})
    assert reached == []
    assert not_modified.status_code == 304 and not_modified.data == b""
    assert not_modified.headers["ETag"] == etag
    assert not_modified.headers["Cache-Control"] == "public, max-age=60"
    assert "Content-Security-Policy" in not_modified.headers
    assert reader.get("/en/example", headers={"If-None-Match": '"something-else"'}).status_code == 200


def test_a_conditional_get_is_a_304_on_a_miss_too(app, seeded, caching):
    etag = app.test_client().get("/en/example").headers["ETag"]
    caching.clear()
    with requests_reaching_flask(app) as reached:
        response = app.test_client().get("/en/example", headers={"If-None-Match": etag})
    assert reached == ["/en/example?"]
    assert response.status_code == 304 and response.data == b""


def test_pages_that_are_not_cached_are_public_with_an_etag_and_revalidated(client, seeded):
    first = client.get("/en/search?q=bowel")
    assert first.headers["Cache-Control"] == "public, no-cache"
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = client.get("/en/search?q=bowel", headers={"If-None-Match": etag, "Accept-Encoding": "gzip"})
    assert again.status_code == 304 and again.data == b""
    assert client.get("/en/search?q=screening", headers={"If-None-Match": etag}).status_code == 200


def test_staff_survey_and_form_pages_are_never_stored(app, client, seeded, session):
    limiter.reset()
    with app.app_context():
        seed_directory(session, ROOT / "content")
    for url in (
        "/backoffice/sign-in",
        "/en/surveys/",
        "/en/support/services/22a45d33-86d7-5748-b926-b886aefb4946/report-a-problem",
        # The genetics guide carries a person's answers about their family's cancers in its query string.
        "/en/genetic-testing/should-i-ask/result?own=young&family=bowel-womb&family=young",
        "/en/genetic-testing/should-i-ask/family?own=older",
    ):
        response = app.test_client().get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url
        assert "ETag" not in response.headers, url
    limiter.reset()


def test_a_reader_with_a_session_gets_the_cached_page_privately(app, seeded, caching):
    app.test_client().get("/en/example")  # cached
    reader = app.test_client()
    form = reader.get("/backoffice/sign-in")
    assert "Set-Cookie" in form.headers
    with requests_reaching_flask(app) as reached:
        response = reader.get("/en/example")
    assert reached == ["/en/example?"]  # a session cookie is never answered by the shared layer
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.status_code == 200 and "<h1>Example screening</h1>" in response.get_data(as_text=True)


def test_a_missing_page_is_not_stored(client, seeded):
    response = client.get("/en/no-such-page?fbclid=x")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "private, no-store"


def test_bad_query_strings_on_a_cached_page_are_never_a_500(app, seeded, caching):
    for query in ("utm_source=" + "x" * 5000, "&&&==", "a=1;b=2"):
        response = app.test_client().get(f"/en/example?{query}")
        assert response.status_code == 200, query
        assert re.search(rb"<h1>Example screening</h1>", response.data), query
    # Control characters and broken UTF-8 are refused before anything else, cached page or not.
    for query in ("%00", "fbclid=%00", "%FF%FE=%FF"):
        response = app.test_client().get(f"/en/example?{query}")
        assert response.status_code == 400, query
        assert b"Example screening" not in response.data, query
    assert len(caching) == 1


def test_health_checks_stay_unstored_and_carry_no_etag(client):
    response = client.get("/healthz")
    assert response.headers["Cache-Control"] == "no-store"
    assert "ETag" not in response.headers


def test_a_cookie_that_is_not_the_session_still_gets_the_shared_cached_page(app, seeded, caching):
    app.test_client().get("/en/example")
    reader = app.test_client()
    reader.set_cookie("xsession", "1")
    reader.set_cookie("analytics_consent", "no")
    with requests_reaching_flask(app) as reached:
        response = reader.get("/en/example")
    assert reached == [] and response.headers["Cache-Control"] == "public, max-age=60"
