"""The public panel pages: join, and withdraw with the link from the emails."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from alliance import i18n
from alliance.backoffice.forms import EmptyForm
from alliance.cache import never_stored
from alliance.database import utcnow
from alliance.extensions import db, limiter
from alliance.panel import services
from alliance.panel.forms import CONSENT, JoinForm
from alliance.surveys import equality
from alliance.surveys.presenters import equality_questions

bp = Blueprint("panel", __name__)


def _join_limit() -> str:
    return current_app.config["PANEL_JOIN_LIMIT"]


@bp.route("/<lang>/get-involved/panel", methods=["GET", "POST"])
@limiter.limit(_join_limit, methods=["POST"])
@never_stored
def join():
    form = JoinForm()
    answers = equality.clean(request.form.to_dict()) if request.method == "POST" else {}
    if form.validate_on_submit():
        joining = services.Joining(
            name=form.name.data,
            email=form.email.data,
            ways=form.ways.data,
            locality=form.locality.data,
            languages=form.languages.data or [],
            consent_text=str(CONSENT),
        )
        services.join(db.session, joining, answers, i18n.current().code, utcnow())
        db.session.commit()
        return redirect(url_for("panel.joined"), code=303)
    return render_template("panel/join.html", form=form, questions=equality_questions(answers))


@bp.get("/<lang>/get-involved/panel/joined")
def joined():
    return render_template("panel/joined.html")


@bp.route("/<lang>/get-involved/panel/withdraw/<token>", methods=["GET", "POST"])
@never_stored
def withdraw(token: str):
    member = services.by_token(db.session, token)
    if member is None:
        abort(404)
    form = EmptyForm()
    if form.validate_on_submit():
        services.withdraw(member, utcnow())
        db.session.commit()
        return render_template("panel/withdrawn.html")
    return render_template("panel/withdraw.html", form=form)
