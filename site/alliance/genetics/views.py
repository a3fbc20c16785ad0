"""Public genetic-testing pages: services by locality, the tests, and the 'should I ask?' guide."""

from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from alliance import localities
from alliance.cache import never_stored
from alliance.extensions import db
from alliance.genetics import forms, guide, presenters, services

bp = Blueprint("genetics", __name__)


def _places() -> list[tuple[str, str]]:
    return [(place.code, place.label) for place in localities.all_localities() if place.place]


def _guide_url(step: str | None, answers: dict[str, list[str]]) -> str:
    base = url_for("genetics.guide_step", step=step) if step else url_for("genetics.guide_start")
    pairs = guide.query_pairs(answers)
    return f"{base}?{urlencode(pairs)}" if pairs else base


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
    answers = guide.clean_answers(request.args.to_dict(flat=False))
    return render_template(
        "genetics/guide_start.html",
        first_url=_guide_url(guide.STEPS[0], answers),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )


@bp.get("/<lang>/genetic-testing/should-i-ask/result", endpoint="guide_result")
@never_stored
def guide_result():
    answers = guide.clean_answers(request.args.to_dict(flat=False))
    return render_template(
        "genetics/guide_result.html",
        advice=guide.advice(answers),
        back_url=_guide_url(guide.previous_step("result"), answers),
        change_url=_guide_url(guide.STEPS[0], answers),
        places=_places(),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )


@bp.get("/<lang>/genetic-testing/should-i-ask/<step>", endpoint="guide_step")
@never_stored
def guide_step(step: str):
    q = guide.question(step)
    if q is None:
        abort(404)
    args = request.args.to_dict(flat=False)
    answers = guide.clean_answers(args)
    form = forms.question_form(q, request.args)
    if "continue" in request.args:
        error = guide.check_step(q, args.get(q.name, []))
        if error is None:
            return redirect(_guide_url(guide.next_step(step), answers), code=303)
        getattr(form, q.name).errors = [error]
    previous = guide.previous_step(step)
    return render_template(
        "genetics/guide_step.html",
        form=form,
        question=q,
        number=guide.STEPS.index(step) + 1,
        total=len(guide.STEPS),
        carried=guide.query_pairs(answers, leave_out=q.name),
        back_url=_guide_url(previous, answers),
        review=presenters.review_view(services.page_review(db.session, "guide")),
    )
