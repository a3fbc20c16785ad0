import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance import cache
from alliance.ops import metrics, requestlog


def test_a_nginx_style_request_id_is_kept():
    assert (
        requestlog.request_id_from("4f6c1f0e8d2b4a5c9e7f3a1b2c3d4e5f") == "4f6c1f0e8d2b4a5c9e7f3a1b2c3d4e5f"
    )


def test_a_uuid_request_id_is_kept():
    assert (
        requestlog.request_id_from("123e4567-e89b-12d3-a456-426614174000")
        == "123e4567-e89b-12d3-a456-426614174000"
    )


@pytest.mark.parametrize(
    "bad", [None, "", "abc", "a" * 129, "-leading-dash-1234", "spaces are here", "ünïcödé-123"]
)
def test_a_missing_or_malformed_request_id_is_replaced_with_a_fresh_one(bad):
    first, second = requestlog.request_id_from(bad), requestlog.request_id_from(bad)
    assert first != bad and first != second
    assert len(first) == 32


def test_the_json_formatter_writes_one_line_with_the_extra_fields():
    record = logging.LogRecord("alliance.access", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"status": 200, "endpoint": "pages.page", "duration_ms": 1.5}
    line = requestlog.JsonFormatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "info" and data["message"] == "request"
    assert data["status"] == 200 and data["endpoint"] == "pages.page"
    assert data["time"].endswith("+00:00")


def test_the_histogram_puts_each_duration_in_its_bucket_and_the_ones_above():
    m = metrics.Metrics(buckets=(0.1, 1.0))
    m.observe("pages.page", 200, 0.05)
    m.observe("pages.page", 200, 0.1)
    m.observe("pages.page", 200, 0.5)
    m.observe("pages.page", 200, 3.0)
    m.observe("pages.page", 404, 0.01)
    text = m.render()
    page = 'endpoint="pages.page",status="200"'
    assert f"alliance_requests_total{{{page}}} 4.0" in text
    buckets = [
        line
        for line in text.splitlines()
        if line.startswith('alliance_request_duration_seconds_bucket{endpoint="pages.page",')
        and line.split(" ")[0].endswith(',status="200"}')
    ]
    assert [line.rsplit(" ", 1)[1] for line in buckets] == ["2.0", "3.0", "4.0"]
    assert [line.split('le="')[1].split('"')[0] for line in buckets] == ["0.1", "1.0", "+Inf"]
    assert any(
        line.startswith("alliance_request_duration_seconds_count") and page in line and line.endswith(" 4.0")
        for line in text.splitlines()
    )
    assert any(
        line.startswith("alliance_requests_total") and 'status="404"' in line and line.endswith(" 1.0")
        for line in text.splitlines()
    )


def test_label_values_are_escaped():
    m = metrics.Metrics()
    m.observe('odd"name\\', 200, 0.01)
    assert 'endpoint="odd\\"name\\\\"' in m.render()


def test_redis_being_down_is_a_cache_miss_not_an_error():
    import socket

    import redis

    with socket.socket() as probe:  # a port nothing listens on: connections are refused at once
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=0.5, socket_connect_timeout=0.5)
    pages = cache.RedisPageCache(client, "x:")
    pages.put("/en/", cache.CachedPage.from_html("<p>a</p>", 1, "default-src 'self'"))
    assert pages.get("/en/", 1) is None


_WORKER = """
import sys
sys.path.insert(0, "site")
from alliance.ops import metrics
m = metrics.Metrics(buckets=(0.1, 1.0))
for _ in range(int(sys.argv[1])):
    m.observe("pages.page", 200, 0.05)
m.observe("pages.page", 404, 2.0)
"""


def test_in_multiprocess_mode_one_render_sums_the_counts_of_every_worker_process(tmp_path, monkeypatch):
    root = Path(__file__).resolve().parents[3]
    for served in (3, 4):  # two worker processes, each writing its own file in the shared folder
        subprocess.run(
            [sys.executable, "-c", _WORKER, str(served)],
            cwd=root,
            env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)},
            check=True,
        )
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
    # A third worker caught between creating its file and sizing it: nothing to count yet.
    (tmp_path / "counter_999999.db").touch()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    text = metrics.Metrics(buckets=(0.1, 1.0)).render()

    assert 'alliance_requests_total{endpoint="pages.page",status="200"} 7.0' in text
    assert 'alliance_requests_total{endpoint="pages.page",status="404"} 2.0' in text
    assert 'alliance_request_duration_seconds_bucket{endpoint="pages.page",le="0.1",status="404"} 0.0' in text
    assert 'alliance_request_duration_seconds_count{endpoint="pages.page",status="404"} 2.0' in text
