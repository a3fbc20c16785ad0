"""Security headers on every route: walked from the URL map, so a new route is covered automatically."""

import base64
import hashlib
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
    "part": "1",
    "event_id": "1",
    "key": "0000000000000000",
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
        assert re.fullmatch(r"script-src 'self'( 'sha256-[A-Za-z0-9+/]{43}=')+", script_src(csp)), url
        assert "nonce" not in csp and "unsafe-inline" not in csp, url


def script_src(csp: str) -> str:
    return next(part.strip() for part in csp.split(";") if part.strip().startswith("script-src"))


def inline_scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.DOTALL)


def test_every_inline_script_of_a_page_is_allowed_by_its_hash_and_nothing_else_is(client):
    for url in ("/en/", "/ur/", "/en/search?q=bowel", "/en/no-such-page", "/backoffice/sign-in"):
        response = client.get(url)
        allowed = set(
            re.findall(r"'sha256-([^']+)'", script_src(response.headers["Content-Security-Policy"]))
        )
        scripts = inline_scripts(response.get_data(as_text=True))
        assert len(scripts) == 2, url  # the NHS template's js-enabled line and nhsuk-frontend's start
        hashes = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts}
        assert hashes == allowed, url


def test_pages_carry_no_per_request_parts_so_two_readers_get_the_same_bytes(app):
    first, second = app.test_client().get("/en/"), app.test_client().get("/en/")
    assert first.data == second.data
    assert first.headers["Content-Security-Policy"] == second.headers["Content-Security-Policy"]
    assert "nonce" not in first.get_data(as_text=True)


def test_the_nhs_template_script_is_read_from_the_template_so_an_upgrade_keeps_it_allowed(app):
    from alliance import security

    scripts = security.vendor_inline_scripts(app)
    assert len(scripts) == 1 and "js-enabled" in scripts[0]
    with app.test_request_context("/en/"):
        policy = security.current_policy()
    assert security.script_hash(scripts[0]) in policy
    assert security.script_hash("alert(1)") not in policy
    # The CSP form of a SHA-256 digest: base64 of the digest of no bytes is the well-known 47DEQpj8...
    assert security.script_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


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
    monkeypatch.setattr(config.ProductionConfig, "SITE_URL", "https://localhost")
    monkeypatch.setattr(config.ProductionConfig, "ALLIANCE_CONTACT_EMAIL", "contact@alliance.test")
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    with app.app_context():
        from alliance.extensions import db

        db.upgrade()
    cookie = app.test_client().get("/backoffice/sign-in", base_url="https://localhost").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
