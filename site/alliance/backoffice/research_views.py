"""Back-office research upkeep: trial records (edit, import, stale list) and genetic-testing records."""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.research_forms import GeneticsServiceForm, GeneticTestForm, TrialForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.genetics import upkeep as genetics_upkeep
from alliance.genetics.models import GeneticsService, GeneticTest
from alliance.trials import services as trial_services
from alliance.trials import upkeep as trial_upkeep
from alliance.trials.models import Trial
from alliance.uploads import accepts_upload


def _record_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None:
        abort(404)
    return record


@bp.get("/research")
@auth.requires("research.manage")
def research():
    rows = trial_upkeep.trial_rows(db.session, date.today(), current_app.config["TRIALS_STALE_DAYS"])
    only_stale = request.args.get("stale") == "1"
    return render_template(
        "backoffice/research.html",
        trials=[row for row in rows if row.stale] if only_stale else rows,
        stale_count=sum(row.stale for row in rows),
        only_stale=only_stale,
        stale_days=current_app.config["TRIALS_STALE_DAYS"],
        genetics_services=genetics_upkeep.all_services(db.session),
        genetic_tests=genetics_upkeep.all_tests(db.session),
    )


@bp.route("/research/trials/<int:trial_id>", methods=["GET", "POST"])
@auth.requires("research.manage")
def research_trial(trial_id: int):
    trial = _record_or_404(Trial, trial_id)
    form = TrialForm(obj=trial)
    if form.validate_on_submit():
        changed = trial_upkeep.edit_trial(
            db.session, trial_id, form.title.data, form.summary.data, form.overall_status.data
        )
        if changed:
            accounts.audit(
                db.session,
                "research.trial.edit",
                auth.current_staff(),
                target=trial.registry_id,
                fields=sorted(changed),
            )
        db.session.commit()
        flash("Changes saved." if changed else "Nothing was changed.")
        return redirect(url_for("backoffice.research"))
    return render_template(
        "backoffice/research_trial.html", form=form, trial=trial
    ), 400 if form.errors else 200


@bp.route("/research/trials/import", methods=["GET", "POST"])
@accepts_upload("IMPORT_MAX_BYTES")
@auth.requires("research.manage")
def research_import():
    form = EmptyForm()
    report, errors = None, []
    if form.validate_on_submit():
        upload = request.files.get("datafile")
        if upload is None or not upload.filename:
            errors.append("Choose a .json or .csv file to import")
        else:
            area = trial_services.area_from_config(current_app.config)
            report = trial_upkeep.import_upload(db.session, upload.filename, upload.read(), area)
            accounts.audit(
                db.session,
                "research.trials.import",
                auth.current_staff(),
                target=upload.filename,
                summary=report.summary(),
            )
            db.session.commit()
    status = 400 if errors else 200
    return render_template("backoffice/research_import.html", form=form, report=report, errors=errors), status


def _edit(model, record_id: int, form_class, edit, action: str, template: str):
    record = _record_or_404(model, record_id)
    form = form_class(obj=record)
    if form.validate_on_submit():
        try:
            changed = edit(db.session, record_id, form.data)
        except ValueError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            if changed:
                target = getattr(record, "code", None) or getattr(record, "key", "")
                accounts.audit(
                    db.session, action, auth.current_staff(), target=target, fields=sorted(changed)
                )
            db.session.commit()
            flash("Changes saved." if changed else "Nothing was changed.")
            return redirect(url_for("backoffice.research"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, record=record), status


@bp.route("/research/genetics/services/<int:record_id>", methods=["GET", "POST"])
@auth.requires("research.manage")
def research_genetics_service(record_id: int):
    return _edit(
        GeneticsService,
        record_id,
        GeneticsServiceForm,
        genetics_upkeep.edit_service,
        "research.genetics.service.edit",
        "backoffice/research_genetics_service.html",
    )


@bp.route("/research/genetics/tests/<int:record_id>", methods=["GET", "POST"])
@auth.requires("research.manage")
def research_genetic_test(record_id: int):
    return _edit(
        GeneticTest,
        record_id,
        GeneticTestForm,
        genetics_upkeep.edit_test,
        "research.genetics.test.edit",
        "backoffice/research_genetic_test.html",
    )
