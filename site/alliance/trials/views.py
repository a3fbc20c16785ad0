from flask import Blueprint, abort, current_app, render_template, request

from alliance.extensions import db
from alliance.pagination import page_number
from alliance.trials import presenters, services
from alliance.trials.forms import FindTrialsForm

bp = Blueprint("trials", __name__)

PER_PAGE = 10


def _args() -> list[tuple[str, str]]:
    # Only the form's own parameters, each cut short, are carried into paging links.
    names = {"cancer", "age", "tya", "locality", "hospital", "phase", "recruiting"}
    return [(key, value[:50]) for key, value in request.args.items(multi=True) if key in names]


@bp.get("/<lang>/clinical-trials/find")
def find():
    localities = current_app.config["LOCALITIES"]
    form = FindTrialsForm(request.args, localities, services.hospitals(db.session))
    results = paging = None
    if form.validate():
        filters = services.Filters(
            cancer_type=form.cancer.data or "",
            age=int(form.age.data) if (form.age.data or "").strip() else None,
            tya="yes" in (form.tya.data or []),
            locality=form.locality.data or "",
            hospital=form.hospital.data or "",
            phase=form.phase.data or "",
            recruiting_now=form.recruiting.data != "all",
        )
        results = services.find_trials(db.session, filters, page_number(request.args.get("page")), PER_PAGE)
        paging = presenters.paging(results, _args(), "trials.find")
    return render_template(
        "trials/find.html",
        form=form,
        results=results,
        items=[presenters.summary_item(t) for t in results.trials] if results else [],
        paging=paging,
    )


@bp.get("/<lang>/clinical-trials/young-people")
def young_people():
    filters = services.Filters(tya=True, recruiting_now=True)
    results = services.find_trials(db.session, filters, page_number(request.args.get("page")), PER_PAGE)
    return render_template(
        "trials/young_people.html",
        results=results,
        items=[presenters.summary_item(t) for t in results.trials],
        paging=presenters.paging(results, [], "trials.young_people"),
        show_start_age=True,
    )


@bp.get("/<lang>/clinical-trials/trial/<int:trial_id>")
def trial(trial_id: int):
    found = services.get_trial(db.session, trial_id)
    if found is None:
        abort(404)
    view = presenters.trial_view(found, stale_days=current_app.config["TRIALS_STALE_DAYS"])
    return render_template("trials/trial.html", trial=found, view=view)
