import io
import re
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.pages import services, workflow
from alliance.pages.models import Page, PageRevision
from alliance.search import index
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client


@pytest.fixture
def people(app, session, seeded):
    editor = make_staff(session, roles="editor", email="editor@example.nhs.uk")
    publisher = make_staff(session, roles="publisher", email="publisher@example.nhs.uk")
    return signed_in_client(app, editor), signed_in_client(app, publisher), editor, publisher


def edit_fields(client, slug, lang, **changes) -> dict:
    html = client.get(f"/backoffice/content/{slug}/{lang}/edit").get_data(as_text=True)
    base = html.split('name="base_revision_id" type="hidden" value="')[1].split('"')[0]
    fields = {
        "base_revision_id": base,
        "title": "Example screening",
        "summary": "An example page used by the tests.",
        "body": "Screening checks for blood in your poo. Updated by the comms team.",
        "last_reviewed[day]": "22",
        "last_reviewed[month]": "11",
        "last_reviewed[year]": "2026",
        "next_review_due[day]": "22",
        "next_review_due[month]": "11",
        "next_review_due[year]": "2027",
        "sources": "NHS website: Bowel cancer screening | https://www.nhs.uk/tests-and-treatments/bowel-cancer-screening/",
        "action": "save",
        "csrf_token": csrf_token(html),
    }
    fields.update(changes)
    return fields


def latest(session, lang="en", slug="example") -> PageRevision:
    session.expire_all()
    page_id = select(Page.id).where(Page.slug == slug).scalar_subquery()
    query = select(PageRevision).where(PageRevision.lang == lang, PageRevision.page_id == page_id)
    return session.scalars(query.order_by(PageRevision.id.desc())).first()


def act(client, slug, lang, revision_id, action, **data):
    page = client.get(f"/backoffice/content/{slug}/{lang}").get_data(as_text=True)
    return client.post(
        f"/backoffice/content/{slug}/{lang}/revisions/{revision_id}/{action}",
        data={"csrf_token": csrf_token(page), **data},
    )


def test_an_edit_goes_from_draft_to_review_to_approval_to_the_public_page(client, people, session):
    editor, publisher, _e, _p = people
    response = editor.post("/backoffice/content/example/en/edit", data=edit_fields(editor, "example", "en"))
    assert response.status_code == 302
    draft = latest(session)
    assert draft.status == "draft" and draft.origin == "staff"
    assert "Updated by the comms team" not in client.get("/en/example").get_data(as_text=True)
    act(editor, "example", "en", draft.id, "submit")
    assert act(editor, "example", "en", draft.id, "approve").status_code == 403
    act(publisher, "example", "en", draft.id, "approve")
    act(publisher, "example", "en", draft.id, "publish")
    assert latest(session).status == "published"
    assert "Updated by the comms team" in client.get("/en/example").get_data(as_text=True)
    # The Urdu translation was made from the old English text: staff and readers are told.
    dashboard = publisher.get("/backoffice/content/translations?lang=ur").get_data(as_text=True)
    assert "out of date" in dashboard
    assert 'href="/en/example" hreflang="en"' in client.get("/ur/example").get_data(as_text=True)
    done = set(session.scalars(select(AuditEvent.action)))
    assert {"content.save", "content.submit", "content.approve", "content.published"} <= done


def test_the_author_of_a_clinical_page_cannot_approve_it(app, session, seeded):
    author = make_staff(session, roles="publisher")
    client = signed_in_client(app, author)
    client.post("/backoffice/content/example/en/edit", data=edit_fields(client, "example", "en"))
    draft = latest(session)
    act(client, "example", "en", draft.id, "submit")
    page = client.get(act(client, "example", "en", draft.id, "approve").location).get_data(as_text=True)
    assert "not the author" in page
    assert latest(session).status == "in_review"


