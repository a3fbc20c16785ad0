"""`flask trials ...`: import trial records, fetch from ClinicalTrials.gov, list stale trials."""

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.extensions import db
from alliance.trials import fetcher, services

trials_cli = AppGroup("trials", help="Clinical trials.")


def _report(report: services.ImportReport) -> None:
    for line in report.skipped:
        click.echo(f"skipped {line}", err=True)
    click.echo(report.summary())


@trials_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def import_command(path: Path) -> None:
    """Import ClinicalTrials.gov v2 JSON (a study, a saved search or a folder) or a research team's CSV."""
    report = services.import_path(db.session, path, services.area_from_config(current_app.config))
    db.session.commit()
    _report(report)


@trials_cli.command("fetch")
def fetch_command() -> None:
    """Fetch the configured search from ClinicalTrials.gov and import trials with a local site."""
    try:
        studies = list(fetcher.fetch_studies(current_app.config))
    except fetcher.FetchDisabled as error:
        raise click.ClickException(str(error)) from None
    except (fetcher.FetchError, OSError) as error:
        raise click.ClickException(f"Fetch failed, nothing imported: {error}") from None
    report = services.import_studies(db.session, studies, services.area_from_config(current_app.config))
    db.session.commit()
    _report(report)


@trials_cli.command("stale")
def stale_command() -> None:
    """Open trials not updated for TRIALS_STALE_DAYS: check them with the research team."""
    days = current_app.config["TRIALS_STALE_DAYS"]
    rows = services.stale_trials(db.session, date.today(), days)
    for trial in rows:
        click.echo(f"{trial.last_updated or 'never':10}  {trial.registry_id:16}  {trial.title}")
    click.echo(f"{len(rows)} open trials not updated for {days} days")
