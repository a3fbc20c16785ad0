from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from alliance import i18n
from alliance.cache import cacheable, cached_page
from alliance.extensions import db
from alliance.pages import presenters, search, services
from alliance.search import index

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


@bp.get("/<lang>/search", endpoint="search")
def search_page():
    query = request.args.get("q", "").strip()[:200]
    page_num = presenters.page_number(request.args.get("page"))
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
        "pages/search.html", query=query, results=results, view=presenters.search_view(results)
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
        return render_template("pages/page.html", page=found, view=presenters.page_view(found)), 200

    return cached_page(version, render)


@bp.get("/sitemap.xml")
def sitemap():
    entries = presenters.sitemap_entries(services.all_published(db.session))
    xml = render_template("pages/sitemap.xml", entries=entries)
    return Response(xml, mimetype="application/xml")


@bp.get("/robots.txt")
def robots():
    body = f"User-agent: *\nDisallow: /backoffice/\nSitemap: {url_for('pages.sitemap', _external=True)}\n"
    return Response(body, mimetype="text/plain")
