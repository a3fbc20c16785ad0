"""Back-office moderation of free-text survey answers: approve, reject, redact, themes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.moderation_forms import DecisionForm, ThemeForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.pagination import page_number
from alliance.surveys import decisions, moderation_terms, personal_data, review_queue, safeguarding, theming


def _survey_title_or_404(survey_id: int) -> str:
    title = review_queue.survey_title(db.session, survey_id)
    if title is None:
        abort(404)
    return title


def _direction(lang: str) -> str:
    language = i18n.REGISTRY.get(lang)
    return "rtl" if language and language.rtl else "ltr"


@bp.get("/moderation", endpoint="moderation")
@auth.requires("moderation")
def moderation_overview():
    return render_template(
        "backoffice/moderation.html",
        surveys=review_queue.overview(db.session),
        instructions=safeguarding.instructions(),
    )


@bp.get("/moderation/<int:survey_id>")
@auth.requires("moderation")
def survey_moderation(survey_id: int):
    title = _survey_title_or_404(survey_id)
    status = request.args.get("status", "pending")
    if status not in moderation_terms.STATUSES:
        status = "pending"
    found = review_queue.queue_page(db.session, survey_id, status, page_number(request.args.get("page")))
    return render_template(
        "backoffice/moderation_queue.html",
        survey_id=survey_id,
        title=title,
        status=status,
        found=found,
        urgent=[item for item in found.items if item.urgent],
        others=[item for item in found.items if not item.urgent],
        instructions=safeguarding.instructions(),
        concern_label=safeguarding.concern_label,
        labels=moderation_terms.PII_LABELS,
    )


def _current_decision(item: review_queue.QueueItem) -> str | None:
    if item.status == "rejected":
        return "reject"
    if item.status == "approved":
        return "redact" if moderation_terms.REDACTED in (item.published or "") else "approve"
    return None


@bp.route("/moderation/<int:survey_id>/answers/<int:answer_id>", methods=["GET", "POST"])
@auth.requires("moderation")
def moderate_answer(survey_id: int, answer_id: int):
    title = _survey_title_or_404(survey_id)
    item = review_queue.get_item(db.session, survey_id, answer_id)
    if item is None:
        abort(404)
    spans = personal_data.find_personal_data(item.text, item.lang)
    themes = theming.themes(db.session, survey_id)
    data = None
    if request.method == "GET":
        data = {
            "decision": _current_decision(item),
            "text": item.published or item.text,
            "themes": [str(theme_id) for theme_id in item.theme_ids],
        }
    form = DecisionForm(data=data)
    form.redact.choices = [(str(n), f"{span.label}: {span.text}") for n, span in enumerate(spans)]
    form.themes.choices = [(str(theme.id), f"{theme.label} ({theme.code})") for theme in themes]
    if form.validate_on_submit():
        staff = auth.current_staff()
        try:
            decided = decisions.decide(
                db.session,
                survey_id,
                answer_id,
                form.decision.data,
                staff.id,
                [int(n) for n in form.redact.data or []],
                form.text.data,
            )
        except moderation_terms.ModerationError as error:
            db.session.rollback()
            getattr(form, error.field or "decision").errors.append(str(error))
        else:
            added, removed = theming.set_answer_themes(
                db.session, survey_id, answer_id, [int(n) for n in form.themes.data or []]
            )
            # The audit records the decision, never the answer's text.
            accounts.audit(
                db.session,
                f"survey.answer.{decided.decision}",
                staff,
                target=f"answer {answer_id}",
                survey_id=survey_id,
                answer_id=answer_id,
                decision=decided.decision,
                status=decided.status,
                redactions=decided.redactions,
                themes_added=added,
                themes_removed=removed,
            )
            db.session.commit()
            flash(f"Answer {answer_id}: {decided.status}.")
            return redirect(url_for("backoffice.survey_moderation", survey_id=survey_id))
    status = 400 if form.errors else 200
    return render_template(
        "backoffice/moderation_answer.html",
        form=form,
        title=title,
        item=item,
        pieces=personal_data.segments(item.text, spans),
        direction=_direction(item.lang),
        language=i18n.REGISTRY.get(item.lang),
        instructions=safeguarding.instructions(),
        concern_label=safeguarding.concern_label,
    ), status


@bp.route("/moderation/<int:survey_id>/themes", methods=["GET", "POST"])
@auth.requires("moderation")
def survey_themes(survey_id: int):
    title = _survey_title_or_404(survey_id)
    add_form = ThemeForm()
    edit_form = ThemeForm(prefix="edit")
    editing = request.values.get("edit", type=int)
    action = request.form.get("action", "")
    form_status = 200
    if request.method == "POST":
        form = edit_form if action == "rename" else add_form if action == "add" else EmptyForm()
        if form.validate_on_submit():
            staff = auth.current_staff()
            theme_id = request.form.get("theme_id", type=int) or 0
            try:
                if action == "add":
                    theme = theming.add_theme(db.session, survey_id, form.code.data, form.label.data)
                elif action == "rename":
                    theme = theming.rename_theme(
                        db.session, survey_id, theme_id, form.code.data, form.label.data
                    )
                elif action == "remove":
                    theme = theming.remove_theme(db.session, survey_id, theme_id)
                else:
                    abort(400)
            except moderation_terms.ModerationError as error:
                db.session.rollback()
                target = form.code if hasattr(form, "code") else None
                if target is not None:
                    target.errors.append(str(error))
                else:
                    flash(str(error))
            else:
                accounts.audit(
                    db.session,
                    f"survey.theme.{action}",
                    staff,
                    target=theme.code,
                    survey_id=survey_id,
                    theme_id=theme.id,
                    label=theme.label,
                )
                db.session.commit()
                flash(f"Theme {theme.code}: {'removed' if action == 'remove' else 'saved'}.")
                return redirect(url_for("backoffice.survey_themes", survey_id=survey_id))
        form_status = 400
    themes = theming.themes(db.session, survey_id)
    editing_theme = next((theme for theme in themes if theme.id == editing), None)
    if editing_theme is not None and request.method == "GET":
        edit_form = ThemeForm(prefix="edit", data={"code": editing_theme.code, "label": editing_theme.label})
    return render_template(
        "backoffice/moderation_themes.html",
        title=title,
        survey_id=survey_id,
        counts=theming.theme_counts(db.session, survey_id),
        add_form=add_form,
        edit_form=edit_form,
        editing=editing_theme,
        form=edit_form if action == "rename" else add_form,
    ), form_status
