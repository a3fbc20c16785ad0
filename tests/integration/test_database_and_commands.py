from sqlalchemy import select, text

from alliance.accounts.models import AuditEvent, StaffUser
from alliance.accounts.permissions import ROLES
from alliance.accounts.services import check_password, password_hasher
from alliance.extensions import db


def test_the_schema_is_at_the_newest_migration(app):
    with app.app_context():
        assert db.current_revision() == db.head_revision()


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(app):
    if app.config["ENGINE_NAME"] != "sqlite":
        return
    with app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_create_admin_makes_an_administrator_whose_password_works(app, runner, session):
    result = runner.invoke(
        args=[
            "users",
            "create-admin",
            "--email",
            "Admin@Example.NHS.uk",
            "--name",
            "Ada Admin",
            "--password",
            "a long enough passphrase",
        ]
    )
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser))
    assert user.email == "admin@example.nhs.uk" and user.role_set == {"administrator"}
    assert user.password_hash.startswith("$argon2id$")
    hasher = password_hasher(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    assert check_password(session, "admin@example.nhs.uk", "a long enough passphrase", hasher) == user.id
    assert check_password(session, "admin@example.nhs.uk", "wrong password!!", hasher) is None


def test_create_admin_refuses_a_short_password_and_a_second_account_with_the_same_email(runner):
    short = runner.invoke(
        args=["users", "create-admin", "--email", "a@b.nhs.uk", "--name", "A", "--password", "short"]
    )
    assert short.exit_code != 0 and "12 characters" in short.output
    ok = ["users", "create-admin", "--email", "a@b.nhs.uk", "--name", "A", "--password", "twelve chars ok"]
    assert runner.invoke(args=ok).exit_code == 0
    again = runner.invoke(args=ok)
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_makes_an_account_with_every_role_given_and_no_other(app, runner, session):
    args = ["users", "create", "--email", "Ed@Example.NHS.uk", "--name", "Ed Editor"]
    args += ["--role", "editor", "--role", "publisher", "--password", "a long enough passphrase"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert "editor, publisher" in result.output
    user = session.scalar(select(StaffUser).where(StaffUser.email == "ed@example.nhs.uk"))
    assert user.role_set == {"editor", "publisher"}
    hasher = password_hasher(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    assert check_password(session, "ed@example.nhs.uk", "a long enough passphrase", hasher) == user.id
    entry = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert entry.target == "Ed@Example.NHS.uk"


def test_users_create_refuses_an_unknown_role_naming_the_known_ones_and_creates_nothing(runner, session):
    args = ["users", "create", "--email", "m@b.nhs.uk", "--name", "M", "--role", "moderator"]
    result = runner.invoke(args=[*args, "--role", "superuser", "--password", "twelve chars ok"])
    assert result.exit_code == 2
    assert "superuser" in result.output
    for role in ROLES:
        assert role in result.output
    assert session.scalar(select(StaffUser)) is None


def test_users_create_needs_at_least_one_role(runner, session):
    result = runner.invoke(
        args=["users", "create", "--email", "n@b.nhs.uk", "--name", "N", "--password", "x" * 12]
    )
    assert result.exit_code == 2 and "--role" in result.output
    assert session.scalar(select(StaffUser)) is None


def test_search_rebuild_runs_in_place_and_bumps_each_index_version(runner):
    first = runner.invoke(args=["search", "rebuild"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["search", "rebuild"])
    assert second.exit_code == 0, second.output


def _snapshot(session) -> dict:
    from alliance.database import Base

    return {
        table.name: sorted(map(repr, session.execute(table.select()).all()))
        for table in Base.metadata.sorted_tables
    }


def test_seed_twice_changes_nothing_the_second_time(runner, session):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    after_first = _snapshot(session)
    session.rollback()
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    assert _snapshot(session) == after_first
