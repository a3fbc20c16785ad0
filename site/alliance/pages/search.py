"""The pages' search indexes: one per language, searched in the reader's language, English as fallback."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from sqlalchemy.orm import Session
from whoosh.fields import ID, STORED, TEXT, Schema

from alliance.i18n import REGISTRY
from alliance.pages import markdown
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.pages.services import published_select
from alliance.search import index, text

PER_PAGE = 10
FIELDS = {"title": 4.0, "summary": 2.0, "body": 1.0}


@dataclass
class Hit:
    slug: str
    title: str
    summary: str
    section: str
    snippet: Markup


@dataclass
class Results:
    query: str
    lang: str  # the language of the results
    hits: list[Hit]
    total: int
    page: int
    pages: int
    suggestion: str | None
    any_word: bool  # no page had every word; these have some of them
    corrected_from: str | None = None  # the reader's words found nothing; these are for `query` instead


def index_name(lang: str) -> str:
    return f"pages-{lang}"


def _schema_for(lang: str):
    def schema() -> Schema:
        field_analyzer = text.analyzer(REGISTRY[lang].stemmer)
        return Schema(
            slug=ID(stored=True, unique=True),
            section=ID(stored=True),
            title=TEXT(analyzer=field_analyzer, stored=True, field_boost=1.0),
            summary=TEXT(analyzer=field_analyzer, stored=True),
            body=TEXT(analyzer=field_analyzer, stored=True),
            spell=TEXT(analyzer=text.spelling_analyzer()),
            # Titles and summaries unstemmed: the words "did you mean" may offer.
            titles=TEXT(analyzer=text.spelling_analyzer()),
            order=STORED,
        )

    return schema


def _documents_for(lang: str):
    def documents(session: Session):
        rows = session.execute(published_select(Page, PageRevision).where(PageLocale.lang == lang)).all()
        for page, revision in rows:
            body = markdown.plain_text(revision.body)
            yield {
                "slug": page.slug,
                "section": page.section,
                "title": revision.title,
                "summary": revision.summary,
                "body": body,
                "spell": " ".join([revision.title, revision.summary, body]),
                "titles": " ".join([revision.title, revision.summary]),
                "order": page.order,
                # Easy Read versions come after the standard page they accompany.
                "_boost": 0.6 if page.standard_slug else 1.0,
            }

    return documents


def register_indexes() -> None:
    for lang in REGISTRY:
        index.register(index.IndexDefinition(index_name(lang), _schema_for(lang), _documents_for(lang)))


def _strict(query_text: str, lang: str, groups: list):
    return text.build_query(query_text, FIELDS, text.analyzer(REGISTRY[lang].stemmer), groups)


def has_match(session: Session, index_dir: str, query_text: str, lang: str, synonyms_path: Path) -> bool:
    """Whether any page in `lang` has every word (or a synonym of it); nothing is scored."""
    searcher = index.searcher(index.open_index(session, index_dir, index_name(lang)))
    query = _strict(query_text, lang, text.synonyms(synonyms_path, lang))
    return query is not None and bool(searcher.search(query, limit=1).scored_length())


def suggestion_sources(session: Session, index_dir: str, lang: str) -> tuple[list, list]:
    """(vocabularies corrections come from, vocabularies whose words are never corrected) for `lang`."""
    searcher = index.searcher(index.open_index(session, index_dir, index_name(lang)))
    return [(searcher, "titles")], [(searcher, "spell")]


def _search_one(session, index_dir, query_text, lang, page_num, synonyms_path, correct=True) -> Results:
    searcher = index.searcher(index.open_index(session, index_dir, index_name(lang)))
    field_analyzer = text.analyzer(REGISTRY[lang].stemmer)
    groups = text.synonyms(synonyms_path, lang)
    any_word = False
    query = _strict(query_text, lang, groups)
    if query is None:
        return Results(query_text, lang, [], 0, 1, 0, None, False)
    found = searcher.search_page(query, page_num, pagelen=PER_PAGE)
    if found.total == 0:
        loose = text.build_query(query_text, FIELDS, field_analyzer, groups, match_all=False)
        found = searcher.search_page(loose, page_num, pagelen=PER_PAGE)
        any_word = found.total > 0
    # Snippets come from a plain search of the stored text: Whoosh's highlighter re-analyses
    # every hit's whole body, which costs more than the search itself.
    terms = text.expanded_words(query_text, groups)
    hits = [
        Hit(
            slug=hit["slug"],
            title=hit["title"],
            summary=hit["summary"],
            section=hit["section"],
            snippet=text.snippet(hit["body"], terms),
        )
        for hit in found
    ]
    suggestion = None
    if correct and (found.total < 3 or any_word):
        suggestion = text.suggest_from(
            [(searcher, "titles")],
            [(searcher, "spell")],
            query_text,
            lang=lang,
            works=lambda words: has_match(session, index_dir, words, lang, synonyms_path),
            extra_known=text.synonym_words(groups),
        )
    return Results(
        query=query_text,
        lang=lang,
        hits=hits,
        total=found.total,
        page=found.pagenum,
        pages=max(1, math.ceil(found.total / PER_PAGE)) if found.total else 0,
        suggestion=suggestion,
        any_word=any_word,
    )


def _with_english(session, index_dir, query_text, lang, page_num, synonyms_path, correct=True) -> Results:
    results = _search_one(session, index_dir, query_text, lang, page_num, synonyms_path, correct)
    if results.total == 0 and lang != "en":
        english = _search_one(session, index_dir, query_text, "en", page_num, synonyms_path, correct)
        if english.total:
            return english
    return results


def search(
    session: Session,
    index_dir: str,
    query_text: str,
    lang: str,
    page_num: int,
    synonyms_path: Path,
    correct: bool = True,
) -> Results:
    """Search pages in `lang`; when nothing matches there, search the English pages. When no page has
    every word but a corrected spelling has some ("bowl cancer"), the corrected words' pages come back,
    marked with the words the reader typed. With correct=False spelling is left to the caller."""
    page_num = max(1, page_num)
    results = _with_english(session, index_dir, query_text, lang, page_num, synonyms_path, correct)
    if (results.total == 0 or results.any_word) and results.suggestion:
        corrected = _with_english(session, index_dir, results.suggestion, lang, page_num, synonyms_path)
        if corrected.total and not corrected.any_word:
            corrected.corrected_from = query_text
            corrected.suggestion = None
            return corrected
    return results
