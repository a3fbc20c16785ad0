"""The Open Referral UK 3.0 API over the seeded directory, checked against the standard's own schemas."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import event, func, select, update

from alliance import places
from alliance.directory import models as m
from alliance.directory.seed import seed_directory
from alliance.directory.spec import BASE, registry
from alliance.extensions import db

CONTENT = Path(__file__).resolve().parents[3] / "content"
API = "/api/oruk"
LISTS = {
    "services": ("service_list", "service", 7),
    "taxonomies": ("taxonomy_list", "taxonomy", 1),
    "taxonomy_terms": ("taxonomy_term_list", "taxonomy_term", 4),
    "organizations": ("organization_list", "organization", 9),
    "service_at_locations": ("service_at_location_list", "service_at_location", 6),
}
# Words only the site's own tables carry: none may reach the standard's output.
LOCAL_WORDS = (
    "locality",
    "verified_on",
    "verified_by",
    "example_data",
    "x_alliance",
    "translations",
    "position",
)


def check(schema: str, document) -> None:
    validator = Draft202012Validator(
        {"$ref": BASE + f"{schema}.json"},
        registry=registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def no_local_words(document) -> None:
    text = json.dumps(document)
    for word in LOCAL_WORDS:
        assert f'"{word}"' not in text, word


@pytest.fixture
def directory(app, session):
    with app.app_context():  # the seed checks localities against the app's configuration
        seed_directory(session, CONTENT)
    session.commit()
    return session


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    return response.get_json()


def test_the_root_describes_the_api_and_its_openapi_document_is_served(client, directory):
    details = get_json(client, f"{API}/")
    check("api_details", details)
    assert details["version"] == "3.0"
    assert details["profile"].startswith("https://")
    assert details["openapi_url"].endswith("/api/oruk/openapi.json")
    assert client.get(f"{API}/").headers["Cache-Control"] == "public, max-age=60"
    assert "public" not in client.get(f"{API}/services?page=0").headers.get("Cache-Control", "")
    document = get_json(client, details["openapi_url"].replace("http://127.0.0.1:5000", ""))
    assert document["openapi"].startswith("3.")
    assert "/services" in document["paths"] and "/service_at_locations/{id}" in document["paths"]
    assert document["servers"][0]["url"].endswith("/api/oruk")


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_first_middle_and_last_pages_match_the_schemas_and_add_up(client, directory, endpoint):
    list_schema, item_schema, per_page = LISTS[endpoint]
    first = get_json(client, f"{API}/{endpoint}?per_page={per_page}")
    total, pages = first["total_items"], first["total_pages"]
    assert total > per_page * 2, "the seed should fill at least three pages"
    assert pages == -(-total // per_page)
    seen = []
    for number in range(1, pages + 1):
        page = get_json(client, f"{API}/{endpoint}?per_page={per_page}&page={number}")
        if number in (1, pages // 2 + 1, pages):
            check(list_schema, page)
            no_local_words(page)
        assert page["page_number"] == number
        assert page["first_page"] is (number == 1)
        assert page["last_page"] is (number == pages)
        assert page["size"] == len(page["contents"])
        assert page["empty"] is False
        seen += [item["id"] for item in page["contents"]]
    assert len(seen) == len(set(seen)) == total
    beyond = get_json(client, f"{API}/{endpoint}?per_page={per_page}&page={pages + 1}")
    assert beyond["empty"] is True and beyond["contents"] == [] and beyond["total_items"] == total
    for record_id in seen:
        record = get_json(client, f"{API}/{endpoint}/{record_id}")
        assert record["id"] == record_id
        check(item_schema, record)
        no_local_words(record)


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_ndjson_streams_every_record_one_a_line_without_paging(client, directory, endpoint):
    item_schema = LISTS[endpoint][1]
    paged = get_json(client, f"{API}/{endpoint}?per_page=1000")
    response = client.get(f"{API}/{endpoint}?format=ndjson&per_page=2")
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    lines = response.get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [r["id"] for r in paged["contents"]]
    assert len(records) == paged["total_items"]
    for record in records[:5]:
        check(item_schema, record)


def test_ndjson_keeps_the_filters(client, directory):
    filtered = get_json(client, f"{API}/services?search=bereavement&per_page=1000")
    response = client.get(f"{API}/services?search=bereavement&format=ndjson")
    ids = [json.loads(line)["id"] for line in response.get_data(as_text=True).splitlines()]
    assert ids == [s["id"] for s in filtered["contents"]] and 0 < len(ids) < 65


def test_an_unknown_id_is_a_json_404_on_every_endpoint(client, directory):
    for endpoint in LISTS:
        body = get_json(client, f"{API}/{endpoint}/no-such-id", status=404)
        assert body["status"] == 404 and body["error"] == "not_found"


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("services?page=0", "page"),
        ("services?page=-3", "page"),
        ("services?per_page=abc", "per_page"),
        ("services?per_page=0", "per_page"),
        ("services?per_page=100000", "per_page"),
        ("services?modified_after=not-a-date", "modified_after"),
        ("services?minimal=perhaps", "minimal"),
        ("services?full=2", "full"),
        ("services?format=xml", "format"),
        ("taxonomies?page=x", "page"),
        ("taxonomy_terms?top_only=maybe", "top_only"),
        ("organizations?full_service=yesplease", "full_service"),
        ("service_at_locations?modified_after=2026-13-45", "modified_after"),
        ("service_at_locations?postcode=ZZ99%209ZZ", "postcode"),
        ("service_at_locations?postcode=not%20a%20postcode", "postcode"),
        ("service_at_locations?proximity=1000", "proximity"),
        ("service_at_locations?postcode=S70&proximity=far", "proximity"),
        ("service_at_locations?postcode=S70&proximity=-5", "proximity"),
        ("service_at_locations?postcode=S70&proximity=nan", "proximity"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(client, directory, query, parameter):
    body = get_json(client, f"{API}/{query}", status=400)
    assert body["status"] == 400
    assert body["parameter"] == parameter
    assert body["message"]


def test_the_postcode_is_not_echoed_back_in_an_error(client, directory):
    body = get_json(client, f"{API}/service_at_locations?postcode=ZZ99%209ZZ", status=400)
    assert "ZZ99" not in json.dumps(body)


def test_search_finds_services_by_name_or_description_whatever_the_case(client, directory, session):
    found = get_json(client, f"{API}/services?search=BEREAVEMENT&per_page=100")
    assert found["total_items"] >= 1
    for item in found["contents"]:
        assert "bereavement" in (item["name"] + item.get("description", "")).lower()
    everything = session.scalars(select(m.Service)).all()
    expected = {s.id for s in everything if "bereavement" in (s.name + (s.description or "")).lower()}
    assert {item["id"] for item in found["contents"]} == expected
    assert get_json(client, f"{API}/services?search=zzzqqq-nothing")["empty"] is True
    # LIKE wildcards are searched for as themselves.
    assert get_json(client, f"{API}/services?search=%25")["total_items"] == 0


def test_search_also_filters_taxonomies_terms_organizations_and_service_at_locations(client, directory):
    assert [t["name"] for t in get_json(client, f"{API}/taxonomies?search=delivered")["contents"]] == [
        "How it is delivered"
    ]
    terms = get_json(client, f"{API}/taxonomy_terms?search=phone")["contents"]
    assert terms and all("phone" in (t["name"] + t["description"]).lower() for t in terms)
    orgs = get_json(client, f"{API}/organizations?search=barnsley&per_page=100")["contents"]
    assert orgs and all("barnsley" in (o["name"] + o["description"]).lower() for o in orgs)
    sals = get_json(client, f"{API}/service_at_locations?search=bereavement&per_page=100")["contents"]
    assert sals and all(
        "bereavement" in (s["service"]["name"] + s["service"]["description"]).lower() for s in sals
    )


def _attributes(session, entity):
    rows = session.execute(
        select(m.Attribute.link_id, m.Attribute.taxonomy_term_id, m.TaxonomyTerm.taxonomy_id)
        .join(m.TaxonomyTerm, m.TaxonomyTerm.id == m.Attribute.taxonomy_term_id)
        .where(m.Attribute.link_entity == entity)
    ).all()
    return rows


def test_taxonomy_term_and_taxonomy_filters_return_exactly_the_services_carrying_them(
    client, directory, session
):
    rows = _attributes(session, "service")
    term_id = rows[0].taxonomy_term_id
    expected = {r.link_id for r in rows if r.taxonomy_term_id == term_id}
    found = get_json(client, f"{API}/services?taxonomy_term_id={term_id}&per_page=1000")
    assert {s["id"] for s in found["contents"]} == expected
    assert found["total_items"] == len(expected) < session.query(m.Service).count()

    taxonomy_id = rows[0].taxonomy_id
    expected = {r.link_id for r in rows if r.taxonomy_id == taxonomy_id}
    found = get_json(client, f"{API}/services?taxonomy_id={taxonomy_id}&per_page=1000")
    assert {s["id"] for s in found["contents"]} == expected

    sals = get_json(client, f"{API}/service_at_locations?taxonomy_term_id={term_id}&per_page=1000")[
        "contents"
    ]
    assert sals and {s["service_id"] for s in sals} <= {
        r.link_id for r in rows if r.taxonomy_term_id == term_id
    }
    assert (
        get_json(client, f"{API}/services?taxonomy_term_id=unknown", 400)["parameter"] == "taxonomy_term_id"
    )


def test_organization_filter_returns_only_that_organizations_services(client, directory, session):
    org_id, count = session.execute(
        select(m.Service.organization_id, func.count(m.Service.id))
        .group_by(m.Service.organization_id)
        .order_by(func.count(m.Service.id).desc(), m.Service.organization_id)
    ).first()
    found = get_json(client, f"{API}/services?organization_id={org_id}&per_page=1000")
    assert found["total_items"] == count
    assert {s["organization_id"] for s in found["contents"]} == {org_id}
    sals = get_json(client, f"{API}/service_at_locations?organization_id={org_id}&per_page=1000")["contents"]
    assert all(s["service"]["organization_id"] == org_id for s in sals)


def test_modified_after_cuts_off_older_records(client, directory, session):
    old = datetime(2025, 1, 1, tzinfo=UTC)
    ids = sorted(session.scalars(select(m.Service.id)))
    recent = set(ids[:5])
    session.execute(update(m.Service).where(m.Service.id.notin_(recent)).values(last_modified=old))
    session.execute(
        update(m.Service)
        .where(m.Service.id.in_(recent))
        .values(last_modified=datetime(2026, 6, 1, tzinfo=UTC))
    )
    session.commit()
    found = get_json(client, f"{API}/services?modified_after=2026-01-01&per_page=1000")
    assert {s["id"] for s in found["contents"]} == recent
    assert all(s["last_modified"] >= "2026-01-01" for s in found["contents"])
    # A zone offset is honoured: 2026-06-01T02:00+03:00 is 2026-05-31T23:00Z, before the recent edits.
    assert get_json(client, f"{API}/services?modified_after=2026-06-01T02:00:00%2B03:00")["total_items"] == 5
    assert get_json(client, f"{API}/services?modified_after=2026-06-01T00:00:01Z")["total_items"] == 0
    sals = get_json(client, f"{API}/service_at_locations?modified_after=2026-01-01&per_page=1000")["contents"]
    assert {s["service_id"] for s in sals} <= recent
    assert get_json(client, f"{API}/services?modified_after={(old - timedelta(days=1)).date()}")[
        "total_items"
    ] == len(ids)


def test_minimal_and_full_change_the_shape_of_services(client, directory):
    minimal = get_json(client, f"{API}/services?minimal=true&per_page=1000")
    assert minimal["size"] == minimal["total_items"]
    assert all(set(item) == {"id", "name", "status", "last_modified"} for item in minimal["contents"])
    check("service_list", minimal)
    # Minimal pages may be far larger than ordinary ones, so all ids come in one call.
    assert get_json(client, f"{API}/services?minimal=true&per_page=20000")["size"] == minimal["total_items"]
    get_json(client, f"{API}/services?per_page=20000", status=400)

    basic = get_json(client, f"{API}/services?per_page=20")["contents"]
    assert all("name" in item and "status" in item for item in basic)
    assert not any("service_at_locations" in item or "attributes" in item for item in basic)

    full = get_json(client, f"{API}/services?full=true&per_page=20")
    check("service_list", full)
    assert [item["id"] for item in full["contents"]] == [item["id"] for item in basic]
    assert any("service_at_locations" in item for item in full["contents"])
    assert all("attributes" in item for item in full["contents"])
    located = next(item for item in full["contents"] if "service_at_locations" in item)
    assert located["service_at_locations"][0]["location"]["addresses"]


def test_full_changes_the_shape_of_service_at_locations_and_organizations(client, directory):
    plain = get_json(client, f"{API}/service_at_locations?per_page=100")["contents"]
    assert not any("addresses" in s["location"] for s in plain)
    full = get_json(client, f"{API}/service_at_locations?per_page=100&full=true")
    check("service_at_location_list", full)
    assert any("addresses" in s["location"] for s in full["contents"])

    orgs = get_json(client, f"{API}/organizations?per_page=100")["contents"]
    assert not any("services" in o for o in orgs)
    nested = get_json(client, f"{API}/organizations?per_page=100&full=true")
    check("organization_list", nested)
    assert all("services" in o for o in nested["contents"])
    assert not any("schedules" in s for o in nested["contents"] for s in o["services"])
    deep = get_json(client, f"{API}/organizations?per_page=100&full_service=true")["contents"]
    assert any("service_at_locations" in s for o in deep for s in o["services"])
    one = get_json(client, f"{API}/organizations/{deep[0]['id']}?full_service=true")
    check("organization", one)
    assert one["services"] == deep[0]["services"]


def test_taxonomy_terms_filter_by_taxonomy_parent_and_top_only(client, directory, session):
    taxonomy = session.scalars(select(m.Taxonomy).order_by(m.Taxonomy.id)).first()
    found = get_json(client, f"{API}/taxonomy_terms?taxonomy_id={taxonomy.id}&per_page=100")["contents"]
    assert {t["id"] for t in found} == {t.id for t in taxonomy.terms}
    child = session.scalars(select(m.TaxonomyTerm).order_by(m.TaxonomyTerm.id)).first()
    session.execute(
        update(m.TaxonomyTerm).where(m.TaxonomyTerm.id == child.id).values(parent_id=taxonomy.terms[0].id)
    )
    session.commit()
    children = get_json(client, f"{API}/taxonomy_terms?parent_id={taxonomy.terms[0].id}")["contents"]
    assert [t["id"] for t in children] == [child.id]
    top = get_json(client, f"{API}/taxonomy_terms?top_only=true&per_page=100")
    total = get_json(client, f"{API}/taxonomy_terms?per_page=100")["total_items"]
    assert top["total_items"] == total - 1
    assert child.id not in {t["id"] for t in top["contents"]}
    detail = get_json(client, f"{API}/taxonomies/{taxonomy.id}")
    check("taxonomy", detail)
    assert [t["id"] for t in detail["taxonomy_terms"]] == [t.id for t in taxonomy.terms]


def test_postcode_orders_by_distance_and_proximity_cuts_by_metres(client, directory, app):
    table = Path(app.config["CONTENT_DIR"]) / "directory" / "outcode-centroids.csv"
    centre = places.locate("S70 1AA", table)
    everything = get_json(client, f"{API}/service_at_locations?per_page=1000")["total_items"]
    nearest = get_json(client, f"{API}/service_at_locations?postcode=s70%201aa&per_page=1000&full=true")
    check("service_at_location_list", nearest)
    assert nearest["total_items"] == everything

    def miles(item):
        loc = item["location"]
        if "latitude" not in loc:
            return float("inf")
        return places.miles(centre.latitude, centre.longitude, loc["latitude"], loc["longitude"])

    distances = [miles(item) for item in nearest["contents"]]
    assert distances == sorted(distances)
    assert distances[0] < 5

    within = get_json(client, f"{API}/service_at_locations?postcode=S70&proximity=8000&per_page=1000")
    expected = [d for d in distances if d * 1609.344 <= 8000]
    assert 0 < within["total_items"] == len(expected) < everything
    assert all(miles(item) * 1609.344 <= 8000 for item in within["contents"])
    paged = get_json(client, f"{API}/service_at_locations?postcode=S70&proximity=8000&per_page=2&page=2")
    assert [s["id"] for s in paged["contents"]] == [s["id"] for s in within["contents"][2:4]]
    assert paged["total_items"] == within["total_items"]


def test_a_page_of_services_takes_the_same_number_of_queries_whatever_its_size(client, directory, app):
    counts = {}
    for size in (2, 40):
        statements = []

        def count(*_args, bucket=statements):
            bucket.append(1)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            # Narrowed, so each page is assembled from the database (whole lists come from a file).
            since = "modified_after=2000-01-01T00:00:00Z"
            get_json(client, f"{API}/services?full=true&per_page={size}&{since}")
            get_json(client, f"{API}/service_at_locations?full=true&per_page={size}&{since}")
            get_json(client, f"{API}/organizations?full_service=true&per_page={size}&search=e")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts[size] = len(statements)
    assert counts[2] == counts[40]


def test_an_unknown_path_under_the_api_is_a_json_404_open_to_any_origin(client, directory):
    body = get_json(client, f"{API}/no_such_collection", status=404)
    assert body["status"] == 404


def test_the_api_does_not_open_the_rest_of_the_site_to_other_origins(client, directory):
    assert "Access-Control-Allow-Origin" not in client.get("/en/").headers


def test_the_api_is_read_only_and_answers_other_methods_in_json(client, directory):
    response = client.post(f"{API}/services", json={})
    assert response.status_code == 405
    assert response.get_json()["status"] == 405
