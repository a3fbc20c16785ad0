import sqlite3
import threading

import pytest
from sqlalchemy import text

from alliance.accounts import services
from alliance.extensions import db
from alliance.ops import backup
from alliance.search import index


def _rows(app, sql):
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(text(sql)).fetchall()


def _sqlite_only(app):
    if app.config["ENGINE_NAME"] != "sqlite":
        pytest.skip("backup and restore through sqlite3 are for SQLite databases")


def test_backup_then_restore_brings_back_the_data_as_it_was(app, runner, tmp_path, session):
    _sqlite_only(app)
    services.audit(session, "example.before-backup")
    index.bump(session, "example-index")
    session.commit()
    target = tmp_path / "backups" / "site.db"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backed up to" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert copy.execute("SELECT version FROM index_versions WHERE name='example-index'").fetchone() == (
            1,
        )

    services.audit(session, "example.after-backup")
    for _ in range(4):
        index.bump(session, "example-index")
    index.bump(session, "made-later")
    session.commit()

    result = runner.invoke(args=["db", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    actions = [row[0] for row in _rows(app, "SELECT action FROM audit_events")]
    assert actions == ["example.before-backup"]
    names = dict(_rows(app, "SELECT name, version FROM index_versions"))
    # Counters move past every number any node has seen (5 before the restore), so no node trusts
    # a cached page or index built from the data the restore threw away.
    assert names["example-index"] == 6
    assert names["made-later"] == 2


def test_restore_moves_index_tokens_on_so_every_node_rebuilds(app, runner, tmp_path, session):
    _sqlite_only(app)
    index.bump(session, "example-index")
    session.commit()
    token_before = index.current_token(session, "example-index")
    target = tmp_path / "site.db"
    assert runner.invoke(args=["db", "backup", str(target)]).exit_code == 0
    assert runner.invoke(args=["db", "restore", str(target), "--yes"]).exit_code == 0
    session.rollback()
    assert index.current_token(session, "example-index") != token_before


def test_backup_works_while_another_connection_keeps_writing(app, tmp_path):
    _sqlite_only(app)
    path = backup.sqlite_path(app.config["DATABASE_URL"])
    stop = threading.Event()
    written = []

    def writer():
        connection = sqlite3.connect(path, timeout=5)
        number = 0
        while not stop.is_set():
            number += 1
            with connection:
                connection.execute(
                    "INSERT INTO index_versions (name, version, token, updated_at) VALUES (?, 1, 't', '2026-01-01')",
                    (f"w{number}",),
                )
            written.append(number)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            pass
        size = backup.backup(app.config["DATABASE_URL"], tmp_path / "live.db")
    finally:
        stop.set()
        thread.join()
    assert size > 0
    with sqlite3.connect(tmp_path / "live.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        copied = copy.execute("SELECT count(*) FROM index_versions WHERE name LIKE 'w%'").fetchone()[0]
    assert 20 <= copied <= len(written)


def test_backup_refuses_to_overwrite_an_existing_file(app, runner, tmp_path):
    _sqlite_only(app)
    target = tmp_path / "exists.db"
    target.write_bytes(b"precious")
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert target.read_bytes() == b"precious"


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(app, runner, tmp_path, session):
    _sqlite_only(app)
    index.bump(session, "example-index")
    session.commit()
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    result = runner.invoke(args=["db", "restore", str(junk), "--yes"])
    assert result.exit_code == 1
    assert "not a SQLite database" in result.output
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    result = runner.invoke(args=["db", "restore", str(other), "--yes"])
    assert result.exit_code == 1
    assert "not a backup of this site" in result.output
    assert dict(_rows(app, "SELECT name, version FROM index_versions")) == {"example-index": 1}


def test_restore_asks_before_replacing_everything(app, runner, tmp_path):
    _sqlite_only(app)
    target = tmp_path / "site.db"
    assert runner.invoke(args=["db", "backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["db", "restore", str(target)], input="n\n")
    assert result.exit_code == 1
    assert "Replace everything" in result.output


def test_backup_and_restore_refuse_postgresql_and_point_at_pg_dump(app, runner, tmp_path):
    if app.config["ENGINE_NAME"] != "postgresql":
        with pytest.raises(backup.BackupError, match="pg_dump"):
            backup.sqlite_path("postgresql+psycopg://user@db.example/alliance")
        return
    for command in (
        ["db", "backup", str(tmp_path / "x.db")],
        ["db", "restore", str(tmp_path / "x.db"), "--yes"],
    ):
        result = runner.invoke(args=command)
        assert result.exit_code == 1
        assert "pg_dump" in result.output and "docs/deploy.md" in result.output
    assert not (tmp_path / "x.db").exists()
