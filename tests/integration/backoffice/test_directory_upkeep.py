"""Directory upkeep in the back-office: verify, retire, problem reports, import with a dry run, export."""

import io
import json
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.directory import models as m
from alliance.directory import upkeep
from alliance.directory.seed import seed_directory
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client, submit

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
    return session


@pytest.fixture
def manager(app, session):
    return signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))


def _first_service(session) -> m.Service:
    return session.scalars(select(m.Service).join(m.ServiceLocal).order_by(m.Service.name)).first()


def _actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_the_directory_list_shows_every_seeded_service_and_filters_by_locality(manager, directory):
    html = manager.get("/backoffice/directory").get_data(as_text=True)
    total = directory.scalar(select(func.count()).select_from(m.Service))
    assert f"{total} services" in html
    sheffield = manager.get("/backoffice/directory?locality=sheffield").get_data(as_text=True)
    count = directory.scalar(
        select(func.count()).select_from(m.ServiceLocal).where(m.ServiceLocal.locality == "sheffield")
    )
    assert 0 < count < total
    assert f"{count} services" in sheffield


def test_marking_a_service_verified_records_who_and_when_and_audits_it(manager, directory):
    service = _first_service(directory)
    response = submit(
        manager,
        f"/backoffice/directory/services/{service.id}/verify",
        {},
        page=f"/backoffice/directory/services/{service.id}",
        follow_redirects=True,
    )
    assert "Marked as verified today." in response.get_data(as_text=True)
    directory.expire_all()
    local = directory.get(m.ServiceLocal, service.id)
    assert local.verified_on == date.today() and local.verified_by == "dm@example.nhs.uk"
    assert "directory.verify" in _actions(directory)


def test_the_unverified_list_holds_services_not_checked_for_twelve_months(directory):
    cutoff = upkeep.verification_cutoff(date.today())
    fresh, stale = directory.scalars(select(m.Service).join(m.ServiceLocal).order_by(m.Service.name).limit(2))
    upkeep.mark_verified(directory, fresh.id, "someone@example.nhs.uk", date.today())
    upkeep.mark_verified(directory, stale.id, "someone@example.nhs.uk", date.today() - timedelta(days=400))
    directory.commit()
    ids = set()
    page = 1
    while True:
        rows, total = upkeep.list_services(directory, unverified_since=cutoff, page=page)
        ids |= {row.id for row in rows}
        if page * upkeep.PER_PAGE >= total:
            break
        page += 1
    assert stale.id in ids and fresh.id not in ids


def test_retiring_a_service_changes_its_status_bumps_the_search_index_and_is_audited(manager, directory):
    from alliance.search import index

    service = _first_service(directory)
    before = index.current_version(directory, "directory") if "directory" in index.REGISTRY else None
    submit(
        manager,
        f"/backoffice/directory/services/{service.id}/status",
        {"status": "defunct"},
        page=f"/backoffice/directory/services/{service.id}",
    )
    directory.expire_all()
    assert directory.get(m.Service, service.id).status == "defunct"
    assert "directory.status" in _actions(directory)
    if before is not None:
        assert index.current_version(directory, "directory") > before


def test_an_unknown_status_is_refused_and_nothing_changes(manager, directory):
    service = _first_service(directory)
    response = submit(
        manager,
        f"/backoffice/directory/services/{service.id}/status",
        {"status": "gone"},
        page=f"/backoffice/directory/services/{service.id}",
        follow_redirects=True,
    )
    assert "Choose a status from the list." in response.get_data(as_text=True)
    directory.expire_all()
    assert directory.get(m.Service, service.id).status == "active"


