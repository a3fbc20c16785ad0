"""How long a YAML alias bomb in a content zip takes to be refused, against what it costs unrefused.

    .venv/bin/python tests/bench/yaml_bomb_bench.py [--levels 9] [--runs 200] [--old-levels 6]

Builds a zip holding one pages/<slug>/en.md whose front matter nests `levels` aliases nine wide (the
shape that made a 37 MB page from 432 bytes), then times unpacking it and reading it with the site's
front matter loader, which refuses it. For comparison it times plain yaml.safe_load, which expands
the aliases, on a bomb of `old-levels` levels (kept small: each level is nine times the last) and
reports the size of the expanded title.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))

import yaml  # noqa: E402

from alliance.pages import content, services  # noqa: E402


def bomb_text(levels: int) -> str:
    names = [chr(97 + i) for i in range(levels + 1)]
    lines = ["---", f"{names[0]}: &{names[0]} [" + ",".join(['"lol"'] * 9) + "]"]
    for previous, name in zip(names, names[1:], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines += [f"title: *{names[-1]}", "section: help", "---", "x"]
    return "\n".join(lines) + "\n"


def bomb_zip(levels: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("pages/bomb/en.md", bomb_text(levels))
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, default=9)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--old-levels", type=int, default=6)
    args = parser.parse_args()
    data = bomb_zip(args.levels)
    times = []
    message = ""
    for _ in range(args.runs):
        started = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            services.unpack_upload(io.BytesIO(data), Path(folder))
            try:
                services.read_sources(Path(folder))
            except content.ContentError as error:
                message = str(error).splitlines()[-1]
        times.append(time.perf_counter() - started)
    times.sort()
    print(f"zip of {len(data)} bytes, {args.levels} levels of nine aliases")
    print(
        f"refused in median {statistics.median(times) * 1000:.2f} ms, "
        f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms over {args.runs} runs: {message}"
    )
    old = bomb_text(args.old_levels).split("---\n")[1]
    started = time.perf_counter()
    title = str(yaml.safe_load(old)["title"])
    elapsed = time.perf_counter() - started
    print(
        f"yaml.safe_load of {args.old_levels} levels ({len(old)} bytes): {len(title) / 1e6:.1f} MB title "
        f"in {elapsed:.2f} s (each further level is nine times larger)"
    )


if __name__ == "__main__":
    main()
