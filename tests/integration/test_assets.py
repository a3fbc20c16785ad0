import gzip
import os
import time
import uuid

from alliance import assets


def test_pages_are_compressed_when_the_browser_accepts_gzip(client):
    plain = client.get("/en/")
    compressed = client.get("/en/", headers={"Accept-Encoding": "gzip, br"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed.headers["Vary"]
    assert gzip.decompress(compressed.data) == plain.data
    assert len(compressed.data) < len(plain.data) / 2


def test_the_nhs_stylesheet_is_fingerprinted_cached_for_a_year_and_compressed(client):
    html = client.get("/en/").get_data(as_text=True)
    href = html.split('<link rel="stylesheet" href="')[1].split('"')[0]
    assert href.startswith("/static/nhsuk/nhsuk-frontend.min.css?v=")
    response = client.get(href, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.data) < 60_000


def test_the_images_the_nhs_css_refers_to_are_served_under_assets(client):
    response = client.get("/assets/images/nhsuk-icon-arrow-right.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"


def test_a_missing_asset_is_a_404(client):
    assert client.get("/assets/images/no-such.svg").status_code == 404


def test_an_asset_that_changes_gets_a_new_fingerprint_after_the_recheck_interval(app, monkeypatch):
    name = f"css/test-{uuid.uuid4().hex}.css"
    path = assets.STATIC / name
    path.write_text("body { color: black; }")
    try:
        with app.test_request_context("/en/"):
            first = assets.asset_url(name)
            path.write_text("body { color: navy; }")
            os.utime(path, (time.time(), path.stat().st_mtime + 5))
            assert assets.asset_url(name) == first  # remembered for a moment, not re-read per page
            monkeypatch.setattr(assets, "RECHECK_SECONDS", -1.0)
            assert assets.asset_url(name) != first
    finally:
        path.unlink()
        assets._versions.pop(name, None)
