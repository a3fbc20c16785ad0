"""Public survey answering: one page of questions at a time, answers held in a draft row
(alliance.surveys.drafts) under a random key kept in the session until they are sent, then stored in
one transaction.

CSRF fails closed here as everywhere (ADR 0004's rule for access, applied to tokens): every POST route
of this blueprint gets the site-wide check unless it is marked `@reshows_on_expired_token`. Those few
(the answering pages) have the token checked before the view runs, and re-show the page with what was
typed still in it instead of an error page; a view that is not marked never runs on a bad token.
"""

from functools import wraps
from pathlib import Path

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from alliance.extensions import csrf, db, limiter
from alliance.i18n import current
from alliance.surveys import drafts, equality, feedback, forms, presenters, retention, services

bp = Blueprint("surveys", __name__)

STATE = "survey"  # the survey being answered: its slug and the key of its draft
DONE = "survey_sent"  # the last survey sent: slug and reference, for the confirmation page


def _submit_limit() -> str:
    return current_app.config.get("SURVEY_SUBMIT_RATE_LIMIT", "20 per minute")


def _page_limit() -> str:
    return current_app.config.get("SURVEY_PAGE_RATE_LIMIT", "120 per minute")


def _survey(slug: str) -> services.SurveyView:
    view = services.load_survey(db.session, slug, current().code)
    if view is None:
        abort(404)
    return view


def _draft_hours() -> int:
    return current_app.config.get("SURVEY_DRAFT_HOURS", drafts.DEFAULT_HOURS)


def _draft_key(slug: str) -> str | None:
    held = session.get(STATE)
    if isinstance(held, dict) and held.get("s") == slug:
        return held.get("k")
    return None


def _state(slug: str) -> dict:
    """The answers in progress: submission token ("t"), answers ("a"), equality answers ("e")."""
    found = drafts.load(db.session, _draft_key(slug), slug, _draft_hours())
    return found or {"s": slug, "t": None, "a": {}, "e": {}}


def _save(state: dict) -> None:
    if not state.get("t"):
        state["t"] = services.new_token()
    key = _draft_key(state["s"]) or drafts.new_key()
    drafts.save(db.session, key, state["s"], state, _draft_hours())
    session[STATE] = {"s": state["s"], "k": key}


def _finish(slug: str) -> None:
    """The answers were sent (or thrown away): forget the draft."""
    drafts.discard(db.session, _draft_key(slug))
    db.session.commit()
    session.pop(STATE, None)


def reshows_on_expired_token(view):
    """Take this view's POSTs out of the site-wide CSRF check and check the token before it runs
    instead: the view reads the verdict from `_csrf_ok()` and re-shows its page on a bad token."""

    @wraps(view)
    def checked(*args, **kwargs):
        g.survey_csrf_ok = request.method != "POST" or _token_valid()
        return view(*args, **kwargs)

    csrf.exempt(checked)
    return checked


def _token_valid() -> bool:
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        return False
    return True


def _csrf_ok() -> bool:
    """The verdict on this POST's token; False (refused) in a view that was not marked to check it."""
    return bool(g.get("survey_csrf_ok", False))


TIMED_OUT = _l("This form timed out. Check your answers and send them again.")


def _closed(view: services.SurveyView):
    return render_template("surveys/closed.html", survey=view)


@bp.get("/<lang>/surveys/", endpoint="index")
def index():
    found = services.open_surveys(db.session, current().code)
    return render_template(
        "surveys/index.html",
        surveys=[{"slug": s.slug, "title": s.title, "closes_on": presenters.closes_on(s)} for s in found],
    )


@bp.get("/<lang>/surveys/<slug>/", endpoint="start")
def start(slug: str):
    view = _survey(slug)
    if not view.is_open:
        return _closed(view)
    state = _state(slug)
    first = services.visible_pages(view, state["a"])[0]
    return render_template(
        "surveys/start.html",
        survey=view,
        closes_on=presenters.closes_on(view),
        first_url=url_for("surveys.question", slug=slug, page=first),
    )


