"""Staff edits to genetic-testing records: services' contact details and tests' wording."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.genetics.models import GeneticsService, GeneticTest
from alliance.genetics.search import genetics_changed
from alliance.genetics.services import WORDING_STATUSES

SERVICE_FIELDS = ("name", "provider", "description", "phone", "email", "website", "verification_note")
TEST_FIELDS = ("summary", "wording", "wording_status", "directory_version", "quoted_from", "wording_note")


class GeneticsEditError(ValueError):
    """An edit staff can correct; the message says what to do."""


def all_services(session: Session) -> list[GeneticsService]:
    return list(
        session.scalars(select(GeneticsService).order_by(GeneticsService.locality, GeneticsService.order))
    )


def all_tests(session: Session) -> list[GeneticTest]:
    return list(session.scalars(select(GeneticTest).order_by(GeneticTest.order, GeneticTest.code)))


def _update(row, fields: tuple[str, ...], values: dict) -> dict:
    changed = {}
    for name in fields:
        value = values.get(name)
        value = value.strip() if isinstance(value, str) else value
        if name not in ("name", "summary", "wording", "wording_status") and value == "":
            value = None if name in ("phone", "email", "website", "directory_version", "quoted_from") else ""
        if getattr(row, name) != value:
            changed[name] = (getattr(row, name), value)
            setattr(row, name, value)
    return changed


def edit_service(session: Session, service_id: int, values: dict) -> dict:
    """Update a genetics service's details; returns what changed. The caller commits."""
    row = session.get(GeneticsService, service_id)
    if row is None:
        raise GeneticsEditError("There is no such service.")
    changed = _update(row, SERVICE_FIELDS, values)
    if changed:
        genetics_changed(session)
    return changed


def edit_test(session: Session, test_id: int, values: dict) -> dict:
    row = session.get(GeneticTest, test_id)
    if row is None:
        raise GeneticsEditError("There is no such test.")
    if values.get("wording_status") not in WORDING_STATUSES:
        raise GeneticsEditError("Choose whether the wording is quoted or a summary.")
    if values["wording_status"] == "quotation-checked" and not (values.get("quoted_from") or "").strip():
        raise GeneticsEditError("Say whose copy of the directory the quotation comes from.")
    changed = _update(row, TEST_FIELDS, values)
    if changed:
        genetics_changed(session)
    return changed
