"""Back-office survey building: surveys, versions, pages, questions, translations, preview."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import refresh

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.survey_forms import (
    AddQuestionForm,
    DuplicateForm,
    MoveForm,
    NewSurveyForm,
    QuestionForm,
    SurveyForm,
    int_or_none,
    translation_form,
)
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.surveys import builder, drafts, journey, locking, question_kinds, reading
from alliance.surveys.models import Question, Survey, SurveyPage

PREVIEW = "survey_preview"  # answers typed while previewing: kept apart from public answering


def _survey_or_404(survey_id: int) -> Survey:
    survey = db.session.get(Survey, survey_id)
    if survey is None:
        abort(404)
    return survey


def _page_or_404(survey_id: int, page_id: int) -> SurveyPage:
    """A page is reached only through its own survey; any other pairing is a 404."""
    page = db.session.get(SurveyPage, page_id)
    if page is None or page.survey_id != survey_id:
        abort(404)
    return page


def _lang_or_404(lang: str) -> str:
    if i18n.get(lang) is None:
        abort(404)
    return lang


def _audit(action: str, survey: Survey, **detail) -> None:
    accounts.audit(
        db.session, action, auth.current_staff(), target=f"{survey.slug} v{survey.version}", **detail
    )


def _done(action: str, survey: Survey, message: str, **detail):
    _audit(action, survey, **detail)
    db.session.commit()
    flash(message)
    return redirect(url_for("backoffice.survey", survey_id=survey.id))


def _refused(error: builder.BuilderError, survey_id: int):
    db.session.rollback()
    flash(error.message)
    return redirect(url_for("backoffice.survey", survey_id=survey_id))


def _field_error(form, error: builder.BuilderError) -> None:
    db.session.rollback()
    if error.field and error.field in form:
        form[error.field].errors = [*form[error.field].errors, error.message]
    else:
        form.form_errors.append(error.message)


# The list and a new survey -------------------------------------------------------------------------------


@bp.route("/surveys", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def surveys():
    form = NewSurveyForm()
    if form.validate_on_submit():
        try:
            survey = builder.create_survey(db.session, form.slug.data, form.title.data)
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            return _done("survey.create", survey, "Survey created. Add its pages and questions.")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("backoffice/surveys.html", rows=builder.survey_rows(db.session), form=form), status


# One version ----------------------------------------------------------------------------------------------


def _overview(survey: Survey, duplicate_form: DuplicateForm | None = None, status: int = 200):
    english = builder.texts(db.session, survey.id, "en")
    conditions = {}
    for page in survey.pages:
        for question in page.questions:
            if question.show_if_key:
                conditions[question.id] = question.show_if_key
    return render_template(
        "backoffice/survey.html",
        survey=survey,
        english=english,
        locked=builder.is_locked(db.session, survey.id),
        responses=locking.response_count(db.session, survey.id),
        languages=builder.language_rows(db.session, survey.id),
        english_missing=builder.english_missing(db.session, survey.id),
        kinds=builder.KIND_LABELS,
        add_form=AddQuestionForm(formdata=None),
        duplicate_form=duplicate_form or DuplicateForm(formdata=None),
        versions=[row for row in builder.survey_rows(db.session) if row.slug == survey.slug],
        other_languages=[lang for lang in i18n.languages() if lang.code != "en"],
        form=duplicate_form,
    ), status


@bp.get("/surveys/<int:survey_id>")
@auth.requires("surveys.manage")
def survey(survey_id: int):
    return _overview(_survey_or_404(survey_id))


def _utc(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day else None


@bp.route("/surveys/<int:survey_id>/edit", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_edit(survey_id: int):
    survey = _survey_or_404(survey_id)
    english = builder.texts(db.session, survey_id, "en")
    form = SurveyForm(
        data={
            "title": english.get("title", ""),
            "introduction": english.get("introduction", ""),
            "privacy_notice": english.get("privacy_notice", ""),
            "opens_on": reading._aware(survey.opens_at).date() if survey.opens_at else None,
            "closes_on": reading._aware(survey.closes_at).date() if survey.closes_at else None,
            "retain_months": str(survey.retain_months) if survey.retain_months else "",
        }
    )
    if form.validate_on_submit():
        try:
            builder.edit_survey(
                db.session,
                survey_id,
                form.title.data,
                form.introduction.data,
                form.privacy_notice.data,
                _utc(form.opens_on.data),
                _utc(form.closes_on.data),
                int_or_none(form.retain_months.data),
            )
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            return _done("survey.edit", survey, "Survey details saved.")
    status = 400 if form.errors or form.form_errors else 200
    return render_template("backoffice/survey_edit.html", survey=survey, form=form), status


# Pages ----------------------------------------------------------------------------------------------------


@bp.post("/surveys/<int:survey_id>/pages")
@auth.requires("surveys.manage")
def survey_page_add(survey_id: int):
    survey = _survey_or_404(survey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        page = builder.add_page(db.session, survey_id)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.page.add", survey, f"Page {page.position} added.", page=page.position)


@bp.post("/surveys/<int:survey_id>/pages/<int:page_id>/move")
@auth.requires("surveys.manage")
def survey_page_move(survey_id: int, page_id: int):
    survey = _survey_or_404(survey_id)
    _page_or_404(survey_id, page_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        builder.move_page(db.session, survey_id, page_id, -1 if form.direction.data == "up" else 1)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.page.move", survey, "Page moved.", page_id=page_id, direction=form.direction.data)


@bp.post("/surveys/<int:survey_id>/pages/<int:page_id>/delete")
@auth.requires("surveys.manage")
def survey_page_delete(survey_id: int, page_id: int):
    survey = _survey_or_404(survey_id)
    _page_or_404(survey_id, page_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        builder.delete_page(db.session, survey_id, page_id)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.page.delete", survey, "Page deleted.", page_id=page_id)


# Questions ------------------------------------------------------------------------------------------------


def _question_input(form: QuestionForm) -> builder.QuestionInput:
    return builder.QuestionInput(
        text=form.text.data or "",
        required=form.required.data == "yes",
        help=form.help.data or "",
        options=form.options.data or "",
        other_label=form.other_label.data or "",
        min_value=int_or_none(form.min_value.data),
        max_value=int_or_none(form.max_value.data),
        low_label=form.low_label.data or "",
        high_label=form.high_label.data or "",
        max_length=int_or_none(form.max_length.data),
        show_if=form.show_if.data or [],
    )


def _question_page(survey: Survey, form: QuestionForm, kind: str, page: SurveyPage, question=None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "backoffice/survey_question.html",
        survey=survey,
        form=form,
        kind=kind,
        kind_label=builder.KIND_LABELS[kind],
        building=question_kinds.building(kind),
        page=page,
        question=question,
        locked=builder.is_locked(db.session, survey.id),
    ), status


@bp.route("/surveys/<int:survey_id>/pages/<int:page_id>/questions/new", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_question_new(survey_id: int, page_id: int):
    survey = _survey_or_404(survey_id)
    page = _page_or_404(survey_id, page_id)
    kind = request.args.get("kind", "")
    if kind not in builder.KIND_LABELS:
        abort(404)
    form = QuestionForm()
    form.show_if.choices = builder.condition_choices(db.session, survey_id, page_id)
    if form.validate_on_submit():
        try:
            question = builder.add_question(db.session, survey_id, page_id, kind, _question_input(form))
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            return _done("survey.question.add", survey, "Question added.", key=question.key, kind=kind)
    return _question_page(survey, form, kind, page)


def _question_or_404(survey_id: int, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.survey_id != survey_id:
        abort(404)
    return question


@bp.route("/surveys/<int:survey_id>/questions/<int:question_id>", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_question(survey_id: int, question_id: int):
    survey = _survey_or_404(survey_id)
    question = _question_or_404(survey_id, question_id)
    current = builder.question_input(db.session, question)
    form = QuestionForm(
        data={
            **current.__dict__,
            "required": "yes" if current.required else "no",
            "min_value": "" if current.min_value is None else str(current.min_value),
            "max_value": "" if current.max_value is None else str(current.max_value),
            "max_length": "" if current.max_length is None else str(current.max_length),
        }
    )
    form.show_if.choices = builder.condition_choices(db.session, survey_id, question.page_id)
    if form.validate_on_submit():
        try:
            builder.edit_question(db.session, survey_id, question_id, _question_input(form))
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            return _done("survey.question.edit", survey, "Question saved.", key=question.key)
    return _question_page(survey, form, question.kind, question.page, question)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/move")
@auth.requires("surveys.manage")
def survey_question_move(survey_id: int, question_id: int):
    survey = _survey_or_404(survey_id)
    question = _question_or_404(survey_id, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    key = question.key
    try:
        builder.move_question(db.session, survey_id, question_id, -1 if form.direction.data == "up" else 1)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.question.move", survey, "Question moved.", key=key, direction=form.direction.data)


@bp.post("/surveys/<int:survey_id>/questions/<int:question_id>/delete")
@auth.requires("surveys.manage")
def survey_question_delete(survey_id: int, question_id: int):
    survey = _survey_or_404(survey_id)
    _question_or_404(survey_id, question_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        key = builder.delete_question(db.session, survey_id, question_id)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.question.delete", survey, "Question deleted.", key=key)


# Translations and languages ------------------------------------------------------------------------------


@bp.route("/surveys/<int:survey_id>/translations/<lang>", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_translation(survey_id: int, lang: str):
    survey = _survey_or_404(survey_id)
    if _lang_or_404(lang) == "en":
        abort(404)
    fields = builder.translation_keys(db.session, survey_id)
    language = next((row for row in survey.languages if row.lang == lang), None)
    form = translation_form(
        fields, builder.texts(db.session, survey_id, lang), bool(language and language.translator_reviewed)
    )
    if form.validate_on_submit():
        values = {key: form[f"t{n}"].data or "" for n, (key, _, _) in enumerate(fields)}
        try:
            missing = builder.save_translation(
                db.session, survey_id, lang, values, form.reviewed.data == "yes"
            )
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            message = f"{lang} translation saved." + (
                f" {len(missing)} texts still need translating." if missing else " It is complete."
            )
            return _done("survey.translation.save", survey, message, lang=lang, missing=len(missing))
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "backoffice/survey_translation.html",
        survey=survey,
        form=form,
        language=i18n.REGISTRY[lang],
        boxes=[form[f"t{n}"] for n in range(len(fields))],
    ), status


@bp.post("/surveys/<int:survey_id>/languages/<lang>/offer")
@auth.requires("surveys.manage")
def survey_language_offer(survey_id: int, lang: str):
    survey = _survey_or_404(survey_id)
    _lang_or_404(lang)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        builder.offer(db.session, survey_id, lang)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.language.offer", survey, f"The survey is offered in {lang}.", lang=lang)


@bp.post("/surveys/<int:survey_id>/languages/<lang>/withdraw")
@auth.requires("surveys.manage")
def survey_language_withdraw(survey_id: int, lang: str):
    survey = _survey_or_404(survey_id)
    _lang_or_404(lang)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        builder.withdraw(db.session, survey_id, lang)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.language.withdraw", survey, f"The survey is no longer offered in {lang}.", lang=lang)


# Opening, closing, versions, duplicates ------------------------------------------------------------------


@bp.post("/surveys/<int:survey_id>/open")
@auth.requires("surveys.manage")
def survey_open(survey_id: int):
    survey = _survey_or_404(survey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        closed = builder.open_survey(db.session, survey_id)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    message = "Survey opened." + (" The version that was open has closed." if closed else "")
    return _done("survey.open", survey, message, closed_versions=closed)


@bp.post("/surveys/<int:survey_id>/close")
@auth.requires("surveys.manage")
def survey_close(survey_id: int):
    survey = _survey_or_404(survey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        builder.close_survey(db.session, survey_id)
    except builder.BuilderError as error:
        return _refused(error, survey_id)
    return _done("survey.close", survey, "Survey closed.")


@bp.post("/surveys/<int:survey_id>/new-version")
@auth.requires("surveys.manage")
def survey_new_version(survey_id: int):
    survey = _survey_or_404(survey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    copy = builder.new_version(db.session, survey_id)
    return _done(
        "survey.version.new",
        copy,
        f"Version {copy.version} made as a draft. Change it here.",
        based_on=survey.id,
    )


@bp.post("/surveys/<int:survey_id>/duplicate")
@auth.requires("surveys.manage")
def survey_duplicate(survey_id: int):
    survey = _survey_or_404(survey_id)
    form = DuplicateForm()
    if form.validate_on_submit():
        try:
            copy = builder.duplicate(db.session, survey_id, form.slug.data, form.title.data)
        except builder.BuilderError as error:
            _field_error(form, error)
        else:
            return _done("survey.duplicate", copy, "Copy made as a new draft survey.", based_on=survey.id)
    return _overview(survey, form, 400)


# Preview --------------------------------------------------------------------------------------------------


def _preview_key(survey_id: int) -> str | None:
    held = session.get(PREVIEW)
    return held.get("k") if isinstance(held, dict) and held.get("id") == survey_id else None


def _preview_state(survey_id: int) -> dict:
    """Answers typed while previewing, in a draft row like a respondent's (never in the cookie)."""
    hours = current_app.config["SURVEY_DRAFT_HOURS"]
    found = drafts.load(db.session, _preview_key(survey_id), f"preview:{survey_id}", hours)
    return found or {"id": survey_id, "a": {}, "e": {}}