def test_two_editors_saving_the_same_page_the_second_is_told_and_keeps_their_text(app, session, seeded):
    first = signed_in_client(app, make_staff(session, roles="editor"))
    second = signed_in_client(app, make_staff(session, roles="editor"))
    first_fields = edit_fields(first, "example", "en", body="First editor's words.")
    second_fields = edit_fields(second, "example", "en", body="Second editor's careful words.")
    assert first.post("/backoffice/content/example/en/edit", data=first_fields).status_code == 302
    response = second.post("/backoffice/content/example/en/edit", data=second_fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved this page after you opened it" in html
    assert "Second editor&#39;s careful words." in html
    again = second.post(
        "/backoffice/content/example/en/edit",
        data={**second_fields, "base_revision_id": str(latest(session).id), "csrf_token": csrf_token(html)},
    )
    assert again.status_code == 302 and latest(session).body.startswith("Second editor")


def test_preview_renders_the_public_page_without_saving(people, session):
    editor, *_ = people
    before = latest(session).id
    html = editor.post(
        "/backoffice/content/example/en/edit",
        data=edit_fields(
            editor,
            "example",
            "en",
            action="preview",
            body="::: care urgent Ask for an urgent GP appointment if:\n- you see blood\n:::",
        ),
    ).get_data(as_text=True)
    assert "nhsuk-card--care--urgent" in html and "Page last reviewed: 22 November 2026" in html
    assert "Flesch-Kincaid grade" in html
    assert latest(session).id == before


def test_a_clinical_page_cannot_be_saved_without_sources_and_nothing_typed_is_lost(people):
    editor, *_ = people
    html = editor.post(
        "/backoffice/content/example/en/edit",
        data=edit_fields(editor, "example", "en", sources="", body="Words I typed."),
    ).get_data(as_text=True)
    assert "must name its sources" in html and "Words I typed." in html and "<title>Error:" in html


def test_restore_makes_an_old_revision_a_new_draft_and_compare_shows_the_change(people, session):
    editor, publisher, *_ = people
    original = latest(session)
    editor.post(
        "/backoffice/content/example/en/edit",
        data=edit_fields(editor, "example", "en", body="Brand new text."),
    )
    act(editor, "example", "en", original.id, "restore")
    restored = latest(session)
    assert restored.status == "draft" and restored.body == original.body
    diff = editor.get(
        f"/backoffice/content/example/en/compare?from={original.id}&to={restored.id - 1}"
    ).get_data(as_text=True)
    assert "Added: </span>+ Brand new text." in diff and "Removed: </span>" in diff


def test_a_scheduled_publication_happens_when_its_time_comes(people, session, runner):
    editor, publisher, *_ = people
    editor.post(
        "/backoffice/content/example/en/edit",
        data=edit_fields(editor, "example", "en", body="Scheduled words."),
    )
    draft = latest(session)
    act(editor, "example", "en", draft.id, "submit")
    act(publisher, "example", "en", draft.id, "approve")
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    act(
        publisher,
        "example",
        "en",
        draft.id,
        "publish",
        **{
            "publish_on[day]": str(tomorrow.day),
            "publish_on[month]": str(tomorrow.month),
            "publish_on[year]": str(tomorrow.year),
            "publish_time": "09:30",
        },
    )
    assert latest(session).status == "approved" and latest(session).publish_at is not None
    assert runner.invoke(args=["pages", "publish-due"]).output.startswith("Published 0")
    assert workflow.publish_due(session, tomorrow + timedelta(hours=12)) == [draft.id]
    session.commit()
    assert latest(session).status == "published"


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("7", "12", "26", "Publish on: Enter the year as four digits, like 2026"),
        ("31", "2", "2027", "Publish on: Enter a real date"),
        ("7", "December", "2027", "Publish on: Enter a real date"),
    ],
)
def test_a_scheduled_publish_with_a_date_that_is_not_one_is_refused_and_nothing_goes_live(
    people, client, session, day, month, year, message
):
    editor, publisher, *_ = people
    editor.post(
        "/backoffice/content/example/en/edit",
        data=edit_fields(editor, "example", "en", body="Words that must wait."),
    )
    draft = latest(session)
    act(editor, "example", "en", draft.id, "submit")
    act(publisher, "example", "en", draft.id, "approve")
    response = act(
        publisher,
        "example",
        "en",
        draft.id,
        "publish",
        **{
            "publish_on[day]": day,
            "publish_on[month]": month,
            "publish_on[year]": year,
            "publish_time": "09:30",
        },
    )
    assert response.status_code == 302
    revision = latest(session)
    assert revision.status == "approved" and revision.publish_at is None
    assert message in publisher.get(response.headers["Location"]).get_data(as_text=True)
    assert "Words that must wait." not in client.get("/example").get_data(as_text=True)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("content.publish%")).order_by(AuditEvent.id)
    ).all()
    assert events == []


