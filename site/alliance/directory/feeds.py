"""Whole-directory ORUK feeds, built once per directory version and served as files.

The unfiltered lists that nest everything (full services, organisations with their services, ...) cost
seconds and tens of megabytes to assemble at 10,000 services. Each is written once per directory
version, one record a line (ndjson), to a file beside the search indexes: built into a temporary file
under a lock file that every worker on the node shares, then moved into place in one rename, so readers
only ever see a whole file; while a new version is being built, readers get the previous one. Each
node builds its own copy, as it does its search index. A line-offset
index next to it lets a JSON page be cut from the file without touching the database.

The version is the directory search index's token (bumped in every transaction that changes the
directory) together with a fingerprint of the tables, so a write that forgot to bump it still gives a
new file.
"""

from __future__ import annotations

import fcntl
import gzip
import hashlib
import json
import logging
import os
import shutil
import threading
import time
import zlib
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.directory import models as m
from alliance.directory import oruk
from alliance.directory.search import INDEX_NAME
from alliance.search import index

logger = logging.getLogger("alliance.feeds")
FOLDER = "oruk-feeds"
KEEP = 2  # versions of each feed kept: a reader may still be sending the previous one
# Services shaped per read while a feed is written: bounds the memory a build holds at once.
BUILD_PAGE = 250
BLOCK = 1 << 20  # bytes read at a time when a page is cut from a feed
ABANDONED = 3600  # seconds after which a half-written file is taken to be left by a stopped worker


