"""A directory import on SQLite holds the write lock only while it writes, so the public's and staff's
writes made meanwhile wait and succeed; an import larger than SQLite should take is refused."""

from __future__ import annotations

import json
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.directory import generator, import_read, import_write
from alliance.directory.models import ProblemReport, Service
from alliance.directory.seed import seed_directory
from alliance.extensions import limiter
from alliance.pages import services as page_services
from alliance.pages import workflow
from alliance.pages.models import Page, PageRevision
from alliance.surveys import seeding
from alliance.surveys.models import Response
from tests.factories import make_staff
from tests.integration.surveys.conftest import SLUG, answer_all, send

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "content"
REPORT = "/en/support/services/22a45d33-86d7-5748-b926-b886aefb4946/report-a-problem"
# About 14,700 rows: the largest import SQLite takes (import_write.SQLITE_MAX_IMPORT_ROWS is 15,000).
SERVICES = 1000


def _feed(tmp_path, count: int) -> Path:
    path = tmp_path / "feed.json"
    path.write_text(
        json.dumps(generator.generate(count, 11, ROOT / "content" / "directory")), encoding="utf-8"
    )
    return path


@pytest.fixture
def sqlite_app(app):
    if app.config["ENGINE_NAME"] != "sqlite":
        pytest.skip("the write lock that makes other writers wait is SQLite's")
    return app


def test_an_import_of_the_largest_size_allowed_runs_alongside_fifteen_writers_and_none_fails(
    sqlite_app, session, tmp_path
):
    app = sqlite_app
    with app.app_context():
        limiter.reset()
        seed_directory(session, ROOT / "content")
    seeding.seed_surveys(session, ROOT / "content")
    page_services.seed_pages(session, FIXTURES)
    editor = make_staff(session, roles="editor")
    batch = import_read.read_path(_feed(tmp_path, SERVICES))
    rows = sum(len(r) for r in batch.rows.values())
    assert 14_000 < rows <= import_write.SQLITE_MAX_IMPORT_ROWS

    writing = threading.Event()  # set once the import holds the write lock (its first table is written)
    failures: list[str] = []
    outcomes: list[str] = []

    def run_import() -> None:
        with app.app_context():
            own = app.extensions["db"]["sessionmaker"]()
            try:
                report = import_write.apply(
                    own, batch, progress=lambda line: writing.set() if "written" in line else None
                )
                outcomes.append("import ok" if report.ok else f"import refused: {report.lines()[:2]}")
            except Exception as error:
                failures.append(f"import: {error!r}")
            finally:
                writing.set()
                own.close()

    def survey_submission(number: int) -> None:
        client = app.test_client()
        html = answer_all(client, "en", SLUG)
        writing.wait(60)
        sent = send(client, "en", SLUG, html)
        outcomes.append(f"survey {number}: {sent.status_code}")

    def problem_report(number: int) -> None:
        client = app.test_client()
        page = client.get(REPORT)
        writing.wait(60)
        token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
        sent = client.post(
            REPORT, data={"problem": "opening", "details": f"report {number}", "csrf_token": token}
        )
        outcomes.append(f"report {number}: {sent.status_code}")

    def content_save(slug: str, lang: str) -> None:
        own = app.extensions["db"]["sessionmaker"]()
        try:
            page = own.scalar(select(Page).where(Page.slug == slug))
            latest = page_services.latest_revision(own, page.id, lang)
            draft = workflow.Draft(
                title=f"{latest.title} (saved during an import)",
                summary=latest.summary,
                body=latest.body,
                last_reviewed=latest.last_reviewed or date(2026, 11, 22),
                next_review_due=latest.next_review_due or date(2027, 11, 22),
                sources=json.loads(latest.sources or "[]")
                or [{"title": "NHS", "url": "https://www.nhs.uk/"}],
            )
            writing.wait(60)
            workflow.save_draft(own, slug, lang, draft, editor.id, latest.id)
            own.commit()
            outcomes.append(f"content {slug}/{lang}: saved")
        finally:
            own.close()

    def guarded(work, *args) -> None:
        try:
            work(*args)
        except Exception as error:  # recorded, so the test names what failed rather than a thread dying
            failures.append(f"{work.__name__}{args}: {error!r}")

    writers = (
        [threading.Thread(target=guarded, args=(survey_submission, n)) for n in range(7)]
        + [threading.Thread(target=guarded, args=(problem_report, n)) for n in range(5)]
        + [
            threading.Thread(target=guarded, args=(content_save, slug, lang))
            for slug, lang in (("example", "en"), ("example", "ur"), ("example-easy-read", "en"))
        ]
    )
    assert len(writers) == 15
    importer_thread = threading.Thread(target=run_import)
    importer_thread.start()
    for thread in writers:
        thread.start()
    for thread in [importer_thread, *writers]:
        thread.join(120)

    assert failures == []
    assert sorted(outcomes) == sorted(
        ["import ok"]
        + [f"survey {n}: 303" for n in range(7)]
        + [f"report {n}: 303" for n in range(5)]
        + ["content example/en: saved", "content example/ur: saved", "content example-easy-read/en: saved"]
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Response)) == 7
    assert session.scalar(select(func.count()).select_from(ProblemReport)) == 5
    assert (
        session.scalar(
            select(func.count()).select_from(PageRevision).where(PageRevision.author_id == editor.id)
        )
        == 3
    )
    assert session.scalar(select(func.count()).select_from(Service)) >= SERVICES
    with app.app_context():
        limiter.reset()


def test_a_larger_import_is_refused_on_sqlite_naming_postgresql_and_writes_nothing(app, session, tmp_path):
    batch = import_read.read_path(_feed(tmp_path, 3))
    rows = sum(len(r) for r in batch.rows.values())
    with app.app_context():
        report = import_write.apply(session, batch, sqlite_max_rows=rows - 1)
    if app.config["ENGINE_NAME"] == "sqlite":
        assert not report.ok
        [problem] = report.problems
        assert f"{rows:,} rows is more than one import may write to an SQLite database" in str(problem)
        assert "PostgreSQL" in str(problem)
        assert session.scalar(select(func.count()).select_from(Service)) == 0
    else:  # PostgreSQL takes any size
        assert report.ok and report.created["services"] == 3


def test_the_import_command_says_why_a_too_large_sqlite_import_was_refused(
    app, runner, tmp_path, monkeypatch
):
    monkeypatch.setattr(import_write, "SQLITE_MAX_IMPORT_ROWS", 5)
    path = _feed(tmp_path, 3)
    result = runner.invoke(args=["directory", "import", str(path)])
    if app.config["ENGINE_NAME"] == "sqlite":
        assert result.exit_code != 0
        assert "more than one import may write to an SQLite database (5)" in result.output
    else:
        assert result.exit_code == 0, result.output
