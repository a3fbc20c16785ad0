"""The whole site against a bare Flask route, both under the same gunicorn setup.

    .venv/bin/python tests/bench/site_bench.py [--seconds 5] [--rounds 3] [--connections 16]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_pg] [--skip-sqlite]

Seeds a scratch SQLite database (and the PostgreSQL database given, whose public schema is dropped
and made again) with the demo content as `make setup` does (`flask db upgrade`, `flask seed`), then
starts gunicorn with the `make serve` settings and ALLIANCE_ENV=production: once with a bare Flask
app (tests/bench/bare_app.py), once with the site. Each URL must answer 200 (not a redirect); it is
warmed for 2 seconds, then measured `--rounds` times with wrk for `--seconds` at `--connections` with
`Accept-Encoding: gzip`. Prints, for the median run, requests per second (with the lowest and highest
of the runs), p50/p95/p99 latency, the ratio to the bare route, and the gzipped size of the response.
Needs wrk (apt-get install wrk). Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import re
import secrets
import shutil
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from run_gunicorn import flask, fresh_postgres, gunicorn

SURVEY = "/en/surveys/have-your-say-on-cancer-care"
URLS = [
    ("home", "/en/"),
    ("screening page", "/en/bowel-screening"),
    ("screening page, Urdu", "/ur/bowel-screening"),
    ("symptoms page", "/en/symptoms"),
    ("site search", "/en/search?q=poo"),
    # A full postcode is redirected at once to its district (S10 2TH to S10): measure the page it lands on.
    ("directory search by postcode", "/en/support?postcode=S10&within=10"),
    ("ORUK services list", "/api/oruk/services"),
    ("survey start page", SURVEY + "/"),
    ("survey question page", SURVEY + "/questions/1"),
]
# wrk's own summary has no p95: print the percentiles from its latency histogram (microseconds).
PERCENTILES_LUA = """
done = function(summary, latency, requests)
  io.write(string.format("PERCENTILES %d %d %d\\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def wrk_once(url: str, seconds: int, connections: int, script: Path) -> dict:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script)]
        + ["-H", "Accept-Encoding: gzip", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50, p95, p99 = (int(n) / 1000 for n in re.search(r"PERCENTILES (\d+) (\d+) (\d+)", output).groups())
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": p50, "p95": p95, "p99": p99, "non2xx": int(errors.group(1)) if errors else 0}


def wrk(url: str, seconds: int, connections: int, script: Path, rounds: int) -> dict:
    """The median of `rounds` runs by requests per second, with the lowest and highest rates.

    Each run opens new connections, and gunicorn gives each connection to whichever worker accepts
    it first, so one run can load the workers unevenly; the median of several is steadier.
    """
    # Warm every worker and thread first; only the later runs are measured.
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d2s", url], check=True, capture_output=True)
    runs = sorted(
        (wrk_once(url, seconds, connections, script) for _ in range(rounds)), key=lambda r: r["rps"]
    )
    median = runs[len(runs) // 2]
    return {
        **median,
        "low": runs[0]["rps"],
        "high": runs[-1]["rps"],
        "non2xx": sum(run["non2xx"] for run in runs),
    }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status(url: str) -> int:
    """The status of a plain GET, redirects not followed: a benchmark of a redirect measures nothing."""
    try:
        with urllib.request.build_opener(_NoRedirect).open(url) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def weight(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return len(body) if response.headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body))


def line(name: str, result: dict, ratio: float, size: str = "") -> str:
    spread = f"{result['low']:.0f}-{result['high']:.0f}"
    return (
        f"{name:42} {result['rps']:9.0f} {spread:>13} {result['p50']:8.1f} {result['p95']:8.1f} "
        f"{result['p99']:8.1f} {ratio:7.2f} {size:>8}"
    )


def run(label: str, url: str, args: argparse.Namespace, work: Path, script: Path) -> None:
    env = {
        "ALLIANCE_ENV": "production",
        "SITE_URL": "http://127.0.0.1",
        "ALLIANCE_CONTACT_EMAIL": "contact@alliance.test",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": url,
        "SEARCH_INDEX_DIR": str(work / f"search-{label}"),
        "GUNICORN_LOG_LEVEL": "warning",
        # At benchmark rates the default recycling (every ~5,000 requests) would restart a worker every
        # few seconds and measure start-up; a real site serves that many requests in hours.
        "GUNICORN_MAX_REQUESTS": "0",
    }
    if args.redis_url:  # several workers share their rate limits through Redis, as production requires
        env |= {"REDIS_URL": args.redis_url, "REDIS_KEY_PREFIX": f"site-bench-{secrets.token_hex(4)}:"}
    else:
        env["WEB_CONCURRENCY"] = "1"
    flask(env, "db", "upgrade")
    flask(env, "seed")
    log = work / f"gunicorn-{label}.log"
    with gunicorn("tests.bench.bare_app:app", env, production=True, log=log) as bare:
        baseline = wrk(bare + "/", args.seconds, args.connections, script, args.rounds)
    print(
        f"\n{label}: {args.connections} connections, median of {args.rounds} runs of {args.seconds} s per URL"
    )
    print(
        f"{'URL':42} {'req/s':>9} {'range':>13} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'ratio':>7} {'gzipped':>8}"
    )
    print(line("bare Flask route", baseline, 1.0))
    with gunicorn("wsgi:app", env, ready_path="/readyz", production=True, log=log) as site:
        for name, path in URLS:
            code = status(site + path)
            if code != 200:
                raise SystemExit(f"{path}: answered {code}, not 200; see {log}")
            result = wrk(site + path, args.seconds, args.connections, script, args.rounds)
            if result["non2xx"]:
                raise SystemExit(f"{path}: {result['non2xx']} error responses; see {log}")
            size = f"{weight(site + path) / 1024:.1f}K"
            print(line(f"{name} {path}"[:42], result, result["rps"] / baseline["rps"], size))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3, help="measured runs per URL; the median is shown")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", help="a PostgreSQL URL whose public schema may be dropped")
    parser.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/0",
        help="Redis for rate limits and the page cache (without it gunicorn runs one worker); '' for none",
    )
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="site-bench-"))
    script = work / "percentiles.lua"
    script.write_text(PERCENTILES_LUA)
    try:
        if not args.skip_sqlite:
            run("sqlite", f"sqlite:///{work / 'site.db'}", args, work, script)
        if args.database_url:
            fresh_postgres(args.database_url)
            run("postgresql", args.database_url, args, work, script)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