def _preview_save(state: dict) -> None:
    key = _preview_key(state["id"]) or drafts.new_key()
    drafts.save(db.session, key, f"preview:{state['id']}", state, current_app.config["SURVEY_DRAFT_HOURS"])
    session[PREVIEW] = {"id": state["id"], "k": key}


def _preview_forget(survey_id: int) -> None:
    drafts.discard(db.session, _preview_key(survey_id))
    db.session.commit()
    session.pop(PREVIEW, None)


def _preview_url(survey_id: int, lang: str, step: object, **extra) -> str:
    return url_for("backoffice.survey_preview", survey_id=survey_id, lang=lang, step=step, **extra)


class _PreviewAnswers:
    """Answers typed while previewing, in a draft row of their own, never sent."""

    def __init__(self, survey_id: int):
        self.survey_id = survey_id

    def load(self) -> dict:
        return _preview_state(self.survey_id)

    def save(self, state: dict) -> None:
        _preview_save(state)


class _PreviewUrls:
    def __init__(self, survey_id: int, lang: str):
        self.survey_id, self.lang = survey_id, lang

    def start(self) -> str:
        return _preview_url(self.survey_id, self.lang, "start")

    def question(self, number: int, change: bool = False) -> str:
        return _preview_url(self.survey_id, self.lang, number, **({"change": "1"} if change else {}))

    def about_you(self) -> str:
        return _preview_url(self.survey_id, self.lang, "about-you")

    def check(self) -> str:
        return _preview_url(self.survey_id, self.lang, "check")