@dataclass(frozen=True)
class Feed:
    """One file: every record of a list, shaped by `options`, in the list's own order."""

    name: str
    list_records: Callable[..., dict]
    options: tuple[tuple[str, bool], ...]

    @property
    def page_size(self) -> int:
        """Records read at a time while writing: an organisation nests up to MAX_NESTED_SERVICES."""
        options = dict(self.options)
        if options.get("full_service") or (options.get("full") and "organizations" in self.name):
            return max(1, BUILD_PAGE // oruk.MAX_NESTED_SERVICES)
        return BUILD_PAGE


def feed_name(list_records: Callable[..., dict], options: dict[str, bool]) -> str:
    flags = [name for name, on in sorted(options.items()) if on]
    return "-".join([list_records.__name__.removeprefix("list_"), *flags])


def version(session: Session) -> str:
    token = index.current_token(session, INDEX_NAME)
    services = session.execute(select(func.count(m.Service.id), func.max(m.Service.last_modified))).one()
    counts = [
        session.scalar(select(func.count()).select_from(model))
        for model in (m.Organization, m.ServiceAtLocation, m.TaxonomyTerm, m.Location)
    ]
    fingerprint = json.dumps([token, services[0], str(services[1]), counts])
    return hashlib.sha256(fingerprint.encode()).hexdigest()[:20]


@dataclass(frozen=True)
class Built:
    path: Path
    version: str

    @property
    def etag(self) -> str:
        return f"{self.path.name}"

    def offsets(self) -> array:
        found = array("Q")
        found.frombytes(self.path.with_suffix(".idx").read_bytes())
        return found

    def span(self, start: int, stop: int) -> tuple[int, int, int]:
        """Records start..stop-1: their count, and where they begin and end in the file."""
        offsets = self.offsets()
        total = len(offsets) - 1
        start, stop = min(start, total), min(stop, total)
        return total, offsets[start], offsets[max(start, stop)]

    def page(self, page: int, per_page: int) -> tuple[Iterator[bytes], int]:
        """A page in the standard's envelope, as chunks of JSON read from the file, and its length."""
        start = (page - 1) * per_page
        total, begin, end = self.span(start, start + per_page)
        size = max(0, min(per_page, total - start))
        envelope = oruk.page_envelope(range(size), total, page, per_page)
        del envelope["contents"]
        # The records are JSON already: the page is written around them, never parsed again.
        head = json.dumps(envelope, separators=(",", ":"))[:-1].encode() + b',"contents":['
        tail = b"]}"

        def chunks() -> Iterator[bytes]:
            yield head
            yield from self.as_list(begin, end)
            yield tail

        return chunks(), len(head) + max(0, end - begin - 1) + len(tail)

    def as_list(self, begin: int, end: int) -> Iterator[bytes]:
        """The records between two offsets as the items of a JSON list, read a block at a time."""
        with self.path.open("rb") as handle:
            handle.seek(begin)
            left = end - begin
            while left > 0:
                block = handle.read(min(BLOCK, left))
                if not block:
                    return
                left -= len(block)
                if left == 0:
                    block = block[:-1]  # the last record's line break
                # Records never hold a raw line break (JSON escapes it): each one ends a record.
                yield block.replace(b"\n", b",")


def gzip_stream(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Chunks gzipped as they pass, a block at a time: a large page is never held whole in memory."""
    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip framing, fastest level
    for chunk in chunks:
        compressed = compressor.compress(chunk)
        if compressed:
            yield compressed
    yield compressor.flush()


def gzipped(path: Path) -> Path:
    """The gzipped copy of a feed, sent to readers that accept gzip."""
    return path.with_name(path.name + ".gz")


def _folder(index_dir: str) -> Path:
    folder = Path(index_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _write(session: Session, feed: Feed, target: Path) -> None:
    staging = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    offsets = array("Q", [0])
    try:
        with staging.open("wb") as out:
            page = 1
            while True:
                found = feed.list_records(session, page, feed.page_size, **dict(feed.options))
                for item in found["contents"]:
                    out.write(json.dumps(item, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
                    offsets.append(out.tell())
                if found["last_page"]:
                    break
                page += 1
        staging.with_suffix(".idx").write_bytes(offsets.tobytes())
        with staging.open("rb") as plain, gzip.open(gzipped(staging), "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed, BLOCK)
        # The index and the gzipped copy first, then the feed: a feed that exists has both beside it.
        os.replace(staging.with_suffix(".idx"), target.with_suffix(".idx"))
        os.replace(gzipped(staging), gzipped(target))
        os.replace(staging, target)
    finally:
        for path in (staging, staging.with_suffix(".idx"), gzipped(staging)):
            path.unlink(missing_ok=True)


def _remove_old(folder: Path, name: str, keep: Path) -> None:
    files = sorted(folder.glob(f"{name}.*.ndjson"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files[KEEP:]:
        if path != keep:
            for old in (path, path.with_suffix(".idx"), gzipped(path)):
                old.unlink(missing_ok=True)
    # Left by a worker stopped in the middle of a build (its lock went with it).
    for path in folder.glob(f".{name}.*.ndjson.*"):
        try:
            if time.time() - path.stat().st_mtime > ABANDONED:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass


def _newest(folder: Path, name: str) -> Path | None:
    files = sorted(folder.glob(f"{name}.*.ndjson"), key=lambda p: p.stat().st_mtime, reverse=True)
    return next((path for path in files if path.with_suffix(".idx").exists()), None)


def ensure(
    session: Session,
    index_dir: str,
    feed: Feed,
    wait: bool = False,
    rebuild: Callable[[], Session] | None = None,
) -> Built:
    """The feed for the directory as it is now, built here first if no worker on this node has yet.

    A reader never waits for a build while an older version exists: it gets that version at once and,
    given `rebuild` (a maker of database sessions), the new version is built in a background thread,
    under the same lock, for the readers after it. Only the very first build of a feed on a node (or
    `wait`, used by imports and `flask directory feeds`) happens on the caller's time."""
    current = version(session)
    folder = _folder(index_dir)
    target = folder / f"{feed.name}.{current}.ndjson"
    if target.exists():
        return Built(target, current)
    previous = None if wait else _newest(folder, feed.name)
    if previous is not None:
        if rebuild is not None:
            threading.Thread(
                target=_build_in_background, args=(rebuild, index_dir, feed), daemon=True
            ).start()
        return Built(previous, previous.name.split(".")[1])
    return _build(session, folder, feed, current, target)


def _build(session: Session, folder: Path, feed: Feed, current: str, target: Path) -> Built:
    with (folder / f".{feed.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not target.exists():
                started = time.perf_counter()
                _write(session, feed, target)
                _remove_old(folder, feed.name, keep=target)
                logger.info(
                    "feed built: %s version %s in %.1f s",
                    feed.name,
                    current,
                    time.perf_counter() - started,
                )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return Built(target, current)


def _build_in_background(make_session: Callable[[], Session], index_dir: str, feed: Feed) -> None:
    """Build the current version unless another worker is already at it (it will write the same file)."""
    folder = _folder(index_dir)
    with (folder / f".{feed.name}.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return
        fcntl.flock(lock, fcntl.LOCK_UN)
    session = make_session()
    try:
        current = version(session)
        _build(session, folder, feed, current, folder / f"{feed.name}.{current}.ndjson")
    except Exception:
        logger.exception("feed build failed: %s", feed.name)
    finally:
        session.close()


def build_all(session: Session, index_dir: str) -> list[Built]:
    """Every whole-directory feed for the current version (after an import, before the first reader)."""
    return [ensure(session, index_dir, feed, wait=True) for feed in PREBUILT]


PREBUILT = [
    Feed(feed_name(oruk.list_services, {"full": True}), oruk.list_services, (("full", True),)),
    Feed(
        feed_name(oruk.list_organizations, {"full_service": True}),
        oruk.list_organizations,
        (("full_service", True),),
    ),
    Feed(
        feed_name(oruk.list_service_at_locations, {"full": True}),
        oruk.list_service_at_locations,
        (("full", True),),
    ),
]
