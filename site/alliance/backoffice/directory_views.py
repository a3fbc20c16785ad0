"""Back-office directory upkeep: the service list, verification, status, problem reports, import, export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from alliance import i18n, localities
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.directory_forms import OrganizationForm, ServiceForm, ServiceTranslationForm
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.views import bp
from alliance.directory import export, import_batch, import_read, import_write, upkeep
from alliance.directory.models import Organization
from alliance.extensions import db
from alliance.inputs import parse_uuid
from alliance.pagination import page_number
from alliance.progress import cut_short
from alliance.uploads import accepts_upload


def _service_or_404(service_id: str):
    service = upkeep.get_service(db.session, service_id) if parse_uuid(service_id) else None
    if service is None:
        abort(404)
    return service


@bp.get("/directory")
@auth.requires("directory.manage")
def directory_list():
    unverified = request.args.get("unverified") == "1"
    filters = {
        "query": request.args.get("q", "").strip()[:100],
        "locality": request.args.get("locality", "")
        if request.args.get("locality") in localities.codes()
        else "",
        "status": request.args.get("status", "") if request.args.get("status") in upkeep.STATUSES else "",
    }
    cutoff = upkeep.verification_cutoff(date.today()) if unverified else None
    page = page_number(request.args.get("page"))
    rows, total = upkeep.list_services(db.session, unverified_since=cutoff, page=page, **filters)
    return render_template(
        "backoffice/directory_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // upkeep.PER_PAGE)),
        filters=filters,
        unverified=unverified,
        counts=upkeep.counts(db.session, date.today()),
        localities=localities.all_localities(),
        statuses=upkeep.STATUSES,
    )


@bp.get("/directory/services/<service_id>")
@auth.requires("directory.manage")
def directory_service(service_id: str):
    service = _service_or_404(service_id)
    return render_template(
        "backoffice/directory_service.html",
        service=service,
        translations=upkeep.service_translations(db.session, service_id),
        languages=[lang for lang in i18n.languages() if lang.code != i18n.DEFAULT],
        reports=upkeep.reports_for(db.session, service_id),
        statuses=upkeep.STATUSES,
        form=EmptyForm(),
        overdue_before=upkeep.verification_cutoff(date.today()),
    )


@bp.post("/directory/services/<service_id>/verify")
@auth.requires("directory.manage")
def directory_verify(service_id: str):
    _service_or_404(service_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    staff = auth.current_staff()
    try:
        upkeep.mark_verified(db.session, service_id, staff.email, date.today())
    except upkeep.UpkeepError as error:
        db.session.rollback()
        flash(str(error))
    else:
        accounts.audit(db.session, "directory.verify", staff, target=service_id)
        db.session.commit()
        flash("Marked as verified today.")
    return redirect(url_for("backoffice.directory_service", service_id=service_id))


@bp.post("/directory/services/<service_id>/status")
@auth.requires("directory.manage")
def directory_status(service_id: str):
    _service_or_404(service_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    new = request.form.get("status", "")
    try:
        old = upkeep.set_status(db.session, service_id, new)
    except upkeep.UpkeepError as error:
        db.session.rollback()
        flash(str(error))
    else:
        accounts.audit(
            db.session, "directory.status", auth.current_staff(), target=service_id, old=old, new=new
        )
        db.session.commit()
        flash(f"Status is now: {new}.")
    return redirect(url_for("backoffice.directory_service", service_id=service_id))


@bp.get("/directory/problems")
@auth.requires("directory.manage")
def directory_problems():
    return render_template(
        "backoffice/directory_problems.html", reports=upkeep.open_reports(db.session), form=EmptyForm()
    )


@bp.post("/directory/problems/<int:report_id>")
@auth.requires("directory.manage")
def directory_problem_decide(report_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    staff = auth.current_staff()
    decision = request.form.get("decision", "")
    try:
        report = upkeep.decide_report(db.session, report_id, decision, staff.id)
    except upkeep.UpkeepError as error:
        db.session.rollback()
        flash(str(error))
    else:
        accounts.audit(
            db.session, f"directory.report.{decision}", staff, target=report.service_id, report=report_id
        )
        db.session.commit()
        flash(f"Report {decision}.")
    return redirect(url_for("backoffice.directory_problems"))


@bp.route("/directory/import", methods=["GET", "POST"])
@accepts_upload("IMPORT_MAX_BYTES")
@auth.requires("directory.manage")
def directory_import():
    form = EmptyForm()
    errors: list[str] = []
    report = None
    if form.validate_on_submit():
        upload = request.files.get("datafile")
        dry_run = request.form.get("mode", "check") != "import"
        if upload is None or not upload.filename:
            errors.append("Choose a .json, .csv or .zip file to import")
        else:
            try:
                batch = import_read.read_upload(
                    upload.filename, upload.read(), current_app.config["IMPORT_UNZIPPED_MAX_BYTES"]
                )
            except import_batch.ImportFileError as error:
                errors.append(f"The file cannot be read: {error}")
            else:
                report = import_write.apply(db.session, batch, dry_run=dry_run)
                errors.extend(
                    cut_short(
                        [str(problem) for problem in report.problems], import_batch.LINES_SHOWN, indent=""
                    )
                )
                if not report.problems and not dry_run:
                    accounts.audit(
                        db.session,
                        "directory.import",
                        auth.current_staff(),
                        target=upload.filename,
                        changed=report.changed,
                    )
                    db.session.commit()
    status = 400 if errors else 200
    return render_template(
        "backoffice/directory_import.html", form=form, errors=errors, report=report
    ), status


@bp.get("/directory/export.zip")
@auth.requires("directory.manage")
def directory_export():
    data = export.export_csv(db.session)
    accounts.audit(db.session, "directory.export", auth.current_staff(), format="csv")
    db.session.commit()
    return Response(
        data,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="directory-{date.today().isoformat()}.zip"'},
    )


def _service_form(data: dict | None = None) -> ServiceForm:
    form = ServiceForm(data=data) if data is not None else ServiceForm()
    form.organization_id.choices = [("", "Choose an organisation"), *upkeep.organization_choices(db.session)]
    form.locality.choices = [("", "Choose the locality")] + [
        (place.code, place.label) for place in localities.all_localities()
    ]
    form.categories.choices = upkeep.category_choices(db.session)
    return form


def _save_service(form: ServiceForm, service_id: str | None):
    data = {**form.data, "languages": form.language_codes()}
    saved_id, report = upkeep.save_service(
        db.session,
        service_id,
        data,
        Path(current_app.config["CONTENT_DIR"]) / "directory" / "outcode-centroids.csv",
        editor=auth.current_staff().email,
    )
    if report.problems:
        form.form_errors.extend(str(problem) for problem in report.problems)
        return None
    accounts.audit(
        db.session,
        "directory.service.update" if service_id else "directory.service.create",
        auth.current_staff(),
        target=saved_id,
        name=data["name"],
    )
    db.session.commit()
    return saved_id


@bp.route("/directory/services/new", methods=["GET", "POST"])
@auth.requires("directory.manage")
def directory_service_new():
    form = _service_form()
    saved = form.validate_on_submit() and _save_service(form, None)
    if saved:
        flash("Service added.")
        return redirect(url_for("backoffice.directory_service", service_id=saved))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("backoffice/directory_edit.html", form=form, service=None), status


@bp.route("/directory/services/<service_id>/edit", methods=["GET", "POST"])
@auth.requires("directory.manage")
def directory_service_edit(service_id: str):
    service = _service_or_404(service_id)
    form = (
        _service_form()
        if request.method == "POST"
        else _service_form(upkeep.service_form_data(db.session, service_id))
    )
    if form.validate_on_submit() and _save_service(form, service_id):
        flash("Changes saved.")
        return redirect(url_for("backoffice.directory_service", service_id=service_id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("backoffice/directory_edit.html", form=form, service=service), status


def _translation_language_or_404(lang: str) -> i18n.Language:
    language = i18n.get(lang)
    if language is None or language.code == i18n.DEFAULT:
        abort(404)
    return language


@bp.route("/directory/services/<service_id>/translations/<lang>", methods=["GET", "POST"])
@auth.requires("directory.manage")
def directory_service_translation(service_id: str, lang: str):
    service = _service_or_404(service_id)
    language = _translation_language_or_404(lang)
    existing = upkeep.service_translations(db.session, service_id).get(language.code)
    form = ServiceTranslationForm(
        data={"name": existing.name, "description": existing.description or ""} if existing else None
    )
    if form.validate_on_submit():
        upkeep.save_translation(
            db.session, service_id, language.code, form.name.data or "", form.description.data or ""
        )
        accounts.audit(
            db.session,
            "directory.translation.update",
            auth.current_staff(),
            target=service_id,
            lang=language.code,
        )
        db.session.commit()
        flash(f"{language.english_name} translation saved. It waits for a translator's review.")
        return redirect(url_for("backoffice.directory_service", service_id=service_id), code=303)
    status = 400 if form.errors else 200
    return render_template(
        "backoffice/directory_translation.html",
        form=form,
        service=service,
        target=language,
        existing=existing,
    ), status


@bp.route("/directory/organisations/<organization_id>", methods=["GET", "POST"])
@auth.requires("directory.manage")
def directory_organization(organization_id: str):
    org = db.session.get(Organization, organization_id) if parse_uuid(organization_id) else None
    if org is None:
        abort(404)
    form = OrganizationForm(obj=org)
    if form.validate_on_submit():
        try:
            changed = upkeep.edit_organization(db.session, organization_id, form.data)
        except upkeep.UpkeepError as error:
            db.session.rollback()
            form.website.errors = [str(error)]
            return render_template("backoffice/directory_organization.html", form=form, org=org), 400
        if changed:
            accounts.audit(
                db.session,
                "directory.organisation.edit",
                auth.current_staff(),
                target=organization_id,
                fields=sorted(changed),
            )
        db.session.commit()
        flash("Changes saved." if changed else "Nothing was changed.")
        return redirect(url_for("backoffice.directory_organization", organization_id=organization_id))
    status = 400 if form.errors else 200
    return render_template("backoffice/directory_organization.html", form=form, org=org), status


@bp.post("/directory/organisations/<organization_id>/retire")
@auth.requires("directory.manage")
def directory_organization_retire(organization_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        retired = upkeep.retire_organization(db.session, organization_id)
    except upkeep.UpkeepError:
        abort(404)
    accounts.audit(
        db.session,
        "directory.organisation.retire",
        auth.current_staff(),
        target=organization_id,
        services=retired,
    )
    db.session.commit()
    flash(f"{len(retired)} services retired: they have left the public directory.")
    return redirect(url_for("backoffice.directory_organization", organization_id=organization_id))
