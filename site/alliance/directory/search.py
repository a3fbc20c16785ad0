"""The public search index of local support services.

Whoosh ranks the free text. Everything else (filters, facet counts, distances, the result cards)
comes from a catalogue held in memory, read once from the index's stored fields per index version.
Each filter option is a bitmask of document numbers (a Python int), so narrowing and counting
facets at 10,000 services costs a few AND and bit_count operations rather than a pass per option.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from whoosh.fields import ID, STORED, TEXT, Schema

from alliance import places
from alliance.directory import models as m
from alliance.directory import schedules
from alliance.search import index as search_index
from alliance.search import text

INDEX_NAME = "directory"
PER_PAGE = 10
FIELDS = {"name": 4.0, "categories": 2.0, "description": 1.0, "organization": 1.0, "translated": 1.0}
DELIVERY_TERMS = ("in-person", "phone", "online")
AUDIENCE_TERMS = ("people-with-cancer", "carers-family", "young-people", "bereaved")
DISTANCES = (3, 5, 10, 25, 50)
# Where a service with no place of its own says it helps anyone, wherever they live.
REMOTE_LOCALITIES = ("online-phone", "national")
# The dimensions a reader can narrow by; the yes/no ones hold a single option, "yes". "open" (open
# now) depends on the clock, so its mask is made per minute rather than with the catalogue.
DIMENSIONS = ("category", "locality", "language", "delivery", "audience", "free", "wheelchair", "open")


def directory_changed(session: Session) -> None:
    """Call inside the writing transaction so every worker rebuilds on its next request."""
    search_index.bump(session, INDEX_NAME)


# Building -------------------------------------------------------------------------------------


def _schema() -> Schema:
    english = text.analyzer("en")
    plain = text.analyzer(None)
    return Schema(
        id=ID(stored=True, unique=True),
        name=TEXT(analyzer=english),
        description=TEXT(analyzer=english),
        organization=TEXT(analyzer=english),
        categories=TEXT(analyzer=english),
        # Names and descriptions in other languages: no stemmer fits all of them.
        translated=TEXT(analyzer=plain),
        spell=TEXT(analyzer=text.spelling_analyzer()),
        card=STORED,
    )


def _is_free(service: m.Service) -> bool:
    options = service.cost_options
    return bool(options) and all(
        option.amount == 0 or (option.amount is None and (option.option or "").strip().lower() == "free")
        for option in options
    )


def _card(service: m.Service, terms: dict[str, m.TaxonomyTerm], translations: dict) -> dict:
    """Everything the results page shows and filters on, as plain values."""
    term_codes = [terms[t].term for t in terms if t in service._term_ids and terms[t].term]
    points, wheelchair = [], False
    for link in service.service_at_locations:
        location = link.location
        if location.latitude is not None and location.longitude is not None:
            points.append((location.latitude, location.longitude))
        wheelchair = wheelchair or any(a.accessibility == "wheelchair" for a in location.accessibility)
    return {
        "id": service.id,
        "name": service.name,
        "description": service.description or "",
        "organization": service.organization.name if service.organization else "",
        "url": service.url,
        "phones": [phone.number for phone in service.phones],
        "languages": sorted({(lang.code or "", lang.name or "") for lang in service.languages}),
        "locality": service.local.locality if service.local else "",
        "example": bool(service.local and service.local.example_data),
        "terms": term_codes,
        "points": points,
        "free": _is_free(service),
        "wheelchair": wheelchair,
        "schedules": [schedules.schedule_fields(schedule) for schedule in service.schedules],
        "translations": translations.get(service.id, {}),
    }


def _documents(session: Session):
    terms = {term.id: term for term in session.scalars(select(m.TaxonomyTerm))}
    links: dict[str, set[str]] = {}
    for link_id, term_id in session.execute(
        select(m.Attribute.link_id, m.Attribute.taxonomy_term_id).where(m.Attribute.link_entity == "service")
    ):
        links.setdefault(link_id, set()).add(term_id)
    translations: dict[str, dict] = {}
    term_labels: dict[str, list[str]] = {}
    for row in session.scalars(
        select(m.Translation).where(m.Translation.entity.in_(("service", "taxonomy_term")))
    ):
        if row.entity == "taxonomy_term":
            term_labels.setdefault(row.entity_id, []).append(row.name)
            continue
        translations.setdefault(row.entity_id, {})[row.lang] = {
            "name": row.name,
            "description": row.description,
        }
    query = (
        select(m.Service)
        .where(m.Service.status == "active")
        .options(
            selectinload(m.Service.organization),
            selectinload(m.Service.phones),
            selectinload(m.Service.languages),
            selectinload(m.Service.cost_options),
            selectinload(m.Service.schedules),
            selectinload(m.Service.local),
            selectinload(m.Service.service_at_locations)
            .selectinload(m.ServiceAtLocation.location)
            .selectinload(m.Location.accessibility),
        )
        .order_by(m.Service.name, m.Service.id)
    )
    for service in session.scalars(query):
        service._term_ids = links.get(service.id, set())
        card = _card(service, terms, translations)
        category_names = " ".join(terms[t].name for t in service._term_ids if t in terms)
        # A category's name in every language, so its translated label finds each of its services.
        labels = " ".join(label for t in sorted(service._term_ids) for label in term_labels.get(t, []))
        other = " ".join(f"{t['name']} {t['description'] or ''}" for t in card["translations"].values())
        other = f"{other} {labels}".strip()
        yield {
            "id": service.id,
            "name": service.name,
            "description": card["description"],
            "organization": card["organization"],
            "categories": category_names,
            "translated": other,
            "spell": " ".join([service.name, card["description"], category_names]),
            "card": card,
        }


def register_index() -> None:
    search_index.register(search_index.IndexDefinition(INDEX_NAME, _schema, _documents))


# The catalogue in memory ----------------------------------------------------------------------


@dataclass
class Catalogue:
    token: str
    cards: list[dict]  # by Whoosh document number
    masks: dict[str, dict[str, int]]  # dimension -> option -> bitmask of document numbers
    everything: int
    by_name: list[int]  # document numbers in name order
    languages: dict[str, str]  # code -> the name the data gives it
    remote: int = 0  # services with no place of their own that help by phone or online, anywhere
    distances: OrderedDict = field(default_factory=OrderedDict)  # outcode -> [miles or None]
    opening: tuple[str, int] = ("", 0)  # (minute, mask of the services open then)
    texts: OrderedDict = field(default_factory=OrderedDict)  # query words -> TextMatch
    # Worker threads share the catalogue: the two small caches above change only under this lock.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def open_at(self, now: datetime) -> int:
        """The services open at `now` (London time), worked out once a minute."""
        minute = now.strftime("%Y-%m-%dT%H:%M")
        with self.lock:
            if self.opening[0] == minute:
                return self.opening[1]
        mask = 0
        for docnum, card in enumerate(self.cards):
            if card and card["schedules"] and schedules.open_at(card["schedules"], now):
                mask |= 1 << docnum
        with self.lock:
            self.opening = (minute, mask)
        return mask

    def distances_from(self, place: places.Place) -> list[float | None]:
        # Keyed by the district only: the full postcode never reaches this far.
        with self.lock:
            found = self.distances.get(place.outcode)
            if found is not None:
                self.distances.move_to_end(place.outcode)
                return found
        found = [
            min(
                (places.miles(place.latitude, place.longitude, lat, lon) for lat, lon in card["points"]),
                default=None,
            )
            for card in self.cards
        ]
        with self.lock:
            self.distances[place.outcode] = found
            while len(self.distances) > 64:
                self.distances.popitem(last=False)
        return found


_catalogues: dict[tuple[str, str], Catalogue] = {}
_catalogue_lock = threading.Lock()


def _dimension_values(card: dict) -> dict[str, list[str]]:
    terms = card["terms"]
    return {
        "category": [t for t in terms if t not in DELIVERY_TERMS and t not in AUDIENCE_TERMS],
        "delivery": [t for t in terms if t in DELIVERY_TERMS],
        "audience": [t for t in terms if t in AUDIENCE_TERMS],
        "locality": [card["locality"]] if card["locality"] else [],
        "language": sorted({code for code, _name in card["languages"] if code}),
        "free": ["yes"] if card["free"] else [],
        "wheelchair": ["yes"] if card["wheelchair"] else [],
    }


def is_remote(card: dict) -> bool:
    """A service with no place to go to that helps by phone or online, or says it serves everyone
    (a national helpline): it is never "near" or "far", so distance never hides it."""
    if card["points"]:
        return False
    return card["locality"] in REMOTE_LOCALITIES or any(t in ("phone", "online") for t in card["terms"])


def _load_catalogue(ix, token: str) -> Catalogue:
    with ix.searcher() as searcher:
        reader = searcher.reader()
        size = reader.doc_count_all()
        cards: list[dict] = [{}] * size
        for docnum, stored in reader.iter_docs():
            cards[docnum] = stored["card"]
    masks: dict[str, dict[str, int]] = {dimension: {} for dimension in DIMENSIONS}
    for docnum, card in enumerate(cards):
        if not card:
            continue
        bit = 1 << docnum
        for dimension, values in _dimension_values(card).items():
            for value in values:
                masks[dimension][value] = masks[dimension].get(value, 0) | bit
    everything = sum(1 << d for d, card in enumerate(cards) if card)
    by_name = sorted((d for d, card in enumerate(cards) if card), key=lambda d: cards[d]["name"].casefold())
    languages = {code: name for card in cards if card for code, name in card["languages"] if code}
    remote = sum(1 << d for d, card in enumerate(cards) if card and is_remote(card))
    return Catalogue(token, cards, masks, everything, by_name, languages, remote)


def catalogue(session: Session, index_dir: str) -> tuple[object, Catalogue]:
    """The current index and its catalogue, reloaded when the database says the data changed."""
    ix = search_index.open_index(session, index_dir, INDEX_NAME)
    token = search_index.current_token(session, INDEX_NAME)
    key = (index_dir, INDEX_NAME)
    found = _catalogues.get(key)
    if found is None or found.token != token:
        with _catalogue_lock:
            found = _catalogues.get(key)
            if found is None or found.token != token:
                found = _load_catalogue(ix, token)
                _catalogues[key] = found
    return ix, found


# Searching ------------------------------------------------------------------------------------


@dataclass
class Filters:
    category: str = ""
    locality: str = ""
    language: str = ""
    delivery: str = ""
    audience: str = ""
    free: bool = False
    wheelchair: bool = False
    open: bool = False

    def chosen(self) -> dict[str, str]:
        values = {d: getattr(self, d) for d in DIMENSIONS}
        return {d: ("yes" if v is True else v) for d, v in values.items() if v}


@dataclass
class Hit:
    card: dict
    miles: float | None


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, dict[str, int]]  # dimension -> option -> how many results choosing it would give
    suggestion: str | None
    sort: str
    place: places.Place | None
    any_word: bool = False
    remote: list[Hit] = field(default_factory=list)  # every phone or online service found, never paged
    local_total: int = 0  # the results paged through (total less the phone or online ones)


def _mask_of(docnums, size: int) -> int:
    bits = bytearray((size + 7) // 8)
    for docnum in docnums:
        bits[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(bits, "little")


def _docnums(mask: int, order: list[int]) -> list[int]:
    """`order` kept to the documents set in `mask` (read byte by byte: shifting a big int per document is slow)."""
    present = set()
    for byte_number, byte in enumerate(mask.to_bytes((mask.bit_length() + 7) // 8, "little")):
        if byte:
            base = byte_number << 3
            present.update(base + bit for bit in range(8) if byte >> bit & 1)
    return [d for d in order if d in present]


@dataclass(frozen=True)
class TextMatch:
    ranked: list[int]  # every matching document, best first
    any_word: bool  # no service had every word; these have some
    suggestion: str | None


def _text_matches(ix, cat: Catalogue, query_text: str, groups: list, lang: str = "en") -> TextMatch:
    """Score the words once against the whole index. The answer depends only on the words and the index
    version, so the catalogue (rebuilt with each version) keeps the latest few: filters, facets,
    paging and distance then cost bit operations, not another pass through Whoosh."""
    key = lang + ":" + " ".join(text.words(query_text))
    with cat.lock:
        found = cat.texts.get(key)
        if found is not None:
            cat.texts.move_to_end(key)
            return found
    any_word = False
    searcher = search_index.searcher(ix)
    ranked = []
    for match_all in (True, False):
        query = text.build_query(
            query_text,
            FIELDS,
            text.analyzer("en"),
            groups,
            match_all=match_all,
            analyzers={"translated": text.query_analyzer_for_any_language()},
        )
        if query is None:
            break
        ranked = [docnum for _score, docnum in searcher.search(query, limit=None).top_n]
        if ranked:
            any_word = not match_all
            break
    # Only words missing from the index are looked at, so asking every time costs little. A word found
    # among the names in other languages ("grupy", a category's Polish name) is no misspelling.
    reader = searcher.reader()
    unknown = [w for w in text.words(query_text) if not reader.frequency("translated", w)]
    suggestion = text.suggest(searcher, "spell", query_text) if unknown else None
    found = TextMatch(ranked, any_word, suggestion)
    with cat.lock:
        cat.texts[key] = found
        while len(cat.texts) > 256:
            cat.texts.popitem(last=False)
    return found


def _ordered(result: int, cat: Catalogue, ranked_text, distances, sort: str) -> tuple[list[int], str]:
    """The documents in `result`, nearest first, best match first or by name."""
    if sort == "distance" and distances is not None:
        far = math.inf
        ordered = sorted(
            _docnums(result, ranked_text or cat.by_name),
            key=lambda d: far if distances[d] is None else distances[d],
        )
        return ordered, "distance"
    if ranked_text is not None:
        return _docnums(result, ranked_text), "relevance"
    return _docnums(result, cat.by_name), "relevance"


def _facets(base: int, masks: dict, narrowed: dict) -> dict[str, dict[str, int]]:
    facets = {}
    for dimension in DIMENSIONS:
        others = base
        for other, mask in narrowed.items():
            if other != dimension:
                others &= mask
        facets[dimension] = {option: (others & mask).bit_count() for option, mask in masks[dimension].items()}
    return facets


def search(
    session: Session,
    index_dir: str,
    query_text: str,
    filters: Filters,
    *,
    place: places.Place | None = None,
    within: int | None = None,
    sort: str = "relevance",
    page_num: int = 1,
    synonyms_path: Path | None = None,
    lang: str = "en",
    now: datetime | None = None,
) -> Results:
    """Services matching the words and filters, with facet counts, one page of them, ranked by `sort`.

    Services that help by phone or online wherever the reader lives (`is_remote`) come back apart, in
    `remote`, all of them: a distance never hides them and paging never pushes them away."""
    ix, cat = catalogue(session, index_dir)
    size = len(cat.cards)
    suggestion, any_word = None, False
    base = cat.everything
    groups = text.synonyms(synonyms_path, "en") if synonyms_path else []
    if synonyms_path and lang != "en":
        groups = groups + text.synonyms(synonyms_path, lang)
    ranked_text = None
    if query_text.strip():
        matched = _text_matches(ix, cat, query_text, groups, lang)
        ranked_text, any_word, suggestion = matched.ranked, matched.any_word, matched.suggestion
        base = _mask_of(ranked_text, size)
    distances = cat.distances_from(place) if place else None
    if distances is not None and within:
        near = _mask_of(
            (d for d, miles in enumerate(distances) if miles is not None and miles <= within), size
        )
        base &= near | cat.remote
    masks = {**cat.masks, "open": {"yes": cat.open_at(now or schedules.now_local())}}
    chosen = filters.chosen()
    narrowed = {d: masks[d].get(v, 0) for d, v in chosen.items()}
    result = base
    for mask in narrowed.values():
        result &= mask
    facets = _facets(base, masks, narrowed)
    total = result.bit_count()
    local = result & ~cat.remote
    local_total = local.bit_count()
    pages = max(1, math.ceil(local_total / PER_PAGE)) if local_total else 0
    page_num = max(1, min(page_num, pages or 1))
    start = (page_num - 1) * PER_PAGE
    ordered, sort = _ordered(local, cat, ranked_text, distances, sort)
    shown = ordered[start : start + PER_PAGE]
    remote, _sort = _ordered(result & cat.remote, cat, ranked_text, None, "relevance")

    def hit(d: int) -> Hit:
        return Hit(cat.cards[d], distances[d] if distances is not None else None)

    return Results(
        query_text,
        [hit(d) for d in shown],
        total,
        page_num,
        pages,
        facets,
        suggestion,
        sort,
        place,
        any_word,
        remote=[hit(d) for d in remote],
        local_total=local_total,
    )


@dataclass(frozen=True)
class Brief:
    cards: list[dict]  # the best few services, best first
    total: int  # every service matching the words


def search_services_brief(
    session: Session,
    index_dir: str,
    query_text: str,
    lang: str,
    limit: int = 3,
    synonyms_path: Path | None = None,
) -> Brief:
    """The few best services for the site-wide search and how many match, without scoring every match.
    English synonyms apply, and the reader's language's too (its names and descriptions are indexed)."""
    ix, cat = catalogue(session, index_dir)
    groups = []
    if synonyms_path:
        groups = text.synonyms(synonyms_path, "en") + (
            text.synonyms(synonyms_path, lang) if lang != "en" else []
        )
    query = text.build_query(query_text, FIELDS, text.analyzer("en"), groups)
    if query is None:
        return Brief([], 0)
    found = search_index.searcher(ix).search(query, limit=limit)
    return Brief([cat.cards[hit.docnum] for hit in found], len(found))
