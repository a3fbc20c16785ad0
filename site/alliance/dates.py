"""Dates typed as day, month and year boxes are read in one place.

Every day/month/year field on the site (the NHS date input in forms, a survey's date question) goes
through `parse_date_parts`: the year has exactly four digits, day and month are whole numbers, and the
three make a real date. Anything else is a `DateError` carrying a translated message, never a date in
the year 0026 (which would make a scheduled publish go live at once).
"""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

_NUMBER = re.compile(r"[0-9]{1,2}")
_YEAR = re.compile(r"[0-9]{4}")
# Four digits allow 1000-9999; earlier years are typing mistakes, not dates anyone means here.
EARLIEST_YEAR = 1000


class DateError(ValueError):
    """A typed date that is not one: `message` is the translated text to show beside the field."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_date_parts(day: str | None, month: str | None, year: str | None) -> date | None:
    """The date typed in three boxes; None when all three are empty; `DateError` otherwise."""
    parts = [(part or "").strip() for part in (day, month, year)]
    if not any(parts):
        return None
    day_text, month_text, year_text = parts
    if not _YEAR.fullmatch(year_text) or int(year_text) < EARLIEST_YEAR:
        if _NUMBER.fullmatch(day_text) and _NUMBER.fullmatch(month_text):
            raise DateError(_l("Enter the year as four digits, like 2026"))
        raise DateError(_l("Enter a real date"))
    if not (_NUMBER.fullmatch(day_text) and _NUMBER.fullmatch(month_text)):
        raise DateError(_l("Enter a real date"))
    try:
        return date(int(year_text), int(month_text), int(day_text))
    except ValueError:
        raise DateError(_l("Enter a real date")) from None
