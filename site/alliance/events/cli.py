"""`flask events remind`: queue reminders for events starting soon (run hourly from cron)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.database import utcnow
from alliance.events import services

events_cli = AppGroup("events", help="Events and registrations.")


@events_cli.command("remind")
def remind_command() -> None:
    """Queue a reminder email for each booked place at an event starting within EVENT_REMINDER_HOURS."""
    from alliance.extensions import db

    hours = int(current_app.config["EVENT_REMINDER_HOURS"])
    # Links in the emails are built for SITE_URL, as in a request to the site itself.
    with current_app.test_request_context("/", base_url=current_app.config["SITE_URL"]):
        sent = services.send_reminders(db.session, utcnow(), hours)
    click.echo(f"Queued {sent} reminders for events starting in the next {hours} hours")
