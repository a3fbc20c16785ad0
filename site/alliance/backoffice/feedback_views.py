"""Back-office: "You said, we did" for closed surveys, and erasing a response by its reference."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.forms import StringField, TextAreaField
from alliance.surveys import feedback, retention


def _feedback_form(state: feedback.EditorState) -> FlaskForm:
    """A heard/doing pair of text areas per language of the survey, filled with what is saved."""
    fields, data = {}, {}
    for language in state.languages:
        length = Length(max=feedback.MAX_TEXT, message=f"Use {feedback.MAX_TEXT:,} characters or fewer")
        fields[f"heard_{language.lang}"] = TextAreaField(f"What we heard ({language.name})", [length])
        fields[f"doing_{language.lang}"] = TextAreaField(f"What we will do ({language.name})", [length])
        data[f"heard_{language.lang}"], data[f"doing_{language.lang}"] = language.heard, language.doing
    form_class = type("FeedbackForm", (FlaskForm,), fields)
    return form_class(data=data)


def _save_all(form: FlaskForm, state: feedback.EditorState) -> list[str]:
    changed = []
    for language in state.languages:
        heard, doing = form[f"heard_{language.lang}"].data, form[f"doing_{language.lang}"].data
        if feedback.save(db.session, state.survey_id, language.lang, heard, doing):
            changed.append(language.lang)
    chosen = [int(value) for value in request.form.getlist("quotes") if value.isdigit()]
    before = [quote.answer_id for quote in state.quotes if quote.chosen]
    if chosen != before:
        feedback.choose_quotes(db.session, state.survey_id, chosen)
        changed.append("quotes")
    return changed


@bp.route("/surveys/<int:survey_id>/feedback", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_feedback(survey_id: int):
    state = feedback.editor_state(db.session, survey_id)
    if state is None:
        abort(404)
    form = _feedback_form(state)
    if form.validate_on_submit():
        action = request.form.get("action")
        action = action if action in ("publish", "unpublish") else "save"
        staff = auth.current_staff()
        try:
            if action in ("save", "publish"):
                changed = _save_all(form, state)
                if changed:
                    accounts.audit(
                        db.session, "surveys.feedback.save", staff, target=state.slug, changed=changed
                    )
                message = "Changes saved." if changed else "Nothing was changed."
            if action == "publish":
                published = feedback.publish(db.session, survey_id)
                accounts.audit(
                    db.session, "surveys.feedback.publish", staff, target=state.slug, languages=published
                )
                message = f"Published in {len(published)} languages."
            elif action == "unpublish":
                if feedback.unpublish(db.session, survey_id):
                    accounts.audit(db.session, "surveys.feedback.unpublish", staff, target=state.slug)
                message = "Unpublished: the public page is gone."
        except feedback.FeedbackError as error:
            db.session.rollback()
            form.form_errors.append(str(error).capitalize())
        else:
            db.session.commit()
            flash(message)
            return redirect(url_for("backoffice.survey_feedback", survey_id=survey_id), code=303)
    chosen = {int(value) for value in request.form.getlist("quotes") if value.isdigit()}
    if request.method == "POST":
        for quote in state.quotes:
            quote.chosen = quote.answer_id in chosen
    return render_template(
        "backoffice/survey_feedback.html", form=form, state=state
    ), 400 if form.errors else 200


class StaffEraseForm(FlaskForm):
    reference = StringField(
        "Reference",
        description="8 letters and numbers, like ABCD-2345. Read it back to the caller before you delete.",
        validators=[DataRequired("Enter the reference"), Length(max=40, message="Enter a reference")],
    )


@bp.route("/surveys/erase", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_erase():
    form = StaffEraseForm()
    if form.validate_on_submit():
        reference = retention.normalise_reference(form.reference.data)
        if reference is None:
            form.reference.errors.append("Enter the reference as it was given, like ABCD-2345")
        elif retention.erase(db.session, reference, auth.current_staff()):
            db.session.commit()
            flash(f"The response with reference {reference} and its equality answers were deleted.")
            return redirect(url_for("backoffice.survey_erase"), code=303)
        else:
            form.reference.errors.append("There is no response with that reference")
    return render_template("backoffice/survey_erase.html", form=form), 400 if form.errors else 200
