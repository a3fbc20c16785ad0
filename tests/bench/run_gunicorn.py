"""Shared by the benchmarks: start gunicorn serving an app on a free port, run the app's flask commands,
empty a scratch PostgreSQL database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[2]
GUNICORN_ARGS = ["--workers", "2", "--worker-class", "gthread", "--threads", "4", "--log-level", "warning"]
# The settings `make serve` uses (two workers per core, two threads each), for production-like runs.
PRODUCTION_CONF = ["--config", str(ROOT / "site" / "alliance" / "ops" / "gunicorn_conf.py")]
PYTHONPATH = f"{ROOT}:{ROOT / 'site'}"


def fresh_postgres(url: str) -> None:
    """Drop and remake the public schema of the PostgreSQL database at `url`: a scratch database only."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(env: dict) -> dict:
    """The environment for the site: this one without any ALLIANCE_/FLASK_ settings, plus `env`."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "FLASK_", "GUNICORN"))}
    return {**kept, "PYTHONPATH": PYTHONPATH, **env}


def flask(env: dict, *args: str) -> str:
    """Run `flask <args>` for wsgi:app with `env` (e.g. db upgrade, seed); fails loudly."""
    result = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=ROOT,
        env={**app_env(env), "FLASK_APP": "wsgi"},
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@contextmanager
def gunicorn(
    app: str,
    env: dict | None = None,
    ready_path: str = "/",
    production: bool = False,
    log: Path | None = None,
):
    """Serve `app`; yields the base URL. `production` uses the `make serve` settings and the site's
    environment only (see app_env); `log` receives gunicorn's and the app's output."""
    port = free_port()
    args = PRODUCTION_CONF if production else GUNICORN_ARGS
    output = open(log, "ab") if log else None  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", *args, "--bind", f"127.0.0.1:{port}", app],
        cwd=ROOT,
        env=app_env(env or {}) if production else {**os.environ, "PYTHONPATH": PYTHONPATH, **(env or {})},
        stdout=output,
        stderr=output,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn for {app} exited with {process.returncode}")
            try:
                urllib.request.urlopen(base + ready_path, timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn for {app} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        if output:
            output.close()
