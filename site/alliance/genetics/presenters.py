"""Turn genetics records into the strings and component parameters the templates need."""

from __future__ import annotations

import json

from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from alliance.genetics.services import Review

ROUTES = {
    "cancer-team": (
        _l("Through your cancer team"),
        _l(
            "If you are being treated for cancer, your cancer team can arrange some genetic tests themselves or refer you to clinical genetics."
        ),
    ),
    "gp": (
        _l("Through your GP"),
        _l(
            "Your GP can refer you to clinical genetics or to a family history clinic if your family history suggests an inherited risk."
        ),
    ),
    "family-history-clinic": (
        _l("Through a family history clinic"),
        _l(
            "Some hospitals run family history clinics, usually for breast cancer. They see people referred by a GP and refer on to clinical genetics when that is right."
        ),
    ),
}
SERVICE_KINDS = {
    "clinical-genetics": _l("Clinical genetics service"),
    "laboratory-hub": _l("Genomic laboratory hub"),
    "family-history-clinic": _l("Family history clinic"),
}
TEST_KINDS = {
    "germline": _l("Inherited (germline) test: usually a blood or saliva sample"),
    "tumour": _l("Tumour test: done on the cancer itself, arranged by the hospital"),
}


def review_view(review: Review | None) -> dict:
    if review is None:
        return {"last_reviewed": None, "next_review_due": None, "sources": []}
    return {
        "last_reviewed": format_date(review.last_reviewed, "long"),
        "next_review_due": format_date(review.next_review_due, "long"),
        "sources": review.sources,
    }


def test_view(test) -> dict:
    quoted = test.wording_status == "quotation-checked"
    return {
        "code": test.code,
        "name": test.name,
        "kind": str(TEST_KINDS.get(test.kind, "")),
        "summary": test.summary,
        "wording": test.wording,
        "quoted": quoted,
        "wording_note": test.wording_note,
        "directory": test.directory,
        "quoted_from": test.quoted_from,
        "version": test.directory_version or str(_l("Version not confirmed: check the current directory")),
        "date": format_date(test.directory_date, "long") if test.directory_date else None,
        "checked_against": test.checked_against_url,
        "checked_on": format_date(test.checked_on, "long") if test.checked_on else None,
        "sources": json.loads(test.sources),
    }


def service_view(service) -> dict:
    routes = []
    for route in json.loads(service.referral_routes):
        title, text = ROUTES[route["route"]]
        routes.append({"title": str(title), "text": str(text), "note": route.get("note", "")})
    return {
        "kind": str(SERVICE_KINDS.get(service.kind, "")),
        "name": service.name,
        "provider": service.provider,
        "description": service.description,
        "routes": routes,
        "website": service.website,
        "phone": service.phone,
        "email": service.email,
        "example_data": service.example_data,
        "verification_note": service.verification_note,
    }
