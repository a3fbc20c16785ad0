"""Moderation queue benchmark: how long opening the moderation overview and a survey's queue takes.

    .venv/bin/python tests/bench/moderation_queue_bench.py [--responses 10000] [--database-url URL]

Builds a scratch SQLite database (or empties and uses the PostgreSQL database given; never point it
at real data), seeds the example survey, inserts synthetic responses with bulk inserts (two free-text
answers each, one in fifty with a safeguarding phrase), gives them their reviews as the submit path
does, then asks a real HTTP server on 127.0.0.1 (Werkzeug's, in a thread) for each moderation page as
a signed-in moderator, several times, and prints the median and worst time of each. It also checks
that opening the pages added no review.

Measured on the 2-core development machine with 10,000 responses (20,000 reviews, 200 urgent), median
of 7: SQLite overview 0.012 s, queue 0.024 s, queue page 40 0.089 s; PostgreSQL overview 0.009 s,
queue 0.071 s, queue page 40 0.099 s. Before, with every answer on one page, the queue took 2.1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select, update
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_gunicorn import fresh_postgres  # noqa: E402
from survey_export_bench import populate  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.extensions import db  # noqa: E402
from alliance.surveys import review_queue  # noqa: E402
from alliance.surveys.models import Answer, AnswerReview, Question  # noqa: E402
from tests.factories import make_staff  # noqa: E402
from tests.integration.backoffice.conftest import signed_in_client  # noqa: E402

REPEATS = 7


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args):  # keep the report readable
        pass


def session_cookie(app, user) -> str:
    client = signed_in_client(app, user)
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    return f"{cookie.key}={cookie.value}"


def timed_get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Host": "localhost"})
    began = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - 127.0.0.1 only
        response.read()
        assert response.status == 200, response.status
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--database-url", help="a scratch PostgreSQL database (it is emptied)")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="moderation-bench-")
    url = args.database_url or f"sqlite:///{scratch}/bench.db"
    app = create_app("test", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": f"{scratch}/search"})
    with app.app_context():
        if url.startswith("postgresql"):
            fresh_postgres(url)
        db.upgrade()
        began = time.perf_counter()
        survey_id = populate(db.session, args.responses)
        one_change = db.session.scalar(select(Question.id).where(Question.key == "one_change"))
        db.session.execute(
            update(Answer)
            .where(Answer.question_id == one_change, Answer.response_id % 50 == 0)
            .values(value="I am scared and nobody is helping me at home")
        )
        review_queue.sync_queue(db.session, survey_id)
        db.session.commit()
        reviews = db.session.scalar(select(func.count()).select_from(AnswerReview))
        urgent = db.session.scalar(select(func.count()).where(AnswerReview.urgent))
        print(
            f"{url.split(':')[0]}: {args.responses} responses, {reviews} reviews ({urgent} urgent) "
            f"made in {time.perf_counter() - began:.1f} s"
        )
        user = make_staff(db.session, roles="moderator", email="bench@example.nhs.uk")
        db.session.close()
    cookie = session_cookie(app, user)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}/backoffice"
    try:
        print(f"{'page':<40} {'median s':>9} {'worst s':>8}")
        for path in (
            "/moderation",
            f"/moderation/{survey_id}",
            f"/moderation/{survey_id}?page=40",
            f"/moderation/{survey_id}?status=approved",
        ):
            timed_get(base + path, cookie)  # warm up
            times = [timed_get(base + path, cookie) for _ in range(REPEATS)]
            print(f"{path:<40} {statistics.median(times):>9.3f} {max(times):>8.3f}")
    finally:
        server.shutdown()
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(AnswerReview))
    print(f"reviews before {reviews}, after opening the pages {after}")


if __name__ == "__main__":
    main()
