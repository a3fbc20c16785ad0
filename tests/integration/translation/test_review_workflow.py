"""Translation review in the back-office: a reviewer per language, the queue, the review screens,
and what a review records, kept through export and import."""

import html as htmllib
import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent, StaffUser
from alliance.directory import export, import_read, import_write
from alliance.directory import models as dm
from alliance.directory.import_batch import TRANSLATIONS_TABLE
from alliance.directory.seed import seed_directory
from alliance.pages import content, services, workflow
from alliance.pages.models import PageRevision
from alliance.surveys import builder
from alliance.surveys.models import SurveyLanguage
from alliance.translation import queue
from alliance.translation.state import translation_state
from tests.conftest import _empty_tables
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client
from tests.integration.backoffice.test_content_two_person_rule import upload, zip_of
from tests.integration.backoffice.test_content_workflow import act, edit_fields, latest
from tests.integration.conftest import load_with_second_person
from tests.integration.directory.test_import_export import snapshot

ROOT = Path(__file__).resolve().parents[3]
Q = builder.QuestionInput


@pytest.fixture
def staff(app, session, seeded):
    reviewer = make_staff(
        session,
        roles="translation_reviewer",
        email="urdu.reviewer@example.nhs.uk",
        display_name="Urdu Reviewer",
        review_languages="ur",
    )
    editor = make_staff(session, roles="editor", email="editor@example.nhs.uk")
    publisher = make_staff(session, roles="publisher", email="publisher@example.nhs.uk")
    return {
        "reviewer": (signed_in_client(app, reviewer), reviewer),
        "editor": (signed_in_client(app, editor), editor),
        "publisher": (signed_in_client(app, publisher), publisher),
    }


def content_items(app, session, lang):
    """The queue without the interface strings item (every catalogue string is waiting in a fresh test)."""
    with app.app_context():
        return [item for item in queue.items(session, lang) if item.kind != "strings"]


def english_hash(session, slug="example") -> str:
    session.expire_all()
    return next(r for r in workflow.revisions(session, slug, "en") if r.status == "published").body_hash


def published(session, lang="ur", slug="example") -> PageRevision:
    session.expire_all()
    return next(r for r in workflow.revisions(session, slug, lang) if r.status == "published")


def decide(client, url: str, **fields):
    page = client.get(url)
    assert page.status_code == 200, url
    text = page.get_data(as_text=True)
    hidden = dict(re.findall(r'name="(english|translation)" type="hidden" value="([^"]*)"', text))
    return client.post(url, data={"csrf_token": csrf_token(text), **hidden, **fields})


def change_english(staff, session, words: str) -> None:
    """An editor changes the English page and a publisher (a second person: it is clinical) publishes it."""
    editor, _ = staff["editor"]
    publisher, _ = staff["publisher"]
    body = f"Screening checks for blood in your poo. {words}"
    assert (
        editor.post(
            "/backoffice/content/example/en/edit", data=edit_fields(editor, "example", "en", body=body)
        ).status_code
        == 302
    )
    draft = latest(session)
    act(editor, "example", "en", draft.id, "submit")
    act(publisher, "example", "en", draft.id, "approve")
    act(publisher, "example", "en", draft.id, "publish")
    assert latest(session).status == "published"


PAGE_URL = "/backoffice/translations/ur/pages/example"