# A plain segment rather than <int:...>: any other text is simply a page that does not exist.
@bp.route("/<lang>/surveys/<slug>/questions/<page>", methods=["GET", "POST"], endpoint="question")
@limiter.limit(_page_limit, methods=["POST"])
@reshows_on_expired_token
def question(slug: str, page: str):
    view = _survey(slug)
    if not view.is_open:
        return _closed(view)
    number = int(page) if page.isascii() and page.isdigit() and len(page) < 4 else 0
    if not 1 <= number <= len(view.pages):
        abort(404)
    state = _state(slug)
    changing = request.args.get("change") == "1"
    if number not in services.visible_pages(view, state["a"]):
        # Not asked, given the earlier answers: go on to the next page that is.
        following = services.next_page(view, state["a"], number)
        target = url_for("surveys.question", slug=slug, page=following) if following else None
        return redirect(target or url_for("surveys.about_you", slug=slug))
    errors: dict[str, str] = {}
    values = presenters.page_values(view, number, state["a"])
    if request.method == "POST":
        values = request.form.to_dict(flat=False)
        if not _csrf_ok():
            errors["_form"] = str(TIMED_OUT)
        else:
            found, errors = services.validate_page(view, number, values, state["a"])
            if not errors:
                state["a"] = services.merge_page(view, state["a"], number, found)
                _save(state)
                return redirect(_after_page(view, state, number, changing), code=303)
    previous = services.previous_page(view, state["a"], number)
    if changing:
        back_url = url_for("surveys.check", slug=slug)
    elif previous:
        back_url = url_for("surveys.question", slug=slug, page=previous)
    else:
        back_url = url_for("surveys.start", slug=slug)
    return render_template(
        "surveys/question.html",
        survey=view,
        number=number,
        total=len(view.pages),
        questions=presenters.page_questions(view, number, state["a"], values, errors),
        form={"errors": errors},  # the layout puts "Error:" in the title
        errors=presenters.error_list(errors, presenters.anchors(view, number)),
        back_url=back_url,
        action=url_for("surveys.question", slug=slug, page=number, **({"change": "1"} if changing else {})),
    )


def _after_page(view: services.SurveyView, state: dict, number: int, changing: bool) -> str:
    missing = services.first_unanswered_page(view, state["a"])
    if changing:
        if missing is None:
            return url_for("surveys.check", slug=view.slug)
        return url_for("surveys.question", slug=view.slug, page=missing, change="1")
    following = services.next_page(view, state["a"], number)
    if following:
        return url_for("surveys.question", slug=view.slug, page=following)
    return url_for("surveys.about_you", slug=view.slug)


@bp.route("/<lang>/surveys/<slug>/about-you", methods=["GET", "POST"], endpoint="about_you")
@limiter.limit(_page_limit, methods=["POST"])
@reshows_on_expired_token
def about_you(slug: str):
    view = _survey(slug)
    if not view.is_open:
        return _closed(view)
    state = _state(slug)
    missing = services.first_unanswered_page(view, state["a"])
    if missing is not None:
        return redirect(url_for("surveys.question", slug=slug, page=missing))
    errors: dict[str, str] = {}
    chosen = dict(state["e"])
    if request.method == "POST":
        chosen = equality.clean(request.form.to_dict())
        if _csrf_ok():
            state["e"] = chosen
            _save(state)
            return redirect(url_for("surveys.check", slug=slug), code=303)
        errors["_form"] = str(TIMED_OUT)
    last = services.visible_pages(view, state["a"])[-1]
    return render_template(
        "surveys/about_you.html",
        survey=view,
        questions=presenters.equality_questions(chosen),
        form={"errors": errors},  # the layout puts "Error:" in the title
        errors=presenters.error_list(errors),
        back_url=url_for("surveys.question", slug=slug, page=last),
    )


