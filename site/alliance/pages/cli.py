"""`flask pages ...`: export content, and the staff reports on review dates and translations."""

from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.extensions import db
from alliance.pages import services

pages_cli = AppGroup("pages", help="Content pages.")


@pages_cli.command("export")
@click.option(
    "--to", "target", type=click.Path(file_okay=False, path_type=Path), help="Folder (default: content/)"
)
def export(target: Path | None) -> None:
    """Write every published page back to content/pages in the canonical format."""
    written = services.export_pages(db.session, target or Path(current_app.config["CONTENT_DIR"]))
    click.echo(f"Wrote {written} page files")


@pages_cli.command("overdue")
def overdue() -> None:
    """List pages whose next review date has passed, by owner."""
    rows = services.overdue_pages(db.session, date.today())
    owner = None
    for row in rows:
        if row["owner"] != owner:
            owner = row["owner"]
            click.echo(f"{owner}:")
        click.echo(f"  {row['next_review_due']}  {row['slug']}  {row['title']}")
    click.echo(f"{len(rows)} pages overdue for review")


@pages_cli.command("translations")
@click.option("--status", type=click.Choice(["missing", "current", "out-of-date"]), help="Only this status")
def translations(status: str | None) -> None:
    """Every page in every language: missing, current or out of date, and its review status."""
    rows = services.translation_status(db.session, current_app.config["LANGUAGES"])
    shown = [row for row in rows if status is None or row["status"] == status]
    for row in shown:
        click.echo(f"{row['lang']:4} {row['status']:12} {row['review_status'] or '':28} {row['slug']}")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    click.echo(", ".join(f"{count} {name}" for name, count in sorted(counts.items())))


@pages_cli.command("publish-due")
def publish_due() -> None:
    """Publish approved revisions whose scheduled time has come (run every few minutes)."""
    from alliance.pages import workflow

    published = workflow.publish_due(db.session)
    db.session.commit()
    click.echo(f"Published {len(published)} scheduled revisions")


LOAD_LABELS = {
    services.NEW_PAGE: "new page",
    services.NEW_LANGUAGE: "new language",
    services.CHANGED: "file changed",
    services.STAFF_EDITED: "replaces staff work",
}


@pages_cli.command("load")
@click.option("--dry-run", is_flag=True, help="Show what would change and change nothing.")
@click.option(
    "--overwrite",
    "overwrite",
    multiple=True,
    metavar="SLUG/LANG",
    help="Replace this page language even though staff edited it last (repeat for each).",
)
@click.option(
    "--from", "source", type=click.Path(file_okay=False, path_type=Path), help="Folder (default: content/)"
)
@click.option(
    "--as",
    "operator",
    metavar="EMAIL",
    help="The staff account the changes are made by (a publisher). Needed unless --dry-run.",
)
def load(dry_run: bool, overwrite: tuple[str, ...], source: Path | None, operator: str | None) -> None:
    """Update the site's pages from content/ files, leaving staff edits alone unless told.

    Changes are attributed to the --as account: a non-clinical page's change is published, a
    clinical page's becomes a draft in review for a second person to approve in the back-office."""
    bad = [name for name in overwrite if not _is_page_name(name)]
    if bad:
        raise click.BadParameter(f"write it as SLUG/LANG, e.g. bowel-screening/en: {', '.join(bad)}")
    try:
        report = services.load_pages(
            db.session,
            source or Path(current_app.config["CONTENT_DIR"]),
            overwrite=set(overwrite),
            dry_run=dry_run,
            operator_email=operator,
        )
    except (services.LoadRefused, services.content.ContentError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    verb = "Would load" if dry_run else "Loaded"
    for change in report.applied:
        review = ", clinical: in review for a second person" if change.to_review else ""
        click.echo(f"  {verb.lower()}: {change.name} ({LOAD_LABELS[change.kind]}{review})")
    for change in report.refused:
        click.echo(
            f"  kept: {change.name} (staff work: revision {change.latest_number}, {change.latest_origin}; "
            f"--overwrite {change.name} replaces it)"
        )
    click.echo(
        f"{verb} {len(report.applied)} page files; kept {len(report.refused)} staff edits; "
        f"{report.unchanged} unchanged"
    )


def _is_page_name(name: str) -> bool:
    slug, _slash, lang = name.partition("/")
    return bool(slug and lang and "/" not in lang)