def test_an_urdu_reviewer_approves_the_urdu_page_and_it_is_out_of_date_again_when_the_english_changes(
    client, staff, session, app
):
    reviewer, reviewer_user = staff["reviewer"]
    publisher, _ = staff["publisher"]
    queue_page = reviewer.get("/backoffice/translations/ur").get_data(as_text=True)
    assert "Example screening" in queue_page and "Not reviewed" in queue_page

    response = decide(reviewer, PAGE_URL, decision="approve")
    assert response.status_code == 302
    reviewed = latest(session, "ur")
    english = english_hash(session)
    assert reviewed.status == "in_review" and reviewed.author_id == reviewer_user.id
    assert (reviewed.review_status, reviewed.reviewed_by, reviewed.reviewed_english) == (
        "reviewed",
        "Urdu Reviewer",
        english,
    )
    assert reviewed.reviewed_at is not None
    assert translation_state(reviewed.review_status, reviewed.translated_from, english) == "reviewed"
    # A clinical page: the review publishes nothing; a publisher (not its author) approves and publishes.
    assert published(session).id != reviewed.id
    assert "Example screening" not in reviewer.get("/backoffice/translations/ur").get_data(as_text=True)
    act(publisher, "example", "ur", reviewed.id, "approve")
    act(publisher, "example", "ur", reviewed.id, "publish")
    live = published(session)
    assert live.id == reviewed.id and live.reviewed_by == "Urdu Reviewer"
    assert translation_state(live.review_status, live.translated_from, english_hash(session)) == "reviewed"
    assert "translation.review.approve" in set(session.scalars(select(AuditEvent.action)))

    change_english(staff, session, "Most people find the kit easy to use.")
    live = published(session)
    assert translation_state(live.review_status, live.translated_from, english_hash(session)) == "outdated"
    items = content_items(app, session, "ur")
    assert [(item.kind, item.key, item.state) for item in items] == [("page", "example", "outdated")]
    screen = htmllib.unescape(reviewer.get(PAGE_URL).get_data(as_text=True))
    added = " ".join(re.findall(r"<ins><span[^>]*>\[added: </span>(.*?)<span", screen, re.S))
    removed = " ".join(re.findall(r"<del><span[^>]*>\[removed: </span>(.*?)<span", screen, re.S))
    assert "Most people find" in added and "Screening checks" not in added
    assert "Call 0800 707 6060 for help." in removed
    assert "added words are <ins>" in screen and "removed words are <del>" in screen
    assert 'dir="rtl"' in screen and 'lang="ur"' in screen


def test_an_urdu_reviewer_cannot_see_or_act_on_arabic_work(client, staff, session, app):
    reviewer, _ = staff["reviewer"]
    editor, editor_user = staff["editor"]
    draft_id = workflow.save_draft(
        session,
        "example",
        "ar",
        workflow.Draft("فحص المثال", "", "نص عربي.", None, None, []),
        editor_user.id,
        None,
    )
    workflow.submit_for_review(session, draft_id)
    session.commit()
    assert [item.key for item in content_items(app, session, "ar")] == ["example"]
    assert reviewer.get("/backoffice/translations/ar").status_code == 404
    assert reviewer.get("/backoffice/translations/ar/pages/example").status_code == 404
    assert reviewer.post("/backoffice/translations/ar/pages/example", data={}).status_code in (400, 404)
    index = reviewer.get("/backoffice/translations").get_data(as_text=True)
    assert "/backoffice/translations/ur" in index and "/backoffice/translations/ar" not in index
    # A publisher reviews any language.
    publisher, _ = staff["publisher"]
    assert publisher.get("/backoffice/translations/ar/pages/example").status_code == 200


def test_sending_a_translation_back_needs_a_comment_and_keeps_what_was_typed(client, staff, session, app):
    reviewer, _ = staff["reviewer"]
    response = decide(reviewer, PAGE_URL, decision="send_back", note="   ")
    assert response.status_code == 400
    assert "Enter a comment saying what the translator should change" in response.get_data(as_text=True)
    assert latest(session, "ur").status == "published"
    typed = "The second sentence leaves out the kit. ><script>"
    response = decide(reviewer, PAGE_URL, decision="send_back", note=typed)
    assert response.status_code == 302
    returned = latest(session, "ur")
    assert returned.status == "returned" and returned.review_note == typed.strip()
    assert returned.review_status == "awaiting-translator-review" and returned.reviewed_by is None
    assert content_items(app, session, "ur") == []


def test_a_review_decision_made_on_an_english_text_that_has_since_changed_is_refused(client, staff, session):
    reviewer, _ = staff["reviewer"]
    page = reviewer.get(PAGE_URL).get_data(as_text=True)
    hidden = dict(re.findall(r'name="(english|translation)" type="hidden" value="([^"]*)"', page))
    change_english(staff, session, "A new sentence.")
    response = reviewer.post(PAGE_URL, data={"csrf_token": csrf_token(page), **hidden, "decision": "approve"})
    assert response.status_code == 400
    assert "changed after you opened this page" in response.get_data(as_text=True)
    assert latest(session, "ur").review_status == "awaiting-translator-review"


