"""Back-office translation review: interface strings per language, and files for translation agencies."""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.pagination import page_number
from alliance.translation import exchange, strings
from alliance.uploads import accepts_upload

PER_PAGE = 50


def _reviewer_language(lang: str) -> i18n.Language:
    """The language, when the signed-in person may review it; else 404, as for the review queue."""
    language = i18n.get(lang)
    if language is None or not strings.may_review(auth.current_staff(), lang):
        abort(404)
    return language


@bp.get("/translations/<lang>/strings")
@auth.requires("translations.review")
def translation_strings(lang: str):
    language = _reviewer_language(lang)
    show = "all" if request.args.get("show") == "all" else "pending"
    found = strings.interface_strings(db.session, lang)
    listed = found if show == "all" else [s for s in found if s.pending]
    pages = max(1, -(-len(listed) // PER_PAGE))
    page = min(page_number(request.args.get("page")), pages)
    return render_template(
        "backoffice/translation_strings.html",
        edit_language=language,
        strings=listed[(page - 1) * PER_PAGE : page * PER_PAGE],
        total=len(found),
        pending=sum(1 for s in found if s.pending),
        listed=len(listed),
        show=show,
        page=page,
        pages=pages,
        form=EmptyForm(),
    )


@bp.post("/translations/<lang>/strings/approve")
@auth.requires("translations.review")
def translation_strings_approve(lang: str):
    _reviewer_language(lang)
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = auth.current_staff()
    keys = request.form.getlist("key")
    try:
        count = strings.approve(db.session, lang, keys, user.id, user.email)
    except strings.StringReviewError as error:
        db.session.rollback()
        flash(str(error))
    else:
        accounts.audit(db.session, "translations.strings.approve", user, target=lang, strings=count)
        db.session.commit()
        flash(f"{count} interface strings approved.")
    return redirect(
        url_for(
            "backoffice.translation_strings",
            lang=lang,
            show=request.form.get("show") or None,
            page=request.form.get("page") or None,
        )
    )


def _string_or_404(lang: str, key: str) -> strings.InterfaceString:
    found = next((s for s in strings.interface_strings(db.session, lang) if s.key == key), None)
    if found is None:
        abort(404)
    return found


@bp.route("/translations/<lang>/strings/<key>", methods=["GET", "POST"])
@auth.requires("translations.review")
def translation_string(lang: str, key: str):
    language = _reviewer_language(lang)
    string = _string_or_404(lang, key)
    form = EmptyForm()
    error = None
    comment = request.form.get("comment", "") if request.method == "POST" else string.comment
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        user = auth.current_staff()
        try:
            strings.flag(db.session, lang, key, comment, user.id, user.email)
        except strings.StringReviewError as problem:
            db.session.rollback()
            error = str(problem)
        else:
            accounts.audit(db.session, "translations.strings.flag", user, target=lang, string=key)
            db.session.commit()
            flash("The string is flagged with your comment; it stays pending.")
            return redirect(url_for("backoffice.translation_strings", lang=lang))
    return render_template(
        "backoffice/translation_string.html",
        edit_language=language,
        string=string,
        form=form,
        comment=comment,
        error=error,
    ), 400 if error else 200


@bp.get("/translations/<lang>/exchange")
@auth.requires("translations.review")
def translation_exchange(lang: str):
    language = _reviewer_language(lang)
    units = exchange.export_units(db.session, lang)
    return _exchange_page(language, units, [], 200)


def _exchange_page(language: i18n.Language, units: list[exchange.Unit], errors: list[str], status: int):
    counts = {
        "pages": len({u.id.split(".")[1] for u in units if u.id.startswith("page.")}),
        "survey texts": sum(1 for u in units if u.id.startswith("survey.")),
        "interface strings": sum(1 for u in units if u.id.startswith("string.")),
    }
    return render_template(
        "backoffice/translation_exchange.html",
        edit_language=language,
        counts=counts,
        errors=errors,
        form=EmptyForm(),
        formats=exchange.FORMATS,
    ), status


@bp.get("/translations/<lang>/exchange/export.<fmt>")
@auth.requires("translations.review")
def translation_export(lang: str, fmt: str):
    _reviewer_language(lang)
    if fmt not in exchange.FORMATS:
        abort(404)
    try:
        data, count = exchange.export_file(db.session, lang, fmt)
    except exchange.ExchangeError as error:
        flash(str(error))
        return redirect(url_for("backoffice.translation_exchange", lang=lang))
    accounts.audit(
        db.session, "translations.export", auth.current_staff(), target=lang, format=fmt, units=count
    )
    db.session.commit()
    extension = "xlf" if fmt == "xliff" else "po"
    return Response(
        data,
        mimetype="application/x-xliff+xml" if fmt == "xliff" else "text/x-gettext-translation",
        headers={"Content-Disposition": f"attachment; filename=alliance-{lang}.{extension}"},
    )


@bp.post("/translations/<lang>/exchange/import")
@accepts_upload("EXCHANGE_MAX_BYTES")
@auth.requires("translations.review")
def translation_import(lang: str):
    language = _reviewer_language(lang)
    if not EmptyForm().validate_on_submit():
        abort(400)
    upload = request.files.get("returned")
    user = auth.current_staff()
    try:
        if upload is None or not upload.filename:
            raise exchange.ExchangeError(["Choose the XLIFF or PO file the agency returned"])
        data = upload.stream.read(current_app.config["EXCHANGE_MAX_BYTES"] + 1)
        if len(data) > current_app.config["EXCHANGE_MAX_BYTES"]:
            raise exchange.ExchangeError(["The file is too large"])
        report = exchange.import_file(db.session, data, user.id, user.email, lang)
    except exchange.ExchangeError as error:
        db.session.rollback()
        return _exchange_page(language, exchange.export_units(db.session, lang), error.problems, 400)
    accounts.audit(
        db.session,
        "translations.import",
        user,
        target=lang,
        file=upload.filename,
        pages=report.pages,
        surveys=report.surveys,
        strings=report.strings,
    )
    db.session.commit()
    flash(f"Imported: {report.summary}. Nothing published has changed.")
    return redirect(url_for("backoffice.translation_exchange", lang=lang))
