"""Everyday queries, in the words people use and in their own languages, against the site's own demo
content (pages, support services, trials, genetic testing) seeded as `flask seed` does. Each names the
result that must come first, or in the first three, of its group on the header search's result page."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from tests.conftest import _empty_tables

PAGES, SUPPORT, TRIALS, GENETICS = "pages", "support", "trials", "genetics"

# (language, query, group, the result: a page's path or words of a service's, trial's or test's name, within)
EVERYDAY = [
    # English: the words on letters, the words people say, and misspellings.
    ("en", "hospice", SUPPORT, "Hospice Day Services", 1),
    ("en", "hospise", SUPPORT, "Hospice Day Services", 1),
    ("en", "bowl cancer", PAGES, "/en/bowel-cancer-symptoms", 1),
    ("en", "bowl cancer screening", PAGES, "/en/bowel-screening", 1),
    ("en", "poo test", PAGES, "/en/bowel-screening", 1),
    ("en", "FIT", PAGES, "/en/bowel-screening", 1),
    ("en", "home test kit", PAGES, "/en/bowel-screening", 1),
    ("en", "smear", PAGES, "/en/cervical-screening", 1),
    ("en", "smear test", PAGES, "/en/cervical-screening", 1),
    ("en", "mammogram", PAGES, "/en/breast-screening", 1),
    ("en", "CT scan", PAGES, "/en/lung-screening", 3),
    ("en", "lung health check", PAGES, "/en/lung-screening", 1),
    ("en", "lump in my breast", PAGES, "/en/breast-cancer-symptoms", 1),
    ("en", "cough", PAGES, "/en/lung-cancer-symptoms", 1),
    ("en", "mole", PAGES, "/en/skin-cancer-symptoms", 1),
    ("en", "hard to swallow", PAGES, "/en/oesophageal-and-stomach-cancer-symptoms", 3),
    ("en", "tired all the time", PAGES, "/en/non-specific-symptoms", 3),
    ("en", "lynch", PAGES, "/en/lynch-syndrome", 1),
    ("en", "brca", PAGES, "/en/brca-and-inherited-cancer-genes", 1),
    ("en", "clinical trial", PAGES, "/en/clinical-trials", 1),
    ("en", "TYA", SUPPORT, "Teenage and Young Adult Cancer Support Service", 1),
    ("en", "TYA", TRIALS, "glioma in teenagers and young adults", 3),
    ("en", "grief", SUPPORT, "Bereavement", 1),
    ("en", "bereavement", SUPPORT, "Bereavement", 1),
    ("en", "transport to hospital", SUPPORT, "Cancer Benefits Advice", 1),
    ("en", "counselling", SUPPORT, "Cancer Counselling Service", 1),
    ("en", "money advice", SUPPORT, "Cancer Benefits Advice", 1),
    ("en", "carers", SUPPORT, "Carers", 3),
    ("en", "samaritans", SUPPORT, "Samaritans", 1),
    ("en", "macmillan", SUPPORT, "Macmillan Support Line", 1),
    ("en", "exercise", SUPPORT, "Move More After Cancer", 1),
    ("en", "prostate", TRIALS, "prostate cancer", 3),
    ("en", "leukaemia", TRIALS, "leukaemia", 1),
    ("en", "family history clinic", GENETICS, "family history clinic", 1),
    ("en", "clinical genetics", GENETICS, "Sheffield Clinical Genetics Service", 1),
    # Urdu
    ("ur", "کھانسی", PAGES, "/ur/lung-cancer-symptoms", 1),
    ("ur", "سمیر ٹیسٹ", PAGES, "/ur/cervical-screening", 1),
    ("ur", "پاخانے کا ٹیسٹ", PAGES, "/ur/bowel-screening", 1),
    ("ur", "ہاسپیس", SUPPORT, "Hospice Day Services", 1),
    ("ur", "سوگ", SUPPORT, "Bereavement", 3),
    # Polish
    ("pl", "kaszel", PAGES, "/pl/lung-cancer-symptoms", 1),
    ("pl", "cytologia", PAGES, "/pl/cervical-screening", 1),
    ("pl", "badanie kału", PAGES, "/pl/bowel-screening", 1),
    ("pl", "mammografia", PAGES, "/pl/breast-screening", 1),
    ("pl", "hospicjum", SUPPORT, "Hospice Day Services", 1),
    ("pl", "żałoba", SUPPORT, "Bereavement", 3),
    # Arabic
    ("ar", "مسحة عنق الرحم", PAGES, "/ar/cervical-screening", 1),
    ("ar", "فحص البراز", PAGES, "/ar/bowel-screening", 1),
    ("ar", "رعاية تلطيفية", SUPPORT, "Hospice Day Services", 1),
    # Romanian, Slovak, Somali, Bengali, Punjabi, Kurdish and Chinese
    ("ro", "test babeș", PAGES, "/ro/cervical-screening", 1),
    ("ro", "hospiciu", SUPPORT, "Hospice Day Services", 1),
    ("sk", "test stolice", PAGES, "/sk/bowel-screening", 1),
    ("so", "baaritaanka saxarada", PAGES, "/so/bowel-screening", 1),
    ("bn", "স্মিয়ার টেস্ট", PAGES, "/bn/cervical-screening", 1),
    ("pa", "ਸਮੀਅਰ ਟੈਸਟ", PAGES, "/pa/cervical-screening", 1),
    ("ckb", "هۆسپیس", SUPPORT, "Hospice Day Services", 1),
    ("zh", "乳腺筛查", PAGES, "/zh/breast-screening", 1),
    ("zh", "宫颈涂片", PAGES, "/zh/cervical-screening", 1),
]


@pytest.fixture(scope="module")
def site(engine_app):
    """The demo content seeded and indexed once for the module, as `flask seed` does."""
    _empty_tables(engine_app)
    result = engine_app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    yield engine_app.test_client()
    _empty_tables(engine_app)


def main_of(client, url: str, **params) -> str:
    response = client.get(url, query_string=params)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def group_results(main: str, group: str) -> list[tuple[str, str]]:
    """(href, text) of each result in a group of the result page, in order; [] when it is absent."""
    found = re.search(rf'<section class="app-search-group"[^>]*id="{group}">(.*?)</section>', main, re.S)
    if not found:
        return []
    items = re.findall(r'<h3[^>]*>\s*<a href="([^"]+)"[^>]*>(.*?)</a>', found.group(1), re.S)
    return [(href, html_lib.unescape(re.sub(r"<[^>]+>", "", title)).strip()) for href, title in items]


@pytest.mark.parametrize(("lang", "query", "group", "expected", "within"), EVERYDAY)
def test_an_everyday_query_finds_the_result_people_expect_near_the_top(
    site, lang, query, group, expected, within
):
    results = group_results(main_of(site, f"/{lang}/search", q=query), group)
    top = results[:within]
    if expected.startswith("/"):
        assert expected in [href for href, _title in top], results
    else:
        assert any(expected.casefold() in title.casefold() for _href, title in top), results


def test_the_table_covers_forty_queries_in_at_least_five_languages():
    assert len(EVERYDAY) >= 40
    assert len({lang for lang, *_rest in EVERYDAY}) >= 5


def test_a_misspelt_word_that_finds_nothing_is_searched_corrected_and_the_reader_told(site):
    main = main_of(site, "/en/search", q="bowl cancer")
    assert "We found nothing for bowl cancer, so these are the results for bowel cancer." in main
    assert group_results(main, PAGES)[0][0] == "/en/bowel-cancer-symptoms"


@pytest.mark.parametrize(
    "query",
    [
        "tya",
        "ct",
        "what to ask",
        "questions to ask",
        "western ask",
        "wig",
        "lymphoedema",
        "the and of",
        "xyz team",
    ],
)
def test_no_suggestion_is_a_stop_word_a_fragment_or_a_guess_that_finds_nothing(site, query):
    main = main_of(site, "/en/search", q=query)
    offered = re.findall(r"Did you mean <a href=\"[^\"]+\">([^<]+)</a>", main) + re.findall(
        r"so these are the results for ([^.<]+)\.", main
    )
    for suggestion in offered:
        for word in suggestion.split():
            assert len(word) >= 4 or word in query.split(), (query, suggestion)
    assert "team" not in " ".join(offered) or "team" in query


@pytest.mark.parametrize(
    ("query", "corrected", "group", "first"),
    [
        ("hospis", "hospice", SUPPORT, "Hospice Day Services"),
        ("macmilan", "macmillan", SUPPORT, "Macmillan Support Line"),
        ("breast screning", "breast screening", PAGES, "Breast screening"),
    ],
)
def test_a_misspelling_is_corrected_from_the_words_of_titles_and_names(site, query, corrected, group, first):
    main = main_of(site, "/en/search", q=query)
    assert f"We found nothing for {query}, so these are the results for {corrected}." in main
    assert first in group_results(main, group)[0][1]


def test_a_word_people_spell_differently_is_not_corrected_when_the_synonyms_know_it(site):
    main = main_of(site, "/en/search", q="counseling")
    assert "Did you mean" not in main and "We found nothing" not in main
    assert "Counselling Service" in group_results(main, SUPPORT)[0][1]


def test_a_search_that_finds_nothing_offers_support_near_you_the_helplines_and_the_hubs(site):
    main = main_of(site, "/en/search", q="wig")
    assert "No results for wig" in main
    assert 'href="/en/support"' in main
    assert "Macmillan Cancer Support" in main and "0808 808 00 00" in main
    assert 'href="https://111.nhs.uk"' in main and "999" in main
    assert 'href="/en/symptoms"' in main and 'href="/en/screening"' in main


def test_each_group_links_on_to_its_own_finder_with_the_words_carried_over(site):
    main = main_of(site, "/en/search", q="hospice")
    assert 'href="/en/support?q=hospice"' in main
    main = main_of(site, "/en/search", q="prostate")
    assert 'href="/en/search/pages?q=prostate"' in main
    assert 'href="/en/clinical-trials/find?cancer=prostate"' in main
    main = main_of(site, "/en/search", q="tya")
    assert 'href="/en/clinical-trials/find?tya=yes"' in main
    main = main_of(site, "/en/search", q="family history clinic")
    assert 'href="/en/genetic-testing/services"' in main


def test_the_groups_come_in_order_under_one_heading_each(site):
    main = main_of(site, "/en/search", q="tya")
    headings = re.findall(r"<h([1-3])[^>]*>", main)
    assert headings[0] == "1"
    assert all(int(b) - int(a) <= 1 for a, b in zip(headings, headings[1:], strict=False))
    order = re.findall(r'<section class="app-search-group"[^>]*id="(\w+)"', main)
    assert order == [g for g in (PAGES, SUPPORT, TRIALS, GENETICS) if g in order] and len(order) >= 3


def test_in_urdu_the_page_is_right_to_left_and_english_results_are_marked_as_english(site):
    response = site.get("/ur/search", query_string={"q": "ہاسپیس"})
    html = response.get_data(as_text=True)
    assert '<html lang="ur" dir="rtl"' in html
    section = re.search(r'id="support">(.*?)</section>', html, re.S).group(1)
    assert 'lang="en" dir="ltr"' in section


def test_the_information_pages_list_pages_through_every_match(site):
    main = main_of(site, "/en/search/pages", q="cancer")
    assert len(re.findall(r'class="app-search-result"', main)) == 10
    assert 'href="/en/search/pages?q=cancer&amp;page=2"' in main
    assert 'href="/en/search?q=cancer"' in main
