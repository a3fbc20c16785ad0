import json
from datetime import date

import pytest

from alliance.trials.parsing import Area, RecordError, map_conditions, parse_age, parse_date, parse_study

AREA = Area(
    {"sheffield": "Sheffield", "worksop": "Bassetlaw"},
    {
        "chesterfield royal hospital": {
            "trust": "Chesterfield Royal Hospital NHS FT",
            "locality": "North Derbyshire",
        }
    },
    centre=(53.38, -1.36),
    radius_km=30,
)


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("16 Years", 16.0),
        ("1 Year", 1.0),
        ("18 Months", 1.5),
        ("6 Weeks", 0.11),
        ("30 Days", 0.08),
        ("  25 years ", 25.0),
        ("40", 40.0),
        (21, 21.0),
        ("N/A", None),
        ("", None),
        (None, None),
    ],
)
def test_ages_in_registry_wording_become_years_and_missing_ones_are_open(text, years):
    assert parse_age(text) == years


@pytest.mark.parametrize("text", ["ten years", "16 Fortnights", "-3 Years", [16], True, {"value": 16}])
def test_an_age_that_cannot_be_read_is_an_error_not_a_guess(text):
    with pytest.raises(RecordError):
        parse_age(text)


@pytest.mark.parametrize(
    ("conditions", "types"),
    [
        (["Rectal Cancer"], ["bowel"]),
        (["Colorectal Neoplasms", "Lynch Syndrome"], ["bowel"]),
        (["Breast Cancer", "DCIS"], ["breast"]),
        (["Cervical Intraepithelial Neoplasia"], ["cervical"]),
        (["Non-small Cell Lung Cancer"], ["lung"]),
        (["Mesothelioma"], ["lung"]),
        (["Prostatic Neoplasms"], ["prostate"]),
        (["Hodgkin Lymphoma"], ["blood"]),
        (["Acute Myeloid Leukemia"], ["blood"]),
        (["Multiple Myeloma"], ["blood"]),
        (["Glioblastoma"], ["brain"]),
        (["Melanoma"], ["skin"]),
        (["Pancreatic Cancer"], ["other"]),
        ([], ["other"]),
        (["Lung Cancer", "Breast Cancer"], ["breast", "lung"]),
    ],
)
def test_condition_strings_map_to_the_sites_cancer_types(conditions, types):
    assert map_conditions(conditions) == types


def test_a_keyword_can_place_a_trial_in_a_cancer_type():
    assert map_conditions(["Solid Tumour"], ["brain tumour"]) == ["brain"]


def test_registry_dates_with_only_a_month_mean_the_first_of_that_month():
    assert parse_date("2026-03") == date(2026, 3, 1)
    assert parse_date("2026-03-05") == date(2026, 3, 5)
    assert parse_date(None) is None
    with pytest.raises(RecordError):
        parse_date("March 2026")


def _study(**changes):
    study = {
        "protocolSection": {
            "identificationModule": {
                "nctId": "NCT09990001",
                "briefTitle": "A trial",
                "secondaryIdInfos": [
                    {"id": "ISRCTN12345678", "type": "REGISTRY"},
                    {"id": "312401", "type": "OTHER", "domain": "IRAS"},
                    {"id": "CPMS 55101", "type": "OTHER"},
                ],
            },
            "statusModule": {
                "overallStatus": "RECRUITING",
                "lastUpdatePostDateStruct": {"date": "2026-10-01"},
                "studyFirstPostDateStruct": {"date": "2025-02"},
            },
            "descriptionModule": {"briefSummary": "Plain words."},
            "conditionsModule": {"conditions": ["Rectal Cancer"]},
            "designModule": {"phases": ["PHASE1", "PHASE2"]},
            "eligibilityModule": {"minimumAge": "16 Years", "maximumAge": "18 Months", "sex": "FEMALE"},
            "contactsLocationsModule": {
                "locations": [
                    {
                        "facility": "Weston Park",
                        "city": "Sheffield",
                        "status": "RECRUITING",
                        "contacts": [{"name": "Team", "phone": "0114 496 0000", "email": "t@example.org"}],
                    },
                    {"facility": "Bassetlaw Hospital", "city": "Worksop", "status": "NOT_YET_RECRUITING"},
                    {"facility": "Chesterfield Royal Hospital", "city": "Calow", "status": "COMPLETED"},
                    {
                        "facility": "Barnsley Hospital",
                        "city": "Barnsley",
                        "geoPoint": {"lat": 53.55, "lon": -1.50},
                    },
                    {
                        "facility": "The Christie",
                        "city": "Manchester",
                        "status": "RECRUITING",
                        "geoPoint": {"lat": 53.43, "lon": -2.23},
                    },
                ]
            },
        }
    }
    study["protocolSection"].update(changes)
    return study


