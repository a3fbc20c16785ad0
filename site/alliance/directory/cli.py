"""`flask directory import|export|generate`: moving the directory's data in and out."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from alliance.directory import export, feeds, generator, import_batch, import_read, import_write
from alliance.directory import models as m
from alliance.extensions import db
from alliance.progress import Progress, to_stderr

directory_cli = AppGroup("directory", help="The directory of local support services.")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import ORUK JSON (a feed, any record the API gives, or a list or page of them) or HSDS tabular CSV
    (a file, a folder or a zip; singular or plural table names). What is not kept is listed as warnings."""
    to_stderr(f"reading {path.name}")
    try:
        batch = import_read.read_path(
            path, current_app.config["IMPORT_MAX_BYTES"], current_app.config["IMPORT_UNZIPPED_MAX_BYTES"]
        )
    except import_batch.ImportFileError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing was changed.") from None
    to_stderr(f"read {sum(len(rows) for rows in batch.rows.values()):,} rows")
    report = import_write.apply(db.session, batch, dry_run=dry_run, progress=to_stderr)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise click.ClickException(f"{path.name} was not imported.")
    if report.changed and not dry_run:
        # The API's whole-directory feeds, ready before their first reader asks.
        built = feeds.build_all(db.session, current_app.config["SEARCH_INDEX_DIR"])
        to_stderr(f"built {len(built)} ORUK feed files for the new version of the directory")


@directory_cli.command("export")
@click.option("--format", "kind", type=click.Choice(["json", "csv"]), default="json", show_default=True)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write: ORUK JSON, or a zip of HSDS tabular CSV files.",
)
def export_command(kind: str, output: Path) -> None:
    """Write the whole directory as ORUK JSON or as HSDS tabular CSV in a zip."""
    if kind == "json":
        services = Progress("services written", db.session.scalar(select(func.count(m.Service.id))))
        feed = export.export_feed(db.session, progress=services.advance)
        with output.open("w", encoding="utf-8") as out:
            json.dump(feed, out, ensure_ascii=False, indent=1)
        click.echo(f"Wrote {services.done} services and {len(feed['taxonomies'])} taxonomies to {output}")
    else:
        rows = Progress("rows written", every=5000)
        with output.open("wb") as out:
            export.write_csv(db.session, out, progress=rows.advance)
        click.echo(f"Wrote {len(import_batch.ALL_TABLES)} CSV files with {rows.done} rows to {output}")


@directory_cli.command("generate")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--seed", "seed", type=int, default=1, show_default=True, help="The same seed gives the same file."
)
def generate_command(count: int, output: Path, seed: int) -> None:
    """Write COUNT made-up services as ORUK JSON, for load tests. Never loaded unless imported."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    services = Progress("services generated", count)
    feed = generator.generate_feed(count, seed, content_dir / "directory", progress=services.advance)
    with output.open("w", encoding="utf-8") as out:
        json.dump(feed, out, ensure_ascii=False)
    click.echo(f"Wrote {services.done} synthetic services to {output}")


@directory_cli.command("feeds")
def feeds_command() -> None:
    """Build the ORUK API's whole-directory feed files for the directory as it is now (if not built)."""
    for built in feeds.build_all(db.session, current_app.config["SEARCH_INDEX_DIR"]):
        click.echo(f"{built.path.name}: {built.path.stat().st_size:,} bytes")
