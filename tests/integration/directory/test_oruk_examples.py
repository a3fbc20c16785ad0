"""What partners publish imports: every official ORUK 3.0 example (or, where the example itself is
wrong, a refusal naming that field alone), HSDS 3.0 CSV packages with the standard's singular table
names, records nested as ORUK nests them, text of any length, and the curated order of terms and
languages through export and import, as JSON and as CSV."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select

from alliance.directory import export, import_batch, import_read, import_write
from alliance.directory import models as m
from alliance.directory.spec import BASE, registry
from tests.conftest import _empty_tables
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "oruk-examples"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
CONTACT_ID = "1e7efce3-639b-4880-940c-b95cd30cdb50"
PHONE_ID = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
ACCESSIBILITY = (
    "The building is equipped with induction loops for hearing aids. Wheelchair access is possible on "
    "all levels."
)
COUNTED = {
    "services": m.Service,
    "organizations": m.Organization,
    "locations": m.Location,
    "taxonomies": m.Taxonomy,
    "taxonomy_terms": m.TaxonomyTerm,
}
NOTHING = dict.fromkeys(COUNTED, 0)
# What each example holds once imported into an empty directory; or, for the four whose location
# has a latitude of 100, where the one problem is reported.
EXPECTED = {
    "organization_full.json": "organization.services[0].service_at_locations[0].location",
    "organization_list.json": {**NOTHING, "organizations": 1},
    "service_at_location_full.json": "service_at_location.location",
    "service_at_location_list.json": "contents[0].location",
    "service_full.json": "service.service_at_locations[0].location",
    "service_list.json": {**NOTHING, "services": 1, "organizations": 1},
    "taxonomy.json": {**NOTHING, "taxonomies": 1, "taxonomy_terms": 1},
    "taxonomy_list.json": {**NOTHING, "taxonomies": 1},
    "taxonomy_term.json": {**NOTHING, "taxonomy_terms": 1},
    "taxonomy_term_list.json": {**NOTHING, "taxonomy_terms": 1},
}
# The same four with the latitude put on Earth: everything they hold.
WHOLE_SERVICE = {"services": 1, "organizations": 1, "locations": 1, "taxonomies": 0, "taxonomy_terms": 1}
CORRECTED = {
    "organization_full.json": WHOLE_SERVICE,
    "service_at_location_full.json": WHOLE_SERVICE,
    "service_at_location_list.json": {**WHOLE_SERVICE, "taxonomy_terms": 0},
    "service_full.json": WHOLE_SERVICE,
}
# What the full examples carry that this directory does not keep: said, not refused.
LEFT_OUT = [
    "organizations, organization_identifiers: not kept by this directory: left out (1 record)",
    "service_areas, service_area: not kept by this directory: left out (1 record)",
    "services, funding: not kept by this directory: left out (1 record)",
]


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(model)) or 0 for name, model in COUNTED.items()
    }


def load(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def on_earth(text: str) -> str:
    return text.replace('"latitude": 100', '"latitude": 53.38')


def run(session, name: str, data: bytes, dry_run: bool = False) -> import_batch.Report:
    return import_write.apply(session, import_read.read_upload(name, data), dry_run=dry_run)


def check_schema(schema: str, document) -> None:
    validator = Draft202012Validator(
        {"$ref": BASE + f"{schema}.json"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def test_the_fixtures_are_every_official_example():
    assert sorted(p.name for p in EXAMPLES.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_official_example_imports_or_is_refused_for_its_own_mistake_alone(ctx, session, name):
    report = run(session, name, load(name).encode("utf-8"))
    expected = EXPECTED[name]
    if isinstance(expected, str):
        assert [str(p) for p in report.problems] == [f"{expected}, latitude: must be between -90 and 90"]
        session.expire_all()
        assert counts(session) == NOTHING
    else:
        assert report.ok, report.lines()
        session.expire_all()
        assert counts(session) == expected


@pytest.mark.parametrize("name", sorted(CORRECTED))
def test_the_refused_examples_import_whole_once_their_latitude_is_on_earth(ctx, session, client, name):
    report = run(session, name, on_earth(load(name)).encode("utf-8"))
    assert report.ok, report.lines()
    session.expire_all()
    assert counts(session) == CORRECTED[name]
    assert [str(w) for w in report.warnings] == ([] if name.endswith("_list.json") else LEFT_OUT)
    assert session.get(m.Location, LOCATION_ID).latitude == 53.38
    # What was imported is served as the standard shapes it.
    served = client.get(f"/api/oruk/services/{SERVICE_ID}").get_json()
    check_schema("service", served)
    check_schema("service_at_location", client.get(f"/api/oruk/service_at_locations/{_sal_id()}").get_json())


def _sal_id() -> str:
    return json.loads(load("service_at_location_full.json"))["id"]


def test_text_longer_than_the_old_columns_is_kept_whole_where_oruk_sets_no_limit(ctx, session):
    service = json.loads(on_earth(load("service_full.json")))
    service["name"] = "Community Counselling " + "and support " * 40
    service["organization"]["name"] = "Example Organization " * 20
    service["service_at_locations"][0]["location"]["addresses"][0]["postal_code"] = "S1 2HE " * 5
    service["languages"] = [{"id": "2989d3ed-c547-48f8-8f9d-432d81c7892e", "name": "Polish " * 30}]
    report = run(session, "service.json", json.dumps(service).encode("utf-8"))
    assert report.ok, report.lines()
    session.expire_all()
    assert len(ACCESSIBILITY) > 100
    location = session.get(m.Location, LOCATION_ID)
    assert [a.accessibility for a in location.accessibility] == [ACCESSIBILITY]
    assert session.get(m.Service, SERVICE_ID).name == service["name"].strip()
    assert len(session.get(m.Service, SERVICE_ID).organization.name) > 255
    assert location.addresses[0].postal_code == ("S1 2HE " * 5).strip()
    assert session.get(m.Service, SERVICE_ID).languages[0].name == ("Polish " * 30).strip()


def test_a_term_nested_in_an_attribute_is_created_and_is_the_same_term_as_in_its_taxonomy(ctx, session):
    report = run(session, "service_full.json", on_earth(load("service_full.json")).encode("utf-8"))
    assert report.ok, report.lines()
    session.expire_all()
    term = session.get(m.TaxonomyTerm, TERM_ID)
    assert (term.name, term.term, term.term_uri) == ("name", "name", "http://example.com")
    assert [a.taxonomy_term_id for a in session.scalars(select(m.Attribute))] == [TERM_ID]

    # The taxonomy that holds the term, sent with a service carrying it: one term, in its taxonomy.
    feed = {
        "taxonomies": [json.loads(load("taxonomy.json"))],
        "services": [json.loads(on_earth(load("service_full.json")))],
    }
    report = run(session, "feed.json", json.dumps(feed).encode("utf-8"))
    assert report.ok, report.lines()
    session.expire_all()
    assert counts(session)["taxonomy_terms"] == 1
    assert session.get(m.TaxonomyTerm, TERM_ID).taxonomy_id == feed["taxonomies"][0]["id"]


def test_a_phone_under_a_service_and_under_its_contact_is_one_record(ctx, session, client):
    service = json.loads(on_earth(load("service_full.json")))
    phone = {"id": PHONE_ID, "number": "0114 000 0000", "description": "Reception"}
    service["phones"] = [phone]
    service["contacts"][0]["phones"] = [phone]
    report = run(session, "service.json", json.dumps(service).encode("utf-8"))
    assert report.ok, report.lines()
    assert report.created["phones"] == 1
    session.expire_all()
    stored = session.scalars(select(m.Phone)).all()
    assert [(p.id, p.contact_id, p.service_id) for p in stored] == [(PHONE_ID, CONTACT_ID, SERVICE_ID)]
    served = client.get(f"/api/oruk/services/{SERVICE_ID}").get_json()
    assert served["contacts"][0]["phones"][0]["number"] == "0114 000 0000"
    check_schema("service", served)

    # The same id with different data is still one record too many.
    service["contacts"][0]["phones"] = [{**phone, "number": "0114 999 9999"}]
    report = run(session, "service.json", json.dumps(service).encode("utf-8"))
    assert [str(p) for p in report.problems] == [
        "service.contacts[0].phones[0], number: differs from service.phones[0], which has the same id (number)"
    ]


def test_a_page_of_services_at_locations_leaves_the_rest_of_each_service_as_it_is(ctx, session):
    assert run(session, "service.json", on_earth(load("service_full.json")).encode("utf-8")).ok
    report = run(session, "list.json", on_earth(load("service_at_location_list.json")).encode("utf-8"))
    assert report.ok, report.lines()
    assert sum(report.deleted.values()) == 0
    session.expire_all()
    service = session.get(m.Service, SERVICE_ID)
    assert len(service.schedules) == 1 and len(service.contacts) == 1 and len(service.cost_options) == 1


# An HSDS 3.0 tabular package: the standard's singular file names, columns this directory does not
# keep, and tables it does not keep at all.
PACKAGE = {
    "organization.csv": (
        "id,name,alternate_name,description,email,website,tax_status,tax_id,year_incorporated,legal_status,"
        "logo,uri,parent_organization_id\n"
        "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,Example Organization Inc.,,Example Org,email@example.com,"
        "http://example.com,,,,,,,\n"
    ),
    "service.csv": (
        "id,organization_id,program_id,name,alternate_name,description,url,email,status,interpretation_services,"
        "application_process,fees_description,wait_time,fees,accreditations,eligibility_description,"
        "minimum_age,maximum_age,assured_date,assurer_email,licenses,alert,last_modified\n"
        f"{SERVICE_ID},d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,,Community Counselling,,Counselling,"
        "http://example.com/counselling,email@example.com,active,,,,,,,,12,100,2005-01-01,,,,"
        "2023-03-15T10:30:45.123Z\n"
    ),
    "location.csv": (
        "id,location_type,url,organization_id,name,alternate_name,description,transportation,latitude,"
        "longitude,external_identifier,external_identifier_type\n"
        f"{LOCATION_ID},physical,,,MyCity Civic Center,,,,53.38,-1.47,10092008082,UPRN\n"
    ),
    "address.csv": (
        "id,location_id,attention,address_1,address_2,city,region,state_province,postal_code,country,"
        "address_type\n"
        f"74706e55-df26-4b84-80fe-ecc30b5befb4,{LOCATION_ID},,1-30 Main Street,,MyCity,,MyState,S1 2HE,GB,"
        "physical\n"
    ),
    "accessibility.csv": (
        "id,location_id,description,details,url\n"
        f'afcf296e-1cb2-4139-9c88-33d587d1a50b,{LOCATION_ID},"{ACCESSIBILITY}",,\n'
    ),
    "service_at_location.csv": (
        "id,service_id,location_id,description\n"
        f"e94c9f38-1e8f-4564-91d4-d53501ab1765,{SERVICE_ID},{LOCATION_ID},\n"
    ),
    "schedule.csv": (
        "id,service_id,location_id,service_at_location_id,valid_from,valid_to,dtstart,timezone,until,count,"
        "wkst,freq,interval,byday,byweekno,bymonthday,byyearday,description,opens_at,closes_at,"
        "schedule_link,attending_type,notes\n"
        f'48102e86-bb50-41c4-8f1e-e269368c41d1,{SERVICE_ID},,,,,,,,,,WEEKLY,1,"TH,FR",,,,,10:00,18:00,,,\n'
    ),
    "taxonomy.csv": (
        "id,name,description,uri,version\n5c4d79d7-cc55-470e-9f1f-8cad074e4892,Needs,What people need,,\n"
    ),
    "taxonomy_term.csv": (
        "id,code,name,description,parent_id,taxonomy,language,taxonomy_id,term_uri\n"
        f"{TERM_ID},,Counselling,Talking help,,,en,5c4d79d7-cc55-470e-9f1f-8cad074e4892,\n"
    ),
    "attribute.csv": (
        "id,link_id,taxonomy_term_id,link_type,link_entity,value,label\n"
        f"ae58cc39-8b70-4ab1-8aea-786882e5ac8e,{SERVICE_ID},{TERM_ID},,service,,\n"
        f"be58cc39-8b70-4ab1-8aea-786882e5ac8e,d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610,{TERM_ID},,organization,,\n"
    ),
    "funding.csv": "id,organization_id,service_id,source\n",
    "metadata.csv": "id,resource_id,resource_type,last_action_date,last_action_type,field_name,previous_value,replacement_value,updated_by\n",
}


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_an_hsds_csv_package_with_singular_names_imports_and_warns_of_what_it_leaves_out(
    ctx, session, runner, tmp_path
):
    path = tmp_path / "hsds.zip"
    path.write_bytes(_zip(PACKAGE))
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "  services: 1 new" in lines
    assert "11 warnings: left out, the rest read as usual:" in lines
    assert "  funding.csv: a table this directory does not keep: left out" in lines
    assert "  metadata.csv: a table this directory does not keep: left out" in lines
    assert (
        "  attribute.csv: attributes of organization records, which this directory does not keep: left out "
        "(1 row)" in lines
    )
    assert (
        "  service.csv: columns this directory does not keep, left out: program_id, alternate_name, "
        "interpretation_services, application_process, fees_description, wait_time, "
        "eligibility_description, licenses" in lines
    )
    session.expire_all()
    assert counts(session) == {**WHOLE_SERVICE, "taxonomies": 1}
    assert [a.accessibility for a in session.get(m.Location, LOCATION_ID).accessibility] == [None]
    assert session.get(m.Location, LOCATION_ID).accessibility[0].description == ACCESSIBILITY
    assert session.get(m.Service, SERVICE_ID).schedules[0].byday == "TH,FR"


def test_the_import_page_shows_the_warnings_with_the_report_and_with_the_problems(app, session):
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))

    def upload(files: dict[str, str]) -> str:
        page = manager.get("/backoffice/directory/import").get_data(as_text=True)
        return manager.post(
            "/backoffice/directory/import",
            data={
                "csrf_token": csrf_token(page),
                "mode": "check",
                "datafile": (io.BytesIO(_zip(files)), "hsds.zip"),
            },
            content_type="multipart/form-data",
        ).get_data(as_text=True)

    body = upload(PACKAGE)
    assert "services: 1 new" in body and "funding.csv: a table this directory does not keep: left out" in body
    broken = {**PACKAGE, "location.csv": PACKAGE["location.csv"].replace("53.38", "100")}
    body = upload(broken)
    assert "latitude: must be between -90 and 90" in body
    assert "Also left out (warnings, not problems)" in body
    assert "metadata.csv: a table this directory does not keep: left out" in body


def test_plural_and_singular_file_names_of_one_table_are_read_together(ctx, session):
    terms = PACKAGE["taxonomy_term.csv"]
    other = (
        terms.splitlines()[0]
        + "\n"
        + terms.splitlines()[1].replace(TERM_ID, "9e8d7c6b-5a49-4382-9170-6a5b4c3d2e1f")
    )
    files = {"taxonomy.csv": PACKAGE["taxonomy.csv"], "taxonomy_term.csv": terms, "taxonomy_terms.csv": other}
    report = run(session, "terms.zip", _zip(files))
    assert report.ok and report.created["taxonomy_terms"] == 2, report.lines()


TAXONOMY_ID = "1a2b3c4d-0000-4000-8000-000000000001"
# Ids in the opposite order to the curated one: an order by id would show it.
TERMS = [
    ("1a2b3c4d-0000-4000-8000-00000000000c", "Money"),
    ("1a2b3c4d-0000-4000-8000-00000000000b", "Feelings"),
    ("1a2b3c4d-0000-4000-8000-00000000000a", "Body"),
]
LANGUAGES = [
    ("1a2b3c4d-0000-4000-8000-0000000000f3", "ur"),
    ("1a2b3c4d-0000-4000-8000-0000000000f2", "en"),
    ("1a2b3c4d-0000-4000-8000-0000000000f1", "pl"),
]


def _curated_feed() -> dict:
    service = json.loads(on_earth(load("service_full.json")))
    service["languages"] = [{"id": i, "code": code, "name": code} for i, code in LANGUAGES]
    return {
        "taxonomies": [
            {
                "id": TAXONOMY_ID,
                "name": "Needs",
                "description": "",
                "taxonomy_terms": [{"id": i, "name": name, "description": ""} for i, name in TERMS],
            }
        ],
        "services": [service],
    }


def _order(session) -> tuple[list, list]:
    session.expire_all()
    return (
        [t.name for t in session.get(m.Taxonomy, TAXONOMY_ID).terms],
        [lang.code for lang in session.get(m.Service, SERVICE_ID).languages],
    )


CURATED = ([name for _i, name in TERMS], [code for _i, code in LANGUAGES])


def test_terms_and_languages_keep_their_curated_order_through_json_and_csv_export_and_import(
    app, ctx, session, client
):
    report = run(session, "feed.json", json.dumps(_curated_feed()).encode("utf-8"))
    assert report.ok, report.lines()
    assert _order(session) == CURATED
    served = client.get(f"/api/oruk/services/{SERVICE_ID}").get_json()
    assert [lang["code"] for lang in served["languages"]] == CURATED[1]
    assert [
        t["name"] for t in client.get(f"/api/oruk/taxonomies/{TAXONOMY_ID}").get_json()["taxonomy_terms"]
    ] == CURATED[0]

    feed = json.dumps(export.export_json(session)).encode("utf-8")
    archive = export.export_csv(session)
    for name, data in (("export.json", feed), ("export.zip", archive)):
        _empty_tables(app)
        session.expire_all()
        report = run(session, name, data)
        assert report.ok, report.lines()
        assert report.warnings == [], name  # the site's own export leaves nothing out
        assert _order(session) == CURATED, name


def test_a_nul_byte_anywhere_in_an_import_is_a_problem_for_that_record_on_every_database(ctx, session):
    service = json.loads(on_earth(load("service_full.json")))
    service["contacts"][0]["title"] = "Reception\x00Manager"
    report = run(session, "service.json", json.dumps(service).encode("utf-8"))
    assert [str(p) for p in report.problems] == [
        "service.contacts[0], title: must not contain control characters (found U+0000)"
    ]
    files = {
        **PACKAGE,
        "organization.csv": PACKAGE["organization.csv"].replace("Example Org,", "Example\x00Org,"),
    }
    report = run(session, "hsds.zip", _zip(files))
    assert [str(p) for p in report.problems] == [
        "organization.csv row 2, description: must not contain control characters (found U+0000)"
    ]
    session.expire_all()
    assert counts(session) == NOTHING


def test_a_dry_run_of_an_example_compares_without_writing(ctx, session):
    report = run(session, "taxonomy.json", load("taxonomy.json").encode("utf-8"), dry_run=True)
    assert report.ok and report.created["taxonomy_terms"] == 1
    session.expire_all()
    assert counts(session) == NOTHING
    assert report.warnings == []
