"""The site's own content, seeded as `flask seed` does, found by the words people use."""

from pathlib import Path

from alliance.pages import services
from alliance.search import index

CONTENT = Path(__file__).resolve().parents[3] / "content"


def test_the_real_content_seeds_and_is_found_by_everyday_words_in_three_languages(app, client, session):
    changed, summary = services.seed_pages(session, CONTENT)
    assert changed > 100, summary
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])

    def first_hit(url: str) -> str:
        html = client.get(url).get_data(as_text=True)
        results = html.split('class="nhsuk-list app-search-results"')[1]
        return results.split('<a href="')[1].split('"')[0]

    # "poo" is the word people use; the bowel screening page is about it.
    assert first_hit("/en/search?q=poo+test") == "/en/bowel-screening"
    assert "/en/bowel-screening" in client.get("/en/search?q=poo").get_data(as_text=True)
    assert first_hit("/en/search?q=smear+test") == "/en/cervical-screening"
    assert first_hit("/en/search?q=mammogram") == "/en/breast-screening"
    # A common word in Urdu and in Polish finds a symptom page in that language.
    assert first_hit("/ur/search?q=کھانسی") == "/ur/lung-cancer-symptoms"
    assert first_hit("/pl/search?q=kaszel") == "/pl/lung-cancer-symptoms"
    # A language whose text has no stemmer still finds its pages; Chinese is searched by characters.
    assert first_hit("/zh/search?q=乳腺筛查") == "/zh/breast-screening"


def test_every_translated_page_is_served_in_its_language_and_direction(app, client, session):
    services.seed_pages(session, CONTENT)
    for lang, direction in (("ar", "rtl"), ("ckb", "rtl"), ("ur", "rtl"), ("bn", "ltr"), ("so", "ltr")):
        html = client.get(f"/{lang}/bowel-screening").get_data(as_text=True)
        assert f'<article lang="{lang}" dir="{direction}"' in html
        assert '<span dir="ltr" class="app-ltr">0800 707 60 60</span>' in html


def test_the_bladder_and_kidney_page_is_found_by_everyday_and_medical_words_and_linked_from_the_hub(
    app, client, session
):
    services.seed_pages(session, CONTENT)
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])
    for query in ("blood+in+pee", "haematuria", "kidney+cancer", "renal"):
        html = client.get(f"/en/search?q={query}").get_data(as_text=True)
        results = html.split('class="nhsuk-list app-search-results"')[1]
        assert "/en/bladder-and-kidney-cancer-symptoms" in results, query
    polish = client.get("/pl/search?q=krew+w+moczu").get_data(as_text=True)
    assert "/pl/bladder-and-kidney-cancer-symptoms" in polish
    for lang in ("en", "ur", "zh"):
        hub = client.get(f"/{lang}/symptoms").get_data(as_text=True)
        assert f'href="/{lang}/bladder-and-kidney-cancer-symptoms"' in hub
    page = client.get("/ur/bladder-and-kidney-cancer-symptoms").get_data(as_text=True)
    assert '<article lang="ur" dir="rtl"' in page and "999" in page
