"""The Cancer Alliance site: create_app() is a short list of named steps."""

from __future__ import annotations

from flask import Flask


def create_app(config_name: str | None = None, overrides: dict | None = None) -> Flask:
    from config import config_for

    app = Flask(__name__, instance_relative_config=False)
    config = config_for(config_name)
    config.check()
    app.config.from_object(config)
    app.config.update(overrides or {})

    init_jinja(app)  # first: extensions below touch app.jinja_env, which freezes its options
    init_inputs(app)  # before the extensions' request hooks and before any route is added
    init_extensions(app)
    init_security(app)
    init_hosts(app)
    init_assets(app)
    setup_blueprints(app)
    register_errorhandlers(app)
    setup_commands(app)
    init_ops(app)  # last: its request layer wraps every other layer, the page cache's included
    return app


def init_inputs(app: Flask) -> None:
    from alliance import inputs

    inputs.init_app(app)


def init_extensions(app: Flask) -> None:
    from alliance import i18n
    from alliance.extensions import babel, csrf, db, limiter

    db.init_app(app)
    i18n.init_app(app, babel)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Redis away: count limits in this process rather than failing the request (docs/deploy.md).
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    # Redis keys of the counters start with the site's prefix, like the page cache's.
    options = {"key_prefix": f"{app.config['REDIS_KEY_PREFIX']}limits"}
    if app.config.get("RATELIMIT_STORAGE_URI", "").startswith("redis"):
        options |= {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", options)
    limiter.init_app(app)


def init_jinja(app: Flask) -> None:
    from alliance import templating

    templating.init_app(app)


def init_security(app: Flask) -> None:
    from alliance import security, uploads

    security.init_app(app)
    uploads.init_app(app)


def init_hosts(app: Flask) -> None:
    from alliance import hosts

    hosts.init_app(app)


def init_assets(app: Flask) -> None:
    from alliance import assets

    assets.init_app(app)


def setup_blueprints(app: Flask) -> None:
    """Each capability: its search index, its seeder (run in this order by `flask seed`), its routes."""
    from alliance import cache
    from alliance.backoffice import (  # noqa: F401  (add routes)
        content_views,
        directory_views,
        event_views,
        feedback_views,
        mail_views,
        moderation_views,
        panel_views,
        research_views,
        survey_report_views,
        survey_views,
        translation_exchange_views,
        translation_views,
    )
    from alliance.backoffice.views import bp as backoffice_bp
    from alliance.bulletin.views import bp as bulletin_bp
    from alliance.cli import register_seeder
    from alliance.directory import search as directory_search
    from alliance.directory.api import bp as oruk_bp
    from alliance.directory.seed import seed_directory
    from alliance.directory.views import bp as directory_bp
    from alliance.events.seeding import seed_events
    from alliance.events.views import bp as events_bp
    from alliance.genetics import search as genetics_search
    from alliance.genetics.services import seed_genetics
    from alliance.genetics.views import bp as genetics_bp
    from alliance.pages import search as page_search
    from alliance.pages import services as page_services
    from alliance.pages.views import bp as pages_bp
    from alliance.panel.views import bp as panel_bp
    from alliance.surveys.seeding import seed_surveys
    from alliance.surveys.views import bp as surveys_bp
    from alliance.translation.strings import seed_reviews
    from alliance.trials import search as trials_search
    from alliance.trials.services import seed_trials
    from alliance.trials.views import bp as trials_bp

    cache.init_app(app)
    page_search.register_indexes()
    directory_search.register_index()
    trials_search.register_index()
    genetics_search.register_index()
    for name, seeder in (
        ("pages", page_services.seed_pages),
        ("directory", seed_directory),
        ("trials", seed_trials),
        ("genetics", seed_genetics),
        ("surveys", seed_surveys),
        ("interface-string reviews", seed_reviews),
        ("events", seed_events),
    ):
        register_seeder(name, seeder)
    for blueprint in (
        pages_bp,
        backoffice_bp,
        oruk_bp,
        directory_bp,
        trials_bp,
        genetics_bp,
        surveys_bp,
        events_bp,
        bulletin_bp,
        panel_bp,
    ):
        app.register_blueprint(blueprint)


def register_errorhandlers(app: Flask) -> None:
    from alliance import errors

    errors.init_app(app)


def init_ops(app: Flask) -> None:
    from alliance import ops

    ops.init_app(app)


def setup_commands(app: Flask) -> None:
    from alliance import cli

    cli.init_app(app)
