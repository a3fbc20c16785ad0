import json

import pytest
from sqlalchemy import select

from alliance.pages import services, workflow
from alliance.pages.models import Page, PageLocale, PageRevision
from tests.factories import make_staff


def results_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def test_searching_for_an_everyday_word_finds_the_page(client, seeded):
    main = results_of(client, "/en/search?q=poo")
    assert "1 result for poo" in main
    assert 'href="/en/example"' in main
    assert '<mark class="app-search-match' in main


def test_a_synonym_finds_the_page_that_uses_the_other_word(client, seeded):
    main = results_of(client, "/en/search?q=stools")
    assert 'href="/en/example"' in main


def test_a_misspelling_that_finds_nothing_shows_the_corrected_words_results_and_says_so(client, seeded):
    main = results_of(client, "/en/search?q=scrreening")
    assert "We found nothing for scrreening, so these are the results for screening." in main
    assert 'href="/en/example"' in main


def test_the_information_pages_list_also_searches_the_corrected_words_and_says_so(client, seeded):
    main = results_of(client, "/en/search/pages?q=scrreening")
    assert "We found nothing for scrreening, so these are the results for screening." in main
    assert 'href="/en/example"' in main
    assert 'href="/en/search?q=scrreening"' in main


def test_a_search_with_no_results_suggests_the_hubs_and_111(client, seeded):
    main = results_of(client, "/en/search?q=zzzzqqq")
    assert "No results for zzzzqqq" in main
    assert 'href="/en/symptoms"' in main and 'href="/en/screening"' in main
    assert "111" in main


def test_searching_in_urdu_finds_the_urdu_page(client, seeded):
    main = results_of(client, "/ur/search?q=اسکریننگ")
    assert 'href="/ur/example"' in main


def test_a_search_with_nothing_in_the_readers_language_shows_english_results_and_says_so(client, seeded):
    main = results_of(client, "/pl/search?q=poo")
    assert 'href="/pl/example"' in main
    assert 'lang="en" dir="ltr"' in main


@pytest.mark.parametrize(
    "query", ["", "   ", "%00", "a" * 5000, "<script>", '"unbalanced', "AND OR NOT", "*", "🙂"]
)
@pytest.mark.parametrize("page", ["", "0", "-3", "abc", "99999999999"])
def test_odd_queries_and_page_numbers_never_break_the_search(client, seeded, query, page):
    response = client.get("/en/search", query_string={"q": query, "page": page})
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True).split("<main")[1]


def test_the_search_form_works_as_a_plain_get_form(client, seeded):
    main = results_of(client, "/en/search")
    assert '<form action="/en/search" method="get"' in main
    assert 'name="q"' in main


def test_a_newly_published_revision_is_found_by_the_next_search(client, seeded, session):
    # Searchers stay open between requests: a new index version must replace them at once.
    assert "No results for" in results_of(client, "/en/search?q=marmalade")
    page = session.scalar(select(Page).where(Page.slug == "example"))
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page.id, PageLocale.lang == "en"))
    old = session.get(PageRevision, locale.published_revision_id)
    draft = workflow.Draft(
        title=old.title,
        summary=old.summary,
        body=old.body + "\nBring marmalade sandwiches if you like.\n",
        last_reviewed=old.last_reviewed,
        next_review_due=old.next_review_due,
        sources=json.loads(old.sources),
    )
    author, approver = make_staff(session, roles="publisher"), make_staff(session, roles="publisher")
    revision_id = workflow.save_draft(session, "example", "en", draft, author.id, old.id)
    workflow.submit_for_review(session, revision_id)
    workflow.approve(session, revision_id, approver.id)
    services.make_live(session, page.id, "en", session.get(PageRevision, revision_id))
    session.commit()
    main = results_of(client, "/en/search?q=marmalade")
    assert "1 result for marmalade" in main and 'href="/en/example"' in main
