from markupsafe import Markup

from alliance.pages.markdown import with_contents


def test_a_long_page_gets_a_contents_list_linking_to_each_section():
    body = Markup(
        "<h2>Who is invited</h2><p>x</p><h2>The kit &amp; you</h2><h2>Results</h2><h2>More help</h2>"
    )
    numbered, items = with_contents(body)
    assert [item["text"] for item in items] == ["Who is invited", "The kit & you", "Results", "More help"]
    assert '<h2 id="section-2">The kit &amp; you</h2>' in numbered
    assert items[1]["href"] == "#section-2"


def test_a_short_page_and_card_headings_get_no_contents_list():
    body = Markup('<h2>One</h2><h2>Two</h2><h2 class="nhsuk-card__heading">Card</h2><h2>Three</h2>')
    assert with_contents(body) == (body, [])
