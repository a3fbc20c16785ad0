"""With the database unreachable every page is the site's own "service unavailable" page (503, Retry-After,
the site's layout and headers, in the reader's language), a cached copy of a public page is still served,
and no SQL parameter (a typed email, free text) reaches the logs.

The database is really unreachable: PostgreSQL on a port where nothing listens, a scratch PostgreSQL
database dropped under the app (when TEST_DATABASE_URL is set), an SQLite path that is a folder.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from alliance import create_app
from alliance.extensions import db
from tests.conftest import PageCheckingClient

ROOT = Path(__file__).resolve().parents[3]
ROUTES = ROOT / "tests" / "integration" / "routes.txt"
POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
UNAVAILABLE = {
    "en": "Sorry, the service is unavailable",
    "ar": "عذرًا، الخدمة غير متاحة",
    "bn": "দুঃখিত, সেবাটি এখন পাওয়া যাচ্ছে না",
    "ckb": "ببورە، خزمەتگوزارییەکە بەردەست نییە",
    "pa": "ਮਾਫ਼ ਕਰਨਾ, ਸੇਵਾ ਉਪਲਬਧ ਨਹੀਂ ਹੈ",
    "pl": "Przepraszamy, usługa jest niedostępna",
    "ro": "Ne pare rău, serviciul nu este disponibil",
    "sk": "Prepáčte, služba nie je dostupná",
    "so": "Waan ka xunnahay, adeeggu hadda lama heli karo",
    "ur": "معذرت، سروس دستیاب نہیں ہے",
    "zh": "抱歉，服务暂不可用",
}
PLACEHOLDER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
FILLERS = {"lang": "en", "slug": "screening", "part": "1", "page": "1", "step": "1", "locality": "sheffield"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _app(url: str, search_dir: str, **extra):
    app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": search_dir, **extra})
    app.test_client_class = PageCheckingClient
    return app


def _admin_url() -> str:
    return POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"


class ScratchPostgres:
    """A PostgreSQL database of this test's own, migrated, that can be dropped under the app."""

    def __init__(self):
        self.name = f"test_outages_scratch_{uuid.uuid4().hex[:8]}"
        self.url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def create(self) -> None:
        import psycopg

        with psycopg.connect(_admin_url(), autocommit=True) as pg:
            pg.execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(_admin_url(), autocommit=True) as pg:
            pg.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _outages() -> list:
    kinds = [pytest.param("postgresql-nothing-listening", id="postgresql-nothing-listening")]
    kinds.append(pytest.param("sqlite-path-is-a-folder", id="sqlite-path-is-a-folder"))
    if POSTGRES_URL.startswith("postgresql"):
        kinds.append(pytest.param("postgresql-database-dropped", id="postgresql-database-dropped"))
    return kinds


@pytest.fixture(params=_outages())
def down_app(request, tmp_path):
    """An app whose database is unreachable, in one of three real ways."""
    search = str(tmp_path / "search")
    if request.param == "postgresql-nothing-listening":
        yield _app(f"postgresql+psycopg://postgres@127.0.0.1:{_free_port()}/none?connect_timeout=1", search)
    elif request.param == "sqlite-path-is-a-folder":
        (tmp_path / "site.db").mkdir()
        yield _app(f"sqlite:///{tmp_path / 'site.db'}", search)
    else:
        scratch = ScratchPostgres()
        scratch.create()
        try:
            app = _app(scratch.url, search)
            with app.app_context():
                db.upgrade()
            assert app.test_client().get("/readyz").status_code == 200
        finally:
            scratch.drop()
        yield app
        with app.app_context():
            db.engine.dispose()


def _get_paths() -> list[str]:
    paths = []
    for line in ROUTES.read_text().splitlines():
        rule, methods, _endpoint = line.split()
        if "GET" in methods:
            paths.append(PLACEHOLDER.sub(lambda m: FILLERS.get(m.group(1), "x"), rule))
    return paths


def _assert_unavailable_page(response, lang: str = "en") -> None:
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "no-store" in response.headers["Cache-Control"]
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert f"<h1>{UNAVAILABLE[lang]}</h1>" in html
    assert 'class="nhsuk-header' in html and 'class="nhsuk-footer' in html  # the site's layout
    assert "111.nhs.uk" in html


def test_every_page_is_the_sites_own_503_page_never_a_500(down_app, caplog):
    client = down_app.test_client()
    seen = {}
    for path in _get_paths():
        response = client.get(path)
        seen[path] = response.status_code
        assert response.status_code != 500, path
        if response.status_code == 503 and response.mimetype == "text/html":
            _assert_unavailable_page(response)
    # The pages that read the database (nearly all of them) were answered with the 503 page.
    for path in ("/en/", "/en/screening", "/en/support", "/en/surveys/", "/sitemap.xml"):
        assert seen[path] == 503, path
    assert seen["/healthz"] == 200 and seen["/readyz"] == 503
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_forms_posted_while_the_database_is_away_get_the_503_page(down_app):
    client = down_app.test_client()
    down_app.config["WTF_CSRF_ENABLED"] = False
    for path, data in (
        (
            "/en/support/services/22a45d33-86d7-5748-b926-b886aefb4946/report-a-problem",
            {"problem": "opening", "details": "It moved"},
        ),
        ("/en/surveys/erase", {"reference": "AAAA-2222"}),
        ("/backoffice/sign-in", {"email": "someone@example.org", "password": "a long passphrase"}),
        ("/backoffice/password-reset", {"email": "someone@example.org"}),
    ):
        _assert_unavailable_page(client.post(path, data=data))


