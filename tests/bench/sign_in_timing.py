"""Failed sign-in timing: known against unknown email addresses, with the production argon2 cost.

    .venv/bin/python tests/bench/sign_in_timing.py [--requests 30] [--database-url URL]

Builds a scratch SQLite database (or empties and uses the PostgreSQL database given; never point it
at real data) with N staff accounts hashed at the production argon2 parameters, then posts N sign-ins
with a wrong password for known addresses and N for unknown addresses of the same length,
alternating, each from its own client address and each known one for its own account so the lockout
stays out of the way, after a few warm-up requests. Reports the median and 95th percentile of each.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))

from run_gunicorn import fresh_postgres  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.accounts.services import create_user, password_hasher  # noqa: E402
from alliance.extensions import db  # noqa: E402
from config import Config  # noqa: E402

URL = "/backoffice/sign-in"
WARM_UP = 3


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    cost = {"ARGON2_TIME_COST": Config.ARGON2_TIME_COST, "ARGON2_MEMORY_COST": Config.ARGON2_MEMORY_COST}
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.db"
        if args.database_url:
            fresh_postgres(args.database_url)
        app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{scratch}/search", **cost})
        hasher = password_hasher(cost["ARGON2_TIME_COST"], cost["ARGON2_MEMORY_COST"])
        with app.app_context():
            db.upgrade()
            for n in range(args.requests + WARM_UP):
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
        page = client.get(URL).get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for n in range(args.requests + WARM_UP):
            for kind in ("known", "unknown"):
                client.environ_base["REMOTE_ADDR"] = f"10.{n // 250}.{n % 250}.{1 if kind == 'known' else 2}"
                started = time.perf_counter()
                response = client.post(
                    URL,
                    data={
                        "email": f"{kind}{n:03d}@example.nhs.uk",
                        "password": "not the password",
                        "csrf_token": token,
                    },
                )
                elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, response.status_code
                if n >= WARM_UP:
                    timings[kind].append(elapsed)
        for kind, values in timings.items():
            print(
                f"{kind:8} n={len(values)} median {statistics.median(values):6.1f} ms"
                f"  p95 {percentile(values, 0.95):6.1f} ms"
            )


if __name__ == "__main__":
    main()
