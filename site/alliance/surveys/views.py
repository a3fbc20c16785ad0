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
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from alliance import hosts
from alliance.extensions import csrf, db, limiter
from alliance.i18n import current
from alliance.surveys import (
    answering,
    drafts,
    feedback,
    forms,
    journey,
    presenters,
    reading,
    retention,
    submission,
)

bp = Blueprint("surveys", __name__)

STATE = "survey"  # the survey being answered: its slug and the key of its draft
DONE = "survey_sent"  # the last survey sent: slug and reference, for the confirmation page


def _submit_limit() -> str:
    return current_app.config.get("SURVEY_SUBMIT_RATE_LIMIT", "20 per minute")


def _page_limit() -> str:
    return current_app.config.get("SURVEY_PAGE_RATE_LIMIT", "120 per minute")


def _survey(slug: str) -> reading.SurveyView:
    view = reading.load_survey(db.session, slug, current().code)
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
        state["t"] = submission.new_token()
    key = _draft_key(state["s"]) or drafts.new_key()
    drafts.save(db.session, key, state["s"], state, _draft_hours())
    session[STATE] = {"s": state["s"], "k": key}


def _finish(slug: str) -> None:
    """The answers were sent (or thrown away): forget the draft."""
    drafts.discard(db.session, _draft_key(slug))
    db.session.commit()
    session.pop(STATE, None)


class _DraftAnswers:
    """Answers in progress in the respondent's draft row."""

    def __init__(self, slug: str):
        self.slug = slug

    def load(self) -> dict:
        return _state(self.slug)

    def save(self, state: dict) -> None:
        _save(state)


class _PublicUrls:
    def __init__(self, slug: str):
        self.slug = slug

    def start(self) -> str:
        return url_for("surveys.start", slug=self.slug)

    def question(self, number: int, change: bool = False) -> str:
        return url_for("surveys.question", slug=self.slug, page=number, **({"change": "1"} if change else {}))

    def about_you(self) -> str:
        return url_for("surveys.about_you", slug=self.slug)

    def check(self) -> str:
        return url_for("surveys.check", slug=self.slug)


def _journey(view: reading.SurveyView) -> journey.Journey:
    return journey.Journey(view, _DraftAnswers(view.slug), _PublicUrls(view.slug))


def _respond(view: reading.SurveyView, step):
    if isinstance(step, journey.Go):
        return redirect(step.url, code=step.code)
    return render_template(step.template, survey=view, **step.context)


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


TIMED_OUT = journey.TIMED_OUT


def _closed(view: reading.SurveyView):
    return render_template("surveys/closed.html", survey=view)


def _answer_link(survey_id: int, answer_id: int) -> str:
    """The back-office page of one answer, on the configured site, for a safeguarding alert."""
    return hosts.external_url("backoffice.moderate_answer", survey_id=survey_id, answer_id=answer_id)


@bp.get("/<lang>/surveys/", endpoint="index")
def index():
    found = reading.open_surveys(db.session, current().code)
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
    first = answering.visible_pages(view, state["a"])[0]
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
    form = request.form.to_dict(flat=False) if request.method == "POST" else None
    try:
        step = _journey(view).question(
            journey.page_number(page), form, _csrf_ok(), changing=request.args.get("change") == "1"
        )
    except journey.NoSuchPage:
        abort(404)
    return _respond(view, step)


@bp.route("/<lang>/surveys/<slug>/about-you", methods=["GET", "POST"], endpoint="about_you")
@limiter.limit(_page_limit, methods=["POST"])
@reshows_on_expired_token
def about_you(slug: str):
    view = _survey(slug)
    if not view.is_open:
        return _closed(view)
    form = request.form.to_dict() if request.method == "POST" else None
    return _respond(view, _journey(view).about_you(form, _csrf_ok()))


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
        reference = submission.find_submitted(db.session, token)
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
                sent = submission.submit(
                    db.session,
                    slug,
                    current().code,
                    token,
                    state["a"],
                    state["e"],
                    Path(current_app.config["CONTENT_DIR"]),
                    safeguarding_contacts=current_app.config["SAFEGUARDING_CONTACTS"],
                    answer_link=_answer_link,
                )
            except reading.SurveyClosed:
                return _closed(view)
            except reading.AnswersIncomplete as error:
                return redirect(url_for("surveys.question", slug=slug, page=error.page), code=303)
            _finish(slug)
            return _sent(slug, sent.reference)
    elif not view.is_open:
        return _closed(view)
    steps = _journey(view)
    if steps.missing() is None and not state.get("t"):
        _save(state)
    return _respond(view, steps.check(state.get("t"), errors))


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
