"""Back-office events: write, translate, publish and cancel events; see and export who registered
(every look at the list of people is audited)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.views import bp
from alliance.database import utcnow
from alliance.events import services, staff
from alliance.events.forms import EventForm, TranslationForm
from alliance.events.models import Event, EventText
from alliance.extensions import db


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        abort(404)
    return event


def _event_form(**kwargs) -> EventForm:
    form = EventForm(**kwargs)
    form.interpreters.choices = [
        (lang.code, lang.english_name) for lang in i18n.languages() if lang.code != "en"
    ]
    return form


@bp.get("/events")
@auth.requires("events.manage")
def events():
    rows = [
        (event, staff.english_text(event), services.places(db.session, event.id))
        for event in staff.all_events(db.session)
    ]
    return render_template("backoffice/events.html", rows=rows, now=utcnow())


@bp.route("/events/new", methods=["GET", "POST"])
@auth.requires("events.manage")
def event_new():
    form = _event_form()
    if form.validate_on_submit():
        event, _changed = staff.save(db.session, None, staff.EventDetails.from_form(form.data))
        accounts.audit(db.session, "events.create", auth.current_staff(), target=str(event.id))
        db.session.commit()
        flash("Event saved as a draft. Publish it when it is ready.")
        return redirect(url_for("backoffice.event", event_id=event.id), code=303)
    return render_template("backoffice/event_edit.html", form=form, event=None), 400 if form.errors else 200


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@auth.requires("events.manage")
def event(event_id: int):
    found = _event_or_404(event_id)
    form = _event_form(data=staff.form_data(found)) if not _posted() else _event_form()
    if form.validate_on_submit():
        _event, changed = staff.save(db.session, found, staff.EventDetails.from_form(form.data))
        if changed:
            accounts.audit(
                db.session, "events.edit", auth.current_staff(), target=str(found.id), fields=changed
            )
        db.session.commit()
        flash("Changes saved." if changed else "Nothing was changed.")
        return redirect(url_for("backoffice.event", event_id=found.id), code=303)
    translations = {text.lang: text for text in found.texts}
    return render_template(
        "backoffice/event_edit.html",
        form=form,
        event=found,
        places=services.places(db.session, found.id),
        translations=translations,
        actions=EmptyForm(),
    ), 400 if form.errors else 200


def _posted() -> bool:
    from flask import request

    return request.method == "POST"


@bp.post("/events/<int:event_id>/publish")
@auth.requires("events.manage")
def event_publish(event_id: int):
    found = _event_or_404(event_id)
    if EmptyForm().validate_on_submit() and staff.publish(found):
        accounts.audit(db.session, "events.publish", auth.current_staff(), target=str(found.id))
        db.session.commit()
        flash("Published: the event is on the public site.")
    return redirect(url_for("backoffice.event", event_id=found.id), code=303)


@bp.post("/events/<int:event_id>/cancel")
@auth.requires("events.manage")
def event_cancel(event_id: int):
    found = _event_or_404(event_id)
    if EmptyForm().validate_on_submit() and found.status == "published":
        told = services.cancel_event(db.session, found)
        accounts.audit(db.session, "events.cancel", auth.current_staff(), target=str(found.id), told=told)
        db.session.commit()
        flash(f"Event cancelled. {told} people were emailed.")
    return redirect(url_for("backoffice.event", event_id=found.id), code=303)


@bp.route("/events/<int:event_id>/translations/<lang>", methods=["GET", "POST"])
@auth.requires("events.manage")
def event_translation(event_id: int, lang: str):
    found = _event_or_404(event_id)
    language = i18n.get(lang)
    if language is None or lang == "en":
        abort(404)
    existing: EventText | None = next((text for text in found.texts if text.lang == lang), None)
    form = TranslationForm(obj=existing) if existing is not None and not _posted() else TranslationForm()
    if form.validate_on_submit():
        staff.save_translation(
            db.session, found, lang, form.title.data, form.summary.data, form.description.data or ""
        )
        accounts.audit(db.session, "events.translate", auth.current_staff(), target=f"{found.id}/{lang}")
        db.session.commit()
        flash(
            f"{language.english_name} text saved. It is marked as not yet reviewed by a qualified translator."
        )
        return redirect(url_for("backoffice.event", event_id=found.id), code=303)
    return render_template(
        "backoffice/event_translation.html",
        form=form,
        event=found,
        english=staff.english_text(found),
        language=language,
    ), 400 if form.errors else 200


@bp.get("/events/<int:event_id>/attendees")
@auth.requires("events.manage")
def event_attendees(event_id: int):
    found = _event_or_404(event_id)
    rows = services.registrations(db.session, found.id)
    accounts.audit(
        db.session, "events.attendees.view", auth.current_staff(), target=str(found.id), rows=len(rows)
    )
    db.session.commit()
    return render_template(
        "backoffice/event_attendees.html", event=found, english=staff.english_text(found), rows=rows
    )


@bp.get("/events/<int:event_id>/attendees.csv")
@auth.requires("events.manage")
def event_attendees_csv(event_id: int):
    found = _event_or_404(event_id)
    rows = services.registrations(db.session, found.id)
    accounts.audit(
        db.session, "events.attendees.export", auth.current_staff(), target=str(found.id), rows=len(rows)
    )
    db.session.commit()
    return Response(
        services.attendees_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename=event-{found.id}-attendees.csv"},
    )
