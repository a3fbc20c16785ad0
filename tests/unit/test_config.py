import pytest

import config
from alliance import create_app


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(config.ConfigError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "short")
    with pytest.raises(config.ConfigError, match="at least 32 characters"):
        create_app("production")


def test_production_refuses_debug_mode(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(config.ConfigError, match="FLASK_DEBUG"):
        create_app("production")


def test_production_sets_secure_cookies_and_hsts(monkeypatch):
    _production(monkeypatch)
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/en/")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(config.ConfigError, match="not one of"):
        config.config_for("staging")


def test_the_development_default_database_is_sqlite_under_instance():
    assert config.DevelopmentConfig.DATABASE_URL.startswith("sqlite:///")
    assert "instance" in config.DevelopmentConfig.DATABASE_URL


def _production(monkeypatch, **settings):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "SITE_URL", "https://localhost")
    monkeypatch.setattr(config.ProductionConfig, "ALLIANCE_CONTACT_EMAIL", "contact@alliance.test")
    for name, value in settings.items():
        monkeypatch.setattr(config.ProductionConfig, name, value, raising=False)


def test_production_refuses_sqlite_when_more_than_one_node_is_declared(monkeypatch):
    _production(
        monkeypatch, ALLIANCE_NODES=2, DATABASE_URL="sqlite:////srv/alliance.db", REDIS_URL="redis://r"
    )
    with pytest.raises(config.ConfigError, match="ALLIANCE_NODES=2 but DATABASE_URL is SQLite") as error:
        create_app("production")
    assert "PostgreSQL" in str(error.value)


def test_production_refuses_several_nodes_without_redis(monkeypatch):
    _production(
        monkeypatch, ALLIANCE_NODES=3, DATABASE_URL="postgresql+psycopg://db/alliance", REDIS_URL=None
    )
    with pytest.raises(config.ConfigError, match="REDIS_URL is not set"):
        create_app("production")


def test_production_refuses_debug_set_in_the_config_class(monkeypatch):
    _production(monkeypatch, DEBUG=True)
    with pytest.raises(config.ConfigError, match="not allowed in production"):
        create_app("production")


def test_production_accepts_one_node_on_sqlite(monkeypatch):
    _production(monkeypatch, ALLIANCE_NODES=1)
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["ALLIANCE_NODES"] == 1


def test_production_starts_several_nodes_on_postgresql_and_redis(monkeypatch):
    _production(
        monkeypatch,
        ALLIANCE_NODES=2,
        DATABASE_URL="postgresql+psycopg://db.example/alliance",
        REDIS_URL="redis://redis.example:6379/0",
        RATELIMIT_STORAGE_URI="redis://redis.example:6379/0",
    )
    app = create_app("production")
    # Rate-limit counters and cached pages live in the shared Redis; sessions are signed cookies.
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://redis.example:6379/0"
    assert type(app.extensions["page_cache"]).__name__ == "RedisPageCache"
    assert app.session_interface.__class__.__name__ == "SecureCookieSessionInterface"


def test_the_rate_limit_store_follows_redis_url(monkeypatch):
    import importlib

    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/5")
    monkeypatch.setenv("REDIS_KEY_PREFIX", "site-a:")
    try:
        reloaded = importlib.reload(config)
        assert reloaded.ProductionConfig.RATELIMIT_STORAGE_URI == "redis://127.0.0.1:6379/5"
        assert reloaded.ProductionConfig.RATELIMIT_KEY_PREFIX == "site-a:"
        assert reloaded.TestConfig.RATELIMIT_STORAGE_URI == "memory://"
    finally:
        monkeypatch.delenv("REDIS_URL")
        monkeypatch.delenv("REDIS_KEY_PREFIX")
        importlib.reload(config)


def test_mail_through_notify_refuses_to_start_without_a_key_or_template(monkeypatch):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "MAIL_TRANSPORT", "notify")
    with pytest.raises(config.ConfigError, match="NOTIFY_API_KEY"):
        create_app("production")
    monkeypatch.setattr(config.ProductionConfig, "NOTIFY_API_KEY", "alliance-" + "1" * 36 + "-" + "2" * 36)
    with pytest.raises(config.ConfigError, match="NOTIFY_TEMPLATE_ID"):
        create_app("production")


def test_an_unknown_mail_transport_is_refused(monkeypatch):
    monkeypatch.setattr(config.DevelopmentConfig, "MAIL_TRANSPORT", "carrier-pigeon")
    with pytest.raises(config.ConfigError, match="MAIL_TRANSPORT"):
        create_app("development")


def test_production_refuses_to_start_without_a_site_url(monkeypatch):
    _production(monkeypatch, SITE_URL=None)
    with pytest.raises(config.ConfigError, match="SITE_URL must be set in production") as error:
        create_app("production", {"DATABASE_URL": "sqlite://"})
    assert "docs/deploy.md" in str(error.value)


@pytest.mark.parametrize(
    "value",
    [
        "www.example.nhs.uk",
        "ftp://www.example.nhs.uk",
        "https://www.example.nhs.uk/cancer",
        "https://www.example.nhs.uk/?a=1",
        "https://user@www.example.nhs.uk",
        "https://www.example.nhs.uk:port",
        "https://",
    ],
)
def test_a_site_url_that_is_not_a_scheme_and_host_is_refused(monkeypatch, value):
    _production(monkeypatch, SITE_URL=value)
    with pytest.raises(config.ConfigError, match="is not a site address"):
        create_app("production", {"DATABASE_URL": "sqlite://"})


def test_the_trusted_hosts_are_the_site_urls_host_and_the_extra_list(monkeypatch):
    _production(
        monkeypatch,
        SITE_URL="https://www.Example.nhs.uk:8443/",
        ALLIANCE_TRUSTED_HOSTS=" old.example.nhs.uk ,",
    )
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["TRUSTED_HOSTS"] == ["www.example.nhs.uk", "old.example.nhs.uk"]


def test_production_refuses_a_missing_or_example_contact_address(monkeypatch):
    for value in (None, "cancer.alliance@example.nhs.uk"):
        _production(monkeypatch, ALLIANCE_CONTACT_EMAIL=value)
        with pytest.raises(config.ConfigError, match="ALLIANCE_CONTACT_EMAIL must be set in production"):
            config.ProductionConfig.check()
