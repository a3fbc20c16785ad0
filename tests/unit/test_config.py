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
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
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
