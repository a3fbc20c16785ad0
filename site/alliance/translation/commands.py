"""`flask translations ...`: files for translation agencies and the interface-string review file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from alliance.accounts import services as accounts
from alliance.accounts.models import StaffUser
from alliance.extensions import db
from alliance.translation import exchange, strings

translations_cli = AppGroup("translations", help="Translation agencies' files and interface-string reviews.")


def _languages(lang: str | None) -> list[str]:
    every = strings.interface_languages()
    if lang is not None and lang not in every:
        raise click.BadParameter(f"choose one of {', '.join(every)}", param_hint="--lang")
    return [lang] if lang else every


@translations_cli.command("export")
@click.option("--lang", required=True, help="The language to translate into, e.g. ur")
@click.option("--format", "fmt", type=click.Choice(exchange.FORMATS), default="xliff", show_default=True)
def export(lang: str, fmt: str) -> None:
    """Write the language's pending pages, survey texts and interface strings to standard output."""
    _languages(lang)
    try:
        data, count = exchange.export_file(db.session, lang, fmt)
    except exchange.ExchangeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(data, nl=False)
    click.echo(f"{count} units to translate into {lang}", err=True)


@translations_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The staff account the drafts are attributed to")
@click.option("--lang", default=None, help="Refuse the file unless it is a translation into this language")
def import_(path: Path, email: str, lang: str | None) -> None:
    """Import a returned XLIFF or PO file as drafts awaiting review. Nothing published changes; a file
    made from English that has changed since is refused whole."""
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email.strip().lower()))
    if user is None or not user.is_active:
        raise click.ClickException(f"No active staff account {email}")
    limit = current_app.config["EXCHANGE_MAX_BYTES"]
    if path.stat().st_size > limit:
        raise click.ClickException(f"The file is larger than {limit // (1024 * 1024)} MB")
    try:
        report = exchange.import_file(db.session, path.read_bytes(), user.id, user.email, lang)
    except exchange.ExchangeError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    accounts.audit(
        db.session,
        "translations.import",
        user,
        target=report.lang,
        file=path.name,
        pages=report.pages,
        surveys=report.surveys,
        strings=report.strings,
    )
    db.session.commit()
    click.echo(f"Imported into {report.lang}: {report.summary}.")


@translations_cli.command("review-export")
@click.option("--lang", default=None, help="Only this language (default: every language)")
def review_export(lang: str | None) -> None:
    """Write the interface-string reviews in the database to translations/<locale>/REVIEW.json, and
    approved translations into the catalogues, for version control."""
    for code in _languages(lang):
        entries, changed = strings.export_reviews(db.session, code)
        click.echo(f"{code}: {entries} reviews written, {changed} catalogue translations updated")


@translations_cli.command("pending")
@click.option("--lang", required=True, help="The language, e.g. ur")
def pending(lang: str) -> None:
    """List the interface strings of a language not reviewed for their current English."""
    _languages(lang)
    found = strings.pending_interface_strings(lang, db.session)
    for string in found:
        click.echo(f"{string.status:9} {string.msgid[:100]}")
    click.echo(f"{len(found)} interface strings pending review in {lang}")