@bp.route("/surveys/<int:survey_id>/preview/<lang>", methods=["GET", "POST"])
@auth.requires("surveys.manage")
def survey_preview(survey_id: int, lang: str):
    """Each public page in one language through the public templates, answers kept only in this
    session under their own key and never sent."""
    _survey_or_404(survey_id)
    language = i18n.get(lang) or abort(404)
    view = reading.preview_survey(db.session, survey_id, lang)
    if not view.pages or not any(view.pages):
        flash("Add a question before previewing.")
        return redirect(url_for("backoffice.survey", survey_id=survey_id))
    g.language = language
    refresh()
    step = request.args.get("step", "start")
    overview = url_for("backoffice.survey", survey_id=survey_id)
    if step == "start":
        _preview_forget(survey_id)
    steps = journey.Journey(view, _PreviewAnswers(survey_id), _PreviewUrls(survey_id, lang))
    posted = request.method == "POST"
    if step == "start":
        shown = steps.start()
    elif step == "about-you":
        shown = steps.about_you(request.form.to_dict() if posted else None)
    elif step == "check" and posted:
        _preview_forget(survey_id)
        g.language = i18n.REGISTRY["en"]
        flash("That was a preview: nothing was sent or saved.")
        return redirect(overview, code=303)
    elif step == "check":
        shown = steps.check("preview")
    else:
        try:
            shown = steps.question(
                journey.page_number(step),
                request.form.to_dict(flat=False) if posted else None,
                changing=request.args.get("change") == "1",
            )
        except journey.NoSuchPage:
            abort(404)
    if isinstance(shown, journey.Go):
        return redirect(shown.url, code=shown.code)
    return render_template(shown.template, survey=view, preview=True, preview_exit=overview, **shown.context)
