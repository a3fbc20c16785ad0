"""Clinical pages name a clinical owner, pages marked for clinical sign-off show as waiting for it, and the
approval of a clinical page records who signed it off clinically, which the page history shows."""

from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.pages import services, workflow
from alliance.pages.models import Page, PageRevision
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.backoffice.test_content_workflow import act, edit_fields, latest

CONTENT = Path(__file__).resolve().parents[3] / "content"
SLUG = "blood-cancer-symptoms"


@pytest.fixture
def real_content(app, session):
    with app.app_context():
        services.seed_pages(session, CONTENT)
    return session


@pytest.fixture
def staff(app, session, real_content):
    editor = make_staff(session, roles="editor", email="editor@example.nhs.uk")
    publisher = make_staff(session, roles="publisher", email="publisher@example.nhs.uk")
    clinician = make_staff(session, roles="editor", email="clinical.lead@example.nhs.uk")
    return {
        "editor": (signed_in_client(app, editor), editor),
        "publisher": (signed_in_client(app, publisher), publisher),
        "clinician": (signed_in_client(app, clinician), clinician),
    }


def _page(session, slug=SLUG) -> Page:
    session.expire_all()
    return session.scalar(select(Page).where(Page.slug == slug))


def _draft_in_review(staff, session) -> PageRevision:
    editor = staff["editor"][0]
    fields = edit_fields(editor, SLUG, "en", title="Blood cancer symptoms")
    fields["body"] = latest(session, slug=SLUG).body + "\nChecked again.\n"
    assert editor.post(f"/backoffice/content/{SLUG}/en/edit", data=fields).status_code == 302
    draft = latest(session, slug=SLUG)
    act(editor, SLUG, "en", draft.id, "submit")
    return latest(session, slug=SLUG)


def test_the_corrected_symptom_pages_show_in_the_back_office_as_awaiting_clinical_sign_off(staff, session):
    assert (
        _page(session).clinical_signoff_due
        and _page(session, "prostate-cancer-symptoms").clinical_signoff_due
    )
    assert not _page(session, "lung-cancer-symptoms").clinical_signoff_due
    html = staff["publisher"][0].get("/backoffice/content").get_data(as_text=True)
    waiting = html[html.index("Awaiting clinical sign-off (") : html.index("<table")]
    assert "Awaiting clinical sign-off (2)" in waiting
    assert "Blood cancer symptoms" in waiting and "Prostate cancer symptoms" in waiting
    assert "Lung cancer symptoms" not in waiting
    page = staff["publisher"][0].get(f"/backoffice/content/{SLUG}/en").get_data(as_text=True)
    assert "Clinical owner: Clinical lead for early diagnosis, Cancer Alliance (example role)" in page


def test_an_approval_records_who_signed_it_off_clinically_and_the_history_shows_it(staff, session):
    draft = _draft_in_review(staff, session)
    publisher_client, publisher = staff["publisher"]
    clinician = staff["clinician"][1]
    response = act(publisher_client, SLUG, "en", draft.id, "approve", clinical_signoff_by=str(clinician.id))
    assert response.status_code == 302
    approved = latest(session, slug=SLUG)
    assert approved.status == "approved" and approved.approved_by_id == publisher.id
    assert approved.clinical_signoff_by_id == clinician.id
    assert not _page(session).clinical_signoff_due
    history = publisher_client.get(f"/backoffice/content/{SLUG}/en").get_data(as_text=True)
    assert "Signed off clinically by clinical.lead@example.nhs.uk" in history
    assert "Awaiting clinical sign-off (1)" in publisher_client.get("/backoffice/content").get_data(
        as_text=True
    )


def test_an_approval_without_a_clinical_sign_off_says_so_and_the_page_keeps_waiting(staff, session):
    draft = _draft_in_review(staff, session)
    publisher_client = staff["publisher"][0]
    act(publisher_client, SLUG, "en", draft.id, "approve", clinical_signoff_by="")
    approved = latest(session, slug=SLUG)
    assert approved.status == "approved" and approved.clinical_signoff_by_id is None
    assert _page(session).clinical_signoff_due
    history = publisher_client.get(f"/backoffice/content/{SLUG}/en").get_data(as_text=True)
    assert "No clinical sign-off recorded" in history


@pytest.mark.parametrize("signer", ["author", "nobody", "junk"])
def test_the_author_or_an_unknown_person_cannot_be_the_clinical_sign_off(staff, session, signer):
    draft = _draft_in_review(staff, session)
    publisher_client = staff["publisher"][0]
    value = {"author": str(staff["editor"][1].id), "nobody": "999999", "junk": "1 OR 1=1"}[signer]
    response = act(publisher_client, SLUG, "en", draft.id, "approve", clinical_signoff_by=value)
    assert response.status_code == 302
    revision = latest(session, slug=SLUG)
    assert revision.status == "in_review" and revision.clinical_signoff_by_id is None
    assert _page(session).clinical_signoff_due


def test_a_clinical_sign_off_is_refused_on_a_page_that_is_not_clinical(staff, session):
    about = _page(session, "about")
    revision = session.scalar(select(PageRevision).where(PageRevision.page_id == about.id))
    revision.status, revision.author_id = "in_review", staff["editor"][1].id
    session.commit()
    with pytest.raises(workflow.WorkflowError, match=workflow.NOT_CLINICAL_SIGN_OFF):
        workflow.approve(session, revision.id, staff["publisher"][1].id, staff["clinician"][1].id)


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_a_clinical_page_shows_its_clinical_owner_to_readers_in_every_language(client, real_content, lang):
    html = client.get(f"/{lang}/genetic-testing").get_data(as_text=True)
    assert "Clinical lead for genomics, Cancer Alliance (example role)" in html
    assert "Clinical content owner" in html if lang == "en" else True
    assert "Clinical lead" not in client.get(f"/{lang}/about").get_data(as_text=True)


def test_export_writes_the_clinical_owner_and_the_sign_off_mark_back_exactly(real_content, tmp_path):
    services.export_pages(real_content, tmp_path)
    for slug in (SLUG, "genetic-testing", "bladder-and-kidney-cancer-symptoms"):
        written = (tmp_path / "pages" / slug / "en.md").read_text(encoding="utf-8")
        assert written == (CONTENT / "pages" / slug / "en.md").read_text(encoding="utf-8")
    assert "clinical_sign_off: awaiting" in (tmp_path / "pages" / SLUG / "en.md").read_text(encoding="utf-8")