def test_the_review_record_is_exported_and_imported_byte_for_byte(client, staff, session, tmp_path):
    reviewer, _ = staff["reviewer"]
    publisher, _ = staff["publisher"]
    decide(reviewer, PAGE_URL, decision="approve")
    reviewed = latest(session, "ur")
    act(publisher, "example", "ur", reviewed.id, "approve")
    act(publisher, "example", "ur", reviewed.id, "publish")
    session.commit()
    exported = tmp_path / "exported"
    services.export_pages(session, exported)
    text = (exported / "pages" / "example" / "ur.md").read_text(encoding="utf-8")
    assert "reviewed_by: Urdu Reviewer\n" in text
    assert f"reviewed_english: {english_hash(session)}\n" in text
    assert re.search(r"^reviewed_on: \d{4}-\d{2}-\d{2}$", text, re.M)
    assert content.dump(content.parse(text, "example", "ur")) == text
    # Loading the exported files changes nothing, and exporting again gives the same bytes.
    changes = services.compare_files(session, services.read_sources(exported))
    assert {change.kind for change in changes} == {services.UNCHANGED}
    again = tmp_path / "again"
    services.export_pages(session, again)
    assert (again / "pages" / "example" / "ur.md").read_bytes() == text.encode("utf-8")


def test_seeding_an_empty_site_keeps_the_review_record(app, session, tmp_path, content_dir):
    text = (content_dir / "pages" / "example" / "ur.md").read_text(encoding="utf-8")
    english_text = (content_dir / "pages" / "example" / "en.md").read_text(encoding="utf-8")
    english = content.parse(english_text, "example", "en")
    record = (
        "review_status: reviewed\n"
        "reviewed_by: Urdu Reviewer\n"
        "reviewed_on: 2026-12-01\n"
        f"reviewed_english: {english.body_hash}\n"
    )
    text = re.sub(r"translated_from: \w+\n", f"translated_from: {english.body_hash}\n", text)
    text = text.replace("review_status: awaiting-translator-review\n", record)
    assert content.dump(content.parse(text, "example", "ur")) == text
    (content_dir / "pages" / "example" / "ur.md").write_text(text, encoding="utf-8")
    services.seed_pages(session, content_dir)
    session.commit()
    live = published(session)
    assert (live.reviewed_by, live.reviewed_english) == ("Urdu Reviewer", english.body_hash)
    out = tmp_path / "out"
    services.export_pages(session, out)
    assert (out / "pages" / "example" / "ur.md").read_text(encoding="utf-8") == text


def test_survey_texts_are_reviewed_per_language_and_go_out_of_date_when_the_english_changes(
    client, staff, session, app
):
    reviewer, _ = staff["reviewer"]
    survey = builder.create_survey(session, "bowel-views", "Your views on bowel screening")
    page = builder.add_page(session, survey.id)
    builder.add_question(session, survey.id, page.id, "yes_no", Q("Have you done the test?", required=True))
    values = {key: f"اردو {english}" for key, _, english in builder.translation_keys(session, survey.id)}
    builder.save_translation(session, survey.id, "ur", values, reviewed=False)
    session.commit()
    url = f"/backoffice/translations/ur/surveys/{survey.id}"
    assert ("survey", str(survey.id), "unreviewed") in [
        (i.kind, i.key, i.state) for i in content_items(app, session, "ur")
    ]
    assert decide(reviewer, url, decision="approve").status_code == 302
    session.expire_all()
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey.id, SurveyLanguage.lang == "ur")
    )
    assert language.translator_reviewed and language.reviewed_by == "Urdu Reviewer"
    assert language.reviewed_english and language.reviewed_at is not None
    assert not [i for i in content_items(app, session, "ur") if i.kind == "survey"]
    builder.edit_survey(session, survey.id, "Your views on bowel cancer screening", "", "", None, None, None)
    session.commit()
    assert ("survey", str(survey.id), "outdated") in [
        (i.kind, i.key, i.state) for i in content_items(app, session, "ur")
    ]
    response = decide(reviewer, url, decision="send_back", note="")
    assert response.status_code == 400 and "Enter a comment" in response.get_data(as_text=True)