def test_unpublishing_takes_the_page_down_and_bumps_the_cache_version(people, client, session):
    _editor, publisher, *_ = people
    before = index.current_version(session, "pages-content")
    page = publisher.get("/backoffice/content/example/ur").get_data(as_text=True)
    publisher.post("/backoffice/content/example/ur/unpublish", data={"csrf_token": csrf_token(page)})
    assert index.current_version(session, "pages-content") > before
    assert '<article lang="en"' in client.get("/ur/example").get_data(as_text=True)


def test_content_exports_as_a_zip_and_a_broken_import_changes_nothing(people, session):
    _editor, publisher, *_ = people
    exported = publisher.get("/backoffice/content/export.zip")
    names = zipfile.ZipFile(io.BytesIO(exported.data)).namelist()
    assert "pages/example/en.md" in names and "pages/example/ur.md" in names
    count = len(session.scalars(select(PageRevision)).all())
    page = publisher.get("/backoffice/content/import").get_data(as_text=True)
    same = publisher.post(
        "/backoffice/content/import",
        data={"csrf_token": csrf_token(page), "archive": (io.BytesIO(exported.data), "content.zip")},
        content_type="multipart/form-data",
    )
    assert same.status_code == 302
    assert "Imported: 2 pages, 0 new revisions" in publisher.get(same.location).get_data(as_text=True)
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("pages/example/en.md", "---\ntitle: No section\n---\nbody")
    broken.seek(0)
    page = publisher.get("/backoffice/content/import").get_data(as_text=True)
    response = publisher.post(
        "/backoffice/content/import",
        data={"csrf_token": csrf_token(page), "archive": (broken, "content.zip")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "pages/example/en.md: &#39;section&#39; is required" in html
    assert len(session.scalars(select(PageRevision)).all()) == count
    evil = io.BytesIO()
    with zipfile.ZipFile(evil, "w") as archive:
        archive.writestr("../../etc/passwd.md", "x")
    evil.seek(0)
    response = publisher.post(
        "/backoffice/content/import",
        data={"csrf_token": csrf_token(page), "archive": (evil, "content.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and "something other than pages" in response.get_data(as_text=True)


def test_the_overdue_list_shows_pages_past_their_review_date(people, session):
    editor, *_ = people
    revision = latest(session)
    session.execute(
        PageRevision.__table__.update()
        .where(PageRevision.id == revision.id)
        .values(next_review_due=datetime(2020, 1, 1).date())
    )
    session.commit()
    html = editor.get("/backoffice/content/overdue").get_data(as_text=True)
    assert "1 January 2020" in html
    assert "<h2>Screening team</h2>" in html
    assert services.overdue_pages(session, datetime.now().date())


def test_the_back_office_stays_english_and_left_to_right_while_editing_a_right_to_left_page(people):
    editor, *_ = people
    for path in ("/backoffice/content/example/ur", "/backoffice/content/example/ur/edit"):
        html = editor.get(path).get_data(as_text=True)
        assert '<html lang="en" dir="ltr"' in html
    edit = editor.get("/backoffice/content/example/ur/edit").get_data(as_text=True)
    form = edit[edit.index('<form method="post" novalidate>') : edit.index("</form>")]
    # Each box of Urdu text is right to left; the English labels and hints around them are not mirrored.
    for name in ("title", "summary", "body"):
        box = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', form).group(0)
        assert 'lang="ur"' in box and 'dir="rtl"' in box, name
    label = re.search(r'<label[^>]*for="title"[^>]*>', form).group(0)
    assert "dir=" not in label


def test_the_readability_grade_is_shown_for_english_and_replaced_by_a_note_for_other_languages(people):
    editor, *_ = people
    english = editor.get("/backoffice/content/example/en/edit").get_data(as_text=True)
    assert 'id="readability-grade"' in english and 'id="readability-note"' not in english
    for lang, name in (("ur", "Urdu"), ("pl", "Polish")):
        other = editor.get(f"/backoffice/content/example/{lang}/edit").get_data(as_text=True)
        assert 'id="readability-grade"' not in other and "Flesch-Kincaid grade <strong" not in other
        assert (
            f"No readability score for {name}: the Flesch-Kincaid grade measures English text only" in other
        )
    # A preview of an Urdu draft (which runs the same view) shows no grade either.
    fields = edit_fields(editor, "example", "ur", action="preview", body="یہ ایک مثال ہے۔")
    preview = editor.post("/backoffice/content/example/ur/edit", data=fields).get_data(as_text=True)
    assert 'id="readability-grade"' not in preview and 'id="readability-note"' in preview
