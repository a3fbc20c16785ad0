"""Reading import files into rows, before any database is involved."""

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import pytest

from alliance.directory import import_batch, import_check, import_read
from alliance.directory import models as m


def column(model, name):
    return model.__table__.columns[name]


def test_a_feed_with_taxonomies_and_services_becomes_rows_for_each_table():
    feed = {
        "taxonomies": [
            {
                "id": "t1",
                "name": "Needs",
                "taxonomy_terms": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            }
        ],
        "services": [
            {
                "id": "s1",
                "name": "S",
                "status": "active",
                "phones": [{"id": "p1", "number": "111"}],
                "service_at_locations": [
                    {"id": "sal1", "location": {"id": "l1", "name": "Hall", "location_type": "physical"}}
                ],
                "x_alliance": {"locality": "sheffield", "translations": {"pl": {"name": "S po polsku"}}},
            }
        ],
    }
    batch = import_read.read_json(json.dumps(feed))
    # Short ids keep the test readable; the schema's format check names each one (ids must be UUIDs).
    assert sorted(p.message for p in batch.problems) == [
        "'l1' is not a 'uuid'",
        "'s1' is not a 'uuid'",
        "'sal1' is not a 'uuid'",
    ]
    assert [r.values["position"] for r in batch.rows["taxonomy_terms"]] == [0, 1]
    assert batch.rows["taxonomy_terms"][0].values["taxonomy_id"] == "t1"
    assert batch.rows["phones"][0].values == {"id": "p1", "number": "111", "service_id": "s1"}
    assert batch.rows["service_at_locations"][0].values["location_id"] == "l1"
    assert batch.rows["x_alliance_services"][0].values == {"service_id": "s1", "locality": "sheffield"}
    translation = batch.rows["x_alliance_translations"][0]
    assert (
        translation.values["lang"] == "pl" and translation.where == "services[0].x_alliance.translations.pl"
    )
    assert batch.whole_services == {"s1"}


@pytest.mark.parametrize("shape", ["list", "page", "single"])
def test_a_list_a_page_of_contents_and_a_single_service_are_all_accepted(shape):
    service = {"id": "s1", "name": "S", "status": "active"}
    data = {"list": [service], "page": {"contents": [service]}, "single": service}[shape]
    batch = import_read.read_json(json.dumps(data))
    assert [r.values["id"] for r in batch.rows["services"]] == ["s1"]


def test_a_value_of_the_wrong_shape_is_reported_at_its_path():
    service = {
        "id": "s1",
        "name": "S",
        "status": "active",
        "phones": "0114",
        "languages": ["Polish"],
        "minimum_age": "eighteen",
    }
    batch = import_read.read_json(json.dumps([service]))
    assert {(p.where, p.field) for p in batch.problems} >= {
        ("services[0]", "phones"),
        ("services[0].languages[0]", ""),
        ("services[0]", "minimum_age"),
    }


@pytest.mark.parametrize("text", ["{oops", "42", '{"something": "else"}'])
def test_json_that_is_not_a_directory_is_refused(text):
    with pytest.raises(import_batch.ImportFileError):
        import_read.read_json(text)


def test_csv_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_cells_left_out():
    batch = import_read.read_csv_files(
        {"phones.csv": "id,service_id,contact_id,number,description\np1,s1,,111,\np2,s1,,999,Emergency\n"}
    )
    assert [r.where for r in batch.rows["phones"]] == ["phones.csv row 2", "phones.csv row 3"]
    assert batch.rows["phones"][0].values == {"id": "p1", "service_id": "s1", "number": "111"}


def test_csv_files_of_which_none_is_a_table_kept_here_are_refused():
    with pytest.raises(
        import_batch.ImportFileError, match="none of the files is a table this directory keeps"
    ):
        import_read.read_csv_files({"people.csv": "id\n1\n"})


def test_an_unknown_csv_table_beside_known_ones_is_a_warning_and_left_out():
    batch = import_read.read_csv_files(
        {"people.csv": "id\n1\n", "taxonomies.csv": "id,name,description\nt1,Needs,\n"}
    )
    assert [str(w) for w in batch.warnings] == ["people.csv: a table this directory does not keep: left out"]
    assert not batch.problems
    assert [r.values for r in batch.rows["taxonomies"]] == [{"id": "t1", "name": "Needs"}]


def test_a_zip_of_csv_files_is_read_and_a_broken_zip_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("export/taxonomies.csv", "id,name,description,uri,version\nt1,Needs,,,\n")
    batch = import_read.read_upload("data.zip", buffer.getvalue())
    assert batch.rows["taxonomies"][0].values == {"id": "t1", "name": "Needs"}
    with pytest.raises(import_batch.ImportFileError, match="zip"):
        import_read.read_upload("data.zip", b"not a zip")
    with pytest.raises(import_batch.ImportFileError, match="UTF-8"):
        import_read.read_upload("services.csv", "name\nCaf\xe9\n".encode("latin-1"))


