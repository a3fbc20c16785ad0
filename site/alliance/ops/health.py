"""Checks for a load balancer, and metrics: JSON, never cached, outside the language prefixes.

/healthz says the process answers (it touches nothing else, so a slow database never gets a node
restarted). /readyz says this node can serve: the database answers, its schema is at the newest
migration, and every search index for the database's current version opens here (200 "ready", or
503 "unavailable"); with Redis unreachable it still serves, and says so (200 "degraded").
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import text

from alliance.extensions import db

bp = Blueprint("ops", __name__)
logger = logging.getLogger("alliance.ops")


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _no_store(jsonify(status="ok"))


def readiness_problems(session, index_dir: str) -> list[str]:
    """What keeps this node from serving, in words an operator can act on; empty when ready."""
    from alliance.search import index

    try:
        session.execute(text("SELECT 1"))
    except Exception as error:  # any driver error means the same thing here
        logger.warning("readiness: database unreachable", extra={"fields": {"error": type(error).__name__}})
        return ["database: not reachable"]
    current, head = db.current_revision(), db.head_revision()
    problems = []
    if current != head and not _newer_than_this_code(current):
        problems.append(
            f"migrations: database at {current or 'nothing'}, code expects {head}: run flask db upgrade"
        )
        # Index documents are read from tables that may not exist yet.
        return problems
    for name in sorted(index.REGISTRY):
        try:
            index.open_index(session, index_dir, name)
        except Exception as error:
            logger.warning(
                "readiness: search index failed to open",
                extra={"fields": {"index": name, "error": type(error).__name__}},
            )
            problems.append(f"search index {name}: cannot be opened for the current version")
    return problems


def _newer_than_this_code(revision: str | None) -> bool:
    """A revision this code does not know was written by newer code: during a rolling upgrade the
    additive migration runs first, and the old nodes must keep serving on it (docs/deploy.md)."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    if revision is None:
        return False
    try:
        ScriptDirectory.from_config(db.alembic_config()).get_revision(revision)
    except CommandError:
        return True
    return False


def degradations(app: Flask) -> list[str]:
    """What this node does without, while still serving; empty when nothing is missing."""
    cache = app.extensions.get("page_cache")
    ping = getattr(cache, "ping", None)  # only the Redis page cache has one: REDIS_URL is set
    if ping is not None and not ping():
        logger.warning("readiness: Redis unreachable")
        return ["redis: not reachable; rate limits are counted per process and the page cache is skipped"]
    return []


@bp.get("/readyz")
def readyz():
    """503 when this node cannot serve (take it out of the pool); 200 "degraded" when it serves
    without something it would rather have (Redis): every node would be in the same state, and
    taking them all out would turn a slower site into no site."""
    problems = readiness_problems(db.session, current_app.config["SEARCH_INDEX_DIR"])
    db.session.rollback()
    if problems:
        return _no_store(jsonify(status="unavailable", problems=problems)), 503
    degraded = degradations(current_app)
    if degraded:
        return _no_store(jsonify(status="degraded", problems=degraded))
    return _no_store(jsonify(status="ready"))


@bp.get("/metrics")
def metrics():
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    # Not configured, or the wrong token: the same 404, so the endpoint's existence is not advertised.
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return _no_store(Response("Not found\n", 404, mimetype="text/plain"))
    body = current_app.extensions["metrics"].render()
    return _no_store(Response(body, mimetype="text/plain; version=0.0.4"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
