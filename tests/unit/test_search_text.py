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
