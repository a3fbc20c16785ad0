"""The ORUK API's whole-directory variants at scale: time and peak memory per request.

    .venv/bin/python tests/bench/oruk_feeds_bench.py [--count 10000] [--postgres URL] [--all]
        [--measure time|memory]

Generates the synthetic set (flask directory generate), imports it into a fresh SQLite database, or into
PostgreSQL when --postgres is given (that database's public schema is dropped and remade). Where the
site builds feed files, it first times building them all (as the first request after a change does),
then asks each variant in-process (the page cache and rate limits off), either timed (--measure time)
or under tracemalloc for the peak of Python memory it allocated (--measure memory): tracemalloc slows
Python down, so the two are separate runs. By default only the two variants named in the issue; --all
adds the others. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from run_gunicorn import fresh_postgres  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.directory import generator, import_read, import_write  # noqa: E402
from alliance.extensions import db  # noqa: E402

VARIANTS = [
    "/api/oruk/organizations?full_service=true&per_page=1000",
    "/api/oruk/services?format=ndjson&full=true",
]
MORE = [
    "/api/oruk/services?full=true&per_page=1000",
    "/api/oruk/service_at_locations?format=ndjson&full=true",
    "/api/oruk/organizations?format=ndjson&full_service=true",
]


MEASURE = "time"  # or "memory": one pass each keeps a run at 10,000 services under two minutes


def measured(call) -> tuple[float, float, int]:
    """Seconds (--measure time) or MB of peak Python memory under tracemalloc (--measure memory), bytes."""
    if MEASURE == "time":
        start = time.perf_counter()
        size = call()
        return time.perf_counter() - start, float("nan"), size
    tracemalloc.start()
    size = call()
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return float("nan"), peak / 1e6, size


def run(label: str, url: str, feed_path: Path, work: Path, variants: list[str]) -> None:
    app = create_app(
        "development",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(work / f"index-{label}"),
            "PAGE_CACHE": False,
            "RATELIMIT_ENABLED": False,
            "DEBUG": False,
        },
    )
    with app.app_context():
        db.upgrade()
        start = time.perf_counter()
        report = import_write.apply(db.session, import_read.read_path(feed_path))
        assert report.ok, report.lines()[:10]
        print(
            f"\n{label}: imported {report.created['services']} services in {time.perf_counter() - start:.1f}s"
        )
        try:
            from alliance.directory import feeds
        except ImportError:  # a version of the site that builds no feed files
            feeds = None
        if feeds:
            folder = Path(app.config["SEARCH_INDEX_DIR"]) / feeds.FOLDER

            def build() -> int:
                shutil.rmtree(folder, ignore_errors=True)
                return len(feeds.build_all(db.session, app.config["SEARCH_INDEX_DIR"]))

            cpu = time.process_time()
            seconds, peak, _count = measured(build)
            cpu = time.process_time() - cpu
            print(
                f"built {len(feeds.PREBUILT)} feed files: {seconds:.2f} s ({cpu:.2f} s CPU), peak {peak:.1f} MB"
            )
    client = app.test_client()

    def get(path: str):
        def call() -> int:
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
            size = 0
            for chunk in response.response:
                size += len(chunk)
            response.close()
            return size

        return call

    print(f"{'variant':60} {'seconds':>8} {'peak MB':>8} {'size MB':>8}")
    for path in variants:
        seconds, peak, size = measured(get(path))
        print(f"{path:60} {seconds:8.2f} {peak:8.1f} {size / 1e6:8.1f}")
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", help="a PostgreSQL URL whose public schema may be dropped")
    parser.add_argument("--all", action="store_true", help="every whole-list variant, not only two")
    parser.add_argument("--measure", choices=["time", "memory"], default="time")
    args = parser.parse_args()
    variants = VARIANTS + (MORE if args.all else [])
    global MEASURE
    MEASURE = args.measure
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        feed_path = work / "synthetic.json"
        feed = generator.generate(args.count, args.seed, ROOT / "content" / "directory")
        feed_path.write_text(json.dumps(feed), encoding="utf-8")
        if args.postgres:
            fresh_postgres(args.postgres)
            run("postgresql", args.postgres, feed_path, work, variants)
        else:
            run("sqlite", f"sqlite:///{work / 'bench.db'}", feed_path, work, variants)


if __name__ == "__main__":
    main()
