"""Links that leave the site name SITE_URL, whatever the Host header said; unknown hosts get a 400.

The test configuration's SITE_URL is http://127.0.0.1:5000 and it also answers "localhost" (Flask's
test client's host). Cached pages are checked in the in-process cache and in Redis.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest

from alliance.cache import RedisPageCache

SITE = "http://127.0.0.1:5000"
FORGED = ("evil.example", "evil.example:80", "EVIL.example", "127.0.0.1.evil.example", "localhost.", "evil")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


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


@pytest.fixture(params=["memory", "redis"])
def caching(request, app):
    """The page cache switched on, in this process or in Redis under a prefix of this test's own."""
    in_process = app.extensions["page_cache"]
    in_process.clear()
    client = prefix = None
    if request.param == "redis":
        client, prefix = _redis_client(), f"test-hosts-{os.getpid()}-{uuid.uuid4().hex[:8]}:"
        app.extensions["page_cache"] = RedisPageCache(client, prefix)
    app.config["PAGE_CACHE"] = True
    yield app.extensions["page_cache"]
    app.config["PAGE_CACHE"] = False
    app.extensions["page_cache"] = in_process
    in_process.clear()
    if client is not None:
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
        client.close()


@pytest.fixture
def second_host(app):
    """An extra host this site also answers (ALLIANCE_TRUSTED_HOSTS), e.g. its old name."""
    app.config["ALLIANCE_TRUSTED_HOSTS"] = "localhost,old-name.example.nhs.uk"
    yield "old-name.example.nhs.uk"
    app.config["ALLIANCE_TRUSTED_HOSTS"] = "localhost"


def client_for(app, host: str):
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = host
    return client


def links(html: str) -> tuple[str, str]:
    canonical = re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1)
    og_url = re.search(r'<meta property="og:url" content="([^"]*)">', html).group(1)
    return canonical, og_url


def test_six_requests_with_a_forged_host_never_change_the_canonical_and_og_url_a_later_reader_gets(
    app, seeded, caching
):
    for host in FORGED:
        forged = app.test_client().get("/en/example", headers={"Host": host, "Accept-Encoding": "gzip"})
        assert forged.status_code == 400, host
    reader = app.test_client().get("/en/example")
    assert reader.status_code == 200
    assert links(reader.get_data(as_text=True)) == (f"{SITE}/en/example", f"{SITE}/en/example")
    again = app.test_client().get("/en/example")
    assert again.get_data() == reader.get_data()


def test_a_cached_page_is_never_served_for_a_forged_host(app, seeded, caching):
    assert app.test_client().get("/en/example").status_code == 200
    forged = app.test_client().get("/en/example", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert "Sorry, there is a problem with your request" in forged.get_data(as_text=True)


def test_pages_fetched_through_another_allowed_host_link_to_the_configured_site(
    app, seeded, caching, second_host
):
    html = client_for(app, second_host).get("/en/example").get_data(as_text=True)
    assert links(html) == (f"{SITE}/en/example", f"{SITE}/en/example")
    alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)">', html)
    assert alternates and all(href.startswith(f"{SITE}/") for href in alternates)
    assert second_host not in html
    later = app.test_client().get("/en/example").get_data(as_text=True)
    assert links(later) == (f"{SITE}/en/example", f"{SITE}/en/example")


def test_the_sitemap_robots_txt_security_txt_and_oruk_root_name_the_configured_site(app, seeded, second_host):
    client = client_for(app, second_host)
    answers = {
        path: client.get(path).get_data(as_text=True)
        for path in (
            "/sitemap.xml",
            "/sitemap-pages.xml",
            "/robots.txt",
            "/.well-known/security.txt",
            "/api/oruk/",
            "/api/oruk/openapi.json",
        )
    }
    for path, body in answers.items():
        assert second_host not in body, path
    assert f"<loc>{SITE}/sitemap-pages.xml</loc>" in answers["/sitemap.xml"]
    assert f"<loc>{SITE}/en/example</loc>" in answers["/sitemap-pages.xml"]
    assert f"Sitemap: {SITE}/sitemap.xml" in answers["/robots.txt"]
    assert f"Canonical: {SITE}/.well-known/security.txt" in answers["/.well-known/security.txt"]
    assert client.get("/api/oruk/").get_json()["openapi_url"] == f"{SITE}/api/oruk/openapi.json"
    document = client.get("/api/oruk/openapi.json").get_json()
    assert document["servers"] == [{"url": f"{SITE}/api/oruk"}]


@pytest.mark.parametrize(
    "path", ["/sitemap.xml", "/robots.txt", "/.well-known/security.txt", "/api/oruk/", "/en/"]
)
def test_the_site_refuses_a_forged_host_on_every_kind_of_answer(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert b"evil.example" not in response.data


def test_the_refusal_is_the_sites_own_error_page_and_json_for_the_api(client):
    page = client.get("/en/", headers={"Host": "evil.example"})
    assert page.mimetype == "text/html"
    assert "Sorry, there is a problem with your request" in page.get_data(as_text=True)
    assert "Content-Security-Policy" in page.headers
    api = client.get("/api/oruk/", headers={"Host": "evil.example"})
    assert api.status_code == 400 and api.get_json()["status"] == 400


@pytest.mark.parametrize(
    "host",
    [
        "a" * 64 + ".example",
        "www." + "b" * 200 + ".nhs.uk",
        "exa mple.com",
        "ex\u00e4mple.com",
        "[::1",
        ":80",
    ],
)
def test_a_host_header_that_cannot_be_read_is_a_400_page_never_a_500(client, host):
    response = client.get("/en/", headers={"Host": host})
    assert response.status_code == 400
    assert "Sorry, there is a problem with your request" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["10.0.3.7:8000", "evil.example", "a" * 64 + ".example"])
def test_health_checks_answer_whatever_host_a_load_balancer_names(client, host):
    assert client.get("/healthz", headers={"Host": host}).get_json() == {"status": "ok"}
    ready = client.get("/readyz", headers={"Host": host})
    assert ready.status_code in (200, 503) and ready.get_json()["status"] in ("ready", "unavailable")


def test_a_request_through_the_configured_site_name_and_localhost_is_answered(client):
    assert client.get("/en/", base_url=SITE).status_code == 200
    assert client.get("/en/", headers={"Host": "localhost:8080"}).status_code == 200
