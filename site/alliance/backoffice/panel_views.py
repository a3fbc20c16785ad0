"""Back-office people's panel: who has joined (every look and export audited), equality totals with
small-number suppression, and invitations by email."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from alliance import localities
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.panel import services
from alliance.panel.forms import InviteForm
from alliance.panel.models import WAYS


def _filters() -> tuple[str, str]:
    way = request.values.get("way", "")
    locality = request.values.get("locality", "")
    places = {place.code for place in localities.all_localities()} | {"elsewhere"}
    return (way if way in WAYS else ""), (locality if locality in places else "")


@bp.get("/panel")
@auth.requires("panel.manage")
def panel():
    way, locality = _filters()
    rows = services.members(db.session, way, locality)
    accounts.audit(db.session, "panel.view", auth.current_staff(), rows=len(rows))
    db.session.commit()
    return render_template(
        "backoffice/panel.html",
        rows=rows,
        counts=services.counts(db.session),
        totals=services.equality_totals(db.session),
        way=way,
        locality=locality,
        ways=WAYS,
        places=[place for place in localities.all_localities() if place.place],
    )


@bp.get("/panel/members.csv")
@auth.requires("panel.manage")
def panel_csv():
    way, locality = _filters()
    rows = services.members(db.session, way, locality)
    accounts.audit(db.session, "panel.export", auth.current_staff(), rows=len(rows))
    db.session.commit()
    return Response(
        services.members_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=panel-members.csv"},
    )


@bp.route("/panel/invite", methods=["GET", "POST"])
@auth.requires("panel.manage")
def panel_invite():
    way, locality = _filters()
    chosen = services.members(db.session, way, locality)
    form = InviteForm()
    if form.validate_on_submit():
        sent = services.invite(db.session, chosen, form.subject.data, form.message.data, form.link.data or "")
        accounts.audit(
            db.session, "panel.invite", auth.current_staff(), rows=sent, way=way, locality=locality
        )
        db.session.commit()
        flash(f"Invitation queued for {sent} panel members.")
        return redirect(url_for("backoffice.panel"), code=303)
    return render_template(
        "backoffice/panel_invite.html", form=form, count=len(chosen), way=way, locality=locality
    ), 400 if form.errors else 200