def test_problem_reports_wait_in_a_queue_and_are_resolved_or_dismissed(manager, directory):
    service = _first_service(directory)
    directory.add_all(
        [
            m.ProblemReport(service_id=service.id, problem="phone", details="The number is wrong", lang="ur"),
            m.ProblemReport(service_id=service.id, problem="closed", details="", lang="en"),
        ]
    )
    directory.commit()
    queue = manager.get("/backoffice/directory/problems").get_data(as_text=True)
    assert "The number is wrong" in queue and service.name in queue
    first, second = directory.scalars(select(m.ProblemReport.id).order_by(m.ProblemReport.id)).all()
    submit(
        manager,
        f"/backoffice/directory/problems/{first}",
        {"decision": "resolved"},
        page="/backoffice/directory/problems",
    )
    submit(
        manager,
        f"/backoffice/directory/problems/{second}",
        {"decision": "dismissed"},
        page="/backoffice/directory/problems",
    )
    directory.expire_all()
    statuses = [r.status for r in directory.scalars(select(m.ProblemReport).order_by(m.ProblemReport.id))]
    assert statuses == ["resolved", "dismissed"]
    assert "No reports are waiting." in manager.get("/backoffice/directory/problems").get_data(as_text=True)
    assert {"directory.report.resolved", "directory.report.dismissed"} <= set(_actions(directory))


def test_a_closed_report_cannot_be_decided_again(directory):
    service = _first_service(directory)
    report = m.ProblemReport(service_id=service.id, problem="phone")
    directory.add(report)
    directory.commit()
    upkeep.decide_report(directory, report.id, "resolved", staff_id=None)
    directory.commit()
    with pytest.raises(upkeep.UpkeepError):
        upkeep.decide_report(directory, report.id, "dismissed", staff_id=None)


