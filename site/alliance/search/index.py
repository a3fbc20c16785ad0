from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.fields import Schema

from alliance.search.models import IndexVersion


@dataclass(frozen=True)
class IndexDefinition:
    name: str
    schema: Callable[[], Schema]
    documents: Callable[[Session], Iterable[dict]]


REGISTRY: dict[str, IndexDefinition] = {}
_lock = threading.Lock()
_open: dict[tuple[str, str], tuple[str, whoosh_index.Index]] = {}
_held = threading.local()


def register(definition: IndexDefinition) -> None:
    REGISTRY[definition.name] = definition


def current_version(session: Session, name: str) -> int:
    return session.scalar(select(IndexVersion.version).where(IndexVersion.name == name)) or 0


def current_token(session: Session, name: str) -> str:
    return session.scalar(select(IndexVersion.token).where(IndexVersion.name == name)) or "initial"


def bump(session: Session, name: str) -> int:
    """Record that the data behind an index changed. Call inside the writing transaction."""
    row = session.get(IndexVersion, name, with_for_update=True)
    if row is None:
        row = IndexVersion(name=name, version=0)
        session.add(row)
    row.version += 1
    row.token = uuid.uuid4().hex
    session.flush()
    return row.version


def _dir_for(index_dir: str, name: str, token: str) -> Path:
    return Path(index_dir) / f"{name}.{token}"


def build(
    session: Session, index_dir: str, name: str, token: str, progress: Callable[[int], None] | None = None
) -> Path:
    """Write the index for `token` next to the old one, then move it into place in one rename.
    `progress`, when given, is called with 1 for each document added."""
    definition = REGISTRY[name]
    target = _dir_for(index_dir, name, token)
    if target.exists():
        return target
    staging = Path(index_dir) / f".{name}.{token}.{os.getpid()}.{threading.get_ident()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    ix = whoosh_index.create_in(str(staging), definition.schema())
    writer = ix.writer(limitmb=128)
    for document in definition.documents(session):
        writer.add_document(**document)
        if progress:
            progress(1)
    writer.commit()
    try:
        staging.rename(target)
    except OSError:
        # Another worker finished the same version first; theirs is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)
    _remove_old(index_dir, name, keep=target)
    return target


def _remove_old(index_dir: str, name: str, keep: Path) -> None:
    # Keep the newest few: a worker may still be reading the one it had open.
    folders = sorted(Path(index_dir).glob(f"{name}.*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in folders[3:]:
        if path != keep:
            shutil.rmtree(path, ignore_errors=True)


def rebuild(
    session: Session,
    index_dir: str,
    names: Iterable[str] | None = None,
    progress: Callable[[str], Callable[[int], None]] | None = None,
) -> dict[str, int]:
    """Rebuild indexes from the database under a new version; returns {name: version}.
    `progress(name)`, when given, returns the per-document callback for that index's build."""
    built = {}
    for name in names or list(REGISTRY):
        version = bump(session, name)
        session.commit()
        build(session, index_dir, name, current_token(session, name), progress(name) if progress else None)
        built[name] = version
    return built


def open_index(session: Session, index_dir: str, name: str) -> whoosh_index.Index:
    """The index matching the database's current version, built here first if this node lacks it."""
    token = current_token(session, name)
    key = (index_dir, name)
    cached = _open.get(key)
    if cached and cached[0] == token:
        return cached[1]
    with _lock:
        cached = _open.get(key)
        if cached and cached[0] == token:
            return cached[1]
        path = _dir_for(index_dir, name, token)
        if not path.exists():
            build(session, index_dir, name, token)
        ix = whoosh_index.open_dir(str(path))
        _open[key] = (token, ix)
        return ix


def searcher(ix: whoosh_index.Index):
    """This thread's searcher of `ix` (from open_index), kept open between requests.

    Opening a searcher opens and reads every segment's files, which costs more than a search. A
    searcher is never shared between threads. Searchers of indexes that open_index has since replaced
    with a newer version are closed the next time this thread opens one.
    """
    held: dict[int, tuple[whoosh_index.Index, object]] | None = getattr(_held, "searchers", None)
    if held is None:
        held = _held.searchers = {}
    found = held.get(id(ix))
    if found is None:
        current = {id(entry[1]) for entry in _open.values()}
        for stale in [key for key in held if key not in current]:
            held.pop(stale)[1].close()
        found = held[id(ix)] = (ix, ix.searcher())
    return found[1]
