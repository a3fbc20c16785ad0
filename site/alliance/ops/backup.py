"""`flask db backup PATH` and `flask db restore PATH` for SQLite, through sqlite3's online backup API.

The backup API copies a consistent snapshot page by page while the site keeps serving (WAL readers
and writers wait at most a moment). PostgreSQL has its own tools: pg_dump and pg_restore, described
in docs/deploy.md.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import click
from flask import Flask
from sqlalchemy.engine import make_url

from alliance.cli import db_cli
from alliance.extensions import db

POSTGRES_ADVICE = (
    "This database is PostgreSQL: use pg_dump -Fc to back it up and pg_restore to restore it "
    "(see 'Backups and restoring' in docs/deploy.md)."
)


class BackupError(RuntimeError):
    pass


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(POSTGRES_ADVICE)
    if url.database in (None, "", ":memory:"):
        raise BackupError("This database lives in memory only: there is no file to back up or restore.")
    return Path(url.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # 1024 pages a step, so other connections get the database between steps on a large file.
    source.backup(target, pages=1024)


def backup(database_url: str, destination: Path) -> int:
    """Copy the live database to `destination` (a new file); returns its size in bytes."""
    live = sqlite_path(database_url)
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file name.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.partial")
    source = sqlite3.connect(live)
    target = sqlite3.connect(partial)
    try:
        _copy(source, target)
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        (result,) = target.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise BackupError(
                f"The copy failed its integrity check ({result}); the live database is untouched."
            )
    finally:
        target.close()
        source.close()
    partial.rename(destination)
    return destination.stat().st_size


def _check_backup_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file.")
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (result,) = connection.execute("PRAGMA integrity_check").fetchone()
            has_schema = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        raise BackupError(f"{path} is not a SQLite database.") from None
    if result != "ok":
        raise BackupError(f"{path} failed its integrity check ({result}); nothing was restored.")
    if not has_schema:
        raise BackupError(f"{path} is not a backup of this site (it has no migration history).")


def _versions(connection: sqlite3.Connection) -> dict[str, int]:
    try:
        return dict(connection.execute("SELECT name, version FROM index_versions").fetchall())
    except sqlite3.OperationalError:
        return {}


def restore(database_url: str, source_path: Path) -> None:
    """Replace the live database's contents with the backup at `source_path`, in place."""
    live = sqlite_path(database_url)
    _check_backup_file(source_path)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        before = _versions(target)
        _copy(source, target)
        # The restored counters are older than ones every node has already seen. Moving each past
        # both, with a new token, makes every node drop cached pages and rebuild search indexes
        # rather than match an old version number with newer content.
        after = _versions(target)
        with target:
            for name in set(before) | set(after):
                version = max(before.get(name, 0), after.get(name, 0)) + 1
                target.execute(
                    "INSERT INTO index_versions (name, version, token, updated_at) "
                    "VALUES (?, ?, ?, CURRENT_TIMESTAMP) "
                    "ON CONFLICT (name) DO UPDATE SET version = excluded.version, token = excluded.token",
                    (name, version, uuid.uuid4().hex),
                )
    finally:
        target.close()
        source.close()


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the site keeps serving."""
    try:
        size = backup(str(db.engine.url), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up to {path} ({size:,} bytes)")


@db_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the SQLite database's contents with the backup at PATH."""
    try:
        sqlite_path(str(db.engine.url))
        if not yes:
            click.confirm(f"Replace everything in the database with {path}?", abort=True)
        restore(str(db.engine.url), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored from {path}. Run flask db upgrade if the backup predates the code.")


def init_app(app: Flask) -> None:
    """The commands join `flask db` when this module is imported; nothing else to bind."""
