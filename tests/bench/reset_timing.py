"""Password reset request timing: known against unknown addresses, through the Flask test client.

    .venv/bin/python tests/bench/reset_timing.py [--requests 50] [--database-url URL]

Builds a scratch SQLite database (or empties and uses the PostgreSQL database given; never point it
at real data) with N staff accounts, points SMTP at a port where nothing listens (a reset request must
not touch mail at all), then posts N reset requests for known addresses and N for unknown addresses
of the same length, alternating, each from its own client address so the per-client limit stays out
of the way, after a few warm-up requests. Reports the median and 95th percentile server time of each.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))

from run_gunicorn import fresh_postgres  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.accounts.services import create_user, password_hasher  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.outbox.models import OutboxMessage  # noqa: E402

URL = "/backoffice/password-reset"


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        if args.database_url:
            fresh_postgres(args.database_url)
        app = create_app(
            "test",
            {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{scratch}/search", "SMTP_PORT": closed_port()},
        )
        hasher = password_hasher(1, 1024)
        with app.app_context():
            db.upgrade()
            for n in range(args.requests + 5):
                create_user(
                    db.session,
                    f"known{n:03d}@example.nhs.uk",
                    f"Person {n}",
                    "a long passphrase here",
                    [],
                    hasher,
                )
            db.session.commit()
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(URL).get_data(as_text=True)).group(
            1
        )
        timings: dict[str, list[float]] = {"known": [], "unknown": []}

        def post(email: str, address: str) -> float:
            started = time.perf_counter()
            response = client.post(
                URL, data={"email": email, "csrf_token": token}, environ_overrides={"REMOTE_ADDR": address}
            )
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
            return elapsed

        for n in range(5):  # warm-up: templates compiled, connections open
            post(f"known{args.requests + n:03d}@example.nhs.uk", f"198.51.100.{n}")
            post(f"other{args.requests + n:03d}@example.nhs.uk", f"198.51.100.{100 + n}")
        for n in range(args.requests):
            timings["known"].append(post(f"known{n:03d}@example.nhs.uk", f"10.0.{n // 200}.{n % 200}"))
            timings["unknown"].append(post(f"other{n:03d}@example.nhs.uk", f"10.1.{n // 200}.{n % 200}"))
        with app.app_context():
            queued = db.session.scalar(select(func.count(OutboxMessage.id)))
            db.engine.dispose()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{engine}, {args.requests} requests each, SMTP down, messages queued: {queued}")
    for kind, values in timings.items():
        print(
            f"  {kind:8} median {statistics.median(values) * 1000:6.2f} ms"
            f"   p95 {percentile(values, 0.95) * 1000:6.2f} ms"
        )


if __name__ == "__main__":
    main()
