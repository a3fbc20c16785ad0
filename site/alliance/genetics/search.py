"""The search index of genetics services and genetic tests, for the site-wide search.

A service many localities share (one clinical genetics service for the whole area) is one document,
naming its localities. Every change bumps the index version, so each worker rebuilds on its next search.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh.fields import ID, STORED, TEXT, Schema

from alliance.search import index as search_index
from alliance.search import text

INDEX_NAME = "genetics"
FIELDS = {"name": 4.0, "provider": 1.0, "description": 1.0}
KIND_ORDER = {"clinical-genetics": 0, "family-history-clinic": 1, "laboratory-hub": 2}


def genetics_changed(session: Session) -> None:
    """Call inside the writing transaction so every worker rebuilds on its next search."""
    search_index.bump(session, INDEX_NAME)


def _schema() -> Schema:
    english = text.analyzer("en")
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        name=TEXT(analyzer=english, stored=True),
        provider=TEXT(analyzer=english),
        description=TEXT(analyzer=english),
        spell=TEXT(analyzer=text.spelling_analyzer()),
        localities=STORED,
        code=STORED,
    )


def _documents(session: Session):
    from alliance.genetics.models import GeneticsService, GeneticTest

    shared: dict[str, dict] = {}
    for service in session.scalars(
        select(GeneticsService).order_by(GeneticsService.order, GeneticsService.key)
    ):
        document = shared.setdefault(
            service.name,
            {
                "key": f"service:{service.key}",
                "kind": "service",
                "name": service.name,
                "provider": service.provider,
                "description": f"{service.description} {service.kind.replace('-', ' ')} genetic testing",
                "spell": service.name,
                "localities": [],
                "code": "",
                "_boost": 1.0 if service.kind != "laboratory-hub" else 0.7,
            },
        )
        document["localities"].append(service.locality)
    yield from shared.values()
    for test in session.scalars(select(GeneticTest).order_by(GeneticTest.order, GeneticTest.code)):
        yield {
            "key": f"test:{test.code}",
            "kind": "test",
            "name": test.name,
            "provider": "",
            "description": f"{test.summary} {test.code} genetic test",
            "spell": test.name,
            "localities": [],
            "code": test.code,
        }


def register_index() -> None:
    search_index.register(search_index.IndexDefinition(INDEX_NAME, _schema, _documents))


@dataclass(frozen=True)
class GeneticsHit:
    kind: str  # "service" or "test"
    name: str
    code: str  # a test's code, "" for a service
    localities: list[str]  # where a service is used


@dataclass(frozen=True)
class Brief:
    hits: list[GeneticsHit]
    total: int


def search_brief(
    session: Session, index_dir: str, query_text: str, lang: str, limit: int, synonyms_path: Path
) -> Brief:
    """The best few genetics services and tests for the words, and how many match (not all scored)."""
    ix = search_index.open_index(session, index_dir, INDEX_NAME)
    groups = text.synonyms(synonyms_path, "en") + (text.synonyms(synonyms_path, lang) if lang != "en" else [])
    query = text.build_query(query_text, FIELDS, text.analyzer("en"), groups)
    if query is None:
        return Brief([], 0)
    found = search_index.searcher(ix).search(query, limit=limit)
    hits = [GeneticsHit(hit["kind"], hit["name"], hit["code"], list(hit["localities"])) for hit in found]
    return Brief(hits, len(found))