def _upload(client, payload: bytes, filename: str, mode: str):
    html = client.get("/backoffice/directory/import").get_data(as_text=True)
    return client.post(
        "/backoffice/directory/import",
        data={"csrf_token": csrf_token(html), "mode": mode, "datafile": (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )


def _one_service_feed(service_id: str, name: str) -> bytes:
    return json.dumps({"services": [{"id": service_id, "name": name, "status": "active"}]}).encode()


def test_an_import_checks_first_then_writes_only_when_asked(manager, directory):
    service = _first_service(directory)
    dry = _upload(manager, _one_service_feed(service.id, "Renamed by import"), "feed.json", "check")
    assert dry.status_code == 200
    assert "Checked: nothing has been changed yet" in dry.get_data(as_text=True)
    directory.expire_all()
    assert directory.get(m.Service, service.id).name != "Renamed by import"
    real = _upload(manager, _one_service_feed(service.id, "Renamed by import"), "feed.json", "import")
    assert real.status_code == 200
    directory.expire_all()
    assert directory.get(m.Service, service.id).name == "Renamed by import"
    assert "directory.import" in _actions(directory)


def test_a_broken_import_changes_nothing_and_says_why(manager, directory):
    service = _first_service(directory)
    broken = _upload(manager, b"{not json", "feed.json", "import")
    assert broken.status_code == 400
    assert "The file cannot be read" in broken.get_data(as_text=True)
    bad_row = json.dumps({"services": [{"id": service.id, "name": "Changed", "status": "nonsense"}]}).encode()
    refused = _upload(manager, bad_row, "feed.json", "import")
    assert refused.status_code == 400
    assert "Nothing was changed" in refused.get_data(as_text=True)
    directory.expire_all()
    assert directory.get(m.Service, service.id).name != "Changed"


def test_an_upload_with_no_file_is_an_error_not_a_crash(manager, directory):
    html = manager.get("/backoffice/directory/import").get_data(as_text=True)
    response = manager.post(
        "/backoffice/directory/import", data={"csrf_token": csrf_token(html), "mode": "check"}
    )
    assert response.status_code == 400
    assert "Choose a .json, .csv or .zip file to import" in response.get_data(as_text=True)


def test_the_export_is_a_zip_of_csv_tables_and_is_audited(manager, directory):
    response = manager.get("/backoffice/directory/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        services_csv = archive.read("services.csv").decode()
    total = directory.scalar(select(func.count()).select_from(m.Service))
    assert services_csv.count("\n") >= total + 1
    assert "directory.export" in _actions(directory)


def _term_ids(session, count: int) -> list[str]:
    return list(
        session.scalars(select(m.TaxonomyTerm.id).where(m.TaxonomyTerm.parent_id.is_(None)).limit(count))
    )


def _new_service_answers(session, **changes) -> dict:
    answers = {
        "name": "Rotherham Walking Group",
        "description": "Gentle walks for people living with cancer. Example data.",
        "organization_id": "",
        "new_organization": "Rotherham Walkers",
        "status": "active",
        "locality": "rotherham",
        "categories": _term_ids(session, 2),
        "languages": "en, ur",
        "free": "yes",
        "url": "https://example.org/walks",
        "email": "walks@example.org",
        "phone": "01709 000000",
        "location_name": "Clifton Park",
        "address_1": "Clifton Lane",
        "city": "Rotherham",
        "county": "South Yorkshire",
        "postcode": "S65 2AA",
        "days": ["WE", "SA"],
        "opens_at": "10:00",
        "closes_at": "11:30",
    }
    answers.update(changes)
    return answers


def test_staff_add_a_service_with_its_place_and_times_and_the_public_search_can_find_it(
    app, manager, directory
):
    response = submit(manager, "/backoffice/directory/services/new", _new_service_answers(directory))
    assert response.status_code == 302, re.findall(
        r"error-message[^>]*>(.*?)</span>|<li>(.*?)</li>", response.get_data(as_text=True), re.S
    )[-12:]
    directory.expire_all()
    service = directory.scalar(select(m.Service).where(m.Service.name == "Rotherham Walking Group"))
    assert service.organization.name == "Rotherham Walkers"
    assert service.local.locality == "rotherham"
    assert sorted(lang.code for lang in service.languages) == ["en", "ur"]
    location = service.service_at_locations[0].location
    assert location.addresses[0].postal_code == "S65 2AA" and location.latitude is not None
    assert service.schedules[0].byday == "WE,SA" and service.schedules[0].opens_at == "10:00:00"
    assert "directory.service.create" in _actions(directory)
    if "directory" in __import__("alliance.search.index", fromlist=["REGISTRY"]).REGISTRY:
        html = app.test_client().get("/en/support?q=walking").get_data(as_text=True)
        assert "Rotherham Walking Group" in html


def test_a_service_form_with_mistakes_keeps_what_was_typed_and_says_what_to_fix(manager, directory):
    answers = _new_service_answers(
        directory, postcode="12345", opens_at="25:00", closes_at="", categories=[], email="nope"
    )
    response = submit(manager, "/backoffice/directory/services/new", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Error: " in html
    for message in (
        "Enter a real postcode, like S70 2TA",
        "Enter a time like 09:30",
        "Choose at least one category",
        "Enter an email address in the correct format",
    ):
        assert message in html
    assert 'value="12345"' in html and "Rotherham Walking Group" in html
    assert directory.scalar(select(func.count()).where(m.Service.name == "Rotherham Walking Group")) == 0


def test_editing_a_service_changes_what_the_form_shows_and_keeps_the_rest(manager, directory):
    service = _first_service(directory)
    extra_areas = len(service.service_areas)
    answers = upkeep.service_form_data(directory, service.id)
    answers.update(name="Renamed in the back-office", days=["MO"], opens_at="09:00", closes_at="12:00")
    response = submit(manager, f"/backoffice/directory/services/{service.id}/edit", answers)
    assert response.status_code == 302, re.findall(
        r"error-message[^>]*>(.*?)</span>|<li>(.*?)</li>", response.get_data(as_text=True), re.S
    )[-12:]
    directory.expire_all()
    service = directory.get(m.Service, service.id)
    assert service.name == "Renamed in the back-office"
    assert len(service.service_areas) == extra_areas
    weekly = [s for s in service.schedules if s.freq == "WEEKLY"]
    assert weekly and weekly[0].byday == "MO"
    assert "directory.service.update" in _actions(directory)


def test_staff_correct_an_organisation_and_search_finds_its_new_name(app, manager, directory):
    service = _first_service(directory)
    org = service.organization
    answers = {"name": "Renamed Trust (example)", "description": org.description, "website": "", "email": ""}
    response = submit(manager, f"/backoffice/directory/organisations/{org.id}", answers)
    assert response.status_code == 302
    directory.expire_all()
    assert directory.get(m.Organization, org.id).name == "Renamed Trust (example)"
    assert "directory.organisation.edit" in _actions(directory)
    html = app.test_client().get("/en/support?q=renamed+trust").get_data(as_text=True)
    assert service.name in html


def test_an_organisation_without_a_name_is_refused_and_keeps_what_was_typed(manager, directory):
    org = _first_service(directory).organization
    response = submit(
        manager, f"/backoffice/directory/organisations/{org.id}", {"name": "", "website": "not a web address"}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the organisation&#39;s name" in html and "Enter a full web address" in html
    assert 'value="not a web address"' in html


def test_retiring_an_organisation_retires_every_service_it_runs(manager, directory):
    org = _first_service(directory).organization
    ids = [s.id for s in org.services]
    submit(
        manager,
        f"/backoffice/directory/organisations/{org.id}/retire",
        {},
        page=f"/backoffice/directory/organisations/{org.id}",
    )
    directory.expire_all()
    assert {directory.get(m.Service, i).status for i in ids} == {"inactive"}
    assert "directory.organisation.retire" in _actions(directory)


def test_an_uploaded_file_with_a_nul_byte_is_refused_with_the_record_and_field_in_both_modes(
    manager, directory
):
    service = _first_service(directory)
    feed = json.dumps({"services": [{"id": service.id, "name": "Nul\x00name", "status": "active"}]}).encode()
    for mode in ("check", "import"):
        response = _upload(manager, feed, "feed.json", mode)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "services[0], name: must not contain control characters (found U+0000)" in html
        assert "Nothing was changed" in html
    directory.expire_all()
    assert "\x00" not in directory.get(m.Service, service.id).name


def _national(session, name: str) -> m.Service:
    return session.scalar(select(m.Service).where(m.Service.name == name))


def test_the_national_helplines_carry_the_date_they_were_last_checked_and_local_examples_do_not(directory):
    for name in ("Macmillan Support Line", "Samaritans", "NHS 111"):
        local = _national(directory, name).local
        assert local.locality == "national" and not local.example_data
        assert local.verified_on == date(2026, 12, 7) and local.verified_by
    assert _first_service(directory).local.verified_on is None


def test_staff_set_the_date_a_listing_was_last_checked_in_the_service_form_and_are_recorded_as_checking_it(
    manager, directory
):
    service = _first_service(directory)
    answers = {k: v for k, v in upkeep.service_form_data(directory, service.id).items() if k != "verified_on"}
    checked = date.today() - timedelta(days=3)
    answers.update(
        {
            "verified_on[day]": checked.day,
            "verified_on[month]": checked.month,
            "verified_on[year]": checked.year,
        }
    )
    response = submit(manager, f"/backoffice/directory/services/{service.id}/edit", answers)
    assert response.status_code == 302
    directory.expire_all()
    local = directory.get(m.ServiceLocal, service.id)
    assert local.verified_on == checked and local.verified_by == "dm@example.nhs.uk"
    form = manager.get(f"/backoffice/directory/services/{service.id}/edit").get_data(as_text=True)
    assert "Listing last checked" in form and f'value="{checked.year}"' in form


def test_a_listing_checked_date_in_the_future_or_not_a_date_is_refused_and_kept_as_typed(manager, directory):
    service = _first_service(directory)
    answers = {k: v for k, v in upkeep.service_form_data(directory, service.id).items() if k != "verified_on"}
    future = date.today() + timedelta(days=30)
    answers.update(
        {"verified_on[day]": future.day, "verified_on[month]": future.month, "verified_on[year]": future.year}
    )
    response = submit(manager, f"/backoffice/directory/services/{service.id}/edit", answers)
    assert response.status_code == 400
    assert "cannot be in the future" in response.get_data(as_text=True)
    answers.update({"verified_on[day]": "31", "verified_on[month]": "2", "verified_on[year]": "2026"})
    response = submit(manager, f"/backoffice/directory/services/{service.id}/edit", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'value="31"' in html
    directory.expire_all()
    assert directory.get(m.ServiceLocal, service.id).verified_on is None