def test_a_v2_study_keeps_only_its_sites_in_the_area_with_each_sites_own_status():
    record = parse_study(_study(), AREA)
    assert [(s.hospital, s.locality, s.status) for s in record.sites] == [
        ("Weston Park", "Sheffield", "RECRUITING"),
        ("Bassetlaw Hospital", "Bassetlaw", "NOT_YET_RECRUITING"),
        ("Chesterfield Royal Hospital", "North Derbyshire", "COMPLETED"),
        # Within the radius but in no listed town: kept, and its status falls back to the trial's.
        ("Barnsley Hospital", "", "RECRUITING"),
    ]
    assert record.sites[0].contact_phone == "0114 496 0000"
    assert record.sites[2].trust == "Chesterfield Royal Hospital NHS FT"


def test_a_v2_study_gives_ids_ages_dates_phase_and_links():
    record = parse_study(_study(), AREA)
    assert (record.nct_id, record.isrctn_id, record.iras_id, record.cpms_id) == (
        "NCT09990001",
        "ISRCTN12345678",
        "312401",
        "55101",
    )
    assert (record.min_age, record.max_age, record.sex) == (16.0, 1.5, "FEMALE")
    assert record.phase == "PHASE1/PHASE2"
    assert record.cancer_types == ["bowel"]
    assert (record.first_posted, record.last_updated) == (date(2025, 2, 1), date(2026, 10, 1))
    assert record.registry_url == "https://clinicaltrials.gov/study/NCT09990001"
    assert record.bpor_url.startswith("https://bepartofresearch.nihr.ac.uk/")


def test_a_study_with_no_site_in_the_area_gives_nothing_rather_than_an_error():
    study = _study(contactsLocationsModule={"locations": [{"facility": "St James's", "city": "Leeds"}]})
    assert parse_study(study, AREA) is None


@pytest.mark.parametrize(
    ("study", "reason"),
    [
        ("text", "not an object"),
        ([], "not an object"),
        ({}, "no protocolSection"),
        ({"protocolSection": "x"}, "no protocolSection"),
        (_study(identificationModule={"briefTitle": "No id"}), "nctId missing"),
        (_study(identificationModule={"nctId": "NCT1", "briefTitle": "x"}), "malformed"),
        (_study(identificationModule={"nctId": "NCT09990001"}), "no title"),
        (_study(identificationModule=["x"]), "identificationModule is not an object"),
        (_study(statusModule={"overallStatus": "OPEN"}), "overallStatus"),
        (_study(statusModule={"overallStatus": 3}), "overallStatus is not text"),
        (_study(eligibilityModule={"minimumAge": "ten"}), "age not understood"),
        (_study(eligibilityModule={"sex": "BOTH"}), "sex not understood"),
        (_study(conditionsModule={"conditions": "Lung"}), "conditions is not a list"),
        (_study(contactsLocationsModule={"locations": {"a": 1}}), "locations is not a list"),
    ],
)
def test_a_malformed_study_raises_a_record_error_saying_why(study, reason):
    with pytest.raises(RecordError, match=reason):
        parse_study(study, AREA)


def test_the_seed_file_marks_every_study_as_example_data():
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[3] / "content/trials/studies.json").read_text())
    assert data["exampleData"] is True
    assert 15 <= len(data["studies"]) <= 25
    for study in data["studies"]:
        assert study["protocolSection"]["descriptionModule"]["briefSummary"].startswith("EXAMPLE DATA")
