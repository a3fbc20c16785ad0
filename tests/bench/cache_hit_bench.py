"""CPU time of a page cache hit, in process (the WSGI stack only, no sockets).

    .venv/bin/python tests/bench/cache_hit_bench.py [--requests 3000] [--source DIR]

Makes the site (test settings, page cache on, in-process store) on a scratch SQLite database seeded
with the demo content, caches /en/bowel-screening, then calls the WSGI app `--requests` times with
`Accept-Encoding: gzip` (and, with `--tracking`, a random tracking query string each time), and prints the median and 95th percentile
time per hit over five rounds. `--source` runs another checkout (before/after; a checkout that keys on the whole query string would
miss on every tracking link, so compare it without `--tracking`). About 30 seconds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--tracking", action="store_true")
    args = parser.parse_args()
    source = args.source.resolve()
    sys.path[:0] = [str(source), str(source / "site")]
    from alliance import create_app
    from alliance.extensions import db

    scratch = Path(tempfile.mkdtemp(prefix="cache-hit-bench-"))
    app = create_app(
        "test",
        {
            "DATABASE_URL": f"sqlite:///{scratch / 'site.db'}",
            "SEARCH_INDEX_DIR": str(scratch / "search"),
            "CONTENT_DIR": str(ROOT / "content"),
            "PAGE_CACHE": True,
        },
    )
    with app.app_context():
        db.upgrade()
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    path = "/en/bowel-screening"
    assert app.test_client().get(path).status_code == 200
    rng = random.Random(1)
    queries = [
        f"utm_source=x{rng.randrange(10**9)}&fbclid={rng.randrange(10**12)}" if args.tracking else ""
        for _ in range(args.requests)
    ]

    def call(query: str) -> None:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "HTTP_HOST": "localhost",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "wsgi.url_scheme": "http",
            "wsgi.input": None,
            "wsgi.errors": sys.stderr,
        }
        seen = {}
        body = b"".join(app.wsgi_app(environ, lambda status, headers, exc=None: seen.update(status=status)))
        assert seen["status"].startswith("200") and body

    call(queries[0])
    rounds = []
    for _ in range(5):
        times = []
        for query in queries:
            started = time.perf_counter()
            call(query)
            times.append(time.perf_counter() - started)
        rounds.append(times)
    medians = [statistics.median(t) * 1e6 for t in rounds]
    p95s = [statistics.quantiles(t, n=20)[18] * 1e6 for t in rounds]
    print(f"source: {source}; tracking query strings: {args.tracking}")
    print(
        f"cache hit, {args.requests} requests x 5 rounds: median {statistics.median(medians):.0f} us, "
        f"p95 {statistics.median(p95s):.0f} us"
    )


if __name__ == "__main__":
    main()
