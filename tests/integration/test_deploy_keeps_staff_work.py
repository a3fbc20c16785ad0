"""A deploy or a seed never undoes staff work; loading content/ onto a live site is explicit and audited.

Staff publish a page through the publishing workflow and edit a directory service, a trial and a
genetic test through the back-office services; then `flask deploy` and `flask seed` run through the
CLI, as an upgrade would, with content files that changed in the meantime."""

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.directory import models as m
from alliance.directory import upkeep as directory_upkeep
from alliance.genetics import upkeep as genetics_upkeep
from alliance.genetics.models import GeneticTest
from alliance.pages import workflow
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.surveys.models import Survey
from alliance.trials import upkeep as trials_upkeep
from alliance.trials.models import Trial
from tests.factories import make_staff

CONTENT = Path(__file__).resolve().parents[2] / "content"
PAGE = "bowel-screening"
PAGES = (PAGE, f"{PAGE}-easy-read", "about", "contact")  # a few pages keep each seed quick
STAFF_WORDS = "Staff rewrote this page in the back-office."
NEW_PAGE = """---
title: A page new in this release
summary: Added to content/ after the site went live.
section: help
order: 90
clinical: false
---

This page arrived with an upgrade.
"""
NEW_POLISH = """---
title: O nas
summary: Strona dodana w nowej wersji.
section: about
order: 0
clinical: false
translated_from: 0123456789ab
review_status: awaiting-translator-review
---

Ta strona pojawiła się wraz z aktualizacją.
"""


def main_of(response) -> str:
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def site(app, runner, tmp_path):
    """A live site: content/ copied (so a test can change it) and loaded with `flask seed`."""
    folder = tmp_path / "content"
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns("pages"))
    for slug in PAGES:
        shutil.copytree(CONTENT / "pages" / slug, folder / "pages" / slug)
    before = app.config["CONTENT_DIR"]
    app.config["CONTENT_DIR"] = str(folder)
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output
    yield folder
    app.config["CONTENT_DIR"] = before


def publish_as_staff(session, slug: str, lang: str = "en", words: str = STAFF_WORDS) -> int:
    """An editor writes a new version and a different publisher approves and publishes it."""
    editor = make_staff(session, roles="editor", email=f"editor-{slug}-{lang}@example.nhs.uk")
    publisher = make_staff(session, roles="publisher", email=f"publisher-{slug}-{lang}@example.nhs.uk")
    page = session.scalar(select(Page).where(Page.slug == slug))
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page.id, PageLocale.lang == lang))
    current = session.get(PageRevision, locale.published_revision_id)
    draft = workflow.Draft(
        title=current.title,
        summary=current.summary,
        body=current.body + "\n" + words + "\n",
        last_reviewed=current.last_reviewed,
        next_review_due=current.next_review_due,
        sources=json.loads(current.sources),
    )
    revision_id = workflow.save_draft(session, slug, lang, draft, editor.id, current.id)
    workflow.submit_for_review(session, revision_id)
    workflow.approve(session, revision_id, publisher.id)
    assert workflow.publish(session, revision_id) == "published"
    session.commit()
    return revision_id


def edit_records_as_staff(app, session) -> dict:
    """Edit a directory service (and remove its phone), a trial and a genetic test as staff do."""
    service = session.scalars(select(m.Service).join(m.Phone).order_by(m.Service.name)).first()
    data = directory_upkeep.service_form_data(session, service.id)
    data.update(name="Renamed by the directory manager", phone="")
    data["languages"] = [code.strip() for code in data["languages"].split(",") if code.strip()]
    with app.app_context():
        _id, report = directory_upkeep.save_service(
            session, service.id, data, CONTENT / "directory" / "outcode-centroids.csv"
        )
    assert report.ok, report.lines()
    session.commit()
    trial = session.scalars(select(Trial).order_by(Trial.registry_id)).first()
    trials_upkeep.edit_trial(
        session, trial.id, "A title in plain English", "A summary staff wrote.", trial.overall_status
    )
    test = session.scalars(select(GeneticTest).order_by(GeneticTest.code)).first()
    values = {name: getattr(test, name) for name in genetics_upkeep.TEST_FIELDS}
    genetics_upkeep.edit_test(session, test.id, {**values, "summary": "Staff checked this wording."})
    session.commit()
    return {"service": service.id, "trial": trial.id, "test": test.id}


