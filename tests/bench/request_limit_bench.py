"""What a 100 MB form post costs the server with the body limit, against the same post with no limit.

    .venv/bin/python tests/bench/request_limit_bench.py [--megabytes 100]

Serves the site (test settings, a scratch SQLite database) from a werkzeug server thread on 127.0.0.1,
then sends `POST /en/surveys/erase` declaring a body of `megabytes` MB and streams it in 64 kB chunks
until the answer arrives or the body is sent. Reports, for MAX_CONTENT_LENGTH at its 1 MB default and
switched off: the status, the seconds to the answer, how much of the body was sent, and the growth of
the process's peak resident memory (which only rises: the limited case runs first).
"""

from __future__ import annotations

import argparse
import resource
import select
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from alliance import create_app  # noqa: E402
from alliance.extensions import db  # noqa: E402

CHUNK = 64 * 1024


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def post(port: int, size: int) -> tuple[str, float, int]:
    started = time.perf_counter()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(
            b"POST /en/surveys/erase HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {size}\r\n\r\nreference=".encode()
        )
        sent = len(b"reference=")
        chunk = b"x" * CHUNK
        answer = b""
        while True:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable or sent >= size:
                answer = sock.recv(64)
                break
            try:
                sock.sendall(chunk[: size - sent])
            except (BrokenPipeError, ConnectionResetError):
                answer = sock.recv(64)
                break
            sent += min(CHUNK, size - sent)
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace")
    return status, time.perf_counter() - started, sent


def run(megabytes: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for label, limit in (("limit 1 MB", 1024 * 1024), ("no limit", None)):
            app = create_app(
                "test",
                {
                    "DATABASE_URL": f"sqlite:///{folder}/{label.replace(' ', '-')}.db",
                    "SEARCH_INDEX_DIR": folder,
                    "MAX_CONTENT_LENGTH": limit,
                },
            )
            with app.app_context():
                db.upgrade()
            server = make_server("127.0.0.1", 0, app, threaded=True)
            thread = threading.Thread(target=server.serve_forever, daemon=True)
            thread.start()
            before = peak_mb()
            status, seconds, sent = post(server.server_port, megabytes * 1024 * 1024)
            server.shutdown()
            print(
                f"{label:11} {status:32} {seconds:6.2f} s  body sent {sent / 1024 / 1024:7.1f} MB"
                f"  peak RSS +{peak_mb() - before:6.1f} MB"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=100)
    run(parser.parse_args().megabytes)
