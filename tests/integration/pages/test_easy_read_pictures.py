"""Easy Read pages show the site's own pictures beside each idea, served locally with long caching."""

import re

import pytest

from alliance.pages import services
from alliance.search import index

EASY_READ = """---
title: Example Easy Read with pictures
section: screening
order: 12
clinical: true
last_reviewed: 2026-11-22
next_review_due: 2027-11-22
sources:
- title: 'NHS website: Bowel cancer screening'
  url: https://www.nhs.uk/tests-and-treatments/bowel-cancer-screening/
standard: example
---

![A doctor](icon:doctor) See a GP.

![A phone](icon:phone) Call 111 for help.
"""


@pytest.fixture
def pictured(app, session, content_dir):
    folder = content_dir / "pages/example-pictures"
    folder.mkdir()
    (folder / "en.md").write_text(EASY_READ)
    services.seed_pages(session, content_dir)
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])
    return content_dir


def test_an_easy_read_page_pairs_each_idea_with_a_picture_in_large_text(client, pictured):
    html = client.get("/en/example-pictures").get_data(as_text=True)
    assert '<article lang="en" dir="ltr" class="app-page app-easy-read">' in html
    rows = re.findall(
        r'<p class="app-picture-row"><img src="(/static/icons/[a-z-]+\.svg\?v=\w+)" alt="([^"]+)"', html
    )
    assert [alt for _src, alt in rows] == ["A doctor", "A phone"]
    assert '<span class="app-picture-row__text">See a GP.</span>' in html


def test_the_pictures_are_served_from_the_site_with_long_caching(client, pictured):
    html = client.get("/en/example-pictures").get_data(as_text=True)
    src = re.search(r'src="(/static/icons/doctor\.svg\?v=\w+)"', html).group(1)
    response = client.get(src)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_an_english_easy_read_page_in_the_urdu_site_keeps_its_pictures_on_the_english_reading_side(
    client, pictured
):
    html = client.get("/ur/example-pictures").get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in html
    # The words are English, so the article is left-to-right and its picture rows start on the left.
    assert '<article lang="en" dir="ltr" class="app-page app-easy-read">' in html
    assert 'class="app-picture-row"' in html


def test_a_standard_page_is_not_styled_as_easy_read(client, pictured):
    assert '<article lang="en" dir="ltr" class="app-page">' in client.get("/en/example").get_data(
        as_text=True
    )
