"""What search engines read: a description on every page, absolute alternates, the right canonical page,
and which finder pages they may index."""

from __future__ import annotations

import re

import pytest

from alliance.pages import services
from alliance.search import index

PUBLIC = [
    "/en/",
    "/ur/",
    "/en/example",
    "/ur/example",
    "/en/clinical-trials/find",
    "/en/clinical-trials/young-people",
    "/en/genetic-testing/tests",
    "/en/genetic-testing/should-i-ask",
    "/en/support",
    "/en/surveys/",
    "/en/search?q=screening",
]


@pytest.fixture
def site(app, session, seeded):
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])
    return seeded


@pytest.mark.parametrize("path", PUBLIC)
def test_every_public_page_has_one_description_and_absolute_alternates(client, site, path):
    html = client.get(path).get_data(as_text=True)
    descriptions = re.findall(r'<meta name="description" content="([^"]*)"', html)
    assert len(descriptions) == 1 and descriptions[0].strip(), path
    alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', html)
    assert alternates and all(href.startswith(("http://", "https://")) for href in alternates), path


def test_a_content_page_describes_itself_with_its_summary(client, site, session):
    page = services.get_page(session, "example", "en")
    html = client.get("/en/example").get_data(as_text=True)
    assert f'<meta name="description" content="{page.summary}">' in html


def test_a_page_shown_in_english_for_want_of_a_translation_names_the_english_page_as_canonical(client, site):
    html = client.get("/pl/example").get_data(as_text=True)
    assert "is shown in English" in html or "po angielsku" in html
    assert re.search(r'<link rel="canonical" href="https?://[^"]+/en/example">', html)
    translated = client.get("/ur/example").get_data(as_text=True)
    assert re.search(r'<link rel="canonical" href="https?://[^"]+/ur/example">', translated)


def test_the_trials_finder_without_filters_may_be_indexed_but_its_results_may_not(client, site):
    assert 'name="robots"' not in client.get("/en/clinical-trials/find").get_data(as_text=True)
    filtered = client.get("/en/clinical-trials/find?cancer=breast").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in filtered
