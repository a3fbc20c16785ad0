import pytest
from whoosh import query as wq
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage

from alliance.search import text

FIELDS = {"title": 4.0, "summary": 2.0, "body": 1.0}
DOCS = [
    ("bowel", "Bowel screening", "A home test kit looks for blood in your poo."),
    ("breast", "Breast screening", "An X-ray called a mammogram checks for breast cancer."),
    ("cervical", "Cervical screening", "A nurse takes a small sample of cells from the cervix."),
    ("lung", "Lung health check", "A check for people aged 55 to 74 who smoke or used to smoke."),
    ("symptoms", "Signs and symptoms", "A lump, blood in your pee or poo, a cough that lasts."),
    ("trials", "Clinical trials", "Research studies that test new treatments, screening and tests."),
] + [(f"filler-{n}", f"Page {n}", "Support for people and families near you.") for n in range(30)]


@pytest.fixture(scope="module")
def searcher():
    analyzer = text.analyzer("en")
    fields = {name: TEXT(analyzer=analyzer) for name in FIELDS}
    ix = RamStorage().create_index(Schema(slug=ID(stored=True), **fields))
    with ix.writer() as writer:
        for slug, title, body in DOCS:
            writer.add_document(slug=slug, title=title, summary=body.split(" ", 4)[-1], body=body)
    with ix.searcher() as opened:
        yield opened


@pytest.mark.parametrize("words", ["poo", "blood poo", "screening", "screening kit", "smoke check", "people"])
@pytest.mark.parametrize("match_all", [True, False])
def test_queries_find_the_same_documents_in_the_same_order_as_whoosh_s_own_or(searcher, words, match_all):
    groups = [[("poo",), ("stool",)]]

    def ranked(matcher_type):
        original = text._Or.matcher_type
        text._Or.matcher_type = matcher_type
        try:
            query = text.build_query(words, FIELDS, text.analyzer("en"), groups, match_all=match_all)
            return [(hit["slug"], round(hit.score, 9)) for hit in searcher.search(query, limit=None)]
        finally:
            text._Or.matcher_type = original

    ours = ranked(wq.Or.DEFAULT_MATCHER)
    assert ours and ours == ranked(wq.Or.AUTO_MATCHER)


@pytest.fixture(scope="module")
def spelling():
    ix = RamStorage().create_index(Schema(titles=TEXT(analyzer=text.spelling_analyzer())))
    with ix.writer() as writer:
        for title in [
            "Bowel cancer symptoms",
            "Bowel screening",
            "Teenage cancer team",
            "Weston Park",
            "Ask us",
        ]:
            writer.add_document(titles=title)
    with ix.searcher() as opened:
        yield opened


def test_a_misspelt_word_is_replaced_by_a_close_title_word(spelling):
    sources = [(spelling, "titles")]
    assert text.suggest_from(sources, sources, "bowl cancer") == "bowel cancer"


@pytest.mark.parametrize("query", ["tya", "ct", "wat to ask", "the of and", "cancer"])
def test_short_words_stop_words_and_known_words_are_never_corrected(spelling, query):
    sources = [(spelling, "titles")]
    assert text.suggest_from(sources, sources, query) is None


def test_a_correction_that_finds_nothing_is_not_offered(spelling):
    sources = [(spelling, "titles")]
    assert text.suggest_from(sources, sources, "bowl", works=lambda words: False) is None
    assert text.suggest_from(sources, sources, "bowl", works=lambda words: words == "bowel") == "bowel"


def test_a_word_the_synonyms_list_knows_is_not_corrected(spelling):
    sources = [(spelling, "titles")]
    assert text.suggest_from(sources, sources, "bowl", extra_known=frozenset({"bowl"})) is None


def test_the_readers_own_word_ranks_above_its_synonyms(searcher):
    groups = [[("mammogram",), ("poo",)]]
    for words, own in (("poo", {"bowel", "symptoms"}), ("mammogram", {"breast"})):
        query = text.build_query(words, FIELDS, text.analyzer("en"), groups)
        slugs = [hit["slug"] for hit in searcher.search(query)]
        assert set(slugs[: len(own)]) == own and len(slugs) == 3
