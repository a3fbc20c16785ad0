"""The public e-bulletin pages: sign up, confirm, change preferences, unsubscribe (one click too)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from alliance import i18n
from alliance.backoffice.forms import EmptyForm
from alliance.bulletin import services
from alliance.bulletin.forms import PreferencesForm, SubscribeForm
from alliance.cache import never_stored
from alliance.database import utcnow
from alliance.extensions import csrf, db, limiter

bp = Blueprint("bulletin", __name__)


def _subscribe_limit() -> str:
    return current_app.config["BULLETIN_SUBSCRIBE_LIMIT"]


def _subscriber_or_404(purpose: str, token: str):
    found = services.by_token(db.session, purpose, token)
    if found is None:
        abort(404)
    return found


@bp.route("/<lang>/bulletin/subscribe", methods=["GET", "POST"])
@limiter.limit(_subscribe_limit, methods=["POST"])
@never_stored
def subscribe():
    form = SubscribeForm(language=i18n.current().code)
    if form.validate_on_submit():
        services.subscribe(db.session, form.email.data, form.topics.data, form.language.data, utcnow())
        db.session.commit()
        return redirect(url_for("bulletin.check_email"), code=303)
    return render_template("bulletin/subscribe.html", form=form)


@bp.get("/<lang>/bulletin/check-your-email")
def check_email():
    return render_template("bulletin/check_email.html")


@bp.route("/<lang>/bulletin/confirm/<token>", methods=["GET", "POST"])
@never_stored
def confirm(token: str):
    # A GET only shows a button: mail scanners open links, and must not confirm anyone.
    subscriber = _subscriber_or_404(services.CONFIRM, token)
    form = EmptyForm()
    if form.validate_on_submit():
        services.confirm(db.session, subscriber, utcnow())
        db.session.commit()
        return render_template("bulletin/confirmed.html")
    return render_template("bulletin/confirm.html", form=form)


@bp.route("/<lang>/bulletin/preferences/<token>", methods=["GET", "POST"])
@never_stored
def preferences(token: str):
    subscriber = _subscriber_or_404(services.MANAGE, token)
    form = PreferencesForm(data={"topics": subscriber.topics.split(), "language": subscriber.lang})
    if form.validate_on_submit():
        services.change(subscriber, form.topics.data, form.language.data)
        db.session.commit()
        return render_template("bulletin/saved.html", token=token)
    return render_template("bulletin/preferences.html", form=form, token=token)


@bp.route("/<lang>/bulletin/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: a mail program posts "List-Unsubscribe=One-Click" with no form of ours
@never_stored
def unsubscribe(token: str):
    subscriber = services.by_token(db.session, services.MANAGE, token)
    if request.method == "POST":
        if subscriber is not None:
            services.unsubscribe(subscriber, utcnow())
            db.session.commit()
        # Already unsubscribed (or never): the same answer, so a repeated one-click post is harmless.
        return render_template("bulletin/unsubscribed.html")
    if subscriber is None:
        abort(404)
    return render_template("bulletin/unsubscribe.html", form=EmptyForm())
