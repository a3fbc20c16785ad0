"""Survey export benchmark: time and peak memory of each export format over many responses.

    .venv/bin/python tests/bench/survey_export_bench.py [--responses 100000] [--database-url URL]

Builds a scratch SQLite database (or empties and uses the PostgreSQL database given; never point it
at real data), seeds the example survey, inserts synthetic responses with bulk inserts, then runs each
export to the end, discarding its output. Peak memory is reported twice: tracemalloc's peak of Python
allocations during the export, and the process's maximum resident set size (ru_maxrss, which only rises).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))

from run_gunicorn import fresh_postgres  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.surveys import exports, reports, seeding  # noqa: E402
from alliance.surveys.models import Answer, EqualityResponse, Question, Response, Survey  # noqa: E402

CONNECTIONS = ["patient", "carer", "family", "public", "professional"]
BARRIERS = ["language", "transport", "caring", "work", "disability"]
RANKED = ["close", "quick", "explained", "support", "choices"]


def populate(session, count: int) -> int:
    seeding.seed_surveys(session, ROOT / "content")
    survey_id = session.scalar(select(Survey.id))
    q = {row.key: row.id for row in session.scalars(select(Question).where(Question.survey_id == survey_id))}
    rng = random.Random(1)
    start = datetime(2026, 1, 5, tzinfo=UTC)
    step = 2000
    for first in range(0, count, step):
        responses, answers, monitoring = [], [], []
        for n in range(first, min(first + step, count)):
            rid = n + 1
            mid = f"{n:032x}"
            responses.append(
                {
                    "id": rid,
                    "survey_id": survey_id,
                    "survey_version": 1,
                    "reference": f"B{n:09d}",
                    "token": f"bench-{n:040d}",
                    "lang": rng.choice(["en", "en", "ur", "pl"]),
                    "locality": rng.choice(["Sheffield", "Barnsley", "Doncaster"]),
                    "monitoring_id": mid,
                    "submitted_at": start + timedelta(minutes=n),
                }
            )
            monitoring.append(
                {
                    "id": mid,
                    "survey_id": survey_id,
                    "submitted_on": start.date(),
                    "sex": rng.choice(["female", "male"]),
                }
            )
            answers.append(
                {
                    "response_id": rid,
                    "question_id": q["connection"],
                    "option_key": rng.choice(CONNECTIONS),
                    "value": "",
                }
            )
            answers.append(
                {
                    "response_id": rid,
                    "question_id": q["experience_rating"],
                    "option_key": None,
                    "value": str(rng.randint(1, 5)),
                }
            )
            answers.append(
                {
                    "response_id": rid,
                    "question_id": q["travel_minutes"],
                    "option_key": None,
                    "value": str(rng.randint(0, 120)),
                }
            )
            answers.append(
                {
                    "response_id": rid,
                    "question_id": q["one_change"],
                    "option_key": None,
                    "value": "=Evening clinics " * 3,
                }
            )
            answers.append(
                {
                    "response_id": rid,
                    "question_id": q["tell_us_more"],
                    "option_key": None,
                    "value": "The nurses were kind. " * 10,
                }
            )
            for key in rng.sample(BARRIERS, 2):
                answers.append(
                    {"response_id": rid, "question_id": q["barriers"], "option_key": key, "value": ""}
                )
            for rank, key in enumerate(rng.sample(RANKED, 5), start=1):
                answers.append(
                    {
                        "response_id": rid,
                        "question_id": q["what_matters"],
                        "option_key": key,
                        "value": str(rank),
                    }
                )
        session.execute(insert(Response), responses)
        session.execute(insert(EqualityResponse), monitoring)
        session.execute(insert(Answer), answers)
        session.commit()
    return survey_id


def run(app, survey_id: int, fmt: str) -> int:
    with app.app_context():
        return sum(
            len(chunk)
            for chunk in exports.export(db.session, survey_id, fmt, reports.Filters(), fmt != "csv")
        )


def measure(app, survey_id: int, fmt: str) -> tuple[float, int, float, int]:
    """Time from a plain run; the tracemalloc peak from a second, traced run (tracing slows it down)."""
    began = time.perf_counter()
    size = run(app, survey_id, fmt)
    elapsed = time.perf_counter() - began
    tracemalloc.start()
    run(app, survey_id, fmt)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return elapsed, peak, rss_mb, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (it is emptied)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="survey-bench-")
    url = args.database_url or f"sqlite:///{scratch}/bench.db"
    app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{scratch}/search"})
    with app.app_context():
        if url.startswith("postgresql"):
            fresh_postgres(url)
        db.upgrade()
        began = time.perf_counter()
        survey_id = populate(db.session, args.responses)
        print(
            f"{url.split(':')[0]}: {args.responses} responses inserted in {time.perf_counter() - began:.1f} s"
        )
        db.session.close()
    print(f"{'format':<6} {'seconds':>8} {'tracemalloc peak MB':>20} {'ru_maxrss MB':>13} {'output MB':>10}")
    for fmt in ("csv", "json", "xlsx"):
        elapsed, peak, rss, size = measure(app, survey_id, fmt)
        print(f"{fmt:<6} {elapsed:>8.1f} {peak / 2**20:>20.1f} {rss:>13.0f} {size / 2**20:>10.1f}")


if __name__ == "__main__":
    main()
