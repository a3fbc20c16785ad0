"""Survey intake under load: many people answering the survey at once through gunicorn.

    .venv/bin/python tests/bench/survey_load.py [--minutes 3] [--submitters 50]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg] [--redis-url redis://...]
        [--skip-sqlite]

Seeds a scratch SQLite database (and the PostgreSQL database given, whose public schema is dropped
and made again) with the example survey, starts gunicorn with the `make serve` settings and
ALLIANCE_ENV=production, then runs `--submitters` threads for `--minutes`. Each thread walks the
whole survey again and again like a person: start page, every question page (GET, then POST the
answers with the page's CSRF token, following the redirects), about you, check your answers, the
final submit, the confirmation page. Each journey writes a unique marker into its last free-text
answer. One journey in `--double-every` sends the final form twice at once on two connections,
then once more after the confirmation (a resend), with the same cookies.

Each journey comes from its own address (X-Forwarded-For, with TRUSTED_PROXIES=1 as behind nginx),
so the survey rate limits stay at their production values and apply per person.

Afterwards it counts what the database holds and prints a table. Exits non-zero unless nothing was
lost, nothing duplicated, and no request got a 5xx or any other unexpected answer. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import http.client
import re
import secrets
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from run_gunicorn import ROOT, flask, fresh_postgres, gunicorn
from sqlalchemy import create_engine, text

SLUG = "have-your-say-on-cancer-care"
BASE = f"/en/surveys/{SLUG}"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
REFERENCE = re.compile(r'class="app-survey-reference"[^>]*>([^<]+)<')
CONNECTIONS = ["patient", "carer", "family", "public", "professional"]


def page_answers(number: int, journey: int, marker: str) -> dict:
    """A person's answers to one page; they vary with the journey (page 2 is only asked of some)."""
    if number == 1:
        return {"connection": CONNECTIONS[journey % len(CONNECTIONS)]}
    if number == 2:
        return {"experience_rating": str(1 + journey % 5)}
    if number == 3:
        order = ["close", "quick", "explained", "support", "choices"]
        shift = journey % 5
        return {f"what_matters[{k}]": str(n) for n, k in enumerate(order[shift:] + order[:shift], 1)}
    if number == 4:
        return {"barriers": ["transport", "other"], "barriers.other": "Parking at the hospital"}
    if number == 5:
        return {"tell_us_more": "The nurses were kind.\nWaiting for results was hard."}
    if number == 6:
        return {"outcode": ["S10 2TN", "DN22 7XF", "S40 1AA"][journey % 3], "travel_minutes": "45"}
    if number == 7:
        return {
            "last_appointment[day]": "3",
            "last_appointment[month]": "9",
            "last_appointment[year]": "2026",
            "one_change": marker,
        }
    raise ValueError(number)


EQUALITY = {"age_band": "45-54", "sex": "female", "ethnic_group": "white", "carer": "no"}


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    times: dict[str, list[float]] = field(default_factory=lambda: {"page": [], "submit": []})
    confirmed: dict[str, str] = field(default_factory=dict)  # marker -> reference
    with_equality: set[str] = field(default_factory=set)

    def add(self, name: str, n: int = 1) -> None:
        with self.lock:
            self.counts[name] += n

    def problem(self, message: str) -> None:
        with self.lock:
            self.counts["other errors"] += 1
            if len(self.problems) < 20:
                self.problems.append(message)


class Unexpected(Exception):
    pass


class Person:
    """One browser: its own connection and cookie jar (kept by hand: production cookies are Secure)."""

    def __init__(self, port: int, address: str, tally: Tally):
        self.port, self.address, self.tally = port, address, tally
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def close(self) -> None:
        self.connection.close()

    def request(
        self,
        method: str,
        path: str,
        form: dict | None = None,
        cookies: dict | None = None,
        kind: str = "page",
    ) -> tuple[int, dict, str]:
        jar = self.cookies if cookies is None else cookies
        headers = {
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Accept-Language": "en",
        }
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                html = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server closed (worker recycled): a browser retries.
                self.connection.close()
                self.tally.add("reconnects")
                if attempt:
                    raise
        elapsed = time.perf_counter() - started
        found = {k.lower(): v for k, v in response.getheaders()}
        for line in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "expires=thu, 01 jan 1970" not in line.lower():
                jar[name] = value
            else:
                jar.pop(name, None)
        with self.tally.lock:
            self.tally.counts["requests"] += 1
            self.tally.statuses[response.status] += 1
            self.tally.times[kind].append(elapsed)
            if response.status >= 500:
                self.tally.counts["5xx responses"] += 1
            if response.status == 429:
                self.tally.counts["429 responses"] += 1
        return response.status, found, html

    def expect(self, method: str, path: str, status: int, form: dict | None = None) -> tuple[dict, str]:
        got, headers, html = self.request(method, path, form)
        if got != status:
            raise Unexpected(f"{method} {path}: {got}, expected {status}")
        return headers, html


def location(headers: dict) -> str:
    return urllib.parse.urlsplit(headers["location"]).path


