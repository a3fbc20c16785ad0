from sqlalchemy import select

from alliance.search import index
from tests.integration.conftest import load_with_second_person


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def test_an_english_clinical_page_shows_its_sources_and_review_dates(client, seeded):
    response = client.get("/en/example")
    assert response.status_code == 200
    main = main_of(response)
    assert "<h1>Example screening</h1>" in main
    assert "Page last reviewed: 22 November 2026" in main
    assert "Next review due: 22 November 2027" in main
    assert 'href="https://www.nhs.uk/tests-and-treatments/bowel-cancer-screening/"' in main
    assert 'href="/en/example-easy-read"' in main


def test_the_easy_read_page_links_back_to_the_standard_page(client, seeded):
    assert 'href="/en/example">Read the standard version' in main_of(client.get("/en/example-easy-read"))


def test_a_translated_page_is_right_to_left_and_says_it_awaits_review(client, seeded):
    response = client.get("/ur/example")
    html = response.get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in html
    main = main_of(response)
    assert "<h1>مثال اسکریننگ</h1>" in main
    assert '<article lang="ur" dir="rtl"' in main
    assert '<span dir="ltr" class="app-ltr">0800 707 6060</span>' in main
    assert "has not been checked" not in main  # said in Urdu, not English
    assert 'app-translation-notice" data-translation-state="unreviewed"' in main


def test_the_breadcrumb_s_hidden_labels_are_in_the_reader_s_language(client, seeded):
    english = client.get("/en/example").get_data(as_text=True)
    urdu = client.get("/ur/example").get_data(as_text=True)
    assert 'aria-label="Breadcrumb"' in english and 'visually-hidden">Back to </span>' in english
    assert 'aria-label="Breadcrumb"' not in urdu and "Back to" not in urdu
    assert 'visually-hidden">واپس جائیں: </span>' in urdu


def test_a_page_missing_in_a_language_falls_back_to_english_with_a_notice_in_that_language(client, seeded):
    english_notice = "is not available in"
    polish = main_of(client.get("/pl/example"))
    assert '<article lang="en" dir="ltr"' in polish
    assert "<h1>Example screening</h1>" in polish
    assert "Polski" in polish and english_notice not in polish


def test_a_translation_whose_english_page_moved_on_tells_the_reader(client, seeded, session, app):
    path = seeded / "pages/example/en.md"
    path.write_text(path.read_text().replace("Screening checks", "The test checks"))
    load_with_second_person(session, seeded)
    main = main_of(client.get("/ur/example"))
    assert 'href="/en/example" hreflang="en"' in main


def test_an_unknown_page_is_a_404(client, seeded):
    assert client.get("/en/no-such-page").status_code == 404


def test_cached_pages_show_new_content_after_publishing(app, client, seeded, session):
    app.config["PAGE_CACHE"] = True
    try:
        first = client.get("/en/example")
        second = client.get("/en/example")
        assert first.data == second.data and first.headers["ETag"] == second.headers["ETag"]
        path = seeded / "pages/example/en.md"
        path.write_text(path.read_text().replace("Screening checks", "Freshly published words:"))
        load_with_second_person(session, seeded)
        third = client.get("/en/example")
        assert "Freshly published words:" in third.get_data(as_text=True)
        assert third.headers["ETag"] != first.headers["ETag"]
    finally:
        app.config["PAGE_CACHE"] = False
        app.extensions["page_cache"].clear()


def test_a_cache_hit_is_served_before_flask_gzipped_with_every_security_header(app, client, seeded):
    import gzip

    app.config["PAGE_CACHE"] = True
    try:
        miss = client.get("/en/example")  # a miss: rendered by Flask and kept
        hit = client.get("/en/example", headers={"Accept-Encoding": "gzip"})
        assert hit.headers["Content-Encoding"] == "gzip"
        html = gzip.decompress(hit.data).decode()
        assert html == miss.get_data(as_text=True)
        assert hit.headers["Content-Security-Policy"] == miss.headers["Content-Security-Policy"]
        for header in ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
            assert header in hit.headers
        assert "<h1>Example screening</h1>" in html
    finally:
        app.config["PAGE_CACHE"] = False
        app.extensions["page_cache"].clear()


def test_the_sitemap_lists_every_page_language_with_its_alternates(client, seeded):
    assert "<loc>http://127.0.0.1:5000/sitemap-pages.xml</loc>" in client.get("/sitemap.xml").get_data(
        as_text=True
    )
    xml = client.get("/sitemap-pages.xml").get_data(as_text=True)
    assert "<loc>http://127.0.0.1:5000/en/example</loc>" in xml
    assert "<loc>http://127.0.0.1:5000/ur/example</loc>" in xml
    assert 'hreflang="ur" href="http://127.0.0.1:5000/ur/example"' in xml
    assert "<loc>http://127.0.0.1:5000/so/</loc>" in xml


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_the_back_office(client):
    body = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in body
    assert "Disallow: /backoffice/" in body


def test_pages_carry_canonical_and_open_graph_tags(client, seeded):
    html = client.get("/en/example").get_data(as_text=True)
    assert '<link rel="canonical" href="http://127.0.0.1:5000/en/example">' in html
    assert '<meta property="og:title" content="Example screening">' in html
    assert 'media="print"' in html


def test_search_index_versions_move_on_when_content_changes(session, seeded):
    before = index.current_version(session, "pages-content")
    path = seeded / "pages/example/en.md"
    path.write_text(path.read_text() + "\nOne more line.\n")
    load_with_second_person(session, seeded)
    assert index.current_version(session, "pages-content") == before + 1
    assert session.scalar(select(1))
