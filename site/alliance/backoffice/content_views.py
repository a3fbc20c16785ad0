"""Back-office content: edit pages in every language, review, approve, publish, restore, compare."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from tempfile import TemporaryDirectory

import textstat
from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from alliance import i18n
from alliance.accounts import services as accounts
from alliance.backoffice import auth
from alliance.backoffice.content_forms import ApproveForm, PageEditForm, ScheduleForm, SendBackForm
from alliance.backoffice.forms import EmptyForm
from alliance.backoffice.views import bp
from alliance.extensions import db
from alliance.pages import markdown, services, usefulness, workflow
from alliance.pages.models import Page, PageRevision
from alliance.pages.presenters import page_view
from alliance.uploads import accepts_upload


def _language_or_404(lang: str):
    language = i18n.get(lang)
    if language is None:
        from flask import abort

        abort(404)
    return language


def _page_or_404(slug: str) -> Page:
    page = db.session.scalar(select(Page).where(Page.slug == slug))
    if page is None:
        from flask import abort

        abort(404)
    return page


@bp.get("/content")
@auth.requires("content.edit")
def content_list():
    pages = db.session.scalars(select(Page).order_by(Page.section, Page.order, Page.slug)).all()
    overdue = {row["slug"] for row in services.overdue_pages(db.session, date.today())}
    awaiting_sign_off = [page for page in pages if page.clinical and page.clinical_signoff_due]
    titles = dict(
        db.session.execute(
            services.published_select(Page.slug, PageRevision.title).where(PageRevision.lang == "en")
        ).all()
    )
    return render_template(
        "backoffice/content_list.html",
        pages=pages,
        titles=titles,
        overdue=overdue,
        awaiting_sign_off=awaiting_sign_off,
    )


@bp.get("/content/<slug>/<lang>")
@auth.requires("content.edit")
def content_page(slug: str, lang: str):
    page, language = _page_or_404(slug), _language_or_404(lang)
    revisions = workflow.revisions(db.session, slug, lang)
    staff = db.session.scalars(select(accounts.StaffUser).order_by(accounts.StaffUser.email)).all()
    authors = {user.id: user.email for user in staff}
    approve_form = ApproveForm()
    approve_form.clinical_signoff_by.choices = [("", "Not recorded")] + [
        (str(user.id), user.email) for user in staff if user.is_active
    ]
    return render_template(
        "backoffice/content_page.html",
        page=page,
        edit_language=language,
        revisions=revisions,
        authors=authors,
        approve_form=approve_form,
        form=EmptyForm(),
        schedule=ScheduleForm(),
        send_back=SendBackForm(),
    )


def _draft_from(form: PageEditForm) -> workflow.Draft:
    return workflow.Draft(
        title=form.title.data or "",
        summary=form.summary.data or "",
        body=form.body.data or "",
        last_reviewed=form.last_reviewed.data,
        next_review_due=form.next_review_due.data,
        sources=workflow.parse_sources(form.sources.data or ""),
    )


# textstat's Flesch-Kincaid grade is a formula for English text; in other languages it means nothing.
READABILITY_LANGUAGES = frozenset({"en"})


def readability(body: str, lang: str = "en") -> float | None:
    """The Flesch-Kincaid grade of the body, or None for a language the score does not measure."""
    if lang not in READABILITY_LANGUAGES:
        return None
    return round(textstat.flesch_kincaid_grade(markdown.readable_text(body)), 1) if body.strip() else 0.0


@bp.route("/content/<slug>/<lang>/edit", methods=["GET", "POST"])
@auth.requires("content.edit")
def content_edit(slug: str, lang: str):
    page, language = _page_or_404(slug), _language_or_404(lang)
    latest = services.latest_revision(db.session, page.id, lang)
    if request.method == "GET":
        source = latest
        if source is None and lang != "en":
            source = services.latest_revision(db.session, page.id, "en")
        form = PageEditForm(
            data={
                "base_revision_id": str(latest.id) if latest else "",
                "title": source.title if source else "",
                "summary": source.summary if source else "",
                "body": source.body if source else "",
                "last_reviewed": source.last_reviewed if source else None,
                "next_review_due": source.next_review_due if source else None,
                "sources": workflow.sources_text(source.sources) if source else "",
            }
        )
    else:
        form = PageEditForm()
    preview = None
    conflict_id = None
    if form.validate_on_submit():
        try:
            draft = _draft_from(form)
            if request.form.get("action") == "preview":
                preview = _preview(page, lang, draft)
            else:
                base = (
                    int(form.base_revision_id.data) if (form.base_revision_id.data or "").isdigit() else None
                )
                revision_id = workflow.save_draft(
                    db.session, slug, lang, draft, auth.current_staff().id, base
                )
                accounts.audit(
                    db.session,
                    "content.save",
                    auth.current_staff(),
                    target=f"{slug}/{lang}",
                    revision=revision_id,
                )
                db.session.commit()
                flash("Draft saved.")
                return redirect(url_for("backoffice.content_page", slug=slug, lang=lang))
        except workflow.EditConflict as error:
            db.session.rollback()
            conflict_id = error.latest_id
            form.form_errors.append(str(error))
            form.base_revision_id.data = str(error.latest_id)
        except workflow.WorkflowError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
    return render_template(
        "backoffice/content_edit.html",
        page=page,
        edit_language=language,
        form=form,
        preview=preview,
        grade=readability(form.body.data or "", lang),
        conflict_id=conflict_id,
        base_id=latest.id if latest else None,
    )


def _preview(page: Page, lang: str, draft: workflow.Draft) -> str:
    """The draft rendered by the public page template, exactly as readers would see it."""
    view_page = services.PageView(
        slug=page.slug,
        lang=lang,
        title=draft.title,
        summary=draft.summary,
        section=page.section,
        order=page.order,
        clinical=page.clinical,
        body=draft.body,
        last_reviewed=draft.last_reviewed,
        next_review_due=draft.next_review_due,
        sources=draft.sources,
        easy_read=page.easy_read_slug,
        standard=page.standard_slug,
        requested_lang=lang,
    )
    from flask import g

    reader = g.language
    g.language = i18n.REGISTRY[lang]
    try:
        html = render_template("pages/page.html", page=view_page, view=page_view(view_page))
    finally:
        g.language = reader
    return (
        html[html.index("<main") : html.index("</main>") + len("</main>")].replace("<main", "<div", 1)[:-7]
        + "</div>"
    )


def _act(slug: str, lang: str, revision_id: int, action: str, permission: str):
    form = EmptyForm()
    if not form.validate_on_submit() or not auth.can(permission):
        abort(403 if form.validate_on_submit() else 400)
    if workflow.revision_of(db.session, slug, lang, revision_id) is None:
        # A revision is acted on only through its own page and language: the audit names them.
        abort(404)
    user = auth.current_staff()
    try:
        if action == "submit":
            workflow.submit_for_review(db.session, revision_id)
            message = "Sent for review."
        elif action == "approve":
            signer = _clinical_signer()
            workflow.approve(db.session, revision_id, user.id, clinical_signoff_by_id=signer)
            message = "Approved. It can now be published."
        elif action == "publish":
            when = _scheduled_time()
            outcome = workflow.publish(db.session, revision_id, when)
            message = (
                "Published." if outcome == "published" else f"Scheduled for {when:%d %B %Y at %H:%M} UTC."
            )
            action = outcome
        elif action == "send-back":
            workflow.send_back(db.session, revision_id, SendBackForm().note.data or "")
            message = "Sent back to its author with your note."
        elif action == "restore":
            new_id = workflow.restore(db.session, revision_id, user.id)
            message = f"Revision restored as a new draft (revision id {new_id})."
        else:
            raise workflow.WorkflowError("Unknown action")
    except workflow.WorkflowError as error:
        db.session.rollback()
        flash(str(error))
    else:
        accounts.audit(db.session, f"content.{action}", user, target=f"{slug}/{lang}", revision=revision_id)
        db.session.commit()
        flash(message)
    return redirect(url_for("backoffice.content_page", slug=slug, lang=lang))


def _clinical_signer() -> int | None:
    """The staff id chosen as the clinical sign-off on an approval, or None when none was chosen."""
    raw = (ApproveForm().clinical_signoff_by.data or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 9:
        raise workflow.WorkflowError("Choose the staff member who signed this off clinically")
    return int(raw)


def _scheduled_time() -> datetime | None:
    form = ScheduleForm()
    if form.publish_on.process_errors:
        # A date that is not one (a two-digit year, 31 February) never means "publish now".
        raise workflow.WorkflowError(f"Publish on: {form.publish_on.process_errors[0]}")
    day = form.publish_on.data
    if day is None:
        return None
    raw = (form.publish_time.data or "00:00").strip()
    if not re.fullmatch(r"\d{1,2}:\d{2}", raw):
        raise workflow.WorkflowError("Enter the time like 09:30")
    hours, minutes = (int(part) for part in raw.split(":"))
    if hours > 23 or minutes > 59:
        raise workflow.WorkflowError("Enter a real time, like 09:30")
    return datetime.combine(day, time(hours, minutes), tzinfo=UTC)


@bp.post("/content/<slug>/<lang>/revisions/<int:revision_id>/submit")
@auth.requires("content.edit")
def content_submit(slug: str, lang: str, revision_id: int):
    return _act(slug, lang, revision_id, "submit", "content.edit")


@bp.post("/content/<slug>/<lang>/revisions/<int:revision_id>/approve")
@auth.requires("content.publish")
def content_approve(slug: str, lang: str, revision_id: int):
    return _act(slug, lang, revision_id, "approve", "content.publish")


@bp.post("/content/<slug>/<lang>/revisions/<int:revision_id>/publish")
@auth.requires("content.publish")
def content_publish(slug: str, lang: str, revision_id: int):
    return _act(slug, lang, revision_id, "publish", "content.publish")


@bp.post("/content/<slug>/<lang>/revisions/<int:revision_id>/send-back")
@auth.requires("content.publish")
def content_send_back(slug: str, lang: str, revision_id: int):
    return _act(slug, lang, revision_id, "send-back", "content.publish")


@bp.post("/content/<slug>/<lang>/revisions/<int:revision_id>/restore")
@auth.requires("content.edit")
def content_restore(slug: str, lang: str, revision_id: int):
    return _act(slug, lang, revision_id, "restore", "content.edit")


@bp.post("/content/<slug>/<lang>/unpublish")
@auth.requires("content.publish")
def content_unpublish(slug: str, lang: str):
    _page_or_404(slug)
    if EmptyForm().validate_on_submit():
        workflow.unpublish(db.session, slug, lang)
        accounts.audit(db.session, "content.unpublish", auth.current_staff(), target=f"{slug}/{lang}")
        db.session.commit()
        flash("Unpublished: readers no longer see this language of the page.")
    return redirect(url_for("backoffice.content_page", slug=slug, lang=lang))


@bp.get("/content/<slug>/<lang>/compare")
@auth.requires("content.edit")
def content_compare(slug: str, lang: str):
    page, language = _page_or_404(slug), _language_or_404(lang)
    ids = [r.id for r in workflow.revisions(db.session, slug, lang)]
    try:
        a, b = int(request.args.get("from", "")), int(request.args.get("to", ""))
    except ValueError:
        a, b = (ids[1], ids[0]) if len(ids) > 1 else (ids[0], ids[0]) if ids else (0, 0)
    if a not in ids or b not in ids:
        flash("Choose two revisions of this page to compare.")
        return redirect(url_for("backoffice.content_page", slug=slug, lang=lang))
    rows = workflow.diff_lines(db.session, a, b)
    return render_template(
        "backoffice/content_compare.html", page=page, edit_language=language, rows=rows, a=a, b=b, ids=ids
    )


@bp.get("/content/translations")
@auth.requires("content.edit")
def content_translations():
    rows, counts = workflow.translation_dashboard(db.session, current_app.config["LANGUAGES"])
    state, lang = request.args.get("state", ""), request.args.get("lang", "")
    shown = [r for r in rows if (not state or r["state"] == state) and (not lang or r["lang"] == lang)]
    return render_template(
        "backoffice/content_translations.html",
        rows=shown,
        counts=counts,
        state=state,
        lang=lang,
        languages=[language for language in i18n.languages() if language.code != "en"],
        states=["missing", "draft", "awaiting review", "reviewed", "out of date"],
    )


@bp.get("/content/overdue")
@auth.requires("content.edit")
def content_overdue():
    return render_template(
        "backoffice/content_overdue.html", rows=services.overdue_pages(db.session, date.today())
    )


USEFULNESS_PERIODS = {"7": 7, "30": 30, "365": 365}


@bp.get("/content/usefulness")
@auth.requires("content.edit")
def content_usefulness():
    """The public's "Is this page useful?" answers per page and language over a chosen period."""
    period = request.args.get("days", "30")
    days = USEFULNESS_PERIODS.get(period, 30)
    today = datetime.now(UTC).date()
    since = date.fromordinal(today.toordinal() - days + 1)
    return render_template(
        "backoffice/content_usefulness.html",
        rows=usefulness.totals(db.session, since, today),
        days=days,
        periods=USEFULNESS_PERIODS,
        since=since,
    )