def test_the_503_page_speaks_each_of_the_ten_languages(down_app):
    client = down_app.test_client()
    for lang in down_app.config["LANGUAGES"]:
        response = client.get(f"/{lang}/")
        _assert_unavailable_page(response, lang)
        assert f'lang="{lang}' in response.get_data(as_text=True)


def test_the_api_answers_503_in_json(down_app):
    response = down_app.test_client().get("/api/oruk/services")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    assert response.json == {"error": "Sorry, the service is unavailable", "status": 503}


def _cached_copy_app(kind: str, tmp_path):
    """A working app with the page cache on, and a function that takes its database away."""
    search = str(tmp_path / "search")
    if kind == "sqlite":
        path = tmp_path / "site.db"
        app = _app(f"sqlite:///{path}", search, PAGE_CACHE=True)

        def take_away() -> None:
            with app.app_context():
                db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            path.mkdir()

        return app, take_away, lambda: None
    scratch = ScratchPostgres()
    scratch.create()
    app = _app(scratch.url, search, PAGE_CACHE=True)

    def cleanup() -> None:
        with app.app_context():
            db.engine.dispose()
        scratch.drop()

    return app, scratch.drop, cleanup


@pytest.mark.parametrize(
    "kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not POSTGRES_URL, reason="no PG"))]
)
def test_a_cached_public_page_is_still_served_when_the_database_goes_away(kind, tmp_path):
    from alliance.pages import services as page_services
    from alliance.search import index

    app, take_away, cleanup = _cached_copy_app(kind, tmp_path)
    try:
        with app.app_context():
            db.upgrade()
            page_services.seed_pages(db.session, ROOT / "tests" / "fixtures" / "content")
            index.rebuild(db.session, app.config["SEARCH_INDEX_DIR"])
        client = app.test_client()
        before = client.get("/en/example")
        assert before.status_code == 200
        take_away()
        app.extensions["content_version"].expire()  # the next request reads the version again, and fails
        after = client.get("/en/example")
        assert after.status_code == 200
        assert after.get_data() == before.get_data()
        _assert_unavailable_page(client.get("/en/support"))  # never cached: the 503 page
    finally:
        cleanup()
        if kind == "sqlite":
            shutil.rmtree(tmp_path / "site.db", ignore_errors=True)


# --- SQL parameters never reach the logs -------------------------------------------------------

TYPED_EMAIL = "kept.private.7731@example.org"
TYPED_TEXT = "The leaflet named my neighbour Zebedee Quartermaine"


def test_a_failed_statement_does_not_carry_its_parameters_in_its_message(app):
    with app.app_context(), pytest.raises(Exception) as caught:
        db.session.execute(text("SELECT * FROM no_such_table WHERE email = :email"), {"email": TYPED_EMAIL})
    assert TYPED_EMAIL not in str(caught.value)
    assert "SQL parameters hidden" in str(caught.value)


@pytest.fixture
def broken_tables(app):
    """The tables that report-a-problem and a reset request write to, renamed away for the test."""
    names = ("directory_problem_reports", "outbox")
    with app.app_context(), db.engine.begin() as connection:
        for name in names:
            connection.execute(text(f"ALTER TABLE {name} RENAME TO {name}_away"))
    yield
    with app.app_context(), db.engine.begin() as connection:
        for name in names:
            connection.execute(text(f"ALTER TABLE {name}_away RENAME TO {name}"))


def test_a_database_error_with_typed_email_and_free_text_leaves_neither_in_the_logs(
    app, session, broken_tables, caplog
):
    from alliance.directory.seed import seed_directory
    from alliance.extensions import limiter

    with app.app_context():
        limiter.reset()
        seed_directory(session, ROOT / "content")
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        report = client.post(
            "/en/support/services/22a45d33-86d7-5748-b926-b886aefb4946/report-a-problem",
            data={"problem": "opening", "details": TYPED_TEXT},
        )
        reset = client.post("/backoffice/password-reset", data={"email": TYPED_EMAIL})
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
        with app.app_context():
            limiter.reset()
    # A missing table is an OperationalError on SQLite (the 503 page), a ProgrammingError on PostgreSQL.
    assert report.status_code in (500, 503) and reset.status_code in (500, 503)
    # Everything logged, as a log handler formats it (tracebacks included), and the JSON fields.
    logged = caplog.text + "\n".join(repr(getattr(record, "fields", "")) for record in caplog.records)
    assert "Unhandled error" in logged or "Database unavailable" in logged  # logged, by type and place
    assert TYPED_EMAIL.lower() not in logged.lower() and "Zebedee" not in logged
