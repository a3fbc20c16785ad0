import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.directory import models as m
from alliance.directory.seed import SeedError, seed_directory

CONTENT = Path(__file__).resolve().parents[3] / "content"
FEED = json.loads((CONTENT / "directory" / "services.json").read_text(encoding="utf-8"))
SERVICES = FEED["services"]
TAXONOMY = json.loads((CONTENT / "directory" / "taxonomy.json").read_text(encoding="utf-8"))
PLACES = ("barnsley", "bassetlaw", "doncaster", "rotherham", "sheffield", "north-derbyshire")
# National lines whose number is published by the organisation itself; anything else must be example data.
NATIONAL = {
    "Macmillan Support Line": "0808 808 00 00",
    "Samaritans": "116 123",
    "NHS 111": "111",
    "Shout text support": "85258",
    "Marie Curie Support Line": "0800 090 2309",
    "Prostate Cancer UK Specialist Nurses": "0800 074 8383",
    "Breast Cancer Now Helpline": "0808 800 6000",
    "Cruse Bereavement Support Helpline": "0808 808 1677",
}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_the_seed_file_has_at_least_sixty_services_and_every_locality():
    assert len(SERVICES) >= 60
    localities = {s["x_alliance"]["locality"] for s in SERVICES}
    assert set(PLACES) <= localities


def test_every_category_of_the_taxonomy_is_used_by_some_seed_service():
    terms = {t["id"] for tax in TAXONOMY["taxonomies"] for t in tax["taxonomy_terms"]}
    used = {a["taxonomy_term_id"] for s in SERVICES for a in s.get("attributes", [])}
    assert terms <= used, terms - used


def test_every_local_seed_service_is_marked_example_data_in_the_data_and_its_text():
    for service in SERVICES:
        local = service["x_alliance"]
        if local["locality"] != "national":
            assert local.get("example_data") is True, service["name"]
        if local.get("example_data"):
            assert "(example)" in service["name"] and "Example listing" in service["description"], service[
                "name"
            ]


def test_example_services_use_only_numbers_and_addresses_kept_for_fiction():
    # Ofcom's drama ranges and example.org: nobody real can be rung or emailed by mistake.
    drama = re.compile(r"^(01632 960\d{3}|0114 496 0\d{3}|0808 157 0\d{3})$")
    for service in SERVICES:
        if not service["x_alliance"].get("example_data"):
            continue
        assert all(drama.match(p["number"]) for p in service.get("phones", [])), service["name"]
        for value in (service.get("email"), service.get("url")):
            assert value is None or "example.org" in value, service["name"]


def test_the_real_national_helplines_carry_their_published_numbers():
    real = {s["name"]: s for s in SERVICES if not s["x_alliance"].get("example_data")}
    assert set(NATIONAL) == set(real)
    for name, number in NATIONAL.items():
        assert [p["number"] for p in real[name]["phones"]][0] == number
    assert all(s["x_alliance"]["locality"] == "national" for s in real.values())


def test_seeding_loads_every_service_and_a_second_run_changes_nothing(ctx, session):
    changed, summary = seed_directory(session, CONTENT)
    assert changed > 0 and "services.json" in summary
    assert session.scalar(select(func.count()).select_from(m.Service)) == len(SERVICES)
    assert session.scalar(select(func.count()).select_from(m.TaxonomyTerm)) == sum(
        len(tax["taxonomy_terms"]) for tax in TAXONOMY["taxonomies"]
    )
    again, summary = seed_directory(session, CONTENT)
    assert again == 0, summary


def test_a_content_folder_without_directory_files_seeds_nothing(ctx, session, tmp_path):
    changed, summary = seed_directory(session, tmp_path)
    assert changed == 0 and "missing" in summary


def test_a_broken_seed_file_stops_the_seed_with_the_row_and_field(ctx, session, tmp_path):
    shutil.copytree(CONTENT / "directory", tmp_path / "directory")
    broken = json.loads(json.dumps(FEED))
    broken["services"][3]["status"] = "sometimes"
    (tmp_path / "directory" / "services.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(SeedError, match=r"services\[3\], status"):
        seed_directory(session, tmp_path)
    assert session.scalar(select(func.count()).select_from(m.Service)) == 0


def test_the_seed_command_loads_the_directory(app, runner, tmp_path):
    shutil.copytree(CONTENT / "directory", tmp_path / "directory")
    app.config["CONTENT_DIR"], before = str(tmp_path), app.config["CONTENT_DIR"]
    try:
        result = runner.invoke(args=["seed"])
    finally:
        app.config["CONTENT_DIR"] = before
    assert result.exit_code == 0, result.output
    assert "directory: taxonomy.json" in result.output
