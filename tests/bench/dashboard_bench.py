"""Dashboard benchmark: how long an administrator's "waiting for you" counts take over a busy database.

    .venv/bin/python tests/bench/dashboard_bench.py [--responses 10000] [--revisions 20] [--database-url URL]

Builds a scratch SQLite database (or empties and uses the PostgreSQL database given; never point it
at real data), seeds the demo pages and the example survey, gives every page and language `--revisions`
revisions (the newest in review on every other page), inserts `--responses` responses with a pending
review (a tenth urgent) for each free-text answer, then times `waiting.for_staff` for an administrator,
who sees every kind: median and slowest of 20 runs.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))

from run_gunicorn import fresh_postgres  # noqa: E402
from survey_export_bench import populate  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.backoffice import waiting  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.pages import services as pages  # noqa: E402
from alliance.pages.models import PageRevision  # noqa: E402
from alliance.surveys.models import Answer, AnswerReview, Question  # noqa: E402

RUNS = 20


def add_revisions(session, per_language: int) -> int:
    latest = session.scalars(select(PageRevision)).all()
    rows = []
    for number_of_page, revision in enumerate(latest):
        for number in range(revision.number + 1, revision.number + 1 + per_language):
            newest = number == revision.number + per_language
            rows.append(
                {
                    "page_id": revision.page_id,
                    "lang": revision.lang,
                    "number": number,
                    "title": revision.title,
                    "body": revision.body,
                    "body_hash": revision.body_hash,
                    "source_hash": "",
                    "origin": "staff",
                    "status": "in_review" if newest and number_of_page % 2 else "superseded",
                }
            )
    session.execute(insert(PageRevision), rows)
    session.commit()
    return len(rows)


def add_reviews(session, survey_id: int) -> int:
    free_text = select(Question.id).where(Question.key.in_(["one_change", "tell_us_more"]))
    answers = session.scalars(select(Answer.id).where(Answer.question_id.in_(free_text))).all()
    rows = [
        {
            "answer_id": answer,
            "survey_id": survey_id,
            "status": "pending",
            "urgent": n % 10 == 0,
            "flags": "[]",
        }
        for n, answer in enumerate(answers)
    ]
    for first in range(0, len(rows), 5000):
        session.execute(insert(AnswerReview), rows[first : first + 5000])
    session.commit()
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--revisions", type=int, default=20, help="extra revisions per page and language")
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (it is emptied)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="dashboard-bench-")
    url = args.database_url or f"sqlite:///{scratch}/bench.db"
    app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{scratch}/search"})
    with app.app_context():
        if url.startswith("postgresql"):
            fresh_postgres(url)
        db.upgrade()
        pages.seed_pages(db.session, ROOT / "content")
        revisions = add_revisions(db.session, args.revisions)
        survey_id = populate(db.session, args.responses)
        reviews = add_reviews(db.session, survey_id)
        total = db.session.query(PageRevision).count()
        print(f"{url.split(':')[0]}: {total} page revisions ({revisions} added), {reviews} pending reviews")
        times, found = [], []
        for _ in range(RUNS):
            began = time.perf_counter()
            found = waiting.for_staff(db.session, 0, lambda permission: True)
            times.append(time.perf_counter() - began)
            db.session.rollback()
        counts = ", ".join(f"{kind.key} {kind.count}" for kind in found)
        print(f"counts: {counts}")
        print(
            f"for_staff over {RUNS} runs: median {statistics.median(times) * 1000:.1f} ms, "
            f"slowest {max(times) * 1000:.1f} ms"
        )


if __name__ == "__main__":
    main()
