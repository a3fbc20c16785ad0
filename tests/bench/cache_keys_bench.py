"""What links with tracking parameters leave in the shared page cache (Redis), with real gunicorn.

    .venv/bin/python tests/bench/cache_keys_bench.py [--redis-url redis://127.0.0.1:6379/4]
        [--links 30] [--path /en/bowel-screening] [--source DIR]

Seeds a scratch SQLite database with the demo content (`flask db upgrade`, `flask seed`), serves the
site with gunicorn (`make serve` settings, ALLIANCE_ENV=production, REDIS_URL given, a key prefix of
its own), asks for `--path` once plainly and then `--links` times with random `fbclid`/`gclid`/`utm_*`
query strings, and prints how many page keys Redis holds under the prefix, their bytes (STRLEN) and
their memory (MEMORY USAGE), the longest TTL, and whether every answer was the same page. The prefix's
keys are deleted afterwards. `--source` runs another checkout of the project (for a before/after
figure). Sends traffic to 127.0.0.1 only; about 20 seconds. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.run_gunicorn import free_port  # noqa: E402
from tests.unit.test_page_cache import random_tracking_query  # noqa: E402


def environment(source: Path, env: dict) -> dict:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "FLASK_", "GUNICORN"))}
    return {**kept, "PYTHONPATH": f"{source}:{source / 'site'}", **env}


def fetch(url: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
        if response.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/4")
    parser.add_argument("--links", type=int, default=30)
    parser.add_argument("--path", default="/en/bowel-screening")
    parser.add_argument("--source", type=Path, default=ROOT)
    args = parser.parse_args()
    source = args.source.resolve()

    client = redis.Redis.from_url(args.redis_url)
    prefix = f"bench-cache-{secrets.token_hex(4)}:"
    scratch = Path(tempfile.mkdtemp(prefix="cache-bench-"))
    env = environment(
        source,
        {
            "ALLIANCE_ENV": "production",
            "SITE_URL": "http://127.0.0.1",
            "ALLIANCE_CONTACT_EMAIL": "contact@alliance.test",
            "SECRET_KEY": secrets.token_hex(32),
            "DATABASE_URL": f"sqlite:///{scratch / 'site.db'}",
            "SEARCH_INDEX_DIR": str(scratch / "search"),
            "CONTENT_DIR": str(ROOT / "content"),
            "REDIS_URL": args.redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "FLASK_APP": "wsgi",
        },
    )
    for command in (["db", "upgrade"], ["seed"]):
        subprocess.run(
            [sys.executable, "-m", "flask", *command], cwd=source, env=env, check=True, capture_output=True
        )
    port = free_port()
    conf = source / "site" / "alliance" / "ops" / "gunicorn_conf.py"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(conf), "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=source,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        rng = random.Random(15)
        bodies = set()
        status, body = fetch(base + args.path)
        assert status == 200, status
        bodies.add(body)
        for _ in range(args.links):
            status, body = fetch(f"{base}{args.path}?{random_tracking_query(rng)}")
            assert status == 200, status
            bodies.add(body)
        keys = [
            key for key in client.scan_iter(match=prefix + "page:*", count=500) if not key.endswith(b"#count")
        ]
        size = sum(client.strlen(key) for key in keys)
        memory = sum(client.memory_usage(key) or 0 for key in keys)
        ttl = max((client.ttl(key) for key in keys), default=0)
        print(f"source: {source}")
        print(f"requests: 1 plain + {args.links} with tracking parameters for {args.path}")
        print(
            f"page keys in Redis: {len(keys)}; bytes stored: {size:,}; memory: {memory:,}; longest TTL: {ttl} s"
        )
        print(f"distinct page bodies served: {len(bodies)}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        for key in client.scan_iter(match=prefix + "*", count=500):
            client.delete(key)
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