def journey(port: int, number: int, run: str, double: bool, tally: Tally) -> None:
    """One person answering the whole survey; raises Unexpected when the site answers oddly."""
    address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
    marker = f"Evening clinics {run}-{number:06d}"
    person = Person(port, address, tally)
    try:
        tally.add("journeys started")
        _, html = person.expect("GET", BASE + "/", 200)
        path = f"{BASE}/questions/1"
        while path.startswith(f"{BASE}/questions/"):
            _, html = person.expect("GET", path, 200)
            page = int(path.rsplit("/", 1)[1])
            form = {**page_answers(page, number, marker), "csrf_token": CSRF.search(html).group(1)}
            headers, _ = person.expect("POST", path, 303, form)
            path = location(headers)
        if path != f"{BASE}/about-you":
            raise Unexpected(f"after the questions: {path}")
        _, html = person.expect("GET", path, 200)
        equality = EQUALITY if number % 2 else {}
        headers, _ = person.expect("POST", path, 303, {**equality, "csrf_token": CSRF.search(html).group(1)})
        path = location(headers)
        if path != f"{BASE}/check-your-answers":
            raise Unexpected(f"after about you: {path}")
        _, html = person.expect("GET", path, 200)
        if marker not in html:
            raise Unexpected("check your answers does not show the answers given")
        form = {"csrf_token": CSRF.search(html).group(1), "token": TOKEN.search(html).group(1), "website": ""}
        before = dict(person.cookies)
        if equality:
            with tally.lock:
                tally.with_equality.add(marker)
        references = submit_twice(person, path, form, before) if double else [submit(person, path, form)]
        if double:
            # Back, then resend: the form and cookies from before the first submit.
            references.append(submit(Person(port, address, tally), path, form, before))
            tally.add("resends")
        if len(set(references)) != 1 or None in references:
            raise Unexpected(f"references differ or are missing: {references}")
        with tally.lock:
            tally.confirmed[marker] = references[0]
            tally.counts["confirmations"] += 1
    except Unexpected as error:
        tally.problem(str(error))
    except Exception as error:  # noqa: BLE001 - counted and shown, the run goes on
        tally.problem(f"{type(error).__name__}: {error}")
    finally:
        person.close()


def submit(person: Person, path: str, form: dict, cookies: dict | None = None) -> str | None:
    """Post the final form, then read the confirmation page; the reference it shows."""
    jar = dict(cookies if cookies is not None else person.cookies)
    person.tally.add("final submits sent")
    status, headers, _ = person.request("POST", path, form, jar, kind="submit")
    if status != 303 or location(headers) != f"{BASE}/sent":
        raise Unexpected(f"final submit: {status} to {headers.get('location')}")
    status, _, html = person.request("GET", f"{BASE}/sent", cookies=jar)
    found = REFERENCE.search(html)
    if status != 200 or not found:
        raise Unexpected(f"confirmation page: {status}, reference {'shown' if found else 'missing'}")
    person.cookies = jar
    return found.group(1)


