"""Request counts and a latency histogram per endpoint and status, in the Prometheus text format.

Counters live in the process that served the request. Under gunicorn each worker has its own, so a
sample carries the worker's pid and node name: sum over them in Prometheus.
"""

from __future__ import annotations

import os
import socket
import threading
from bisect import bisect_left

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


class Metrics:
    def __init__(self, buckets: tuple[float, ...] = BUCKETS):
        self.buckets = buckets
        self._lock = threading.Lock()
        # (endpoint, status) -> [bucket counts..., +Inf count], sum of seconds
        self._counts: dict[tuple[str, str], list[int]] = {}
        self._sums: dict[tuple[str, str], float] = {}

    def observe(self, endpoint: str, status: int | str, seconds: float) -> None:
        key = (endpoint, str(status))
        with self._lock:
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = [0] * (len(self.buckets) + 1)
                self._sums[key] = 0.0
            counts[bisect_left(self.buckets, seconds)] += 1
            self._sums[key] += seconds

    def render(self) -> str:
        process = f'node="{_label(socket.gethostname())}",pid="{os.getpid()}"'
        lines = [
            "# HELP alliance_requests_total Requests served, by endpoint and status.",
            "# TYPE alliance_requests_total counter",
        ]
        with self._lock:
            snapshot = {key: (list(counts), self._sums[key]) for key, counts in self._counts.items()}
        for (endpoint, status), (counts, _total) in sorted(snapshot.items()):
            labels = f'endpoint="{_label(endpoint)}",status="{status}",{process}'
            lines.append(f"alliance_requests_total{{{labels}}} {sum(counts)}")
        lines += [
            "# HELP alliance_request_duration_seconds Time from the request arriving to the last byte.",
            "# TYPE alliance_request_duration_seconds histogram",
        ]
        for (endpoint, status), (counts, total) in sorted(snapshot.items()):
            labels = f'endpoint="{_label(endpoint)}",status="{status}",{process}'
            running = 0
            for bound, count in zip(self.buckets, counts, strict=False):
                running += count
                lines.append(f'alliance_request_duration_seconds_bucket{{{labels},le="{bound}"}} {running}')
            running += counts[-1]
            lines.append(f'alliance_request_duration_seconds_bucket{{{labels},le="+Inf"}} {running}')
            lines.append(f"alliance_request_duration_seconds_sum{{{labels}}} {total:.6f}")
            lines.append(f"alliance_request_duration_seconds_count{{{labels}}} {running}")
        return "\n".join(lines) + "\n"