def test_a_directory_service_translation_is_reviewed_with_who_when_and_which_english_kept_through_export(
    app, client, staff, session
):
    reviewer, _ = staff["reviewer"]
    with app.app_context():
        seed_directory(session, ROOT / "content")
    service = session.scalars(select(dm.Service).order_by(dm.Service.id)).first()
    session.add(
        dm.Translation(
            entity="service",
            entity_id=service.id,
            lang="ur",
            name="اردو نام",
            description="اردو تفصیل",
            review_status="awaiting-translator-review",
        )
    )
    session.commit()
    url = f"/backoffice/translations/ur/directory/{service.id}"
    assert ("directory", service.id) in [(i.kind, i.key) for i in content_items(app, session, "ur")]
    assert reviewer.get("/backoffice/translations/ur/directory/no-such-service").status_code == 404
    assert decide(reviewer, url, decision="approve").status_code == 302
    session.expire_all()
    translation = session.scalar(
        select(dm.Translation).where(dm.Translation.entity_id == service.id, dm.Translation.lang == "ur")
    )
    assert (translation.review_status, translation.reviewed_by) == ("reviewed", "Urdu Reviewer")
    assert translation.reviewed_english and translation.reviewed_at is not None
    assert ("directory", service.id) not in [(i.kind, i.key) for i in content_items(app, session, "ur")]
    before = snapshot(session)
    assert before[TRANSLATIONS_TABLE]
    for name, data in (
        ("export.json", json.dumps(export.export_json(session)).encode("utf-8")),
        ("export.zip", export.export_csv(session)),
    ):
        _empty_tables(app)
        session.expire_all()
        with app.app_context():
            report = import_write.apply(session, import_read.read_upload(name, data))
        assert report.ok, report.lines()
        session.expire_all()
        assert snapshot(session) == before, name  # the review record came back as it went out
    session.get(dm.Service, service.id).description = "A changed English description."
    session.commit()
    assert ("directory", service.id, "outdated") in [
        (i.kind, i.key, i.state) for i in content_items(app, session, "ur")
    ]


def test_the_dashboard_counts_what_waits_in_each_language_the_reviewer_reviews(client, staff, session):
    reviewer, _ = staff["reviewer"]
    dashboard = reviewer.get("/backoffice/").get_data(as_text=True)
    block = dashboard.split('id="waiting-review-ur"')[1].split("</li>")[0]
    # The example page, and the interface strings (one item: they are reviewed on one screen).
    assert (
        'href="/backoffice/translations/ur"' in block
        and '<strong class="app-waiting__count">2</strong>' in block
    )
    assert 'id="waiting-review-ar"' not in dashboard


def test_an_administrator_grants_review_languages_on_the_users_screen(app, client, session, seeded):
    admin = make_staff(session, roles="administrator", email="admin@example.nhs.uk")
    person = make_staff(session, roles="", email="new.reviewer@example.nhs.uk")
    http = signed_in_client(app, admin)
    url = f"/backoffice/users/{person.id}"
    page = http.get(url).get_data(as_text=True)
    assert "Languages they review" in page
    response = http.post(
        url,
        data={
            "csrf_token": csrf_token(page),
            "roles": ["translation_reviewer"],
            "review_languages": ["ur", "ar"],
        },
    )
    assert response.status_code == 302
    session.expire_all()
    saved = session.get(StaffUser, person.id)
    assert saved.role_set == {"translation_reviewer"} and saved.review_language_set == {"ur", "ar"}


def test_the_users_create_command_grants_review_languages(app, session):
    def create(email: str, languages: str):
        return app.test_cli_runner().invoke(
            args=["users", "create", "--email", email, "--name", "CLI Reviewer"]
            + ["--role", "translation_reviewer", "--languages", languages]
            + ["--password", "a long enough passphrase here"]
        )

    result = create("cli.reviewer@example.nhs.uk", "ur,ar")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(StaffUser).where(StaffUser.email == "cli.reviewer@example.nhs.uk"))
    assert user.review_language_set == {"ur", "ar"}
    refused = create("other.reviewer@example.nhs.uk", "ur,xx")
    assert refused.exit_code != 0 and "Unknown languages: xx" in refused.output