@bp.route("/<lang>/surveys/<slug>/check-your-answers", methods=["GET", "POST"], endpoint="check")
@limiter.limit(_submit_limit, methods=["POST"])
@reshows_on_expired_token
def check(slug: str):
    view = _survey(slug)
    state = _state(slug)
    errors: dict[str, str] = {}
    if request.method == "POST":
        token = request.form.get("token", "")
        # A repeat of a form already stored (double click, resend, retry) gets the same confirmation.
        reference = services.find_submitted(db.session, token)
        if reference:
            if token == state.get("t"):
                _finish(slug)
            return _sent(slug, reference)
        if not view.is_open:
            return _closed(view)
        if request.form.get("website"):
            # Filled in by a form-filling robot, never by a person (the field is hidden): store nothing.
            _finish(slug)
            return _sent(slug, None)
        if not state["a"] or token != state.get("t"):
            # The session ended (or this is another session's form): the answers are gone.
            return redirect(url_for("surveys.start", slug=slug, expired="1"), code=303)
        if not _csrf_ok():
            errors["_form"] = str(TIMED_OUT)
        else:
            try:
                sent = services.submit(
                    db.session,
                    slug,
                    current().code,
                    token,
                    state["a"],
                    state["e"],
                    Path(current_app.config["CONTENT_DIR"]),
                )
            except services.SurveyClosed:
                return _closed(view)
            except services.AnswersIncomplete as error:
                return redirect(url_for("surveys.question", slug=slug, page=error.page), code=303)
            _finish(slug)
            return _sent(slug, sent.reference)
    elif not view.is_open:
        return _closed(view)
    missing = services.first_unanswered_page(view, state["a"])
    if missing is not None:
        return redirect(url_for("surveys.question", slug=slug, page=missing))
    if not state.get("t"):
        _save(state)
    return render_template(
        "surveys/check.html",
        survey=view,
        rows=presenters.summary_rows(view, state["a"]),
        equality_rows=presenters.equality_rows(slug, state["e"]),
        token=state["t"],
        form={"errors": errors},  # the layout puts "Error:" in the title
        errors=presenters.error_list(errors),
        back_url=url_for("surveys.about_you", slug=slug),
    )


def _sent(slug: str, reference: str | None):
    session[DONE] = {"s": slug, "r": reference}
    return redirect(url_for("surveys.sent", slug=slug), code=303)


@bp.get("/<lang>/surveys/<slug>/sent", endpoint="sent")
def sent(slug: str):
    view = _survey(slug)
    done = session.get(DONE)
    if not isinstance(done, dict) or done.get("s") != slug:
        return redirect(url_for("surveys.start", slug=slug))
    return render_template("surveys/sent.html", survey=view, reference=done.get("r"))


# "You said, we did" and erasing a response ----------------------------------------------------------


@bp.app_template_global("published_feedback")
def published_feedback() -> list:
    """Surveys with a published "You said, we did" page, for the get involved page."""
    return feedback.published_list(db.session, current().code)


@bp.get("/<lang>/surveys/you-said-we-did", endpoint="feedback_index")
def feedback_index():
    return render_template(
        "surveys/feedback_index.html", pages=feedback.published_list(db.session, current().code)
    )


@bp.get("/<lang>/surveys/<slug>/you-said-we-did", endpoint="feedback")
def feedback_page(slug: str):
    found = feedback.public_page(db.session, slug, current().code)
    if found is None:
        abort(404)
    return render_template("surveys/feedback.html", page=found)


def _erase_limit() -> str:
    return current_app.config.get("SURVEY_ERASE_RATE_LIMIT", "10 per 10 minutes")


@bp.route("/<lang>/surveys/erase", methods=["GET", "POST"], endpoint="erase")
@limiter.limit(_erase_limit, methods=["POST"])
@reshows_on_expired_token  # EraseForm (a FlaskForm) refuses a bad token itself
def erase():
    form = forms.EraseForm()
    if form.validate_on_submit():
        if not retention.reference_exists(db.session, form.reference.data):
            form.reference.errors.append(forms.UNKNOWN_REFERENCE)
        elif request.form.get("confirm") != "yes":
            reference = retention.normalise_reference(form.reference.data)
            return render_template("surveys/erase_confirm.html", form=form, reference=reference)
        elif retention.erase(db.session, form.reference.data):
            db.session.commit()
            return redirect(url_for("surveys.erased"), code=303)
        else:
            form.reference.errors.append(forms.UNKNOWN_REFERENCE)
    return render_template("surveys/erase.html", form=form), 400 if form.errors else 200


@bp.get("/<lang>/surveys/erase/done", endpoint="erased")
def erased():
    return render_template("surveys/erase_done.html")
