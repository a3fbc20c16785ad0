"""Content page throughput against a bare Flask route, both under the same gunicorn setup.

    .venv/bin/python tests/bench/pages_throughput.py [--seconds 10] [--connections 16]

Needs wrk (apt-get install wrk) and a seeded database (make setup). Prints requests per second and
latency percentiles for each URL, beside the bare route, and the ratio. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import gzip
import re
import subprocess
import urllib.request

from run_gunicorn import gunicorn

PAGES = ["/en/", "/en/bowel-screening", "/ur/bowel-screening", "/en/symptoms", "/en/search?q=poo"]


def wrk(url: str, seconds: int, connections: int) -> dict:
    # Warm every worker and thread first; only the second run is measured.
    subprocess.run(["wrk", "-t2", f"-c{connections}", "-d2s", url], check=True, capture_output=True)
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", "Accept-Encoding: gzip", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|90|99)%\s+([\d.]+\w+)", output, flags=re.MULTILINE))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "latency": latency, "non2xx": int(errors.group(1)) if errors else 0}


def weight(url: str) -> int:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        return len(body) if response.headers.get("Content-Encoding") == "gzip" else len(gzip.compress(body))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()

    with gunicorn("tests.bench.bare_app:app") as bare:
        baseline = wrk(bare + "/", args.seconds, args.connections)
    print(f"{'URL':28} {'req/s':>9} {'p50':>9} {'p90':>9} {'p99':>9} {'ratio':>7} {'HTML gz':>8}")
    print(
        f"{'bare Flask route':28} {baseline['rps']:9.0f} {baseline['latency'].get('50', '-'):>9} "
        f"{baseline['latency'].get('90', '-'):>9} {baseline['latency'].get('99', '-'):>9} {1:7.2f}"
    )
    with gunicorn("wsgi:app", {"ALLIANCE_ENV": "development"}, ready_path="/en/") as site:
        for path in PAGES:
            result = wrk(site + path, args.seconds, args.connections)
            assert result["non2xx"] == 0, f"{path}: {result['non2xx']} error responses"
            print(
                f"{path:28} {result['rps']:9.0f} {result['latency'].get('50', '-'):>9} "
                f"{result['latency'].get('90', '-'):>9} {result['latency'].get('99', '-'):>9} "
                f"{result['rps'] / baseline['rps']:7.2f} {weight(site + path) / 1024:7.1f}K"
            )


if __name__ == "__main__":
    main()
