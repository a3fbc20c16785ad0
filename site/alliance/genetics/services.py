"""Genetic testing: load content/genetics/ into the database and read it back for the public pages."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.genetics.models import GeneticsPageReview, GeneticsService, GeneticTest
from alliance.genetics.search import genetics_changed

PAGES = ("tests", "services", "guide")
KINDS = ("germline", "tumour")
WORDING_STATUSES = ("quotation-checked", "summary")
SERVICE_KINDS = ("clinical-genetics", "laboratory-hub", "family-history-clinic")
ROUTES = ("cancer-team", "gp", "family-history-clinic")


class GeneticsContentError(ValueError):
    pass


def _hash(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _date(value: str | None, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise GeneticsContentError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _required_date(value: str | None, where: str) -> date:
    found = _date(value, where)
    if found is None:
        raise GeneticsContentError(f"{where}: a date (YYYY-MM-DD) is required")
    return found


def _read(content_dir: Path, page: str) -> dict:
    path = content_dir / "genetics" / f"{page}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GeneticsContentError(f"{path} is missing") from None
    except json.JSONDecodeError as error:
        raise GeneticsContentError(f"{path}: {error}") from None


def _require(record: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if not record.get(key)]
    if missing:
        raise GeneticsContentError(f"{where}: missing {', '.join(missing)}")


def load_content(content_dir: Path) -> dict:
    """Read and check the three genetics files. Raises GeneticsContentError naming the first problem."""
    files = {page: _read(content_dir, page) for page in PAGES}
    for page, data in files.items():
        review = data.get("review") or {}
        _require(review, ("last_reviewed", "next_review_due", "sources"), f"{page}.json review")
        _date(review["last_reviewed"], f"{page}.json last_reviewed")
        _date(review["next_review_due"], f"{page}.json next_review_due")
    codes = set()
    for test in files["tests"].get("tests", []):
        where = f"tests.json {test.get('code', '?')}"
        _require(test, ("code", "name", "kind", "summary", "directory", "wording", "wording_status"), where)
        if test["kind"] not in KINDS or test["wording_status"] not in WORDING_STATUSES:
            raise GeneticsContentError(f"{where}: unknown kind or wording_status")
        if test["wording_status"] == "quotation-checked" and not test.get("checked_against_url"):
            # A quotation must name where it was checked; otherwise it is a summary.
            raise GeneticsContentError(f"{where}: a checked quotation needs checked_against_url")
        if test["wording_status"] == "quotation-checked" and not test.get("quoted_from"):
            # Readers are told whose copy of the directory the words come from.
            raise GeneticsContentError(f"{where}: a checked quotation needs quoted_from (whose copy)")
        if test["wording_status"] == "summary" and "not a quotation" not in test["wording"].lower():
            raise GeneticsContentError(f"{where}: a summary must say it is not a quotation")
        if test["code"] in codes:
            raise GeneticsContentError(f"{where}: duplicate code")
        codes.add(test["code"])
        _date(test.get("directory_date"), where)
        _date(test.get("checked_on"), where)
    keys = set()
    for service in files["services"].get("services", []):
        where = f"services.json {service.get('key', '?')}"
        _require(service, ("key", "locality", "kind", "name"), where)
        if service["kind"] not in SERVICE_KINDS:
            raise GeneticsContentError(f"{where}: unknown kind {service['kind']!r}")
        if any(route.get("route") not in ROUTES for route in service.get("referral_routes", [])):
            raise GeneticsContentError(f"{where}: unknown referral route")
        if "example_data" not in service:
            raise GeneticsContentError(f"{where}: say whether this is example data")
        if service["key"] in keys:
            raise GeneticsContentError(f"{where}: duplicate key")
        keys.add(service["key"])
    return files


def _apply_test(row: GeneticTest, record: dict) -> None:
    row.code, row.name, row.kind = record["code"], record["name"], record["kind"]
    row.order = record.get("order", 0)
    row.summary, row.directory = record["summary"], record["directory"]
    row.directory_version = record.get("directory_version")
    row.directory_date = _date(record.get("directory_date"), record["code"])
    row.wording, row.wording_status = record["wording"], record["wording_status"]
    row.wording_note = record.get("wording_note", "")
    row.checked_against_url = record.get("checked_against_url")
    row.quoted_from = record.get("quoted_from")
    row.checked_on = _date(record.get("checked_on"), record["code"])
    row.sources = json.dumps(record.get("sources", []), ensure_ascii=False)


def _apply_service(row: GeneticsService, record: dict) -> None:
    row.key, row.locality, row.kind = record["key"], record["locality"], record["kind"]
    row.order = record.get("order", 0)
    row.name, row.provider = record["name"], record.get("provider", "")
    row.description = record.get("description", "")
    row.referral_routes = json.dumps(record.get("referral_routes", []), ensure_ascii=False)
    row.website, row.phone, row.email = record.get("website"), record.get("phone"), record.get("email")
    row.example_data = bool(record["example_data"])
    row.verification_note = record.get("verification_note", "")
    row.source_url = record.get("source_url")


def _apply_review(row: GeneticsPageReview, page: str, review: dict) -> None:
    row.page = page
    row.last_reviewed = _required_date(review["last_reviewed"], page)
    row.next_review_due = _required_date(review["next_review_due"], page)
    row.sources = json.dumps(review["sources"], ensure_ascii=False)


def _upsert(session: Session, model, lookup, key_value, record: dict, apply) -> int:
    # Only a record the site lacks is added: a row it has (perhaps edited by staff since) is left
    # exactly as it is, even when its record in content/ has changed.
    if session.scalar(select(model).where(lookup == key_value)) is not None:
        return 0
    row = model()
    session.add(row)
    apply(row, record)
    row.source_hash = _hash(record)
    if model is not GeneticsPageReview:
        genetics_changed(session)
    return 1


def seed_genetics(session: Session, content_dir: Path) -> tuple[int, str]:
    """Add the records in content/genetics/ that the site lacks; never change one it has. Idempotent."""
    if not (content_dir / "genetics").is_dir():
        return 0, "no content/genetics folder"
    files = load_content(content_dir)
    changed = 0
    for index, record in enumerate(files["tests"].get("tests", [])):
        record = {**record, "order": record.get("order", index)}
        changed += _upsert(
            session,
            GeneticTest,
            GeneticTest.code,
            record["code"],
            record,
            _apply_test,
        )
    for record in files["services"].get("services", []):
        changed += _upsert(
            session,
            GeneticsService,
            GeneticsService.key,
            record["key"],
            record,
            _apply_service,
        )
    for page in PAGES:
        review = files[page]["review"]
        changed += _upsert(
            session,
            GeneticsPageReview,
            GeneticsPageReview.page,
            page,
            review,
            lambda row, rec, page=page: _apply_review(row, page, rec),
        )
    session.commit()
    tests = len(files["tests"].get("tests", []))
    services = len(files["services"].get("services", []))
    return changed, f"{tests} tests, {services} services, {changed} records added"


@dataclass(frozen=True)
class Review:
    last_reviewed: date
    next_review_due: date
    sources: list[dict]


def page_review(session: Session, page: str) -> Review | None:
    row = session.scalar(select(GeneticsPageReview).where(GeneticsPageReview.page == page))
    if row is None:
        return None
    return Review(row.last_reviewed, row.next_review_due, json.loads(row.sources))


def last_reviewed(session: Session) -> dict[str, date]:
    """When each genetics page ("tests", "services", "guide") was last reviewed, for the sitemap."""
    return dict(session.execute(select(GeneticsPageReview.page, GeneticsPageReview.last_reviewed)).all())


def all_tests(session: Session) -> list[GeneticTest]:
    return list(session.scalars(select(GeneticTest).order_by(GeneticTest.order, GeneticTest.code)))


def services_for(session: Session, locality: str) -> list[GeneticsService]:
    """The services one locality uses, clinical genetics first."""
    query = select(GeneticsService).where(GeneticsService.locality == locality)
    return list(session.scalars(query.order_by(GeneticsService.order, GeneticsService.key)))
