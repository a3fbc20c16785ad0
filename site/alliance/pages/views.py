from flask import Blueprint, current_app, redirect, render_template, request, url_for

from alliance import i18n
from alliance.pages import presenters

bp = Blueprint("pages", __name__)


@bp.get("/")
def root():
    code = i18n.negotiate(request.accept_languages, current_app.config["LANGUAGES"])
    response = redirect(url_for("pages.home", lang=code), code=302)
    response.headers["Vary"] = "Accept-Language"
    return response


@bp.get("/<lang>/")
def home():
    return render_template("pages/home.html", sections=presenters.home_sections())