@bp.get("/content/export.zip")
@auth.requires("content.publish")
def content_export():
    with TemporaryDirectory() as folder:
        count = services.export_pages(db.session, Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(folder).rglob("*.md")):
                archive.write(path, path.relative_to(folder).as_posix())
    accounts.audit(db.session, "content.export", auth.current_staff(), files=count)
    db.session.commit()
    return Response(
        buffer.getvalue(),
        mimetype="application/zip",
        headers={"Content-Disposition": "attachment; filename=content.zip"},
    )


@bp.route("/content/import", methods=["GET", "POST"])
@accepts_upload("CONTENT_IMPORT_MAX_BYTES")
@auth.requires("content.publish")
def content_import():
    form = EmptyForm()
    errors: list[str] = []
    if form.validate_on_submit():
        upload = request.files.get("archive")
        user = auth.current_staff()
        try:
            if upload is None or not upload.filename:
                raise ValueError("Choose a .zip file exported from a back-office")
            with TemporaryDirectory() as folder:
                services.unpack_upload(upload.stream, Path(folder))
                report = services.import_pages(db.session, Path(folder), user.id)
        except ValueError as error:
            db.session.rollback()
            errors = str(error).splitlines()
        else:
            accounts.audit(
                db.session, "content.import", user, revisions=len(report.in_review), pages=report.in_review
            )
            db.session.commit()
            flash(f"Imported: {report.summary}.")
            return redirect(url_for("backoffice.content_list"))
    return render_template("backoffice/content_import.html", form=form, errors=errors), 400 if errors else 200


