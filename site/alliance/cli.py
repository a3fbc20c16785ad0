"""Command-line tasks: `flask deploy|db|seed|search|users|translate|assets ...`."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from alliance.extensions import db

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"

# Each capability adds a seeder: function(session, content_dir) -> (rows changed, summary).
Seeder = Callable[[Session, Path], tuple[int, str]]
SEEDERS: list[tuple[str, Seeder]] = []


def register_seeder(name: str, seeder: Seeder) -> None:
    if name not in [existing for existing, _ in SEEDERS]:
        SEEDERS.append((name, seeder))


db_cli = AppGroup("db", help="Database schema.")
search_cli = AppGroup("search", help="Search indexes.")
users_cli = AppGroup("users", help="Staff accounts.")
translate_cli = AppGroup("translate", help="Interface translations (Babel catalogues).")
assets_cli = AppGroup("assets", help="Static assets.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    db.upgrade()
    click.echo(f"Database at revision {db.current_revision()}")


@click.command("deploy")
@with_appcontext
def deploy() -> None:
    """Install or upgrade this node: migrations, assets, translations, search indexes. Never loads content/."""
    from alliance import assets
    from alliance.search import index

    db.upgrade()
    click.echo(f"database: at revision {db.current_revision()}")
    files = assets.build(ROOT)
    click.echo(f"assets: copied {len(files)} files from nhsuk-frontend and healthicons")
    _babel("compile", "-d", "translations")
    click.echo("translations: compiled")
    from alliance.translation import strings

    try:
        _added, summary = strings.seed_reviews(db.session, ROOT)
    except strings.StringReviewError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"translations: {summary} (add-only)")
    built = index.rebuild(db.session, current_app.config["SEARCH_INDEX_DIR"])
    click.echo(f"search: rebuilt {', '.join(built) or 'nothing to index'}")
    click.echo("Content was not loaded: flask pages load --dry-run shows what content/ would change.")


@click.command("seed")
@with_appcontext
def seed() -> None:
    """Add the demo content in content/ that the database lacks. Never changes anything that exists:
    `flask pages load` updates pages from changed files. Idempotent: a second run changes nothing."""
    from alliance.search import index

    content_dir = Path(current_app.config["CONTENT_DIR"])
    changed = 0
    for name, seeder in SEEDERS:
        count, summary = seeder(db.session, content_dir)
        changed += count
        click.echo(f"{name}: {summary}")
    if changed:
        built = index.rebuild(db.session, current_app.config["SEARCH_INDEX_DIR"])
        click.echo(f"search: rebuilt {', '.join(built) or 'nothing to index'}")
    else:
        click.echo("search: nothing changed, indexes left as they are")


@search_cli.command("rebuild")
def search_rebuild() -> None:
    """Rebuild every search index from the database, in place."""
    from alliance.progress import Progress
    from alliance.search import index

    counts: dict[str, Progress] = {}

    def progress(name: str):
        counts[name] = Progress(f"{name}: documents indexed")
        return counts[name].advance

    built = index.rebuild(db.session, current_app.config["SEARCH_INDEX_DIR"], progress=progress)
    for name, version in built.items():
        click.echo(f"{name}: version {version}, {counts[name].done} documents")
    if not built:
        click.echo("No search indexes are registered.")


def _role_names() -> list[str]:
    from alliance.accounts.permissions import ROLES

    return list(ROLES)


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice(_role_names()),
    help="A role the account has; repeat for several.",
)
@click.option(
    "--languages",
    default="",
    help="For a translation_reviewer: the languages they review, comma-separated (ur,ar).",
)
@click.password_option()
def create_user(email: str, display_name: str, roles: tuple[str, ...], languages: str, password: str) -> None:
    """Create a staff account with the roles given (--role editor --role publisher)."""
    _create_account(
        email, display_name, list(dict.fromkeys(roles)), password, languages.split(",") if languages else []
    )


@users_cli.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Name")
@click.password_option()
def create_admin(email: str, display_name: str, password: str) -> None:
    """Create an administrator account (the same as `users create --role administrator`)."""
    _create_account(email, display_name, ["administrator"], password)


def _create_account(
    email: str, display_name: str, roles: list[str], password: str, languages: list[str] | None = None
) -> None:
    from alliance.accounts import services

    hasher = services.password_hasher(
        current_app.config["ARGON2_TIME_COST"], current_app.config["ARGON2_MEMORY_COST"]
    )
    try:
        user_id = services.create_user(
            db.session,
            email,
            display_name,
            password,
            roles,
            hasher,
            review_languages=languages,
            known_languages=current_app.config["LANGUAGES"],
        )
    except services.AccountError as error:
        raise click.ClickException(str(error)) from None
    extra = {"review_languages": languages} if languages else {}
    services.audit(db.session, "user.create", target=email, email="command line", roles=roles, **extra)
    db.session.commit()
    granted = f" Reviews translations in: {', '.join(languages)}." if languages else ""
    click.echo(
        f"Created {email} (id {user_id}) with roles: {', '.join(roles)}.{granted} "
        "They set up MFA when they first sign in."
    )


def _babel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def _project():
    from alliance import catalogues
    from config import Config

    return catalogues.project(Config.ALLIANCE_NAME, Config.ALLIANCE_CONTACT_EMAIL)


def extract_to(target: str) -> None:
    """Extract every interface string under site/ into the template `target`, with the project's header."""
    from alliance import catalogues

    _babel("extract", "-F", "babel.cfg", "-k", "_l", "--no-location", "--sort-output", "-o", target, "site")
    catalogues.label_template(ROOT / target, _project())


@translate_cli.command("extract")
def translate_extract() -> None:
    """Extract interface strings into translations/messages.pot."""
    extract_to("translations/messages.pot")


@translate_cli.command("update")
def translate_update() -> None:
    """Merge messages.pot into every catalogue; a changed English string keeps its translation as fuzzy."""
    from alliance import catalogues

    for locale, fuzzy in catalogues.update(TRANSLATIONS, _project()):
        click.echo(f"{locale}: {fuzzy} fuzzy entries to review" if fuzzy else f"{locale}: up to date")


@translate_cli.command("compile")
def translate_compile() -> None:
    """Compile every catalogue (fails on a broken one)."""
    _babel("compile", "-d", "translations", "--statistics")


@assets_cli.command("build")
def assets_build() -> None:
    """Copy nhsuk-frontend's compiled CSS, JS and images and the Easy Read pictures into static/."""
    from alliance import assets

    files = assets.build(ROOT)
    click.echo(f"Copied {len(files)} files from nhsuk-frontend and healthicons")


def init_app(app: Flask) -> None:
    from alliance.directory.cli import directory_cli
    from alliance.events.cli import events_cli
    from alliance.outbox.cli import mail_cli
    from alliance.pages.cli import pages_cli
    from alliance.surveys.cli import retention_cli
    from alliance.translation.commands import translations_cli
    from alliance.trials.cli import trials_cli

    for group in (
        db_cli,
        search_cli,
        users_cli,
        translate_cli,
        assets_cli,
        pages_cli,
        directory_cli,
        trials_cli,
        retention_cli,
        mail_cli,
        translations_cli,
        events_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(seed)
    app.cli.add_command(deploy)
