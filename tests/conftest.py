"""Fixtures: an app per database engine with a clean database for every test, and a page-checking client.

SQLite always runs. PostgreSQL runs when TEST_DATABASE_URL is set; with REQUIRE_POSTGRES=1 (as CI
sets) its absence is an error, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

import html5lib
import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from alliance import create_app
from alliance.database import Base
from alliance.extensions import db

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
ENGINES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_sessionstart(session):
    if os.environ.get("REQUIRE_POSTGRES") == "1" and not POSTGRES_URL:
        raise pytest.UsageError(
            "REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set: PostgreSQL tests would not run"
        )


class PageCheckingClient(FlaskClient):
    """Every HTML page fetched must parse, have a title, lang and dir, and no duplicate ids."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if response.mimetype == "text/html" and response.status_code != 304 and not response.is_streamed:
            check_page(response.get_data(as_text=True))
        return response


def check_page(html: str) -> None:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    document = parser.parse(html)
    problems = [f"{parser.errors[i]}" for i in range(len(parser.errors))]
    assert not problems, f"HTML parse errors: {problems[:5]}"
    root = document
    assert root.tag == "html"
    assert root.get("lang"), "<html> has no lang"
    assert root.get("dir") in ("ltr", "rtl"), "<html> has no dir"
    title = root.find("head/title")
    assert title is not None and (title.text or "").strip(), "page has no title"
    ids = Counter(element.get("id") for element in root.iter() if element.get("id"))
    duplicates = [value for value, count in ids.items() if count > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"


def _url_for(engine: str, tmp_path_factory) -> str:
    if engine == "postgresql":
        return POSTGRES_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", params=ENGINES)
def engine_app(request, tmp_path_factory):
    """One app per engine for the whole run, its schema made by the migrations."""
    url = _url_for(request.param, tmp_path_factory)
    if request.param == "postgresql":
        _reset_postgres(url)
    app = create_app(
        "test",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(tmp_path_factory.mktemp("search")),
        },
    )
    app.test_client_class = PageCheckingClient
    with app.app_context():
        db.upgrade()
    app.config["ENGINE_NAME"] = request.param
    yield app
    with app.app_context():
        db.engine.dispose()


def _deletion_order() -> list:
    """Tables ordered so that each is emptied before any table it refers to (use_alter keys included)."""
    tables = list(Base.metadata.tables.values())
    refers = {
        t.name: {fk.column.table.name for fk in t.foreign_keys if fk.column.table is not t} for t in tables
    }
    order, left = [], {t.name: t for t in tables}
    while left:
        ready = [name for name in left if not any(name in refers[other] for other in left if other != name)]
        if not ready:
            raise RuntimeError(f"cyclic foreign keys among {sorted(left)}")
        for name in sorted(ready):
            order.append(left.pop(name))
    return order


def _empty_tables(app) -> None:
    with app.app_context(), db.engine.begin() as connection:
        for table in _deletion_order():
            connection.execute(table.delete())


@pytest.fixture
def app(engine_app):
    # No app context is held open here: each request must get its own, as in production.
    _empty_tables(engine_app)
    # The ORUK feed files are per directory version, kept beside the search indexes: a test starts
    # on a node that has built none, as its tables start empty.
    shutil.rmtree(Path(engine_app.config["SEARCH_INDEX_DIR"]) / "oruk-feeds", ignore_errors=True)
    return engine_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """A database session of its own, for calling services directly."""
    session = app.extensions["db"]["sessionmaker"]()
    yield session
    session.close()
