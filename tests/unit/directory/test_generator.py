from pathlib import Path

from alliance import places
from alliance.directory import generator
from alliance.directory.spec import validator

FOLDER = Path(__file__).resolve().parents[3] / "content" / "directory"


def test_the_same_count_and_seed_give_the_same_services_and_another_seed_differs():
    assert generator.generate(30, 5, FOLDER) == generator.generate(30, 5, FOLDER)
    assert generator.generate(30, 5, FOLDER) != generator.generate(30, 6, FOLDER)


def test_generated_services_are_valid_oruk_and_marked_as_example_data():
    feed = generator.generate(50, 1, FOLDER)
    check = validator("service")
    for service in feed["services"]:
        standard = {k: v for k, v in service.items() if k != "x_alliance"}
        assert not list(check.iter_errors(standard)), service["name"]
        assert service["x_alliance"]["example_data"] is True and "(synthetic)" in service["name"]


def test_generated_services_spread_over_every_locality_category_language_and_schedule_kind():
    feed = generator.generate(600, 3, FOLDER)
    services = feed["services"]
    assert {s["x_alliance"]["locality"] for s in services} >= set(generator.OUTCODES)
    terms = {t["id"] for tax in feed["taxonomies"] for t in tax["taxonomy_terms"]}
    assert {a["taxonomy_term_id"] for s in services for a in s["attributes"]} == terms
    assert len({lang["code"] for s in services for lang in s["languages"]}) == len(generator.LANGUAGES)
    assert {s["schedules"][0]["freq"] for s in services} == {"WEEKLY", "MONTHLY"}


def test_every_generated_venue_lies_near_its_localitys_districts():
    table = FOLDER / "outcode-centroids.csv"
    for service in generator.generate(200, 2, FOLDER)["services"]:
        for sal in service.get("service_at_locations", []):
            location = sal["location"]
            district = places.locate(location["addresses"][0]["postal_code"], table)
            assert district.outcode in generator.OUTCODES[service["x_alliance"]["locality"]]
            assert (
                places.miles(
                    location["latitude"], location["longitude"], district.latitude, district.longitude
                )
                < 3
            )
