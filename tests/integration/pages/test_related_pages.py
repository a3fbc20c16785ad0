"""Related links at the foot of content pages: the other pages of the same section."""

from pathlib import Path

from alliance.pages import services

CONTENT = Path(__file__).resolve().parents[3] / "content"


def test_a_screening_page_links_to_the_other_screening_pages_in_the_reader_s_language(client, session):
    services.seed_pages(session, CONTENT)
    session.commit()
    related = services.related_pages(session, "bowel-screening", "ur")
    slugs = [item.slug for item in related]
    assert slugs and "bowel-screening" not in slugs
    assert not any(slug.endswith("easy-read") for slug in slugs)
    assert all(item.lang in ("ur", "en") for item in related)
    html = client.get("/ur/bowel-screening").get_data(as_text=True)
    assert 'aria-labelledby="related-heading"' in html
    assert f'href="/ur/{slugs[0]}"' in html


def test_a_page_of_a_section_of_its_own_has_no_related_links(client, session, seeded):
    assert services.related_pages(session, "example", "en") == []
    assert 'id="related-heading"' not in client.get("/en/example").get_data(as_text=True)
