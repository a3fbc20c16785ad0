"""Export of the directory: HSDS tabular CSV in a zip, and an ORUK JSON feed."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance import jsonstream
from alliance.directory import models as m
from alliance.directory import oruk
from alliance.directory.import_batch import ALL_TABLES, TRANSLATIONS_TABLE
from alliance.spreadsheets import number_or_safe_cell

# Export --------------------------------------------------------------------------------------

EXPORT_BATCH = 500
CSV_ORDER = {
    "taxonomy_terms": ("taxonomy_id", "position", "id"),
    "languages": ("service_id", "position", "id"),
}


def write_csv(session: Session, target: BinaryIO, progress: Callable[[int], None] | None = None) -> int:
    """Every table as HSDS tabular CSV into a zip written to `target`, row by row; returns the rows."""
    written = 0
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, (model, key) in ALL_TABLES.items():
            cols = [c.key for c in oruk.columns(model) if not (table == TRANSLATIONS_TABLE and c.key == "id")]
            # Terms and languages are written in their curated order, which is how a reader keeps it.
            order = [getattr(model, k) for k in CSV_ORDER.get(table, key)]
            with archive.open(f"{table}.csv", "w") as raw, io.TextIOWrapper(raw, "utf-8", newline="") as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(cols)
                rows: Iterable[Any] = session.scalars(
                    select(model).order_by(*order).execution_options(yield_per=1000)
                )
                for obj in rows:
                    writer.writerow([_csv_value(getattr(obj, c)) for c in cols])
                    written += 1
                    if progress:
                        progress(1)
    return written


def export_csv(session: Session) -> bytes:
    """Every table as HSDS tabular CSV, in one zip."""
    buffer = io.BytesIO()
    write_csv(session, buffer)
    return buffer.getvalue()


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return number_or_safe_cell(oruk._value(value))


def _translations(session: Session, entity: str, ids: list[str] | None = None) -> dict[str, dict]:
    stmt = select(m.Translation).where(m.Translation.entity == entity)
    if ids is not None:
        stmt = stmt.where(m.Translation.entity_id.in_(ids))
    found: dict[str, dict] = {}
    for item in session.scalars(stmt.order_by(m.Translation.entity_id, m.Translation.lang)):
        text = {"name": item.name}
        if item.description is not None:
            text["description"] = item.description
        if item.review_status:
            text["review_status"] = item.review_status
        # The translation review record (alliance.translation), when there is one.
        for key in ("reviewed_by", "reviewed_at", "reviewed_english"):
            if getattr(item, key) is not None:
                text[key] = oruk._value(getattr(item, key))
        found.setdefault(item.entity_id, {})[item.lang] = text
    return found


def export_feed(session: Session, progress: Callable[[int], None] | None = None) -> dict:
    """The whole directory as one feed: every taxonomy with its terms, then every service, each with
    the site's own fields under x_alliance (the ORUK output elsewhere never carries them).

    "services" is streamed (see alliance.jsonstream): give the feed to `json.dump`, which reads the
    services from the database `EXPORT_BATCH` at a time as it writes them."""
    term_translations = _translations(session, "taxonomy_term")
    taxonomies = []
    for tax in session.scalars(select(m.Taxonomy).order_by(m.Taxonomy.id)):
        out = oruk.taxonomy(tax)
        terms = []
        for term in tax.terms:
            item = oruk.taxonomy_term(term)
            found = term_translations.get(term.id)
            if found:
                item["x_alliance"] = {"translations": found}
            terms.append(item)
        out["taxonomy_terms"] = terms
        taxonomies.append(out)
    return {"taxonomies": taxonomies, "services": jsonstream.streamed(_export_services(session, progress))}


def _export_services(session: Session, progress: Callable[[int], None] | None) -> Iterator[dict]:
    ids = list(session.scalars(select(m.Service.id).order_by(m.Service.id)))
    for start in range(0, len(ids), EXPORT_BATCH):
        batch = ids[start : start + EXPORT_BATCH]
        services = session.scalars(
            select(m.Service)
            .where(m.Service.id.in_(batch))
            .order_by(m.Service.id)
            .options(*oruk._full_service_options())
        ).all()
        attributes = oruk._attributes_for(session, oruk._service_attribute_ids(services))
        locals_ = {
            row.service_id: row
            for row in session.scalars(select(m.ServiceLocal).where(m.ServiceLocal.service_id.in_(batch)))
        }
        translations = _translations(session, "service", batch)
        for svc in services:
            out = oruk.service(svc, attributes_by_link=attributes)
            local = locals_.get(svc.id)
            extra: dict[str, Any] = {}
            if local is not None:
                extra = {
                    key: oruk._value(value)
                    for key in ("locality", "verified_on", "verified_by", "example_data")
                    if (value := getattr(local, key)) is not None
                }
            found = translations.get(svc.id)
            if found:
                extra["translations"] = found
            if extra:
                out["x_alliance"] = extra
            yield out
            if progress:
                progress(1)


def export_json(session: Session) -> dict:
    """The whole feed in memory, for small directories and tests; commands stream `export_feed`."""
    feed = export_feed(session)
    return {"taxonomies": feed["taxonomies"], "services": list(feed["services"])}