def submit_twice(person: Person, path: str, form: dict, cookies: dict) -> list[str | None]:
    """Two POSTs of the same form at the same moment, each on its own connection (a double click)."""
    barrier = threading.Barrier(2)
    results: list = [None, None]
    errors: list[Exception] = []

    def send(slot: int) -> None:
        other = Person(person.port, person.address, person.tally)
        try:
            barrier.wait(timeout=30)
            results[slot] = submit(other, path, form, cookies)
        except Exception as error:  # noqa: BLE001 - re-raised below
            errors.append(error)
        finally:
            other.close()

    threads = [threading.Thread(target=send, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    person.tally.add("double posts")
    if errors:
        raise errors[0]
    return results


def load(port: int, submitters: int, seconds: float, double_every: int, tally: Tally) -> float:
    run = secrets.token_hex(3)
    deadline = time.monotonic() + seconds
    counter = iter(range(1, 10**7))
    lock = threading.Lock()

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                number = next(counter)
            journey(port, number, run, number % double_every == 0, tally)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(submitters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - started


def stored(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as connection:
        survey_id = connection.scalar(text("SELECT id FROM surveys WHERE slug = :slug"), {"slug": SLUG})

        def one(sql: str) -> int:
            return connection.scalar(text(sql), {"survey": survey_id})

        found = {
            "responses": one("SELECT count(*) FROM survey_responses WHERE survey_id = :survey"),
            "tokens": one("SELECT count(DISTINCT token) FROM survey_responses WHERE survey_id = :survey"),
            "references": one(
                "SELECT count(DISTINCT reference) FROM survey_responses WHERE survey_id = :survey"
            ),
            "with monitoring": one(
                "SELECT count(*) FROM survey_responses WHERE survey_id = :survey AND monitoring_id IS NOT NULL"
            ),
            "equality rows": one("SELECT count(*) FROM survey_equality_responses WHERE survey_id = :survey"),
        }
        found["markers"] = dict(
            connection.execute(
                text(
                    "SELECT a.value, count(*) FROM survey_answers a "
                    "JOIN survey_questions q ON q.id = a.question_id "
                    "WHERE q.survey_id = :survey AND q.key = 'one_change' GROUP BY a.value"
                ),
                {"survey": survey_id},
            ).all()
        )
    engine.dispose()
    return found


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] * 1000


def run(label: str, url: str, args: argparse.Namespace, work: Path) -> bool:
    content = work / f"content-{label}"
    shutil.copytree(ROOT / "content" / "surveys", content / "surveys")
    env = {
        "ALLIANCE_ENV": "production",
        "SITE_URL": "http://127.0.0.1",
        "ALLIANCE_CONTACT_EMAIL": "contact@alliance.test",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "CONTENT_DIR": str(content),
        "SEARCH_INDEX_DIR": str(work / f"search-{label}"),
        "TRUSTED_PROXIES": "1",
        "GUNICORN_LOG_LEVEL": "warning",
    }
    if args.redis_url:
        env |= {"REDIS_URL": args.redis_url, "REDIS_KEY_PREFIX": f"ops-bench-{secrets.token_hex(4)}:"}
    flask(env, "db", "upgrade")
    flask(env, "seed")
    log = work / f"gunicorn-{label}.log"
    tally = Tally()
    with gunicorn("wsgi:app", env, ready_path="/readyz", production=True, log=log) as base:
        port = int(base.rsplit(":", 1)[1])
        elapsed = load(port, args.submitters, args.minutes * 60, args.double_every, tally)
    found = stored(url)
    if env.get("REDIS_KEY_PREFIX"):
        import redis

        client = redis.Redis.from_url(args.redis_url)
        for key in client.scan_iter(match=env["REDIS_KEY_PREFIX"] + "*", count=500):
            client.delete(key)
        client.close()

    markers = found["markers"]
    confirmed = tally.confirmed
    lost = [m for m in confirmed if markers.get(m, 0) == 0]
    duplicated = [m for m, n in markers.items() if n > 1]
    unconfirmed = [m for m in markers if m not in confirmed]
    expected_equality = sum(1 for m in tally.with_equality if m in markers)
    log_errors = sum(1 for line in log.read_text(errors="replace").splitlines() if "Traceback" in line)
    counts = tally.counts
    rows = [
        ("submitters (concurrent)", args.submitters),
        ("minutes", f"{elapsed / 60:.1f}"),
        ("journeys started", counts["journeys started"]),
        ("journeys per minute", f"{counts['journeys started'] / (elapsed / 60):.0f}"),
        ("requests", counts["requests"]),
        ("final submits sent", counts["final submits sent"]),
        ("  of which in double posts / resends", f"{2 * counts['double posts']} / {counts['resends']}"),
        ("confirmations received", counts["confirmations"]),
        ("5xx responses", counts["5xx responses"]),
        ("429 responses", counts["429 responses"]),
        ("other errors", counts["other errors"]),
        ("tracebacks in the server log", log_errors),
        ("responses stored", found["responses"]),
        ("duplicates by token", found["responses"] - found["tokens"]),
        ("duplicates by journey", len(duplicated)),
        ("confirmed but not stored (lost)", len(lost)),
        ("stored but not confirmed", len(unconfirmed)),
        ("equality rows (expected)", f"{found['equality rows']} ({expected_equality})"),
        (
            "page requests p50 / p95 ms",
            f"{percentile(tally.times['page'], 0.5):.0f} / {percentile(tally.times['page'], 0.95):.0f}",
        ),
        (
            "final submit p50 / p95 ms",
            f"{percentile(tally.times['submit'], 0.5):.0f} / {percentile(tally.times['submit'], 0.95):.0f}",
        ),
    ]
    print(f"\n{label}")
    for name, value in rows:
        print(f"  {name:40} {value:>14}")
    print(f"  statuses: {dict(sorted(tally.statuses.items()))}")
    for problem in tally.problems:
        print(f"  problem: {problem}")
    ok = (
        counts["confirmations"] > 0
        and not lost
        and not duplicated
        and not unconfirmed
        and found["responses"] == found["tokens"] == found["references"] == len(markers)
        and found["equality rows"] == found["with monitoring"] == expected_equality
        and counts["5xx responses"] == 0
        and counts["429 responses"] == 0
        and counts["other errors"] == 0
        and log_errors == 0
    )
    print(f"  target (0 lost, 0 duplicated, 0 server errors): {'met' if ok else 'MISSED'}")
    if log_errors:
        print(f"  server log: {log}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=3)
    parser.add_argument("--submitters", type=int, default=50)
    parser.add_argument("--double-every", type=int, default=5, help="one journey in N double-posts")
    parser.add_argument("--database-url", help="a PostgreSQL URL whose public schema may be dropped")
    parser.add_argument(
        "--redis-url", help="Redis for rate limits and the page cache; without it gunicorn runs one worker"
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (databases, logs)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="survey-load-"))
    results = []
    try:
        if not args.skip_sqlite:
            results.append(run("sqlite", f"sqlite:///{work / 'survey.db'}", args, work))
        if args.database_url:
            fresh_postgres(args.database_url)
            results.append(run("postgresql", args.database_url, args, work))
    finally:
        if args.keep or not all(results):
            print(f"\nscratch folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    sys.exit(0 if results and all(results) else 1)


if __name__ == "__main__":
    main()
