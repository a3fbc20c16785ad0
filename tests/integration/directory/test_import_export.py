import copy
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.directory import export, import_batch, import_read, import_write
from alliance.directory import models as m
from alliance.directory.seed import seed_directory

CONTENT = Path(__file__).resolve().parents[3] / "content"
SERVICES = json.loads((CONTENT / "directory" / "services.json").read_text(encoding="utf-8"))["services"]
TAXONOMY = json.loads((CONTENT / "directory" / "taxonomy.json").read_text(encoding="utf-8"))
TERM_ID = TAXONOMY["taxonomies"][0]["taxonomy_terms"][0]["id"]
NEW_ID = "0d6a6f0e-3c1b-4c5e-9d8e-1f2a3b4c5d6e"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def seeded(ctx, session):
    seed_directory(session, CONTENT)
    return session


def plain(value):
    # SQLite hands back naive datetimes, PostgreSQL aware ones: compare the instant, not the form.
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def snapshot(session) -> dict:
    """Every directory row, as plain values: two equal snapshots mean two equal datasets."""
    out = {}
    for table, (model, key) in import_batch.ALL_TABLES.items():
        cols = [
            c.key
            for c in model.__table__.columns
            if not (table == import_batch.TRANSLATIONS_TABLE and c.key == "id")
        ]
        rows = session.scalars(select(model).order_by(*[getattr(model, k) for k in key])).all()
        out[table] = [{c: plain(getattr(row, c)) for c in cols} for row in rows]
    return out


def run(session, text: str, name: str = "feed.json", dry_run: bool = False) -> import_batch.Report:
    return import_write.apply(session, import_read.read_upload(name, text.encode("utf-8")), dry_run=dry_run)


def a_service(**changes) -> dict:
    service = {
        "id": NEW_ID,
        "name": "Hallam Test Drop-in (example)",
        "description": "Example listing for tests.",
        "status": "active",
        "attributes": [{"id": "7b0c9d2e-1111-4a2b-8c3d-4e5f6a7b8c9d", "taxonomy_term_id": TERM_ID}],
        "x_alliance": {"locality": "sheffield", "example_data": True},
    }
    service.update(changes)
    return service


def test_importing_the_seed_files_creates_every_service_with_its_locality_and_translations(seeded):
    session = seeded
    assert session.scalar(select(func.count()).select_from(m.Service)) == len(SERVICES)
    local = session.get(m.ServiceLocal, SERVICES[0]["id"])
    assert local.locality == SERVICES[0]["x_alliance"]["locality"]
    assert session.scalar(select(func.count()).select_from(m.Translation)) > 0


def test_a_new_service_in_a_file_of_services_is_created_and_a_changed_one_updated(seeded):
    session = seeded
    report = run(session, json.dumps([a_service()]))
    assert (
        report.ok
        and report.created["services"] == 1
        and report.services_created == ["Hallam Test Drop-in (example)"]
    )
    report = run(session, json.dumps([a_service(name="Hallam Drop-in (example)")]))
    assert report.ok and report.updated["services"] == 1 and report.created["services"] == 0
    assert session.get(m.Service, NEW_ID).name == "Hallam Drop-in (example)"


def test_a_service_sent_again_without_a_schedule_loses_the_schedule(seeded):
    session = seeded
    schedule = {"id": "5a6b7c8d-2222-4a2b-8c3d-4e5f6a7b8c9d", "freq": "WEEKLY", "byday": "MO"}
    run(session, json.dumps([a_service(schedules=[schedule])]))
    assert (
        session.scalar(select(func.count()).select_from(m.Schedule).where(m.Schedule.service_id == NEW_ID))
        == 1
    )
    report = run(session, json.dumps([a_service()]))
    assert report.deleted["schedules"] == 1
    assert (
        session.scalar(select(func.count()).select_from(m.Schedule).where(m.Schedule.service_id == NEW_ID))
        == 0
    )


def test_a_dry_run_reports_the_changes_and_writes_nothing(seeded):
    session = seeded
    before = snapshot(session)
    changed = copy.deepcopy(SERVICES[0])
    changed["name"] = "Renamed service (example)"
    report = run(session, json.dumps([changed, a_service()]), dry_run=True)
    assert report.ok and report.dry_run
    assert report.updated["services"] == 1 and report.created["services"] == 1
    assert "These changes would be made:" in report.lines()
    assert snapshot(session) == before


def test_importing_the_same_file_twice_changes_nothing_the_second_time(seeded):
    session = seeded
    again = seed_directory(session, CONTENT)
    assert again[0] == 0


