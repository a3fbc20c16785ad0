"""The public events pages: the list, an event with its registration form, the calendar file, and the
cancel link from the emails."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, url_for

from alliance import hosts, i18n
from alliance.cache import never_stored
from alliance.database import utcnow
from alliance.events import calendar, presenters, services
from alliance.events.forms import RegisterForm
from alliance.extensions import db, limiter

bp = Blueprint("events", __name__)
OUTCOMES = ("booked", "waiting")


def _register_limit() -> str:
    return current_app.config["EVENTS_REGISTER_LIMIT"]


def _event_or_404(event_id: int):
    event = services.public_event(db.session, event_id)
    if event is None:
        abort(404)
    return event


@bp.get("/<lang>/events/")
def index():
    lang = i18n.current().code
    now = utcnow()
    events = services.upcoming(db.session, now)
    return render_template(
        "events/index.html",
        events=[(presenters.view(event, lang), services.places(db.session, event.id)) for event in events],
    )


@bp.route("/<lang>/events/<int:event_id>", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
@never_stored
def event(event_id: int):
    found = _event_or_404(event_id)
    lang = i18n.current().code
    form = RegisterForm()
    now = utcnow()
    open_now = services.is_open(found, now)
    if open_now and form.validate_on_submit():
        db.session.commit()  # the registration's transaction starts with the event's lock
        try:
            registration = services.register(
                db.session,
                found.id,
                name=form.name.data,
                email=form.email.data,
                access_needs=form.access_needs.data or "",
                lang=lang,
                now=now,
            )
        except services.RegistrationClosed:
            db.session.rollback()
            return redirect(url_for("events.event", event_id=found.id), code=303)
        outcome = registration.status
        db.session.commit()
        return redirect(url_for("events.registered", event_id=found.id, outcome=outcome), code=303)
    return render_template(
        "events/event.html",
        event=presenters.view(found, lang),
        places=services.places(db.session, found.id),
        open_now=open_now,
        form=form,
        started=not open_now and found.status != "cancelled",
    )


@bp.get("/<lang>/events/<int:event_id>/registered/<outcome>")
@never_stored
def registered(event_id: int, outcome: str):
    found = _event_or_404(event_id)
    if outcome not in OUTCOMES:
        abort(404)
    return render_template(
        "events/registered.html", event=presenters.view(found, i18n.current().code), outcome=outcome
    )


@bp.get("/<lang>/events/<int:event_id>/calendar.ics")
def calendar_file(event_id: int):
    found = _event_or_404(event_id)
    lang = i18n.current().code
    view = presenters.view(found, lang)
    url = hosts.external_url("events.event", lang=lang, event_id=found.id)
    text = calendar.ics(found, view.title, view.summary, url, hosts.site_host(hosts.site_url()), utcnow())
    return Response(
        text,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="event-{found.id}.ics"'},
    )


@bp.route("/<lang>/events/<int:event_id>/cancel/<token>", methods=["GET", "POST"])
@never_stored
def cancel(event_id: int, token: str):
    from alliance.backoffice.forms import EmptyForm

    found = _event_or_404(event_id)
    registration = services.find_registration(db.session, found.id, token)
    if registration is None:
        return render_template(
            "events/cancel_unknown.html", event=presenters.view(found, i18n.current().code)
        ), 404
    form = EmptyForm()
    if form.validate_on_submit():
        db.session.commit()
        services.cancel(db.session, found.id, token, utcnow())
        db.session.commit()
        return redirect(url_for("events.cancelled", event_id=found.id), code=303)
    return render_template(
        "events/cancel.html",
        event=presenters.view(found, i18n.current().code),
        form=form,
        waiting=registration.status == "waiting",
    )


@bp.get("/<lang>/events/<int:event_id>/cancelled")
@never_stored
def cancelled(event_id: int):
    found = _event_or_404(event_id)
    return render_template("events/cancelled.html", event=presenters.view(found, i18n.current().code))
