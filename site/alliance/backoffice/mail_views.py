"""Back-office: outgoing mail that failed or waits to be retried, with retry and discard."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.outbox import services as outbox

ACTIONS = {"retry": outbox.retry, "discard": outbox.discard}


@bp.get("/mail")
@auth.requires("mail.manage")
def mail_outbox():
    return render_template("backoffice/mail.html", messages=outbox.problems(db.session), form=EmptyForm())


@bp.post("/mail/<int:message_id>")
@auth.requires("mail.manage")
def mail_decide(message_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    message = ACTIONS[action](db.session, message_id)
    if message is None:
        db.session.rollback()
        flash("That message is no longer waiting: it may have been sent, retried or discarded already.")
    else:
        accounts.audit(
            db.session,
            f"mail.{action}",
            auth.current_staff(),
            target=message.to_address,
            message=message_id,
            kind=message.kind,
        )
        db.session.commit()
        flash(
            f"Message {message_id} to {message.to_address}: {'queued to send now' if action == 'retry' else 'discarded'}."
        )
    return redirect(url_for("backoffice.mail_outbox"))