CLINICAL_ACTIONS = {
    "make-clinical": ("content.clinical.on", "The page is now clinical."),
    "request-not-clinical": (
        "content.clinical.off_requested",
        "Asked for the page to stop being clinical: another publisher must agree.",
    ),
    "approve-not-clinical": ("content.clinical.off", "The page is no longer clinical."),
    "withdraw-not-clinical": ("content.clinical.off_withdrawn", "The request was withdrawn."),
}


@bp.post("/content/<slug>/clinical")
@auth.requires("content.publish")
def content_clinical(slug: str):
    _page_or_404(slug)
    action = request.form.get("action", "")
    if not EmptyForm().validate_on_submit() or action not in CLINICAL_ACTIONS:
        from flask import abort

        abort(400)
    user = auth.current_staff()
    try:
        if action == "make-clinical":
            workflow.make_clinical(db.session, slug)
        elif action == "request-not-clinical":
            workflow.request_not_clinical(db.session, slug, user.id)
        elif action == "approve-not-clinical":
            workflow.approve_not_clinical(db.session, slug, user.id)
        else:
            workflow.withdraw_not_clinical(db.session, slug)
    except workflow.WorkflowError as error:
        db.session.rollback()
        flash(str(error))
    else:
        event, message = CLINICAL_ACTIONS[action]
        accounts.audit(db.session, event, user, target=slug)
        db.session.commit()
        flash(message)
    return redirect(url_for("backoffice.content_page", slug=slug, lang="en"))
