"""gunicorn settings for `make serve`, each from an environment variable with a default for one small
server. gunicorn also reads GUNICORN_CMD_ARGS, which overrides anything here."""

import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
# Two workers per core, two threads each. A keep-alive connection stays with the worker that accepted
# it, and one worker can use only one core for Python work; with a worker per core, an uneven share of
# connections left a core idle and halved the throughput of uncached pages (docs/performance.md).
# The threads cover requests waiting on the database or Redis.
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
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
