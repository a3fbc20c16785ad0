"""`flask db current`, `flask db history` and `flask db downgrade [REV]`: the schema's migrations, as
Alembic sees them (`flask db upgrade` is in alliance.cli)."""

from __future__ import annotations

import click
from alembic.util import CommandError
from flask import Flask

from alliance.cli import db_cli
from alliance.extensions import db


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and whether it is the newest."""
    current, head = db.current_revision(), db.head_revision()
    state = "the newest" if current == head else f"behind the newest, {head}: run `flask db upgrade`"
    click.echo(f"Database at revision {current or 'none (empty database)'}, {state}")


@db_cli.command("history")
def db_history() -> None:
    """List every migration, newest first, marking the newest and the database's own."""
    for item in db.history():
        marks = [word for word, on in (("newest", item["head"]), ("current", item["current"])) if on]
        suffix = f" ({', '.join(marks)})" if marks else ""
        click.echo(f"{item['revision']} {item['title']}{suffix}")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_downgrade(revision: str, yes: bool) -> None:
    """Undo migrations down to REVISION (default: undo the newest applied one). Drops their data."""
    if not yes:
        click.confirm(
            f"Undo migrations from {db.current_revision()} down to {revision}? Their tables and columns, "
            "with the data in them, are dropped",
            abort=True,
        )
    try:
        db.downgrade(revision)
    except CommandError as error:
        raise click.ClickException(f"{error}. Nothing was changed; `flask db history` lists them.") from None
    click.echo(f"Database at revision {db.current_revision() or 'none (empty database)'}")


def init_app(app: Flask) -> None:
    """The commands join `flask db` when this module is imported; nothing else to bind."""
