"""Research upkeep in the back-office: trial edits, uploaded imports with their report, the stale list,
and edits to genetic-testing services and tests. Every change is audited."""

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.accounts.models import AuditEvent
from alliance.genetics.models import GeneticsService, GeneticTest
from alliance.genetics.services import seed_genetics
from alliance.trials.models import Trial
from alliance.trials.parsing import OPEN_STATUSES
from alliance.trials.services import seed_trials
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client, submit

CONTENT = Path(__file__).resolve().parents[3] / "content"


@pytest.fixture
def research(app, session):
    with app.app_context():
        seed_trials(session, CONTENT)
        seed_genetics(session, CONTENT)
    return session


@pytest.fixture
def manager(app, session):
    return signed_in_client(app, make_staff(session, roles="directory_manager", email="rm@example.nhs.uk"))


def _actions(session) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _open_trial(session) -> Trial:
    return session.scalars(
        select(Trial).where(Trial.overall_status.in_(OPEN_STATUSES)).order_by(Trial.registry_id)
    ).first()


def test_the_research_page_lists_every_trial_and_the_genetics_records(manager, research):
    html = manager.get("/backoffice/research").get_data(as_text=True)
    total = research.scalar(select(func.count()).select_from(Trial))
    assert f"{total} trials" in html
    for service in research.scalars(select(GeneticsService)):
        assert service.name in html
    for test in research.scalars(select(GeneticTest)):
        assert test.code in html


def test_staff_rewrite_a_trial_in_plain_english_and_closing_it_takes_it_off_the_public_list(
    app, manager, research
):
    trial = _open_trial(research)
    answers = {
        "title": "A new plain title",
        "summary": "What it tests, in everyday words.",
        "overall_status": "COMPLETED",
    }
    response = submit(manager, f"/backoffice/research/trials/{trial.id}", answers)
    assert response.status_code == 302
    research.expire_all()
    trial = research.get(Trial, trial.id)
    assert (trial.title, trial.overall_status) == ("A new plain title", "COMPLETED")
    assert "research.trial.edit" in _actions(research)
    listing = app.test_client().get("/en/clinical-trials/find?recruiting=0").get_data(as_text=True)
    assert "A new plain title" not in listing


def test_a_trial_edit_with_an_empty_title_keeps_what_was_typed_and_changes_nothing(manager, research):
    trial = _open_trial(research)
    answers = {"title": "", "summary": "Kept summary text", "overall_status": trial.overall_status}
    response = submit(manager, f"/backoffice/research/trials/{trial.id}", answers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Enter the trial&#39;s plain-English title" in html
    assert "Kept summary text" in html
    research.expire_all()
    assert research.get(Trial, trial.id).title == trial.title


def test_the_stale_list_shows_open_trials_not_updated_for_the_configured_time(app, manager, research):
    trial = _open_trial(research)
    research.execute(
        Trial.__table__.update()
        .where(Trial.id == trial.id)
        .values(last_updated=date.today() - timedelta(days=app.config["TRIALS_STALE_DAYS"] + 1))
    )
    research.commit()
    html = manager.get("/backoffice/research?stale=1").get_data(as_text=True)
    assert trial.registry_id in html and "Stale" in html


def _upload(client, payload: bytes, filename: str):
    html = client.get("/backoffice/research/trials/import").get_data(as_text=True)
    return client.post(
        "/backoffice/research/trials/import",
        data={"csrf_token": csrf_token(html), "datafile": (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )


def test_an_uploaded_search_imports_the_good_studies_and_lists_the_bad_ones(manager, research):
    studies = json.loads((CONTENT / "trials" / "studies.json").read_text(encoding="utf-8"))
    good = studies["studies"][0]
    payload = json.dumps({"studies": [good, {"protocolSection": "not an object"}, 42]}).encode()
    response = _upload(manager, payload, "search.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "2 skipped" in html and "search.json #2" in html and "search.json #3" in html
    assert "research.trials.import" in _actions(research)


def test_an_upload_that_is_not_json_is_reported_not_a_crash(manager, research):
    before = research.scalar(select(func.count()).select_from(Trial))
    response = _upload(manager, b"\xff\xfe not json", "broken.json")
    assert response.status_code == 200 and "not readable JSON" in response.get_data(as_text=True)
    wrong = _upload(manager, b"anything", "notes.txt")
    assert "expected a .json or .csv file" in wrong.get_data(as_text=True)
    assert research.scalar(select(func.count()).select_from(Trial)) == before


def test_staff_correct_a_genetics_service_and_the_public_page_shows_it(app, manager, research):
    service = research.scalars(
        select(GeneticsService).where(GeneticsService.locality == "barnsley").order_by(GeneticsService.id)
    ).first()
    answers = {
        "name": service.name,
        "provider": service.provider,
        "description": service.description,
        "phone": "0114 000 0000",
        "email": "",
        "website": "",
        "verification_note": "Checked by phone with the service.",
    }
    response = submit(manager, f"/backoffice/research/genetics/services/{service.id}", answers)
    assert response.status_code == 302
    research.expire_all()
    assert research.get(GeneticsService, service.id).phone == "0114 000 0000"
    assert "research.genetics.service.edit" in _actions(research)
    page = app.test_client().get("/en/genetic-testing/services?area=barnsley")
    assert "0114 000 0000" in page.get_data(as_text=True)


def test_a_genetics_service_with_a_bad_email_is_refused(manager, research):
    service = research.scalars(select(GeneticsService).order_by(GeneticsService.id)).first()
    response = submit(
        manager,
        f"/backoffice/research/genetics/services/{service.id}",
        {"name": service.name, "email": "nope"},
    )
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)


def test_staff_mark_a_tests_wording_as_a_summary(manager, research):
    test = research.scalars(select(GeneticTest).order_by(GeneticTest.id)).first()
    answers = {
        "summary": test.summary,
        "wording": test.wording,
        "wording_status": "summary",
        "directory_version": test.directory_version or "",
        "wording_note": "Check against the current directory.",
    }
    assert submit(manager, f"/backoffice/research/genetics/tests/{test.id}", answers).status_code == 302
    research.expire_all()
    assert research.get(GeneticTest, test.id).wording_status == "summary"


def test_a_quoted_wording_must_say_whose_copy_of_the_directory_it_comes_from(manager, research):
    test = research.scalar(select(GeneticTest).where(GeneticTest.code == "R430"))
    answers = {
        "summary": test.summary,
        "wording": test.wording,
        "wording_status": "quotation-checked",
        "directory_version": test.directory_version or "",
        "quoted_from": "",
        "wording_note": test.wording_note,
    }
    response = submit(manager, f"/backoffice/research/genetics/tests/{test.id}", answers)
    assert response.status_code == 400
    assert "Say whose copy of the directory the quotation comes from." in response.get_data(as_text=True)
    research.expire_all()
    assert research.get(GeneticTest, test.id).quoted_from == "South East Genomics"
    answers["quoted_from"] = "East Genomics"
    assert submit(manager, f"/backoffice/research/genetics/tests/{test.id}", answers).status_code == 302
    research.expire_all()
    assert research.get(GeneticTest, test.id).quoted_from == "East Genomics"
