"""How many gunicorn workers a node runs, and what production requires of several."""

import os
import runpy

import pytest

import config
from alliance import create_app


def _production(monkeypatch, **settings):
    monkeypatch.setattr(config.ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(config.ProductionConfig, "SITE_URL", "https://localhost")
    monkeypatch.setattr(config.ProductionConfig, "ALLIANCE_CONTACT_EMAIL", "contact@alliance.test")
    for name, value in settings.items():
        monkeypatch.setattr(config.ProductionConfig, name, value, raising=False)


def test_production_refuses_several_gunicorn_workers_counting_rate_limits_in_memory(monkeypatch):
    _production(monkeypatch, WEB_WORKERS=3, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://")
    with pytest.raises(config.ConfigError, match="run 3 workers but REDIS_URL is not set") as error:
        create_app("production", {"DATABASE_URL": "sqlite://"})
    assert "3 times the limit" in str(error.value)
    assert "WEB_CONCURRENCY=1" in str(error.value)


def test_production_accepts_several_gunicorn_workers_sharing_redis(monkeypatch):
    _production(
        monkeypatch,
        WEB_WORKERS=4,
        REDIS_URL="redis://127.0.0.1:6379/3",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/3",
    )
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["WEB_WORKERS"] == 4


def test_production_accepts_one_gunicorn_worker_without_redis(monkeypatch):
    _production(monkeypatch, WEB_WORKERS=1, REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://")
    app = create_app("production", {"DATABASE_URL": "sqlite://"})
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def _gunicorn_settings(monkeypatch, **env):
    for name in ("REDIS_URL", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    # Set, so that the settings file's default for it does not leak into the environment of later tests.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(config.INSTANCE / "metrics"))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(config.ROOT / "site" / "alliance" / "ops" / "gunicorn_conf.py"))


def test_gunicorn_runs_one_worker_by_default_when_no_redis_is_shared(monkeypatch):
    assert _gunicorn_settings(monkeypatch)["workers"] == 1


def test_gunicorn_runs_two_workers_per_core_by_default_with_redis(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/3")
    assert settings["workers"] == 2 * (os.cpu_count() or 1)


def test_gunicorn_takes_the_worker_count_from_web_concurrency(monkeypatch):
    assert _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3
