"""'Is this page useful?': daily yes and no counts per page and language, and their totals for staff.

Nothing about the person answering is stored: no address, no cookie, no free text. Each answer adds
one to its row with a single INSERT ... ON CONFLICT DO UPDATE, so answers arriving at the same time
on several workers or nodes are all counted, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from alliance.pages.models import PageUsefulness

ANSWERS = ("yes", "no")


def record(session: Session, slug: str, lang: str, answer: str, day: date) -> None:
    """Count one answer ("yes" or "no") to "Is this page useful?" for a page in a language on a day."""
    if answer not in ANSWERS:
        raise ValueError(f"answer must be yes or no, not {answer!r}")
    table = PageUsefulness.__table__
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"day": day, "slug": slug, "lang": lang, "yes": int(answer == "yes"), "no": int(answer == "no")}
    statement = dialect.insert(table).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["day", "slug", "lang"],
        set_={answer: table.c[answer] + 1},
    )
    session.execute(statement)


@dataclass(frozen=True)
class Totals:
    slug: str
    lang: str
    yes: int
    no: int

    @property
    def answers(self) -> int:
        return self.yes + self.no

    @property
    def useful_percent(self) -> int:
        return round(100 * self.yes / self.answers) if self.answers else 0


def totals(session: Session, since: date | None = None, until: date | None = None) -> list[Totals]:
    """Yes and no answers per page and language between two days (inclusive), most answered first."""
    query = select(
        PageUsefulness.slug,
        PageUsefulness.lang,
        func.sum(PageUsefulness.yes),
        func.sum(PageUsefulness.no),
    ).group_by(PageUsefulness.slug, PageUsefulness.lang)
    if since is not None:
        query = query.where(PageUsefulness.day >= since)
    if until is not None:
        query = query.where(PageUsefulness.day <= until)
    rows = [Totals(slug, lang, int(yes or 0), int(no or 0)) for slug, lang, yes, no in session.execute(query)]
    return sorted(rows, key=lambda row: (-row.answers, row.slug, row.lang))
