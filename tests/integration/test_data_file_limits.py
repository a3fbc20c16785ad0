"""A CSV field longer than the csv module allows and very deep JSON are clear import errors, not a crash:
the directory and trials imports, through the command line and the back-office import pages."""

import io

import pytest
from sqlalchemy import func, select

from alliance.directory import models as m
from alliance.trials.models import Trial
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client
from tests.integration.trials.test_import import CSV_HEADER

LONG = "x" * 200_000  # the csv module's default limit is 131,072 characters
DEEP_JSON = "[" * 100_000 + "]" * 100_000  # past Python's recursion limit
NESTED_JSON = '{"services": ' + "[" * 100 + "]" * 100 + "}"  # parses, but deeper than anything real

DIRECTORY_CSV = f"id,name,status\nsvc-1,{LONG},active\n"
TRIALS_CSV = (
    CSV_HEADER + f"NCT09960009,{LONG},x,Melanoma,,RECRUITING,18 Years,,ALL,,,,2026-11-01,"
    "Chesterfield Royal Hospital,,North Derbyshire,RECRUITING,,,\n"
)
CASES = [
    ("services.csv", DIRECTORY_CSV, "services.csv line 2: a field is longer than 131,072 characters"),
    ("feed.json", DEEP_JSON, "JSON nested more than 64 levels deep"),
    ("feed.json", NESTED_JSON, "JSON nested more than 64 levels deep"),
]
TRIAL_CASES = [
    ("team.csv", TRIALS_CSV, "file line 2: a field is longer than 131,072 characters"),
    ("search.json", DEEP_JSON, "search.json: not readable JSON: JSON nested more than 64 levels deep"),
    (
        "search.json",
        NESTED_JSON.replace("services", "studies"),
        "search.json: not readable JSON: JSON nested more",
    ),
]


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize(("name", "text", "message"), CASES)
def test_the_directory_import_command_says_what_is_wrong_and_changes_nothing(
    runner, session, tmp_path, name, text, message
):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["directory", "import", str(path)])
    assert result.exit_code == 1 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert message in result.output and "Nothing was changed." in result.output
    assert _count(session, m.Service) == 0


@pytest.mark.parametrize(("name", "text", "message"), CASES)
def test_the_directory_import_page_says_what_is_wrong(app, session, name, text, message):
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))
    html = manager.get("/backoffice/directory/import").get_data(as_text=True)
    response = manager.post(
        "/backoffice/directory/import",
        data={
            "csrf_token": csrf_token(html),
            "mode": "import",
            "datafile": (io.BytesIO(text.encode()), name),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert f"The file cannot be read: {message}" in response.get_data(as_text=True)
    assert _count(session, m.Service) == 0


@pytest.mark.parametrize(("name", "text", "message"), TRIAL_CASES)
def test_the_trials_import_command_reports_the_file_as_skipped(
    runner, session, tmp_path, name, text, message
):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(args=["trials", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert f"skipped {message}" in result.output and "0 added" in result.output
    assert _count(session, Trial) == 0


@pytest.mark.parametrize(("name", "text", "message"), TRIAL_CASES)
def test_the_trials_import_page_reports_the_file_as_skipped(app, session, name, text, message):
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="rm@example.nhs.uk"))
    html = manager.get("/backoffice/research/trials/import").get_data(as_text=True)
    response = manager.post(
        "/backoffice/research/trials/import",
        data={"csrf_token": csrf_token(html), "datafile": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _count(session, Trial) == 0
