"""Load the directory's seed files (content/directory/) through the importer, so seed data meets
exactly the checks any other import meets. Only what the directory lacks is added: a record that
exists (perhaps edited by staff or imported since) is never changed. Idempotent."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from alliance.directory import import_batch, import_read, import_write

# Taxonomy first: services refer to its terms.
SEED_FILES = ("taxonomy.json", "services.json")


class SeedError(ValueError):
    """A seed file has problems; nothing from it was loaded."""


def seed_directory(session: Session, content_dir: Path) -> tuple[int, str]:
    folder = Path(content_dir) / "directory"
    changed, parts = 0, []
    for name in SEED_FILES:
        path = folder / name
        if not path.exists():
            parts.append(f"{name} missing, skipped")
            continue
        try:
            batch = import_read.read_path(path)
        except import_batch.ImportFileError as error:
            raise SeedError(f"{path}: {error}") from None
        report = import_write.apply(session, batch, only_new=True)
        if not report.ok:
            raise SeedError(f"{path}:\n" + "\n".join(report.lines()))
        changed += report.changed
        kept = sum(report.kept.values())
        parts.append(f"{name} {report.changed} rows added, {kept} kept as they are")
    return changed, "; ".join(parts)
