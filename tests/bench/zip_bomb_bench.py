"""How long a directory import takes to refuse a zip bomb, against what the bomb cost before the check.

    .venv/bin/python tests/bench/zip_bomb_bench.py [--unpacked-mb 1440] [--limit-mb 256] [--skip-old]

Builds a zip holding one services.csv that unpacks to `unpacked-mb` megabytes (a header and then one
long run of spaces, about 1,000 times smaller zipped), then, each in its own process so the peak memory
(ru_maxrss) is that step's alone:
- new, honest header: `import_read.read_upload` with the limit, the header's size over the limit;
- new, lying header: the same zip with its headers claiming 1,000 bytes (bytes are counted as read);
- new, under the header: a zip claiming less than the limit whose real content is larger (bytes counted);
- old: what the importer did before, `archive.read(name).decode("utf-8")` of every CSV member.
Every step is bounded: the old one allocates about twice the unpacked size (bytes, then text).
"""

from __future__ import annotations

import argparse
import io
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "site"))

MB = 1024 * 1024
HEADER = b"id,name,status\n"


def build(path: Path, unpacked: int, claimed: int | None = None) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        info = zipfile.ZipInfo("services.csv")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=False) as member:
            member.write(HEADER)
            left, block = unpacked - len(HEADER), b" " * MB
            while left > 0:
                member.write(block[: min(left, MB)])
                left -= MB
    data = buffer.getvalue()
    if claimed is not None:
        real = struct.pack("<I", unpacked)
        assert data.count(real) == 2, "the size appears once in each header"
        data = data.replace(real, struct.pack("<I", claimed))
    path.write_bytes(data)


def step(kind: str, path: str, limit: int) -> None:
    """Run in a child process: one read, then 'seconds peak_mb outcome' on stdout."""
    from alliance.directory import import_batch, import_read

    data = Path(path).read_bytes()
    started = time.perf_counter()
    if kind == "old":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".csv")}
        outcome = f"read {sum(len(t) for t in texts.values()) / MB:,.0f} MB of text"
    else:
        try:
            import_read.read_upload("bomb.zip", data, limit)
            outcome = "read"
        except import_batch.ImportFileError as error:
            outcome = f"refused: {error}"
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:.3f} {peak:.0f} {outcome}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--unpacked-mb", type=int, default=1440)
    parser.add_argument("--limit-mb", type=int, default=256)
    parser.add_argument("--skip-old", action="store_true")
    parser.add_argument("--step", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args.step[0], args.step[1], int(args.step[2]))
        return
    unpacked, limit = args.unpacked_mb * MB, args.limit_mb * MB
    with tempfile.TemporaryDirectory() as folder:
        honest, lying, under = (Path(folder) / n for n in ("honest.zip", "lying.zip", "under.zip"))
        started = time.perf_counter()
        build(honest, unpacked)
        build(lying, unpacked, claimed=1000)
        build(under, unpacked, claimed=limit - MB)
        print(
            f"zip of {unpacked / MB:,.0f} MB unpacked: {honest.stat().st_size / 1024:,.0f} KB "
            f"(built in {time.perf_counter() - started:.1f} s); limit {limit / MB:,.0f} MB"
        )
        runs = [("new, honest header", "new", honest), ("new, header says 1,000 bytes", "new", lying)]
        runs.append(("new, header says limit - 1 MB", "new", under))
        if not args.skip_old:
            runs.append(("old (read whole)", "old", honest))
        for label, kind, path in runs:
            out = subprocess.run(
                [sys.executable, __file__, "--step", kind, str(path), str(limit)],
                capture_output=True,
                text=True,
                timeout=110,
                check=True,
            ).stdout.split(" ", 2)
            print(f"{label:32} {float(out[0]):8.3f} s  peak {int(out[1]):6,} MB  {out[2].strip()}")


if __name__ == "__main__":
    main()