def revisions(session, slug: str) -> list[tuple]:
    session.expire_all()
    return [
        tuple(row)
        for row in session.execute(
            select(
                PageRevision.lang,
                PageRevision.number,
                PageRevision.origin,
                PageRevision.status,
                PageRevision.body_hash,
            )
            .join(Page, Page.id == PageRevision.page_id)
            .where(Page.slug == slug)
            .order_by(PageRevision.lang, PageRevision.number)
        )
    ]


def staff_work(session, client, ids: dict) -> dict:
    session.expire_all()
    service = session.get(m.Service, ids["service"])
    trial = session.get(Trial, ids["trial"])
    return {
        "page": main_of(client.get(f"/en/{PAGE}")),
        "revisions": revisions(session, PAGE),
        "service": directory_upkeep.service_form_data(session, ids["service"]),
        "service_modified": service.last_modified,
        "phones": len(service.phones),
        "trial": (trial.title, trial.summary, trial.overall_status),
        "test": session.get(GeneticTest, ids["test"]).summary,
    }


def change_file(
    folder: Path, slug: str, lang: str = "en", words: str = "A sentence added to the file."
) -> None:
    path = folder / "pages" / slug / f"{lang}.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n{words}\n", encoding="utf-8")


def audit_targets(session, action: str) -> list[str]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent.target).where(AuditEvent.action == action)))


def test_deploy_and_seed_leave_a_published_page_and_edited_records_exactly_as_staff_left_them(
    app, runner, client, session, site
):
    publish_as_staff(session, PAGE)
    ids = edit_records_as_staff(app, session)
    # The upgrade ships a changed file for the staff page, and changed records for the edited rows.
    change_file(site, PAGE)
    genetics = json.loads((site / "genetics" / "tests.json").read_text(encoding="utf-8"))
    for record in genetics["tests"]:
        record["summary"] = "The file's newer summary."
    (site / "genetics" / "tests.json").write_text(json.dumps(genetics), encoding="utf-8")
    before = staff_work(session, client, ids)
    assert STAFF_WORDS in before["page"] and before["phones"] == 0
    assert before["service"]["name"] == "Renamed by the directory manager"

    deployed = runner.invoke(args=["deploy"])
    assert deployed.exit_code == 0, deployed.output
    assert "database: at revision" in deployed.output and "search: rebuilt" in deployed.output
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output

    assert staff_work(session, client, ids) == before
    assert "1 files differ from the site and were left alone" in seeded.output


def test_deploy_never_loads_content(runner, session, site):
    (site / "pages" / "a-new-page").mkdir()
    (site / "pages" / "a-new-page" / "en.md").write_text(NEW_PAGE, encoding="utf-8")
    change_file(site, "about")
    before = revisions(session, "about")
    deployed = runner.invoke(args=["deploy"])
    assert deployed.exit_code == 0, deployed.output
    session.expire_all()
    assert session.scalar(select(Page).where(Page.slug == "a-new-page")) is None
    assert revisions(session, "about") == before


def test_seed_adds_a_new_page_and_a_new_language_of_an_existing_page_and_nothing_else(
    runner, client, session, site
):
    (site / "pages" / "a-new-page").mkdir()
    (site / "pages" / "a-new-page" / "en.md").write_text(NEW_PAGE, encoding="utf-8")
    (site / "pages" / "about" / "pl.md").write_text(NEW_POLISH, encoding="utf-8")
    change_file(site, "contact")
    contact = revisions(session, "contact")
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output
    assert "2 new revisions" in seeded.output
    assert "This page arrived with an upgrade." in main_of(client.get("/en/a-new-page"))
    assert "Ta strona pojawiła się wraz z aktualizacją." in main_of(client.get("/pl/about"))
    assert revisions(session, "contact") == contact
    again = runner.invoke(args=["seed"])
    assert again.exit_code == 0 and "0 new revisions" in again.output


