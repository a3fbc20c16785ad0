import io
import json
import zipfile
from pathlib import Path

from sqlalchemy import func, select

from alliance.directory import models as m

CONTENT = Path(__file__).resolve().parents[3] / "content" / "directory"
SEED_COUNT = len(json.loads((CONTENT / "services.json").read_text(encoding="utf-8"))["services"])


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def load_seed(runner) -> None:
    for name in ("taxonomy.json", "services.json"):
        result = runner.invoke(args=["directory", "import", str(CONTENT / name)])
        assert result.exit_code == 0, result.output


def test_import_with_dry_run_reports_new_services_and_writes_nothing(runner, session):
    runner.invoke(args=["directory", "import", str(CONTENT / "taxonomy.json")])
    result = runner.invoke(args=["directory", "import", str(CONTENT / "services.json"), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "These changes would be made:" in result.output and f"services: {SEED_COUNT} new" in result.output
    assert count(session, m.Service) == 0


def test_import_loads_a_feed_and_a_second_import_reports_no_changes(runner, session):
    load_seed(runner)
    assert count(session, m.Service) == SEED_COUNT
    again = runner.invoke(args=["directory", "import", str(CONTENT / "services.json")])
    assert again.exit_code == 0 and "No changes were made." in again.output


def test_a_bad_file_fails_with_every_problem_and_changes_nothing(runner, session, tmp_path):
    load_seed(runner)
    feed = json.loads((CONTENT / "services.json").read_text(encoding="utf-8"))
    feed["services"][0]["name"] = "Should not be saved"
    feed["services"][5]["status"] = "maybe"
    del feed["services"][7]["name"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code != 0
    assert "services[5], status" in result.output and "services[7]" in result.output
    assert "bad.json was not imported" in result.output
    session.expire_all()
    assert session.get(m.Service, feed["services"][0]["id"]).name != "Should not be saved"


def test_a_file_of_an_unknown_kind_is_refused_with_the_reason(runner, tmp_path):
    path = tmp_path / "services.txt"
    path.write_text("hello", encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code != 0 and "expected a .json, .csv or .zip file" in result.output


def test_export_writes_json_and_a_zip_of_csv_that_import_back_unchanged(runner, tmp_path):
    load_seed(runner)
    for kind, name in (("json", "out.json"), ("csv", "out.zip")):
        result = runner.invoke(
            args=["directory", "export", "--format", kind, "--output", str(tmp_path / name)]
        )
        assert result.exit_code == 0, result.output
        back = runner.invoke(args=["directory", "import", str(tmp_path / name), "--dry-run"])
        assert back.exit_code == 0 and "No changes would be made." in back.output, back.output
    assert len(json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))["services"]) == SEED_COUNT
    assert "services.csv" in zipfile.ZipFile(io.BytesIO((tmp_path / "out.zip").read_bytes())).namelist()


def test_generate_writes_the_same_services_for_the_same_seed_and_they_import(runner, session, tmp_path):
    first, second, other = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    for path, seed in ((first, "7"), (second, "7"), (other, "8")):
        result = runner.invoke(args=["directory", "generate", "40", "--output", str(path), "--seed", seed])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes() != other.read_bytes()
    assert count(session, m.Service) == 0  # generating never loads anything
    result = runner.invoke(args=["directory", "import", str(first)])
    assert result.exit_code == 0, result.output
    assert count(session, m.Service) == 40


def _feed_with(tmp_path, index: int, field: str, value: str) -> tuple[Path, dict]:
    feed = json.loads((CONTENT / "services.json").read_text(encoding="utf-8"))
    feed["services"][index][field] = value
    path = tmp_path / "control.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    return path, feed


def test_a_nul_byte_in_a_field_is_refused_by_the_dry_run_and_the_import_naming_record_and_field(
    runner, session, tmp_path
):
    load_seed(runner)
    path, feed = _feed_with(tmp_path, 2, "description", "Before\x00after")
    for args in (["--dry-run"], []):
        result = runner.invoke(args=["directory", "import", str(path), *args])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        assert "services[2], description: must not contain control characters (found U+0000)" in result.output
        assert "Traceback" not in result.output
    session.expire_all()
    assert "\x00" not in session.get(m.Service, feed["services"][2]["id"]).description


def test_control_characters_are_refused_but_line_breaks_and_tabs_are_kept(runner, session, tmp_path):
    load_seed(runner)
    path, _feed = _feed_with(tmp_path, 1, "name", "Bell\x07 group")
    refused = runner.invoke(args=["directory", "import", str(path)])
    assert refused.exit_code == 1
    assert "services[1], name: must not contain control characters (found U+0007)" in refused.output
    path, feed = _feed_with(tmp_path, 1, "description", "Line one\r\nLine\ttwo")
    kept = runner.invoke(args=["directory", "import", str(path)])
    assert kept.exit_code == 0, kept.output
    session.expire_all()
    assert session.get(m.Service, feed["services"][1]["id"]).description == "Line one\r\nLine\ttwo"


def test_a_csv_row_with_a_control_character_in_an_id_is_refused_with_its_row(runner, session, tmp_path):
    path = tmp_path / "organizations.csv"
    path.write_text(
        "id,name,description\n0b5c2f1e-8e1d-4f4e-9a55-1c3f8a6b2d10\x7f,Bad id,\n", encoding="utf-8"
    )
    for args in (["--dry-run"], []):
        result = runner.invoke(args=["directory", "import", str(path), *args])
        assert result.exit_code == 1, result.output
        assert (
            "organizations.csv row 2, id: must not contain control characters (found U+007F)" in result.output
        )
    assert count(session, m.Organization) == 0


def test_a_whole_number_too_large_for_the_database_is_refused_not_a_crash(runner, session, tmp_path):
    load_seed(runner)
    feed = json.loads((CONTENT / "services.json").read_text(encoding="utf-8"))
    service = next(s for s in feed["services"] if s.get("schedules"))
    service["schedules"][0]["interval"] = 10**40
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(feed), encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path), "--dry-run"])
    assert result.exit_code == 1, result.output
    assert "interval: must be a whole number between" in result.output
