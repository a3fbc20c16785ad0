"""The review queue: everything in one language waiting for a reviewer, newest English changes first.

The queue is a list of sources, one small function per kind of text, each returning QueueItems for
a language. Adding a kind (interface strings, say) is one more entry in SOURCES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class QueueItem:
    kind: str  # "page", "survey", "directory" (and later "string")
    key: str  # what the kind's review screen is looked up by: a slug, a survey id, a service id
    title: str  # in English
    state: str  # "unreviewed" or "outdated", from alliance.translation.state
    english_changed_at: datetime | None  # when the English this is measured against last changed


Source = Callable[[Session, str], list[QueueItem]]


def _sources() -> list[Source]:
    from alliance.translation import directory, pages, surveys

    # Interface strings join with one more entry, e.g.
    # `lambda session, lang: strings.pending_interface_strings(lang)` (its items as QueueItems of kind "string").
    return [pages.pending, surveys.pending, directory.pending]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _when(item: QueueItem) -> datetime:
    moment = item.english_changed_at or _EPOCH
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def items(session: Session, lang: str) -> list[QueueItem]:
    """Everything in `lang` waiting for review, newest English changes first."""
    found = [item for source in _sources() for item in source(session, lang)]
    return sorted(found, key=lambda item: (-_when(item).timestamp(), item.kind, item.title))


def counts(session: Session, languages: list[str]) -> dict[str, int]:
    return {lang: len(items(session, lang)) for lang in languages}