def test_the_queue_puts_the_newest_english_changes_first(app, client, staff, session):
    with app.app_context():
        seed_directory(session, ROOT / "content")
    service = session.scalars(select(dm.Service).order_by(dm.Service.id)).first()
    session.add(
        dm.Translation(entity="service", entity_id=service.id, lang="ur", name="نام", description=None)
    )
    english_changed = published(session, "en").created_at
    later, earlier = english_changed + timedelta(days=1), english_changed - timedelta(days=1)
    service.last_modified = later
    session.commit()

    def order() -> list[str]:
        keys = [item.key for item in content_items(app, session, "ur")]
        return sorted(["example", service.id], key=keys.index)

    assert order() == [service.id, "example"]
    session.get(dm.Service, service.id).last_modified = earlier
    session.commit()
    assert order() == ["example", service.id]


def test_an_uploaded_content_file_cannot_claim_a_review(client, staff, session, seeded):
    _, publisher_user = staff["publisher"]
    text = (seeded / "pages" / "example" / "ur.md").read_text(encoding="utf-8")
    english = english_hash(session)
    text = re.sub(r"translated_from: \w+\n", f"translated_from: {english}\n", text)
    text = text.replace(
        "review_status: awaiting-translator-review\n",
        f"review_status: reviewed\nreviewed_by: Someone\nreviewed_on: 2026-12-01\nreviewed_english: {english}\n",
    ).replace("\n\n", "\n\nChanged. ", 1)
    files = {"pages/example/en.md": (seeded / "pages" / "example" / "en.md").read_text(encoding="utf-8")}
    response = upload(staff["publisher"][0], zip_of({**files, "pages/example/ur.md": text}))
    assert response.status_code == 302
    uploaded = latest(session, "ur")
    assert uploaded.author_id == publisher_user.id and uploaded.status == "in_review"
    assert uploaded.review_status == "awaiting-translator-review"
    assert (uploaded.reviewed_by, uploaded.reviewed_at, uploaded.reviewed_english) == (None, None, None)


def test_the_queue_lists_the_interface_strings_waiting_and_links_to_their_screen(client, staff, session, app):
    reviewer, _ = staff["reviewer"]
    html = reviewer.get("/backoffice/translations/ur").get_data(as_text=True)
    assert re.search(r"\d+ interface strings \(buttons, labels, messages\)", html)
    assert 'href="/backoffice/translations/ur/strings"' in html
    assert reviewer.get("/backoffice/translations/ur/strings").status_code == 200
    assert reviewer.get("/backoffice/translations/ar/strings").status_code == 404


def test_approving_an_urdu_page_takes_its_notice_away_for_that_page_only_and_an_english_change_brings_it_back(
    app, client, staff, session, content_dir
):
    import shutil

    from flask_babel import force_locale, gettext

    # A second Urdu page, brought onto the running site as `flask pages load` does (with a second person).
    shutil.copytree(content_dir / "pages" / "example", content_dir / "pages" / "example-two")
    load_with_second_person(session, content_dir)
    with app.test_request_context("/ur/"), force_locale("ur"):
        not_checked = gettext("This translation has not been checked")
        out_of_date = gettext("This translation may be out of date")
    assert not_checked != "This translation has not been checked"

    def notice(slug: str) -> str:
        html = client.get(f"/ur/{slug}").get_data(as_text=True)
        main = html.split('id="maincontent"')[1]
        return "not checked" if not_checked in main else "out of date" if out_of_date in main else "none"

    assert (notice("example"), notice("example-two")) == ("not checked", "not checked")
    reviewer, _ = staff["reviewer"]
    publisher, _ = staff["publisher"]
    decide(reviewer, PAGE_URL, decision="approve")
    reviewed = latest(session, "ur")
    act(publisher, "example", "ur", reviewed.id, "approve")
    act(publisher, "example", "ur", reviewed.id, "publish")
    assert (notice("example"), notice("example-two")) == ("none", "not checked")

    change_english(staff, session, "Most people find the kit easy to use.")
    assert (notice("example"), notice("example-two")) == ("out of date", "not checked")
