"""Turn trials into the strings and links the trial templates need."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import urlencode

from flask import url_for
from flask_babel import format_date, ngettext
from flask_babel import lazy_gettext as _l

from alliance.trials import services
from alliance.trials.forms import CANCER_TYPE_LABELS, PHASE_LABELS
from alliance.trials.parsing import OPEN_STATUSES

STATUS_LABELS = {
    "RECRUITING": _l("Recruiting"),
    "NOT_YET_RECRUITING": _l("Not yet recruiting"),
    "ENROLLING_BY_INVITATION": _l("By invitation only"),
    "ACTIVE_NOT_RECRUITING": _l("Not recruiting"),
    "COMPLETED": _l("Closed"),
    "SUSPENDED": _l("Paused"),
    "TERMINATED": _l("Closed"),
    "WITHDRAWN": _l("Closed"),
}
SEX_LABELS = {"ALL": _l("Anyone"), "FEMALE": _l("Women only"), "MALE": _l("Men only")}


def status_label(status: str):
    return STATUS_LABELS.get(status, _l("Not recruiting"))


def _years(value: float) -> str:
    """An age limit as readers say it: in months under 2 (a limit of 1.5 years is "18 months")."""
    if value < 2:
        months = round(value * 12)
        return ngettext("%(num)s month", "%(num)s months", months)
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def ages(trial) -> str:
    """'Ages 16 to 40', 'Ages 18 and over', 'Up to age 24', 'Any age': never a promise of eligibility."""
    if trial.min_age is not None and trial.max_age is not None:
        return str(_l("Ages %(low)s to %(high)s", low=_years(trial.min_age), high=_years(trial.max_age)))
    if trial.min_age is not None:
        return str(_l("Ages %(low)s and over", low=_years(trial.min_age)))
    if trial.max_age is not None:
        return str(_l("Up to age %(high)s", high=_years(trial.max_age)))
    return str(_l("No age limit given"))


def phase_label(phase: str) -> str:
    parts = [str(PHASE_LABELS[p]) for p in phase.split("/") if p in PHASE_LABELS]
    return ", ".join(parts)


def cancer_labels(trial) -> str:
    return ", ".join(
        str(CANCER_TYPE_LABELS[name]) for name in trial.cancer_types.strip(",").split(",") if name
    )


def summary_item(trial) -> dict:
    return {
        "href": url_for("trials.trial", trial_id=trial.id),
        "title": trial.title,
        "cancer": cancer_labels(trial),
        "ages": ages(trial),
        "phase": phase_label(trial.phase),
        "places": ", ".join(
            sorted({site.locality or site.city for site in trial.sites if site.status in OPEN_STATUSES})
        ),
        "example": trial.example_data,
        # For the teenagers and young adults view: a trial that starts above 16 says from what age.
        "starts_at": _years(trial.min_age)
        if trial.min_age is not None and trial.min_age > services.TYA_MIN
        else None,
        "for_young_people": services.made_for_young_people(trial),
    }


def stale_months(days: int) -> int:
    """TRIALS_STALE_DAYS as whole months, for the notice on an old record (180 days is 6 months)."""
    return max(1, days // 30)


def trial_view(trial, today: date | None = None, stale_days: int | None = None) -> dict:
    recruiting = services.is_recruiting_locally(trial)
    stale = stale_days is not None and services.is_stale(trial, today or date.today(), stale_days)
    ids = [("ClinicalTrials.gov", trial.nct_id), ("ISRCTN", trial.isrctn_id), ("IRAS", trial.iras_id)]
    ids.append(("CPMS", trial.cpms_id))
    return {
        "recruiting": recruiting,
        "ages": ages(trial),
        "sex": str(SEX_LABELS.get(trial.sex, SEX_LABELS["ALL"])),
        "phase": phase_label(trial.phase),
        "cancer": cancer_labels(trial),
        "conditions": json.loads(trial.conditions or "[]"),
        "identifiers": [(name, value) for name, value in ids if value],
        "sites": [
            {
                "hospital": site.hospital,
                "trust": site.trust,
                "place": site.locality or site.city,
                "status": str(status_label(site.status)),
                "open": site.status in OPEN_STATUSES,
                "contact_name": site.contact_name,
                "contact_phone": site.contact_phone,
                "contact_email": site.contact_email,
            }
            for site in trial.sites
        ],
        "stale_notice": ngettext(
            "This trial's record was last checked over %(num)s month ago: ask the research team whether "
            "it is still open and who can take part.",
            "This trial's record was last checked over %(num)s months ago: ask the research team whether "
            "it is still open and who can take part.",
            stale_months(stale_days),
        )
        if stale and stale_days is not None
        else None,
        "last_updated": format_date(trial.last_updated, "long") if trial.last_updated else None,
        "first_posted": format_date(trial.first_posted, "long") if trial.first_posted else None,
    }


def paging(results: services.Results, args: dict, endpoint: str) -> dict:
    """Previous and next links that keep every filter."""

    def link(page: int) -> str:
        query = urlencode([(k, v) for k, v in args if k != "page"] + [("page", page)])
        return f"{url_for(endpoint)}?{query}"

    return {
        "previous": link(results.page - 1) if results.page > 1 else None,
        "next": link(results.page + 1) if results.page < results.pages else None,
    }
