from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from alliance import i18n
from alliance.cache import cacheable, cached_page, never_stored
from alliance.database import utcnow
from alliance.extensions import db, limiter
from alliance.hosts import external_url
from alliance.pages import forms, presenters, search, services, usefulness
from alliance.pagination import page_number
from alliance.search import index
from alliance.search import site as site_search

bp = Blueprint("pages", __name__)


@bp.get("/")
def root():
    code = i18n.negotiate(request.accept_languages, current_app.config["LANGUAGES"])
    response = redirect(url_for("pages.home", lang=code), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/<lang>/")
@cacheable()
def home():
    def render() -> tuple[str, int]:
        return render_template("pages/home.html", sections=presenters.home_sections()), 200

    return cached_page(index.current_version(db.session, "pages-content"), render)


def _query() -> str:
    return request.args.get("q", "").strip()[:200]


@bp.get("/<lang>/search", endpoint="search")
def search_page():
    """The header search: the best few of every kind of result, each group linking on to its finder."""
    query = _query()
    results = None
    if query:
        results = site_search.search(
            db.session,
            current_app.config["SEARCH_INDEX_DIR"],
            query,
            i18n.current().code,
            Path(current_app.config["SEARCH_SYNONYMS"]),
        )
    return render_template(
        "pages/search.html", query=query, results=results, view=presenters.site_view(results)
    )


@bp.get("/<lang>/search/pages", endpoint="search_pages")
def search_pages():
    """Every information page matching the words, ten to a page."""
    query = _query()
    page_num = page_number(request.args.get("page"))
    results = None
    if query:
        results = search.search(
            db.session,
            current_app.config["SEARCH_INDEX_DIR"],
            query,
            i18n.current().code,
            page_num,
            Path(current_app.config["SEARCH_SYNONYMS"]),
        )
    return render_template(
        "pages/search_pages.html", query=query, results=results, view=presenters.search_view(results)
    )


@bp.get("/<lang>/<slug>")
@cacheable()
def page(slug: str):
    lang = i18n.current().code
    version = index.current_version(db.session, "pages-content")

    def render() -> tuple[str, int]:
        found = services.get_page(db.session, slug, lang)
        if found is None:
            abort(404)
        related = services.related_pages(db.session, found.slug, lang)
        view = presenters.page_view(found)
        return render_template("pages/page.html", page=found, view=view, related=related), 200

    return cached_page(version, render)


def _published_or_404(slug: str):
    found = services.get_page(db.session, slug, i18n.current().code)
    if found is None:
        abort(404)
    return found


@bp.route("/<lang>/<slug>/useful", methods=["GET", "POST"], endpoint="useful")
@limiter.limit("20 per minute", methods=["POST"])
@never_stored
def useful(slug: str):
    """The content page's "Is this page useful?" buttons lead here (a GET, so the cached page needs no
    token); sending the answer is a POST with a CSRF token, and only adds one to a daily count."""
    found = _published_or_404(slug)
    chosen = request.args.get("answer")
    form = forms.UsefulForm(answer=chosen if chosen in usefulness.ANSWERS else None)
    if form.validate_on_submit():
        usefulness.record(db.session, found.slug, i18n.current().code, form.answer.data, utcnow().date())
        db.session.commit()
        return redirect(url_for("pages.useful_sent", slug=found.slug), code=303)
    return render_template("pages/useful.html", page=found, form=form)


@bp.get("/<lang>/<slug>/useful/sent", endpoint="useful_sent")
def useful_sent(slug: str):
    return render_template("pages/useful_sent.html", page=_published_or_404(slug))


# Each service appears in every language with every other as an alternate: a part holds this many.
SERVICES_PER_SITEMAP = 200


@bp.get("/sitemap.xml")
def sitemap():
    """A sitemap index: the pages' sitemap, then the services' in parts, so none grows without bound."""
    from alliance.directory.services import sitemap_parts

    parts = sitemap_parts(db.session, SERVICES_PER_SITEMAP)
    locations = [external_url("pages.sitemap_pages")] + [
        external_url("pages.sitemap_services", part=part) for part in range(1, parts + 1)
    ]
    xml = render_template("pages/sitemap_index.xml", locations=locations)
    return Response(xml, mimetype="application/xml")


@bp.get("/sitemap-pages.xml")
def sitemap_pages():
    from alliance.genetics.services import last_reviewed
    from alliance.trials.services import sitemap_trials

    reviewed = last_reviewed(db.session)
    others = [
        *(("trials.trial", {"trial_id": tid}, day) for tid, day in sitemap_trials(db.session)),
        ("genetics.tests", {}, reviewed.get("tests")),
        ("genetics.services", {}, reviewed.get("services")),
        ("genetics.guide_start", {}, reviewed.get("guide")),
    ]
    entries = presenters.sitemap_entries(services.all_published(db.session), others)
    xml = render_template("pages/sitemap.xml", entries=entries)
    return Response(xml, mimetype="application/xml")


@bp.get("/sitemap-services-<int:part>.xml")
def sitemap_services(part: int):
    from alliance.directory.services import sitemap_parts, sitemap_services

    if not 1 <= part <= sitemap_parts(db.session, SERVICES_PER_SITEMAP):
        abort(404)
    items = [
        ("directory.service", {"service_id": sid}, day)
        for sid, day in sitemap_services(db.session, part, SERVICES_PER_SITEMAP)
    ]
    xml = render_template("pages/sitemap.xml", entries=presenters.sitemap_items(items))
    return Response(xml, mimetype="application/xml")


@bp.get("/.well-known/security.txt")
def security_txt():
    from alliance.ops.security_txt import security_txt as body

    text = body(current_app.config, external_url("pages.security_txt"), utcnow())
    return Response(text, mimetype="text/plain")


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nDisallow: /backoffice/\nSitemap: {external_url('pages.sitemap')}\n"
    return Response(body, mimetype="text/plain")
