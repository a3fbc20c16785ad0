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
    init_extensions(app)
    init_security(app)
    init_assets(app)
    setup_blueprints(app)
    register_errorhandlers(app)
    setup_commands(app)
    return app


def init_extensions(app: Flask) -> None:
    from alliance import i18n
    from alliance.extensions import babel, csrf, db, limiter

    db.init_app(app)
    i18n.init_app(app, babel)
    csrf.init_app(app)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)


def init_jinja(app: Flask) -> None:
    from alliance import templating

    templating.init_app(app)


def init_security(app: Flask) -> None:
    from alliance import security

    security.init_app(app)


def init_assets(app: Flask) -> None:
    from alliance import assets

    assets.init_app(app)


def setup_blueprints(app: Flask) -> None:
    from alliance import cache
    from alliance.cli import register_seeder
    from alliance.pages import search as page_search
    from alliance.pages import services as page_services
    from alliance.pages.views import bp as pages_bp

    cache.init_app(app)
    page_search.register_indexes()
    register_seeder("pages", page_services.seed_pages)
    app.register_blueprint(pages_bp)

    from alliance.backoffice import content_views  # noqa: F401  (adds the content routes)
    from alliance.backoffice.views import bp as backoffice_bp

    app.register_blueprint(backoffice_bp)


def register_errorhandlers(app: Flask) -> None:
    from alliance import errors

    errors.init_app(app)


def setup_commands(app: Flask) -> None:
    from alliance import cli

    cli.init_app(app)