@pytest.mark.parametrize(
    ("model", "name", "raw", "expected"),
    [
        (m.ServiceLocal, "example_data", "yes", True),
        (m.ServiceLocal, "example_data", "false", False),
        (m.Schedule, "interval", "2", 2),
        (m.Location, "latitude", "53.38", 53.38),
        (m.ServiceLocal, "verified_on", "2026-01-31", date(2026, 1, 31)),
        (m.Service, "name", "  Drop-in  ", "Drop-in"),
    ],
)
def test_text_from_a_file_becomes_the_columns_type(model, name, raw, expected):
    assert import_check._coerce(column(model, name), raw) == expected


@pytest.mark.parametrize(
    ("model", "name", "raw", "message"),
    [
        (m.ServiceLocal, "example_data", "perhaps", "true or false"),
        (m.Schedule, "interval", "2.5", "whole number"),
        (m.Location, "latitude", "north", "a number"),
        (m.Location, "latitude", "nan", "a number"),
        (m.ServiceLocal, "verified_on", "31/01/2026", "a date like 2026-01-31"),
        (m.Service, "last_modified", "yesterday", "a date and time"),
        (m.Service, "status", "x" * 21, "20 characters or fewer"),
        (m.Service, "name", 12, "must be text"),
    ],
)
def test_a_value_of_the_wrong_kind_gets_a_readable_reason(model, name, raw, message):
    with pytest.raises(ValueError, match=message):
        import_check._coerce(column(model, name), raw)


def test_a_folder_or_zip_with_no_csv_files_is_refused(tmp_path):
    with pytest.raises(import_batch.ImportFileError, match="no CSV files"):
        import_read.read_path(tmp_path)


EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "oruk-examples"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("organization_full.json", "organization"),
        ("service_at_location_full.json", "service_at_location"),
        ("service_full.json", "service"),
        ("taxonomy.json", "taxonomy"),
        ("taxonomy_term.json", "taxonomy_term"),
    ],
)
def test_a_record_is_recognised_by_its_shape_whatever_the_file_is_called(name, kind):
    assert import_read.shape_of(json.loads((EXAMPLES / name).read_text(encoding="utf-8"))) == kind


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        ({"id": "x", "name": "Drop-in", "status": "active"}, "service"),
        ({"id": "x", "name": "Trust", "description": "", "website": "https://example.org"}, "organization"),
        ({"id": "x", "name": "Needs", "description": "", "version": "1"}, "taxonomy"),
        ({"id": "x", "name": "Money", "description": "", "parent_id": "y"}, "taxonomy_term"),
        ({"id": "x", "service_id": "s", "location_id": "l"}, "service_at_location"),
        ({"something": "else"}, None),
    ],
)
def test_the_keys_only_one_kind_of_record_has_tell_which_it_is(record, kind):
    assert import_read.shape_of(record) == kind


def test_a_service_nested_in_a_service_at_a_location_is_not_taken_as_whole():
    sal = json.loads((EXAMPLES / "service_at_location_full.json").read_text(encoding="utf-8"))
    batch = import_read.read_json(json.dumps(sal))
    assert batch.whole_services == set()
    assert [r.values["service_id"] for r in batch.rows["service_at_locations"]] == [sal["service"]["id"]]
    assert [r.where for r in batch.rows["locations"]] == ["service_at_location.location"]


def test_csv_terms_take_their_place_from_the_order_of_their_rows_within_each_taxonomy():
    batch = import_read.read_csv_files({"taxonomy_term.csv": "id,name,taxonomy_id\nc,C,t1\na,A,t2\nb,B,t1\n"})
    assert [(r.values["id"], r.values["position"]) for r in batch.rows["taxonomy_terms"]] == [
        ("c", 0),
        ("a", 0),
        ("b", 1),
    ]


def test_fields_the_directory_does_not_keep_are_warnings_counted_per_field():
    organization = json.loads((EXAMPLES / "organization_list.json").read_text(encoding="utf-8"))["contents"][
        0
    ]
    organization["attributes"] = [{"id": "a1", "taxonomy_term_id": "t1"}]
    organization["tax_status"] = "charity"
    batch = import_read.read_json(json.dumps([organization, {**organization, "id": "o2"}]))
    assert [str(w) for w in batch.warnings] == [
        "organizations, attributes: not kept by this directory: left out (2 records)",
        "organizations, tax_status: not kept by this directory: left out (2 records)",
    ]
    assert not batch.rows["attributes"]
