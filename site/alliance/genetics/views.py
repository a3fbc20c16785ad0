"""Public genetic-testing pages: services by locality, the tests, and the 'should I ask?' guide."""

from flask import Blueprint, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from alliance import localities
from alliance.cache import never_stored
from alliance.extensions import db
from alliance.genetics import forms, guide, presenters, services

bp = Blueprint("genetics", __name__)


def _places() -> list[tuple[str, str]]:
    return [(place.code, place.label) for place in localities.all_localities() if place.place]


@bp.get("/<lang>/genetic-testing/services", endpoint="services")
def services_page():
    places = _places()
    form = forms.area_form(request.args, places)
    chosen = request.args.get("area")
    area, found = None, []
    if chosen is not None:
        area = dict(places).get(chosen)
        if area is None:
            form.area.errors = [str(_l("Select your area from the list"))]
            form.area.data = None
        else:
            found = [presenters.service_view(s) for s in services.services_for(db.session, chosen)]
    return render_template(
        "genetics/services.html",
        form=form,
        area=area,
        services=found,
        places=places,
        review=presenters.review_view(services.page_review(db.session, "services")),
    )


@bp.get("/<lang>/genetic-testing/tests", endpoint="tests")
def tests_page():
    return render_template(
        "genetics/tests.html",
        tests=[presenters.test_view(test) for test in services.all_tests(db.session)],
        review=presenters.review_view(services.page_review(db.session, "tests")),
    )


@bp.get("/<lang>/genetic-testing/should-i-ask", endpoint="guide_start")
@never_stored
def guide_start():
    return render_template(
        "genetics/guide_start.html",
        first_url=url_for("genetics.guide_step", step=guide.STEPS[0]),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )


def _posted_answers() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The form as posted, and the known answers it carries (answers only ever travel in POST bodies)."""
    posted = request.form.to_dict(flat=False) if request.method == "POST" else {}
    return posted, guide.clean_answers(posted)


def _render_result(answers: dict[str, list[str]]):
    return render_template(
        "genetics/guide_result.html",
        advice=guide.advice(answers),
        answers=guide.query_pairs(answers),
        back_step=guide.previous_step("result"),
        first_step=guide.STEPS[0],
        places=_places(),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )


def _render_step(q: guide.Question, answers: dict[str, list[str]], error: str | None = None):
    chosen = MultiDict([(q.name, value) for value in answers.get(q.name, [])])
    form = forms.question_form(q, chosen)
    if error is not None:
        getattr(form, q.name).errors = [error]
    return render_template(
        "genetics/guide_step.html",
        form=form,
        question=q,
        number=guide.STEPS.index(q.step) + 1,
        total=len(guide.STEPS),
        carried=guide.query_pairs(answers, leave_out=q.name),
        answers=guide.query_pairs(answers),
        back_step=guide.previous_step(q.step),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )


@bp.route("/<lang>/genetic-testing/should-i-ask/result", methods=["GET", "POST"], endpoint="guide_result")
@never_stored
def guide_result():
    _posted, answers = _posted_answers()
    return _render_result(answers)


@bp.route("/<lang>/genetic-testing/should-i-ask/<step>", methods=["GET", "POST"], endpoint="guide_step")
@never_stored
def guide_step(step: str):
    """A question. A POST with action=continue checks this question's answer and shows the next
    question (or the result); any other POST (back, change) shows this question with the answers kept."""
    q = guide.question(step)
    if q is None:
        abort(404)
    posted, answers = _posted_answers()
    if request.method == "POST" and request.form.get("action") == "continue":
        error = guide.check_step(q, posted.get(q.name, []))
        if error is not None:
            return _render_step(q, answers, error)
        following = guide.next_step(step)
        if following == "result":
            return _render_result(answers)
        return _render_step(guide.question(following), answers)
    return _render_step(q, answers)
