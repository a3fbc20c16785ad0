"""`flask mail send`: deliver the outbox. Once for cron (then exit), or `--loop` beside a server."""

from __future__ import annotations

import signal
import threading
import time

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.outbox import services, transports

mail_cli = AppGroup("mail", help="Outgoing mail (the outbox).")


def _line(report: services.SendReport) -> str:
    line = f"sent {report.sent}, to retry {report.retrying}, failed {report.failed}"
    line += f", nothing to send {report.dropped}" if report.dropped else ""
    return line + (f", taken by another sender {report.skipped}" if report.skipped else "")


@mail_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (Ctrl-C or SIGTERM).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between looks (MAIL_LOOP_SECONDS).",
)
def send_command(loop: bool, interval: float | None) -> None:
    """Send the mail that is due, then exit (for cron); with --loop, keep going."""
    from alliance.extensions import db

    transport = transports.from_config(current_app.config)
    policy = services.Policy.from_config(current_app.config)
    keep_days = int(current_app.config["MAIL_KEEP_DAYS"])
    if not loop:
        click.echo(_line(services.send_all_due(db.session, transport, policy, current_app.config)))
        removed = services.prune(db.session, keep_days)
        if removed:
            click.echo(f"removed {removed} messages sent or set aside more than {keep_days} days ago")
        return
    interval = interval or float(current_app.config["MAIL_LOOP_SECONDS"])
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"mail: sending every {interval:g} s through {current_app.config['MAIL_TRANSPORT']}")
    next_prune = 0.0
    try:
        while not stop.is_set():
            try:
                report = services.send_all_due(db.session, transport, policy, current_app.config)
            except Exception as error:  # the database may be briefly away; try again next time
                db.session.rollback()
                click.echo(f"mail: {error.__class__.__name__}: {error}", err=True)
            else:
                if report.handled:
                    click.echo(f"mail: {_line(report)}")
                if time.monotonic() >= next_prune:
                    services.prune(db.session, keep_days)
                    next_prune = time.monotonic() + 3600
            stop.wait(interval)
    except KeyboardInterrupt:
        pass
    click.echo("mail: stopped")
