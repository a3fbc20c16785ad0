"""Request counts and a latency histogram per endpoint and status, in the Prometheus text format.

Under gunicorn, ops/gunicorn_conf.py sets PROMETHEUS_MULTIPROC_DIR: prometheus_client then keeps each
worker's counts in files in that folder and a scrape, whichever worker answers it, sums them all.
Without that variable (`flask run`, tests) the counts live in this process. Prometheus tells nodes
apart by the address it scraped (its `instance` label).
"""

from __future__ import annotations

import glob
import os

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
LABELS = ("endpoint", "status")

# Only the counts: a *_created series per label set doubles the output and means nothing here.
disable_created_metrics()


def multiprocess_folder() -> str | None:
    """The folder the workers share, when this process runs under gunicorn's settings."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    def __init__(self, buckets: tuple[float, ...] = BUCKETS):
        self.buckets = buckets
        self.folder = multiprocess_folder()
        if self.folder:
            os.makedirs(self.folder, exist_ok=True)
        # One registry per app; in multiprocess mode the values themselves are in the shared files.
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "alliance_requests",
            "Requests served, by endpoint and status.",
            LABELS,
            registry=self.registry,
        )
        self.durations = Histogram(
            "alliance_request_duration_seconds",
            "Time from the request arriving to the last byte.",
            LABELS,
            buckets=buckets,
            registry=self.registry,
        )

    def observe(self, endpoint: str, status: int | str, seconds: float) -> None:
        labels = (endpoint, str(status))
        self.requests.labels(*labels).inc()
        self.durations.labels(*labels).observe(seconds)

    def render(self) -> str:
        registry = self.registry
        if self.folder:
            registry = CollectorRegistry()
            registry.register(WorkerFiles(self.folder))
        return generate_latest(registry).decode("utf-8")


class WorkerFiles:
    """Every worker's counts, summed from the files in the shared folder.

    A worker creates its file on its first request, empty for an instant before it is sized; such a
    file holds no counts yet, and reading it would fail, so it is passed over.
    """

    def __init__(self, folder: str):
        self.folder = folder

    def collect(self):
        files = [path for path in glob.glob(os.path.join(self.folder, "*.db")) if os.path.getsize(path) > 0]
        return MultiProcessCollector.merge(files, accumulate=True)
