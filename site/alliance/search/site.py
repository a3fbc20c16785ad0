"""One search for the whole site: information pages, support services, trials and genetic testing.

Each capability searches its own index; this only asks each for its best few and how many match, and
decides on one spelling correction for them all. Nothing here is kept between requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from alliance.directory import search as directory_search
from alliance.genetics import search as genetics_search
from alliance.pages import search as pages_search
from alliance.search import index, text
from alliance.trials import search as trials_search

PAGES_SHOWN = 5
OTHERS_SHOWN = 3


@dataclass
class SiteResults:
    query: str  # the words searched: the corrected ones when `corrected_from` is set
    pages: pages_search.Results
    services: directory_search.Brief
    trials: trials_search.Brief
    genetics: genetics_search.Brief
    suggestion: str | None = None  # "did you mean", when the words found little
    corrected_from: str | None = None  # the reader's words, which found nothing
    groups: list[str] = field(default_factory=list)  # the groups with results, in the order shown

    @property
    def total(self) -> int:
        return self.pages.total + self.services.total + self.trials.total + self.genetics.total


@dataclass(frozen=True)
class _Where:
    session: Session
    index_dir: str
    lang: str
    synonyms: Path


def _run(where: _Where, query_text: str) -> SiteResults:
    pages = pages_search.search(
        where.session, where.index_dir, query_text, where.lang, 1, where.synonyms, correct=False
    )
    searched = query_text
    services = directory_search.search_services_brief(
        where.session, where.index_dir, searched, where.lang, OTHERS_SHOWN, where.synonyms
    )
    trials = trials_search.search_brief(
        where.session, where.index_dir, searched, where.lang, OTHERS_SHOWN, where.synonyms
    )
    genetics = genetics_search.search_brief(
        where.session, where.index_dir, searched, where.lang, OTHERS_SHOWN, where.synonyms
    )
    pages.hits = pages.hits[:PAGES_SHOWN]
    results = SiteResults(searched, pages, services, trials, genetics)
    results.groups = [
        name
        for name, found in (
            ("pages", pages),
            ("support", services),
            ("trials", trials),
            ("genetics", genetics),
        )
        if found.total
    ]
    return results


def _vocabularies(where: _Where) -> tuple[list, list]:
    """(where corrections come from: titles and names; words never corrected: everything indexed)."""
    sources, known = [], []
    for lang in dict.fromkeys([where.lang, "en"]):
        page_sources, page_known = pages_search.suggestion_sources(where.session, where.index_dir, lang)
        sources += page_sources
        known += page_known
    for name in (directory_search.INDEX_NAME, trials_search.INDEX_NAME, genetics_search.INDEX_NAME):
        searcher = index.searcher(index.open_index(where.session, where.index_dir, name))
        sources.append((searcher, "spell"))
        known.append((searcher, "spell"))
    return sources, known


def _finds_something(where: _Where, words: str) -> bool:
    if pages_search.has_match(where.session, where.index_dir, words, where.lang, where.synonyms):
        return True
    if where.lang != "en" and pages_search.has_match(
        where.session, where.index_dir, words, "en", where.synonyms
    ):
        return True
    return bool(
        directory_search.search_services_brief(
            where.session, where.index_dir, words, where.lang, 1, where.synonyms
        ).total
        or trials_search.search_brief(
            where.session, where.index_dir, words, where.lang, 1, where.synonyms
        ).total
        or genetics_search.search_brief(
            where.session, where.index_dir, words, where.lang, 1, where.synonyms
        ).total
    )


def search(session: Session, index_dir: str, query_text: str, lang: str, synonyms_path: Path) -> SiteResults:
    """Every group's best few for the words. When no group has every word, a corrected spelling that
    finds something is searched instead (and the reader told); when few are found, it is offered."""
    where = _Where(session, index_dir, lang, synonyms_path)
    results = _run(where, query_text)
    strict = results.total - (results.pages.total if results.pages.any_word else 0)
    if strict >= 3:
        return results
    groups = text.synonyms(synonyms_path, "en") + (text.synonyms(synonyms_path, lang) if lang != "en" else [])
    sources, known = _vocabularies(where)
    suggestion = text.suggest_from(
        sources,
        known,
        query_text,
        lang=lang,
        works=lambda words: _finds_something(where, words),
        extra_known=text.synonym_words(groups),
    )
    if suggestion is None:
        return results
    if strict == 0:
        corrected = _run(where, suggestion)
        corrected.corrected_from = query_text
        corrected.suggestion = None
        return corrected
    results.suggestion = suggestion
    return results
