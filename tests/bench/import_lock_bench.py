"""How long a directory import holds SQLite's write lock: from its first INSERT, UPDATE or DELETE to
its commit, which is how long every other writer (survey answers, content saves) may have to wait.

    .venv/bin/python tests/bench/import_lock_bench.py [--count 1000] [--repeat 3]

Generates `count` synthetic services (about 14.7 rows each), imports them into a fresh SQLite file
and prints the rows, the whole import's time and the time the write lock was held. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from sqlalchemy import event  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.directory import generator, import_read, import_write  # noqa: E402
from alliance.extensions import db  # noqa: E402

WRITES = ("INSERT", "UPDATE", "DELETE")


def once(feed_path: Path, work: Path) -> tuple[int, float, float]:
    app = create_app(
        "development",
        {"DATABASE_URL": f"sqlite:///{work / 'bench.db'}", "SEARCH_INDEX_DIR": str(work / "search")},
    )
    with app.app_context():
        db.upgrade()
        first_write: list[float] = []

        @event.listens_for(db.engine, "before_cursor_execute")
        def _note(_conn, _cursor, statement, *_args):
            if not first_write and statement.lstrip().upper().startswith(WRITES):
                first_write.append(time.perf_counter())

        batch = import_read.read_path(feed_path)
        rows = sum(len(r) for r in batch.rows.values())
        start = time.perf_counter()
        report = import_write.apply(db.session, batch, sqlite_max_rows=sys.maxsize)
        end = time.perf_counter()
        assert report.ok, report.lines()[:5]
        db.engine.dispose()
    return rows, end - start, end - first_write[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        feed_path = work / "feed.json"
        feed_path.write_text(json.dumps(generator.generate(args.count, 1, ROOT / "content" / "directory")))
        for run in range(args.repeat):
            (work / "bench.db").unlink(missing_ok=True)
            rows, total, held = once(feed_path, work)
            print(
                f"run {run + 1}: {args.count} services, {rows:,} rows: import {total:.2f} s, lock held {held:.2f} s"
            )


if __name__ == "__main__":
    main()
