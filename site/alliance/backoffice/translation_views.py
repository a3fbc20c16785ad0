"""Back-office translation review: a queue per language and a review screen for each kind of text.

A translation_reviewer sees only the languages granted to them; any other language is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.translation_forms import ReviewForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.translation import access, directory, pages, queue, review, surveys

PERMISSION = access.PERMISSION
# The review screen of each kind of queue item: (endpoint, the argument its key fills).
SCREENS = {
    "page": ("backoffice.translation_review_page", "slug"),
    "survey": ("backoffice.translation_review_survey", "survey_id"),
    "directory": ("backoffice.translation_review_directory", "service_id"),
    "strings": ("backoffice.translation_strings", None),
}
KIND_NAMES = {
    "page": "Page",
    "survey": "Survey texts",
    "directory": "Directory service",
    "strings": "Interface strings",
}


def _language_or_404(lang: str) -> i18n.Language:
    language = i18n.get(lang)
    if language is None or not access.may_review(auth.current_staff(), lang):
        abort(404)
    return language


def _review_url(item: queue.QueueItem, lang: str) -> str | None:
    screen = SCREENS.get(item.kind)
    if screen is None:
        return None
    endpoint, argument = screen
    if argument is None:
        return url_for(endpoint, lang=lang)
    return url_for(endpoint, lang=lang, **{argument: item.key})


@bp.get("/translations")
@auth.requires(PERMISSION)
def translation_review_index():
    langs = access.review_languages(auth.current_staff(), current_app.config["LANGUAGES"])
    counts = queue.counts(db.session, langs)
    return render_template(
        "backoffice/translation_review_index.html",
        rows=[(i18n.REGISTRY[lang], counts[lang]) for lang in langs],
    )


@bp.get("/translations/<lang>")
@auth.requires(PERMISSION)
def translation_queue(lang: str):
    language = _language_or_404(lang)
    items = [(item, _review_url(item, lang)) for item in queue.items(db.session, lang)]
    return render_template(
        "backoffice/translation_queue.html", edit_language=language, items=items, kind_names=KIND_NAMES
    )


def _decide(
    form: ReviewForm,
    approve: Callable[[review.Seen], object],
    send_back: Callable[[str, review.Seen], object],
    target: str,
    lang: str,
):
    """Apply the reviewer's decision; returns a redirect, or None with the error on the form."""
    seen = review.Seen(form.english.data or "", form.translation.data or "")
    try:
        if form.decision.data == "approve":
            approve(seen)
        else:
            send_back(form.note.data or "", seen)
    except review.ReviewError as error:
        db.session.rollback()
        field = form.note if isinstance(error, review.NoteError) else form.decision
        field.errors = [*field.errors, str(error)]
        return None
    action = (
        "translation.review.approve" if form.decision.data == "approve" else "translation.review.send-back"
    )
    accounts.audit(db.session, action, auth.current_staff(), target=target, lang=lang)
    db.session.commit()
    flash("Approved." if form.decision.data == "approve" else "Sent back to the translator.")
    return redirect(url_for("backoffice.translation_queue", lang=lang))


def _form(english: str, translation: str) -> ReviewForm:
    form = ReviewForm()
    if request.method == "GET":
        form.english.data, form.translation.data = english, translation
    return form


@bp.route("/translations/<lang>/pages/<slug>", methods=["GET", "POST"])
@auth.requires(PERMISSION)
def translation_review_page(lang: str, slug: str):
    language = _language_or_404(lang)
    found = pages.screen(db.session, slug, lang)
    if found is None:
        abort(404)
    form = _form(found.english.body_hash, str(found.translation.id))
    staff = auth.current_staff()
    if form.validate_on_submit():
        done = _decide(
            form,
            lambda seen: pages.approve(db.session, slug, lang, staff, seen),
            lambda note, seen: pages.send_back(db.session, slug, lang, staff, note, seen),
            f"{slug}/{lang}",
            lang,
        )
        if done is not None:
            return done
    return render_template(
        "backoffice/translation_review_page.html", edit_language=language, found=found, form=form
    ), 400 if form.errors else 200


@bp.route("/translations/<lang>/surveys/<int:survey_id>", methods=["GET", "POST"])
@auth.requires(PERMISSION)
def translation_review_survey(lang: str, survey_id: int):
    language = _language_or_404(lang)
    found = surveys.screen(db.session, survey_id, lang)
    if found is None:
        abort(404)
    form = _form(found.english_hash, surveys.translation_hash(found))
    staff = auth.current_staff()
    if form.validate_on_submit():
        done = _decide(
            form,
            lambda seen: surveys.approve(db.session, survey_id, lang, staff, seen),
            lambda note, seen: surveys.send_back(db.session, survey_id, lang, staff, note, seen),
            f"survey {survey_id}/{lang}",
            lang,
        )
        if done is not None:
            return done
    return render_template(
        "backoffice/translation_review_survey.html", edit_language=language, found=found, form=form
    ), 400 if form.errors else 200


@bp.route("/translations/<lang>/directory/<service_id>", methods=["GET", "POST"])
@auth.requires(PERMISSION)
def translation_review_directory(lang: str, service_id: str):
    language = _language_or_404(lang)
    found = directory.screen(db.session, service_id, lang)
    if found is None:
        abort(404)
    form = _form(found.english_hash, directory.translation_hash(found))
    staff = auth.current_staff()
    if form.validate_on_submit():
        done = _decide(
            form,
            lambda seen: directory.approve(db.session, service_id, lang, staff, seen),
            lambda note, seen: directory.send_back(db.session, service_id, lang, staff, note, seen),
            f"service {service_id}/{lang}",
            lang,
        )
        if done is not None:
            return done
    return render_template(
        "backoffice/translation_review_directory.html", edit_language=language, found=found, form=form
    ), 400 if form.errors else 200
