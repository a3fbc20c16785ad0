"""`flask retention run`: delete survey responses kept past their retention time, and erase the contact
details of people registered for events that ended long enough ago (run daily from cron)."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.bulletin import services as bulletin
from alliance.events import services as events
from alliance.surveys import drafts
from alliance.surveys.retention import run

retention_cli = AppGroup("retention", help="Retention: survey responses and event registrations.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted.")
def run_command(dry_run: bool) -> None:
    """Delete survey responses kept past their retention time, unfinished answers past
    SURVEY_DRAFT_HOURS, and event registrants' details EVENT_RETENTION_DAYS after the event, and e-bulletin sign-ups
    not confirmed within BULLETIN_CONFIRM_HOURS (run daily from cron)."""
    from alliance.extensions import db

    months, hours, now = (
        current_app.config["SURVEY_RETENTION_MONTHS"],
        current_app.config["SURVEY_DRAFT_HOURS"],
        datetime.now(UTC),
    )
    due = run(db.session, now, months, dry_run=dry_run)
    unfinished = drafts.purge(db.session, now, hours, dry_run=dry_run)
    event_days = current_app.config["EVENT_RETENTION_DAYS"]
    erased = events.erase_past(db.session, now, event_days, dry_run=dry_run)
    confirm_hours = current_app.config["BULLETIN_CONFIRM_HOURS"]
    expired = bulletin.expire_unconfirmed(db.session, now, confirm_hours, dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Would delete" if dry_run else "Deleted"
    for item in due:
        click.echo(
            f"{verb} {item.responses} responses and {item.equality} equality rows from "
            f"{item.slug} version {item.version} (closed {item.closed.date().isoformat()})"
        )
    total = sum(item.responses for item in due)
    click.echo(f"{verb} {total} responses from {len(due)} survey versions")
    click.echo(f"{verb} {unfinished} unfinished sets of answers not touched for {hours} hours")
    erase = "Would erase" if dry_run else "Erased"
    click.echo(f"{erase} the details of {erased} event registrations, {event_days} days after their events")
    click.echo(f"{verb} {expired} e-bulletin sign-ups not confirmed within {confirm_hours} hours")
