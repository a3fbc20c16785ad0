"""Security headers on every route: walked from the URL map, so a new route is covered automatically."""

import re

SAMPLE_VALUES = {
    "lang": "en",
    "slug": "screening",
    "filename": "css/app.css",
    "id": "1",
    "user_id": "1",
    "token": "x",
    "report_id": "1",
    "trial_id": "1",
    "record_id": "1",
    "revision_id": "1",
    "survey_id": "1",
    "page_id": "1",
    "question_id": "1",
    "answer_id": "1",
    "theme_id": "1",
    "fmt": "csv",
    "reference": "ABCDEFGH",
}


def every_get_url(app) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        values = {arg: SAMPLE_VALUES.get(arg, "x") for arg in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        urls.append(url)
    return sorted(set(urls))


def test_the_walk_covers_the_home_page_and_static_files(app):
    urls = every_get_url(app)
    assert "/en/" in urls and "/" in urls
    assert any(url.startswith("/static/") for url in urls)


def test_every_route_sends_the_security_headers(app, client):
    for url in every_get_url(app):
        response = client.get(url)
        headers = response.headers
        assert headers["X-Content-Type-Options"] == "nosniff", url
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert headers["X-Frame-Options"] == "DENY", url
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp, url
        assert "default-src 'self'" in csp, url
        assert re.search(r"script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'", csp), url


def test_each_page_gets_a_fresh_nonce_used_by_its_scripts(client):
    first = client.get("/en/")
    second = client.get("/en/")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)
    other = re.search(r"'nonce-([^']+)'", second.headers["Content-Security-Policy"]).group(1)
    assert nonce != other
    html = first.get_data(as_text=True)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)


def test_hsts_is_off_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_the_session_cookie_is_httponly_and_samesite_lax(client):
    response = client.get("/backoffice/sign-in")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http in development and tests


def test_the_session_cookie_is_secure_in_production(monkeypatch):
    import config
    from alliance import create_app

    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    with app.app_context():
        from alliance.extensions import db

        db.upgrade()
    cookie = app.test_client().get("/backoffice/sign-in", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
