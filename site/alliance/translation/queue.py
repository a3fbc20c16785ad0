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
    kind: str  # "page", "survey", "directory" or "strings" (all of a language's interface strings)
    key: str  # what the kind's review screen is looked up by: a slug, a survey id, a service id
    title: str  # in English
    state: str  # "unreviewed" or "outdated", from alliance.translation.state
    english_changed_at: datetime | None  # when the English this is measured against last changed


Source = Callable[[Session, str], list[QueueItem]]


def _sources() -> list[Source]:
    from alliance.translation import directory, pages, surveys

    return [pages.pending, surveys.pending, directory.pending, _interface_strings]


def _interface_strings(session: Session, lang: str) -> list[QueueItem]:
    """The interface strings waiting in `lang`, as one item: they are reviewed together, on one screen."""
    from alliance.translation import strings

    waiting = len(strings.pending_interface_strings(lang, session))
    if not waiting:
        return []
    title = f"{waiting} interface string{'s' if waiting != 1 else ''} (buttons, labels, messages)"
    return [QueueItem("strings", "", title, "unreviewed", None)]


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
