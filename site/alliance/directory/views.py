"""The public directory: search, browse by category and area, a page per service, report a problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from alliance import i18n, localities, places
from alliance.directory import forms, presenters, search, services
from alliance.extensions import db, limiter
from alliance.inputs import parse_uuid

bp = Blueprint("directory", __name__)
REPORT_LIMIT = "5 per 10 minutes"


def _report_limit() -> str:
    return current_app.config.get("DIRECTORY_REPORT_LIMIT", REPORT_LIMIT)


def _centroids() -> Path:
    return Path(current_app.config["CONTENT_DIR"]) / "directory" / "outcode-centroids.csv"


def _service_or_404(service_id: str):
    found = services.get_service(db.session, service_id) if parse_uuid(service_id) else None
    if found is None:
        abort(404)
    return found


@dataclass
class _Choices:
    """What a search can choose from, read once per request."""

    terms: list
    catalogue: search.Catalogue


def _run_search(asked: forms.SearchRequest):
    """The search, or an error message about the postcode (the search then runs without distance)."""
    place, postcode_error = None, None
    if asked.postcode:
        try:
            place = places.find(asked.postcode, _centroids(), localities.place_names())
        except places.PostcodeError as error:
            postcode_error = (
                _("Enter a town, like Barnsley, or a full or partial UK postcode, like S70 or S70 2TA")
                if error.reason == "format"
                else _("We do not know where that postcode is. Check it, or try a nearby postcode.")
            )
    if place is None and asked.sort == "distance":
        asked.sort = ""
    results = search.search(
        db.session,
        current_app.config["SEARCH_INDEX_DIR"],
        asked.query,
        asked.filters,
        place=place,
        within=asked.within if place else None,
        sort=asked.sort or ("distance" if place else "relevance"),
        page_num=asked.page,
        synonyms_path=Path(current_app.config["SEARCH_SYNONYMS"]),
        lang=i18n.current().code,
    )
    return results, postcode_error


def _search_page(template: str, asked: forms.SearchRequest, choices: _Choices, **extra):
    lang = i18n.current().code
    categories = presenters.term_labels(choices.terms, lang, services.term_translations(db.session, lang))
    results, postcode_error = _run_search(asked)
    languages = presenters.language_labels(choices.catalogue.languages)
    args = asked.args()
    chosen = asked.filters.chosen()
    return render_template(
        template,
        asked=asked,
        results=results,
        postcode_error=postcode_error,
        hits=presenters.card_views(results.hits, lang),
        remote_hits=presenters.card_views(results.remote, lang),
        filters=presenters.filter_view(results, chosen, categories, languages),
        needs=presenters.checkbox_view(results, chosen),
        distances=presenters.distance_items(asked.within),
        sorts=presenters.sort_items(asked.sort, bool(results.place)),
        paging=presenters.page_links(results, args),
        suggestion_href=(
            url_for("directory.search", **{**args, "q": results.suggestion}) if results.suggestion else None
        ),
        attribution=places.ATTRIBUTION,
        place_name=localities.place_label(results.place.name) if results.place and results.place.name else "",
        category_links=presenters.category_links(categories),
        **extra,
    )


def _asked(**fixed) -> tuple[forms.SearchRequest, _Choices]:
    terms = services.category_terms(db.session)
    _ix, catalogue = search.catalogue(db.session, current_app.config["SEARCH_INDEX_DIR"])
    codes = [t.term for t in terms]
    asked = forms.read_search(request.args, codes, localities.codes(), list(catalogue.languages))
    for name, value in fixed.items():
        setattr(asked.filters, name, value)
    return asked, _Choices(terms, catalogue)


@bp.get("/<lang>/support", endpoint="search")
def search_page():
    asked, choices = _asked()
    if asked.postcode:
        # A full postcode leaves the address bar at once: the search only ever needs its district.
        try:
            district = places.outcode(asked.postcode)
        except places.PostcodeError:
            district = None
        if district and district != asked.postcode:
            return redirect(url_for("directory.search", **{**asked.args(), "page": asked.page}), code=303)
    return _search_page("directory/search.html", asked, choices)


@bp.get("/<lang>/support/category/<term>")
def category(term: str):
    found = services.get_term(db.session, term)
    if found is None:
        abort(404)
    lang = i18n.current().code
    translated = services.translations(db.session, "taxonomy_term", lang, [found.id]).get(found.id)
    heading = translated.name if translated else found.name
    description = (
        translated.description if translated and translated.description else found.description
    ) or ""
    asked, choices = _asked(category=found.term)
    return _search_page("directory/category.html", asked, choices, heading=heading, description=description)


@bp.get("/<lang>/support/area/<locality>")
def area(locality: str):
    found = localities.get(locality)
    if found is None:
        abort(404)
    asked, choices = _asked(locality=found.code)
    return _search_page("directory/area.html", asked, choices, heading=found.label)


@bp.get("/<lang>/support/services/<service_id>")
def service(service_id: str):
    found = _service_or_404(service_id)
    lang = i18n.current().code
    return render_template(
        "directory/service.html", service=found, view=presenters.service_view(db.session, found, lang)
    )


@bp.route("/<lang>/support/services/<service_id>/report-a-problem", methods=["GET", "POST"])
@limiter.limit(_report_limit, methods=["POST"])
def report_problem(service_id: str):
    found = _service_or_404(service_id)
    form = forms.ReportProblemForm()
    if form.validate_on_submit():
        services.report_problem(
            db.session, found.id, form.problem.data, form.details.data or "", i18n.current().code
        )
        return redirect(url_for("directory.report_sent", service_id=found.id), code=303)
    name, _description, _own = presenters.localised_service(db.session, found, i18n.current().code)
    return render_template("directory/report_problem.html", service=found, name=name, form=form)


@bp.get("/<lang>/support/services/<service_id>/report-a-problem/sent")
def report_sent(service_id: str):
    found = _service_or_404(service_id)
    name, _description, _own = presenters.localised_service(db.session, found, i18n.current().code)
    return render_template("directory/report_sent.html", service=found, name=name)
