"""`flask directory generate|import|export` and `flask search rebuild`: progress on stderr, counts at the
end, lists cut short with how many more, and exports written as they are read."""

import copy
import io
import json
import zipfile
from pathlib import Path

from alliance.directory import export, generator, import_batch, import_read, import_write

CONTENT = Path(__file__).resolve().parents[3] / "content"


def _generate(runner, tmp_path, count: int) -> Path:
    path = tmp_path / "feed.json"
    result = runner.invoke(args=["directory", "generate", str(count), "--output", str(path), "--seed", "4"])
    assert result.exit_code == 0, result.output
    return path


def test_generate_writes_the_same_feed_as_before_and_reports_progress_and_the_count(runner, tmp_path):
    path = tmp_path / "feed.json"
    result = runner.invoke(args=["directory", "generate", "2500", "--output", str(path), "--seed", "4"])

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 2500 synthetic services to {path}\n"
    assert result.stderr == "services generated: 1,000 of 2,500\nservices generated: 2,000 of 2,500\n"
    whole = generator.generate(2500, 4, CONTENT / "directory")
    assert path.read_text(encoding="utf-8") == json.dumps(whole, ensure_ascii=False)


def test_import_reports_each_step_on_stderr_and_cuts_the_list_of_new_services_short(runner, tmp_path):
    path = _generate(runner, tmp_path, 237)

    result = runner.invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:3] == [
        "reading feed.json",
        f"read {sum(len(r) for r in import_read.read_path(path).rows.values()):,} rows",
        f"checked {sum(len(r) for r in import_read.read_path(path).rows.values()):,} rows: 0 problems",
    ]
    assert "services: 237 rows compared and written" in result.stderr.splitlines()
    lines = result.stdout.splitlines()
    assert lines[0] == "These changes were made:"
    assert "  services: 237 new" in lines
    names = [line for line in lines if line.startswith("  new service: ")]
    assert len(names) == 200
    assert lines[-1] == "  ... and 37 more"


def test_an_import_with_many_problems_lists_two_hundred_and_says_how_many_more(
    app, runner, session, tmp_path
):
    feed = json.loads(_generate(runner, tmp_path, 237).read_text(encoding="utf-8"))
    bad = copy.deepcopy(feed)
    for service in bad["services"]:
        service["status"] = "open-ish"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")

    result = runner.invoke(args=["directory", "import", str(path)])

    assert result.exit_code == 1
    with app.app_context():
        problems = len(import_write.apply(session, import_read.read_path(path), dry_run=True).problems)
    lines = result.stdout.splitlines()
    assert problems >= 237
    assert lines[0] == f"{problems} problems; nothing was changed:"
    assert len(lines) == 1 + 200 + 1
    assert lines[201] == f"  ... and {problems - 200} more"
    assert f"rows: {problems} problems" in result.stderr


def test_export_json_is_written_as_services_are_read_and_matches_the_whole_feed(
    app, runner, session, tmp_path
):
    runner.invoke(args=["directory", "import", str(_generate(runner, tmp_path, 30))])
    with app.app_context():
        whole = export.export_json(session)
        written = io.StringIO()
        seen_at_each_service: list[str] = []
        feed = export.export_feed(
            session, progress=lambda _n: seen_at_each_service.append(written.getvalue())
        )
        json.dump(feed, written, ensure_ascii=False, indent=1)

    ids = [service["id"] for service in whole["services"]]
    assert len(seen_at_each_service) == 30
    # When the n-th service has been handed over, it is already in the file and the next one is not.
    for n, text in enumerate(seen_at_each_service):
        assert ids[n] in text
        if n + 1 < len(ids):
            assert ids[n + 1] not in text
    assert written.getvalue() == json.dumps(whole, ensure_ascii=False, indent=1)

    output = tmp_path / "export.json"
    result = runner.invoke(args=["directory", "export", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 30 services and {len(whole['taxonomies'])} taxonomies to {output}\n"
    assert output.read_text(encoding="utf-8") == written.getvalue()


def test_export_csv_reports_the_files_and_rows_it_wrote(app, runner, session, tmp_path):
    runner.invoke(args=["directory", "import", str(_generate(runner, tmp_path, 20))])
    output = tmp_path / "export.zip"

    result = runner.invoke(args=["directory", "export", "--format", "csv", "--output", str(output)])

    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(output) as archive:
        rows = sum(len(archive.read(name).decode("utf-8").splitlines()) - 1 for name in archive.namelist())
        assert sorted(archive.namelist()) == sorted(f"{table}.csv" for table in import_batch.ALL_TABLES)
    with app.app_context(), zipfile.ZipFile(io.BytesIO(export.export_csv(session))) as again:
        assert rows == sum(len(again.read(n).decode("utf-8").splitlines()) - 1 for n in again.namelist())
    assert rows > 20
    assert result.stdout == f"Wrote {len(import_batch.ALL_TABLES)} CSV files with {rows} rows to {output}\n"


def test_search_rebuild_ends_with_the_number_of_documents_in_each_index(runner, tmp_path):
    runner.invoke(args=["directory", "import", str(_generate(runner, tmp_path, 25))])

    result = runner.invoke(args=["search", "rebuild"])

    assert result.exit_code == 0, result.output
    directory = [line for line in result.stdout.splitlines() if line.startswith("directory: ")]
    assert len(directory) == 1 and directory[0].endswith(" documents")
    indexed = int(directory[0].rsplit(", ", 1)[1].split()[0])
    assert 0 < indexed <= 25
