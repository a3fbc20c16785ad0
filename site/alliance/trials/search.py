"""The search index of the trials recruiting locally, for the site-wide search.

Only the trials the finder lists by default (open, with a local site recruiting now) are indexed. Every
change to a trial bumps the index version, so each worker rebuilds it on its next search.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh.fields import ID, STORED, TEXT, Schema

from alliance.search import index as search_index
from alliance.search import text

INDEX_NAME = "trials"
FIELDS = {"title": 4.0, "conditions": 2.0, "summary": 1.0}


def trials_changed(session: Session) -> None:
    """Call inside the writing transaction so every worker rebuilds on its next search."""
    search_index.bump(session, INDEX_NAME)


def _schema() -> Schema:
    english = text.analyzer("en")
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=english, stored=True),
        conditions=TEXT(analyzer=english),
        summary=TEXT(analyzer=english),
        spell=TEXT(analyzer=text.spelling_analyzer()),
        cancer_types=STORED,
    )


def _documents(session: Session):
    from alliance.trials.models import Trial
    from alliance.trials.services import Filters, _listed

    for trial in session.scalars(select(Trial).where(_listed(Filters())).order_by(Trial.id)):
        conditions = " ".join(json.loads(trial.conditions or "[]"))
        yield {
            "id": str(trial.id),
            "title": trial.title,
            "conditions": conditions,
            "summary": trial.summary,
            "spell": " ".join([trial.title, conditions]),
            "cancer_types": [t for t in trial.cancer_types.split(",") if t],
        }


def register_index() -> None:
    search_index.register(search_index.IndexDefinition(INDEX_NAME, _schema, _documents))


@dataclass(frozen=True)
class TrialHit:
    id: int
    title: str
    cancer_types: list[str]


@dataclass(frozen=True)
class Brief:
    hits: list[TrialHit]
    total: int


def search_brief(
    session: Session, index_dir: str, query_text: str, lang: str, limit: int, synonyms_path: Path
) -> Brief:
    """The best few trials recruiting locally for the words, and how many match (not all scored)."""
    ix = search_index.open_index(session, index_dir, INDEX_NAME)
    groups = text.synonyms(synonyms_path, "en") + (text.synonyms(synonyms_path, lang) if lang != "en" else [])
    query = text.build_query(query_text, FIELDS, text.analyzer("en"), groups)
    if query is None:
        return Brief([], 0)
    found = search_index.searcher(ix).search(query, limit=limit)
    hits = [TrialHit(int(hit["id"]), hit["title"], list(hit["cancer_types"])) for hit in found]
    return Brief(hits, len(found))
