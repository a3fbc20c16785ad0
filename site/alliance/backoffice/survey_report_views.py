"""Back-office survey reports and exports."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request, stream_with_context
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.forms import DateField, SelectField
from alliance.surveys import charts, equality, exports, reports
from alliance.surveys.models import Survey


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField("From (submitted on or after)")
    date_to = DateField("To (submitted on or before)")
    lang = SelectField("Language", validate_choice=False)
    locality = SelectField("Locality", validate_choice=False)
    by = SelectField("Break down choice questions by", validate_choice=False)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, message in (
            ("lang", "Choose a language from the list"),
            ("locality", "Choose a locality from the list"),
            ("by", "Choose an equality question from the list"),
        ):
            field = self[name]
            if (field.data or "") not in {value for value, _ in field.choices}:
                field.errors.append(message)
                valid = False
        start, end = self.date_from.data, self.date_to.data
        if start and end and start > end:
            self.date_to.errors.append("The 'to' date must be the same as or after the 'from' date")
            valid = False
        return valid


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def _filter_form(survey_id: int) -> tuple[ReportFilterForm, reports.Filters | None]:
    """The filter form read from the query string, and the filters when every value is good."""
    form = ReportFilterForm(request.args)
    langs, localities = reports.filter_choices(db.session, survey_id)
    form.lang.choices = [("", "Any language"), *((code, i18n.name_in_words(code)) for code in langs)]
    form.locality.choices = [("", "Any locality"), *((name, name) for name in localities)]
    form.by.choices = [("", "None"), *((q.key, str(q.text)) for q in equality.QUESTIONS)]
    if not form.validate():
        return form, None
    return form, reports.Filters(
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        lang=form.lang.data or "",
        locality=form.locality.data or "",
    )


def _export_args() -> dict[str, str]:
    return {
        key: value for key, value in request.args.items() if value and key not in ("by", "equality", "text")
    }


@bp.get("/surveys/<int:survey_id>/report")
@auth.requires("surveys.manage")
def survey_report(survey_id: int):
    _survey_or_404(survey_id)
    form, filters = _filter_form(survey_id)
    report = None
    if filters is not None:
        report = reports.survey_report(db.session, survey_id, filters, form.by.data or "")
    return render_template(
        "backoffice/survey_report.html",
        form=form,
        report=report,
        survey_id=survey_id,
        figure=charts.figure,
        data_table=charts.data_table,
        export_args=_export_args(),
        can_see_equality=auth.can("surveys.equality"),
        can_see_raw_text=auth.can("surveys.raw_text"),
    ), 400 if filters is None else 200


@bp.get("/surveys/<int:survey_id>/report/export.<fmt>")
@auth.requires("surveys.manage")
def survey_export(survey_id: int, fmt: str):
    if fmt not in exports.FORMATS:
        abort(404)
    survey = _survey_or_404(survey_id)
    form, filters = _filter_form(survey_id)
    if filters is None:
        return survey_report(survey_id)
    raw = request.args.get("equality") == "raw"
    if raw and not auth.can("surveys.equality"):
        abort(403)
    raw_text = request.args.get("text") == "raw"
    if raw_text and not auth.can("surveys.raw_text"):
        abort(403)
    responses = db.session.scalar(
        select(func.count()).select_from(reports.filtered_ids(survey_id, filters).subquery())
    )
    accounts.audit(
        db.session,
        "survey.export.raw" if raw_text else "survey.export",
        auth.current_staff(),
        target=f"{survey.slug} v{survey.version}",
        format=fmt,
        responses=responses,
        equality="rows" if raw else "aggregate",
        text="as typed" if raw_text else "moderated",
        filters=filters.describe(),
    )
    db.session.commit()
    name = exports.filename(survey, fmt, date.today().isoformat())
    return Response(
        stream_with_context(exports.export(db.session, survey_id, fmt, filters, raw, raw_text)),
        mimetype=exports.MIME_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
