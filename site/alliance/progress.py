"""Long commands: periodic progress lines on stderr, and lists cut short that say how much is left out."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click


def to_stderr(line: str) -> None:
    click.echo(line, err=True)


class Progress:
    """Counts work done (`done`) and writes "<what>: 2,000 of 10,000" every `every` items."""

    def __init__(
        self, what: str, total: int | None = None, every: int = 1000, echo: Callable[[str], None] = to_stderr
    ):
        self.what, self.total, self.every, self.done = what, total, every, 0
        self._echo = echo

    def line(self) -> str:
        return (
            f"{self.what}: {self.done:,} of {self.total:,}" if self.total else f"{self.what}: {self.done:,}"
        )

    def advance(self, count: int = 1) -> None:
        before, self.done = self.done, self.done + count
        if self.done // self.every > before // self.every:
            self._echo(self.line())


def cut_short(lines: Sequence[str], limit: int, indent: str = "  ") -> list[str]:
    """The first `limit` lines, then "... and 37 more" when there are more."""
    if len(lines) <= limit:
        return list(lines)
    return [*lines[:limit], f"{indent}... and {len(lines) - limit} more"]
