"""Large JSON documents written as they are produced, byte for byte what `json.dumps` would write.

`streamed(items)` stands in for a list inside a document given to `json.dump`, which encodes and
writes chunk by chunk: the array is walked lazily, so 10,000 services are never in memory at once."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator


class _Streamed(list):
    """Looks like a non-empty list to json's (pure-Python, iterencode) encoder; yields items on demand."""

    def __init__(self, items: Iterator):
        super().__init__()
        self._items = items

    def __iter__(self) -> Iterator:
        return self._items

    def __bool__(self) -> bool:
        return True


def streamed(items: Iterable) -> list:
    """A lazy stand-in for `list(items)` in a document passed to `json.dump` (an empty one is a real [])."""
    iterator = iter(items)
    try:
        first = next(iterator)
    except StopIteration:
        return []
    return _Streamed(itertools.chain([first], iterator))