def test_a_dry_run_of_pages_load_lists_each_change_and_changes_nothing(runner, session, site):
    publish_as_staff(session, PAGE)
    change_file(site, PAGE)
    change_file(site, "contact")
    before = {slug: revisions(session, slug) for slug in (PAGE, "contact")}
    audits = audit_targets(session, "content.load")
    result = runner.invoke(args=["pages", "load", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would load: contact/en (file changed)" in result.output
    assert f"kept: {PAGE}/en (staff work: revision 2, staff" in result.output
    assert "Would load 1 page files; kept 1 staff edits" in result.output
    assert {slug: revisions(session, slug) for slug in (PAGE, "contact")} == before
    assert audit_targets(session, "content.load") == audits


def test_pages_load_updates_content_pages_and_refuses_a_staff_page_unless_overwrite_names_it(
    runner, client, session, site
):
    publish_as_staff(session, PAGE)
    operator = make_staff(session, roles="publisher", email="operator@example.nhs.uk")
    change_file(site, PAGE)
    change_file(site, "contact")
    staff_page = revisions(session, PAGE)

    loaded = runner.invoke(args=["pages", "load", "--as", operator.email])
    assert loaded.exit_code == 0, loaded.output
    assert "Loaded 1 page files; kept 1 staff edits" in loaded.output
    assert revisions(session, PAGE) == staff_page
    assert STAFF_WORDS in main_of(client.get(f"/en/{PAGE}"))
    contact = revisions(session, "contact")
    assert [row[1:4] for row in contact] == [(1, "seed", "superseded"), (2, "seed", "published")]
    assert "A sentence added to the file." in main_of(client.get("/en/contact"))
    assert audit_targets(session, "content.load") == ["contact/en"]

    # The screening page is clinical: the file's text waits in review for a second person.
    overwritten = runner.invoke(args=["pages", "load", "--overwrite", f"{PAGE}/en", "--as", operator.email])
    assert overwritten.exit_code == 0, overwritten.output
    assert f"loaded: {PAGE}/en (replaces staff work, clinical: in review for a second person)" in (
        overwritten.output
    )
    assert [row[1:4] for row in revisions(session, PAGE) if row[0] == "en"][-2:] == [
        (2, "staff", "published"),
        (3, "seed", "in_review"),
    ]
    assert STAFF_WORDS in main_of(client.get(f"/en/{PAGE}"))
    session.expire_all()
    event = session.scalars(select(AuditEvent).where(AuditEvent.target == f"{PAGE}/en")).one()
    assert event.action == "content.load" and event.actor_email == operator.email
    assert json.loads(event.detail) == {
        "kind": "staff edit",
        "replaced_origin": "staff",
        "revision": 3,
        "status": "in_review",
        "via": "command line",
    }
    waiting = session.scalars(select(PageRevision).where(PageRevision.status == "in_review")).one()
    assert waiting.author_id == operator.id
    with pytest.raises(workflow.WorkflowError, match="not the author"):
        workflow.approve(session, waiting.id, operator.id)
    workflow.approve(session, waiting.id, make_staff(session, roles="publisher").id)
    workflow.publish(session, waiting.id)
    session.commit()
    page = main_of(client.get(f"/en/{PAGE}"))
    assert "A sentence added to the file." in page and STAFF_WORDS not in page


def test_pages_load_names_the_staff_account_it_acts_for_and_changes_nothing_without_one(
    runner, session, site
):
    change_file(site, "contact")
    before = revisions(session, "contact")
    missing = runner.invoke(args=["pages", "load"])
    assert missing.exit_code != 0 and "--as EMAIL" in missing.output
    unknown = runner.invoke(args=["pages", "load", "--as", "nobody@example.nhs.uk"])
    assert unknown.exit_code != 0 and "No active staff account nobody@example.nhs.uk" in unknown.output
    editor = make_staff(session, roles="editor")
    cannot = runner.invoke(args=["pages", "load", "--as", editor.email])
    assert cannot.exit_code != 0 and "cannot publish" in cannot.output
    assert revisions(session, "contact") == before


def test_pages_load_refuses_an_overwrite_it_cannot_match_and_changes_nothing(runner, session, site):
    change_file(site, "contact")
    before = revisions(session, "contact")
    unknown = runner.invoke(args=["pages", "load", "--overwrite", "no-such-page/en"])
    assert unknown.exit_code != 0 and "No content file for no-such-page/en" in unknown.output
    malformed = runner.invoke(args=["pages", "load", "--overwrite", "contact"])
    assert malformed.exit_code != 0 and "SLUG/LANG" in malformed.output
    assert revisions(session, "contact") == before


def test_a_page_taken_down_by_staff_is_not_put_back_by_seed_or_load(runner, client, session, site):
    page = session.scalar(select(Page).where(Page.slug == "contact"))
    from alliance.pages.services import make_live

    make_live(session, page.id, "en", None)
    session.commit()
    change_file(site, "contact")
    assert runner.invoke(args=["seed"]).exit_code == 0
    loaded = runner.invoke(args=["pages", "load"])
    assert "kept: contact/en" in loaded.output
    assert client.get("/en/contact").status_code == 404


def test_a_staff_page_whose_file_repeats_it_after_an_export_counts_as_unchanged(runner, session, site):
    publish_as_staff(session, PAGE)
    exported = runner.invoke(args=["pages", "export", "--to", str(site)])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(args=["pages", "load", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Would load 0 page files; kept 0 staff edits" in result.output


def test_seed_keeps_every_survey_the_site_has_even_when_its_file_changed(runner, session, site):
    path = next(p for p in sorted((site / "surveys").glob("*.json")) if "slug" in json.loads(p.read_text()))
    record = json.loads(path.read_text(encoding="utf-8"))
    record["title"] = (
        {**record["title"], "en": "A title changed in the file"}
        if isinstance(record.get("title"), dict)
        else "A title changed in the file"
    )
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    versions = session.scalars(select(Survey.version).order_by(Survey.id)).all()
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0 and "surveys: 1 kept" in seeded.output
    session.expire_all()
    assert session.scalars(select(Survey.version).order_by(Survey.id)).all() == versions


def test_content_imported_in_the_back_office_is_kept_by_seed_and_load(runner, session, site):
    from alliance.pages import services

    folder = site.parent / "upload"
    shutil.copytree(site / "pages" / "contact", folder / "pages" / "contact")
    change_file(folder, "contact", words="Words from the uploaded zip.")
    uploader = make_staff(session, roles="publisher")
    assert services.import_pages(session, folder, uploader.id).in_review == ["contact/en"]
    session.commit()
    assert revisions(session, "contact")[-1][2:4] == ("import", "in_review")
    change_file(site, "contact")
    loaded = runner.invoke(args=["pages", "load", "--dry-run"])
    assert "kept: contact/en (staff work: revision 2, import" in loaded.output


NEW_CLINICAL_PAGE = """---
title: A clinical page new in this release
section: screening
order: 95
clinical: true
last_reviewed: 2026-11-22
next_review_due: 2027-11-22
sources:
- title: NHS website
  url: https://www.nhs.uk/
---

Clinical words that need a second person.
"""


def test_on_a_live_site_a_new_clinical_page_reaches_readers_only_after_a_second_person_approves_it(
    runner, client, session, site
):
    (site / "pages" / "a-new-clinical-page").mkdir()
    (site / "pages" / "a-new-clinical-page" / "en.md").write_text(NEW_CLINICAL_PAGE, encoding="utf-8")
    seeded = runner.invoke(args=["seed"])
    assert seeded.exit_code == 0, seeded.output
    assert "0 new revisions; 1 files differ from the site and were left alone" in seeded.output
    assert client.get("/en/a-new-clinical-page").status_code == 404
    operator = make_staff(session, roles="publisher")
    loaded = runner.invoke(args=["pages", "load", "--as", operator.email])
    assert loaded.exit_code == 0, loaded.output
    assert (
        "loaded: a-new-clinical-page/en (new page, clinical: in review for a second person)" in loaded.output
    )
    assert client.get("/en/a-new-clinical-page").status_code == 404
    revision = session.scalars(select(PageRevision).where(PageRevision.status == "in_review")).one()
    assert (revision.author_id, revision.approved_by_id) == (operator.id, None)
    workflow.approve(session, revision.id, make_staff(session, roles="publisher").id)
    workflow.publish(session, revision.id)
    session.commit()
    assert "Clinical words that need a second person." in main_of(client.get("/en/a-new-clinical-page"))
