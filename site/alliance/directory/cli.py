"""`flask directory import|export|generate`: moving the directory's data in and out."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from alliance.directory import feeds, generator, importer
from alliance.extensions import db

directory_cli = AppGroup("directory", help="The directory of local support services.")


@directory_cli.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import ORUK JSON (a feed or a file of services) or HSDS tabular CSV (a file, a folder or a zip)."""
    try:
        batch = importer.read_path(path)
    except importer.ImportFileError as error:
        raise click.ClickException(f"{path.name}: {error}. Nothing was changed.") from None
    report = importer.apply(db.session, batch, dry_run=dry_run)
    for line in report.lines():
        click.echo(line)
    if not report.ok:
        raise click.ClickException(f"{path.name} was not imported.")
    if report.changed and not dry_run:
        # The API's whole-directory feeds, ready before their first reader asks.
        built = feeds.build_all(db.session, current_app.config["SEARCH_INDEX_DIR"])
        click.echo(f"Built {len(built)} ORUK feed files for the new version of the directory.")


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
        feed = importer.export_json(db.session)
        output.write_text(json.dumps(feed, ensure_ascii=False, indent=1), encoding="utf-8")
        click.echo(
            f"Wrote {len(feed['services'])} services and {len(feed['taxonomies'])} taxonomies to {output}"
        )
    else:
        output.write_bytes(importer.export_csv(db.session))
        click.echo(f"Wrote {len(importer.ALL_TABLES)} CSV files to {output}")


@directory_cli.command("generate")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option(
    "--seed", "seed", type=int, default=1, show_default=True, help="The same seed gives the same file."
)
def generate_command(count: int, output: Path, seed: int) -> None:
    """Write COUNT made-up services as ORUK JSON, for load tests. Never loaded unless imported."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    feed = generator.generate(count, seed, content_dir / "directory")
    output.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    click.echo(f"Wrote {count} synthetic services to {output}")


@directory_cli.command("feeds")
def feeds_command() -> None:
    """Build the ORUK API's whole-directory feed files for the directory as it is now (if not built)."""
    for built in feeds.build_all(db.session, current_app.config["SEARCH_INDEX_DIR"]):
        click.echo(f"{built.path.name}: {built.path.stat().st_size:,} bytes")
