"""gunicorn settings for `make serve`, each from an environment variable with a default for one small
server. gunicorn also reads GUNICORN_CMD_ARGS, which overrides anything here."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two workers per core, two threads each. A keep-alive connection stays with the worker that accepted
# it, and one worker can use only one core for Python work; with a worker per core, an uneven share of
# connections left a core idle and halved the throughput of uncached pages (docs/performance.md).
# The threads cover requests waiting on the database or Redis.
# Rate limits are counted in Redis when REDIS_URL is set; without it each worker would count on its
# own, so the default is then one worker, and production refuses more (config.py).
_default_workers = 2 * (os.cpu_count() or 1) if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("WEB_CONCURRENCY", str(_default_workers)))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Restart workers now and then so a slow leak can never grow without bound; jitter avoids all at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = max_requests // 10
# The app writes its own JSON request lines (without addresses or query strings); gunicorn's would
# add both, so its access log stays off. Errors still go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Only the proxy on this machine may set X-Forwarded-Proto; the app's ProxyFix handles the rest.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Load the app in each worker rather than the master, so database pools and Redis sockets are never
# shared across a fork.
preload_app = False

# /metrics sums every worker: prometheus_client's multiprocess mode keeps each worker's counters in
# files in this folder, and a scrape of any worker reads them all. Set here, before the workers start
# and import prometheus_client, so that every worker inherits it. By default one folder per listening
# address, so two servers on one machine never mix (or empty) each other's counts.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", str(ROOT / "instance" / "metrics" / bind.replace(":", "_").replace("/", "_"))
)


def on_starting(server):
    """In the master, once, before any worker: empty the metrics folder and tell the app the worker count."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    # Files left by an earlier server would add its counts to this one's.
    for stale in folder.glob("*.db"):
        stale.unlink()
    # The number gunicorn will really run, after GUNICORN_CMD_ARGS and command-line options.
    os.environ["GUNICORN_WORKERS"] = str(server.cfg.workers)


def child_exit(server, worker):
    """A worker has gone (restarted after max_requests, or killed): its live gauges no longer count."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, os.environ["PROMETHEUS_MULTIPROC_DIR"])
