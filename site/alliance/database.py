"""The database: SQLAlchemy 2 engine and sessions, SQLite tuned for concurrent writers, Alembic."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from sqlalchemy import DateTime, MetaData, String, Text, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Stable constraint names so migrations behave the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _compare_type(context, _inspected_column, _metadata_column, inspected_type, metadata_type):
    """Alembic's type comparison, except that on SQLite a VARCHAR(n) and a TEXT column are the same: SQLite
    gives both TEXT affinity and enforces no length, and its migrations leave them as they are rather than
    copy whole tables (which would cascade deletes). None: compare as Alembic does."""
    if (
        context.dialect.name == "sqlite"
        and isinstance(inspected_type, String)
        and isinstance(metadata_type, String)
        and (isinstance(inspected_type, Text) or isinstance(metadata_type, Text))
    ):
        return False
    return None


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True)}


def utcnow() -> datetime:
    return datetime.now(UTC)


def make_engine(url: str, busy_timeout_ms: int = 5000) -> Engine:
    """The engine for `url`. SQL parameters (typed emails, free text, equality answers) never appear
    in the messages of its errors, so a logged database error cannot carry them (hide_parameters)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        if not in_memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
            # One shared connection keeps an in-memory database alive across sessions.
            **({"poolclass": StaticPool} if in_memory else {}),
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            if not in_memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, hide_parameters=True, pool_pre_ping=True, pool_size=5, max_overflow=10)


class Database:
    """Holds the engine per app; `db.session` is one session per app context, closed at teardown."""

    def init_app(self, app: Flask) -> None:
        engine = make_engine(app.config["DATABASE_URL"], app.config["SQLITE_BUSY_TIMEOUT_MS"])
        app.extensions["db"] = {
            "engine": engine,
            "sessionmaker": sessionmaker(engine, expire_on_commit=False),
        }

        @app.teardown_appcontext
        def _close_session(_exc: BaseException | None) -> None:
            session = g.pop("_db_session", None)
            if session is not None:
                session.close()

    @property
    def engine(self) -> Engine:
        return current_app.extensions["db"]["engine"]

    @property
    def session(self) -> Session:
        if "_db_session" not in g:
            g._db_session = current_app.extensions["db"]["sessionmaker"]()
        return g._db_session

    def alembic_config(self) -> AlembicConfig:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["engine"] = self.engine
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Apply migrations: the only way the schema changes, in development, tests and production."""
        command.upgrade(self.alembic_config(), revision)

    def downgrade(self, revision: str = "-1") -> None:
        """Undo migrations down to `revision` ("-1": the one before the current, "base": all)."""
        command.downgrade(self.alembic_config(), revision)

    def history(self) -> list[dict]:
        """Every migration, newest first: revision, the one it follows, its title, head and current."""
        from alembic.script import ScriptDirectory

        current = self.current_revision()
        return [
            {
                "revision": script.revision,
                "down_revision": script.down_revision,
                "title": (script.doc or "").strip(),
                "head": script.is_head,
                "current": script.revision == current,
            }
            for script in ScriptDirectory.from_config(self.alembic_config()).walk_revisions()
        ]

    def schema_differences(self) -> list:
        """What Alembic's autogenerate finds between the models and the database (empty: they agree)."""
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        import alliance.models  # noqa: F401  (registers every table on Base.metadata)

        with self.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": _compare_type})
            return compare_metadata(context, Base.metadata)

    def current_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def head_revision(self) -> str | None:
        from alembic.script import ScriptDirectory

        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()