def test_one_bad_row_among_good_ones_leaves_the_database_exactly_as_it_was(seeded):
    session = seeded
    before = snapshot(session)
    good = copy.deepcopy(SERVICES[1])
    good["name"] = "A changed name that must not be saved"
    bad = a_service(status="open sometimes")
    report = run(
        session, json.dumps([good, a_service(id="1e2d3c4b-3333-4a2b-8c3d-4e5f6a7b8c9d", attributes=[]), bad])
    )
    assert not report.ok
    assert any(p.where == "services[2]" and p.field == "status" for p in report.problems)
    assert report.lines()[0].endswith("nothing was changed:")
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("service", "field", "message"),
    [
        (a_service(status="open"), "status", "one of"),
        (
            a_service(assured_date=None, x_alliance={"locality": "sheffield", "verified_on": "31/12/2025"}),
            "verified_on",
            "must be a date",
        ),
        (a_service(name=None), "name", ""),
        (a_service(x_alliance={"locality": "leeds"}), "locality", "must be one of"),
        (
            a_service(
                attributes=[
                    {
                        "id": "8c9d0e1f-4444-4a2b-8c3d-4e5f6a7b8c9d",
                        "taxonomy_term_id": "9f9f9f9f-5555-4a2b-8c3d-4e5f6a7b8c9d",
                    }
                ]
            ),
            "taxonomy_term_id",
            "does not exist",
        ),
        (a_service(id="not-a-uuid"), "id", ""),
    ],
    ids=["bad enum", "bad date", "missing name", "unknown locality", "dangling reference", "bad id"],
)
def test_each_kind_of_bad_value_is_reported_with_its_row_and_field(seeded, service, field, message):
    session = seeded
    service = {k: v for k, v in service.items() if v is not None}
    report = run(session, json.dumps([service]))
    assert not report.ok
    matching = [p for p in report.problems if p.field.endswith(field) and p.where.startswith("services[0]")]
    assert matching, [str(p) for p in report.problems]
    assert message in str(matching[0])
    assert session.get(m.Service, NEW_ID) is None


def test_a_file_that_is_not_json_is_refused_with_the_reason(ctx):
    with pytest.raises(import_batch.ImportFileError, match="not valid JSON"):
        import_read.read_upload("feed.json", b"{not json")


HEADER = "id,organization_id,name,description,url,email,status"


def test_a_csv_file_of_services_upserts_by_id_and_reports_rows_and_fields(seeded):
    session = seeded
    text = f"{HEADER}\n{NEW_ID},,CSV Drop-in (example),Example,,,active\n"
    report = run(session, text, "services.csv")
    assert report.ok and report.created["services"] == 1
    report = run(session, text.replace("CSV Drop-in", "CSV Drop-in renamed"), "services.csv")
    assert report.ok and report.updated["services"] == 1
    assert session.get(m.Service, NEW_ID).name == "CSV Drop-in renamed (example)"
    bad = f"{HEADER}\n1e2d3c4b-3333-4a2b-8c3d-4e5f6a7b8c9d,,Good row,,,,active\n{NEW_ID},,,,,,closed\n"
    report = run(session, bad, "services.csv")
    assert {(p.where, p.field) for p in report.problems} >= {
        ("services.csv row 3", "name"),
        ("services.csv row 3", "status"),
    }
    assert session.get(m.Service, "1e2d3c4b-3333-4a2b-8c3d-4e5f6a7b8c9d") is None


def test_unknown_columns_in_a_csv_file_are_a_warning_and_the_rest_is_imported(seeded):
    report = run(seeded, f"{HEADER},favourite_colour\n{NEW_ID},,X,,,,active,blue\n", "services.csv")
    assert report.ok, report.lines()
    assert [str(w) for w in report.warnings] == [
        "services.csv: columns this directory does not keep, left out: favourite_colour"
    ]
    assert (
        "  services.csv: columns this directory does not keep, left out: favourite_colour" in report.lines()
    )
    assert seeded.get(m.Service, NEW_ID).name == "X"


def test_a_csv_row_pointing_at_a_missing_service_is_a_dangling_reference(seeded):
    text = (
        "id,service_id,name,code,note,phone_id\n6f5e4d3c-6666-4a2b-8c3d-4e5f6a7b8c9d,"
        + NEW_ID
        + ",Polish,pl,,\n"
    )
    report = run(seeded, text, "languages.csv")
    assert not report.ok
    assert str(report.problems[0]).startswith("languages.csv row 2, service_id: refers to services id")


def test_export_then_import_into_an_empty_database_gives_the_same_data_as_json_and_as_csv(app, seeded):
    session = seeded
    before = snapshot(session)
    feed = json.dumps(export.export_json(session))
    archive = export.export_csv(session)
    assert set(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == {
        f"{t}.csv" for t in import_batch.ALL_TABLES
    }
    for name, data in (("export.json", feed.encode("utf-8")), ("export.zip", archive)):
        from tests.conftest import _empty_tables

        _empty_tables(app)
        session.expire_all()
        report = import_write.apply(session, import_read.read_upload(name, data))
        assert report.ok, report.lines()
        session.expire_all()
        assert snapshot(session) == before, name


def test_a_folder_of_csv_files_imports_like_the_zip(app, seeded, tmp_path):
    session = seeded
    with zipfile.ZipFile(io.BytesIO(export.export_csv(session))) as archive:
        archive.extractall(tmp_path)
    report = import_write.apply(session, import_read.read_path(tmp_path), dry_run=True)
    assert report.ok and report.changed == 0 and report.unchanged["services"] == len(SERVICES)


def test_the_date_a_national_helpline_was_last_checked_is_exported_and_imported_in_the_extension(app, seeded):
    session = seeded
    feed = export.export_json(session)
    macmillan = next(s for s in feed["services"] if s["name"] == "Macmillan Support Line")
    assert macmillan["x_alliance"]["verified_on"] == "2026-12-07"
    assert "verified_on" not in {k for k in macmillan if k != "x_alliance"}
    from tests.conftest import _empty_tables

    _empty_tables(app)
    session.expire_all()
    report = import_write.apply(session, import_read.read_upload("export.json", json.dumps(feed).encode()))
    assert report.ok, report.lines()
    local = session.get(m.ServiceLocal, macmillan["id"])
    assert str(local.verified_on) == "2026-12-07" and local.verified_by
