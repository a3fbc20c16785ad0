"""The directory's public forms: the search (a GET form read by hand, so any query string is safe)
and the short "report a problem with this listing" form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from alliance import places
from alliance.directory.search import DISTANCES, Filters
from alliance.forms import CharacterCountField, RadioField

MAX_QUERY = 200
NEEDS = ("free", "wheelchair", "open")
SORTS = ("distance", "relevance")


@dataclass
class SearchRequest:
    query: str = ""
    filters: Filters = field(default_factory=Filters)
    postcode: str = ""  # postcode or place name as typed, only ever echoed back, never stored or logged
    within: int | None = None
    sort: str = ""  # chosen by the reader; "" for the default (nearest first once there is a place)
    page: int = 1

    def args(self) -> dict:
        """The query string that reproduces this search, for links (the postcode cut to its district)."""
        values = {
            "q": self.query,
            **{k: v for k, v in self.filters.chosen().items() if k not in NEEDS},
        }
        needs = [k for k in NEEDS if getattr(self.filters, k)]
        if needs:
            values["needs"] = needs
        if self.postcode:
            try:
                values["postcode"] = places.outcode(self.postcode)
            except places.PostcodeError:
                values["postcode"] = self.postcode
        if self.within:
            values["within"] = self.within
        if self.sort:
            values["sort"] = self.sort
        return {k: v for k, v in values.items() if v}


def _choice(value: str | None, allowed) -> str:
    value = (value or "").strip()[:100]
    return value if value in allowed else ""


def read_search(args: Mapping, category_codes, locality_codes, language_codes) -> SearchRequest:
    """The search as asked in the query string; anything not on offer is ignored, never an error."""
    needs = set(args.getlist("needs")) if hasattr(args, "getlist") else set()
    try:
        page = max(1, min(int(args.get("page") or 1), 1000))
    except ValueError:
        page = 1
    try:
        within = int(args.get("within") or 0)
    except ValueError:
        within = 0
    return SearchRequest(
        query=(args.get("q") or "").strip()[:MAX_QUERY],
        filters=Filters(
            category=_choice(args.get("category"), category_codes),
            locality=_choice(args.get("locality"), locality_codes),
            language=_choice(args.get("language"), language_codes),
            delivery=_choice(args.get("delivery"), ("in-person", "phone", "online")),
            audience=_choice(
                args.get("audience"), ("people-with-cancer", "carers-family", "young-people", "bereaved")
            ),
            free="free" in needs,
            wheelchair="wheelchair" in needs,
            open="open" in needs,
        ),
        postcode=(args.get("postcode") or "").strip()[:60],
        within=within if within in DISTANCES else None,
        sort=_choice(args.get("sort"), SORTS),
        page=page,
    )


PROBLEM_CHOICES = [
    ("closed", _l("The service has closed or stopped running")),
    ("contact", _l("The phone number, email or website is wrong")),
    ("opening", _l("The opening times or meeting dates are wrong")),
    ("address", _l("The address or map location is wrong")),
    ("description", _l("The description is wrong or out of date")),
    ("other", _l("Something else")),
]


class ReportProblemForm(FlaskForm):
    problem = RadioField(
        _l("What is wrong with this listing?"),
        choices=PROBLEM_CHOICES,
        validators=[DataRequired(_l("Select what is wrong with this listing"))],
    )
    details = CharacterCountField(
        _l("Tell us more (optional)"),
        description=_l("Do not include your name or any personal or medical details."),
        validators=[Length(max=1000, message=_l("Details must be 1,000 characters or fewer"))],
        maxlength=1000,
    )
