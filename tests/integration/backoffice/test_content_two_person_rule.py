"""The two-person rule has no back door: a content zip, the editor, a scheduled publication and the
clinical flag itself all need a second person before a clinical page changes for the public."""

import io
import json
import os
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.pages import workflow
from alliance.pages.models import Page, PageRevision
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client
from tests.integration.backoffice.test_content_workflow import act, edit_fields, latest

ATTACK_TEXT = "Screening is no longer needed."


@pytest.fixture
def publisher(app, session, seeded):
    user = make_staff(session, roles="publisher", email="publisher@example.nhs.uk")
    return signed_in_client(app, user), user


@pytest.fixture
def second_publisher(app, session, seeded):
    user = make_staff(session, roles="publisher", email="second@example.nhs.uk")
    return signed_in_client(app, user), user


def zip_of(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def upload(client, data: bytes):
    page = client.get("/backoffice/content/import").get_data(as_text=True)
    return client.post(
        "/backoffice/content/import",
        data={"csrf_token": csrf_token(page), "archive": (io.BytesIO(data), "content.zip")},
        content_type="multipart/form-data",
    )


def page_file(content_dir, slug="example", lang="en") -> str:
    return (content_dir / "pages" / slug / f"{lang}.md").read_text(encoding="utf-8")


def clinical_action(client, action: str, slug: str = "example"):
    page = client.get(f"/backoffice/content/{slug}/en").get_data(as_text=True)
    return client.post(
        f"/backoffice/content/{slug}/clinical", data={"csrf_token": csrf_token(page), "action": action}
    )


def is_clinical(session, slug="example") -> bool:
    session.expire_all()
    return session.scalar(select(Page.clinical).where(Page.slug == slug))


def public_text(client, path="/en/example") -> str:
    return client.get(path).get_data(as_text=True)


def test_a_publisher_cannot_switch_off_the_clinical_flag_by_zip_nor_publish_their_own_text(
    client, publisher, session, seeded
):
    http, user = publisher
    flipped = (
        page_file(seeded)
        .replace("clinical: true", "clinical: false")
        .replace("Screening checks for blood in your poo.", ATTACK_TEXT)
    )
    response = upload(http, zip_of({"pages/example/en.md": flipped}))
    assert response.status_code == 302
    flash = http.get(response.location).get_data(as_text=True)
    assert "1 new revisions in review" in flash and "the clinical flag in example/en was not used" in flash
    # The flag stayed, the text waits in review as the uploader's, and readers see nothing new.
    assert is_clinical(session)
    imported = latest(session)
    assert (imported.status, imported.author_id, imported.approved_by_id) == ("in_review", user.id, None)
    assert ATTACK_TEXT not in public_text(client)
    # The uploader can neither approve nor publish it.
    refused = http.get(act(http, "example", "en", imported.id, "approve").location).get_data(as_text=True)
    assert "not the author" in refused
    act(http, "example", "en", imported.id, "publish")
    assert latest(session).status == "in_review" and ATTACK_TEXT not in public_text(client)
    # Nor write, approve and publish their own next revision in the editor.
    http.post(
        "/backoffice/content/example/en/edit", data=edit_fields(http, "example", "en", body=ATTACK_TEXT)
    )
    own = latest(session)
    assert own.author_id == user.id and own.status == "draft"
    act(http, "example", "en", own.id, "submit")
    assert "not the author" in http.get(act(http, "example", "en", own.id, "approve").location).get_data(
        as_text=True
    )
    act(http, "example", "en", own.id, "publish")
    assert latest(session).status == "in_review"
    assert ATTACK_TEXT not in public_text(client)


def test_a_second_publisher_approves_imported_text_and_then_it_goes_live_with_both_names(
    client, publisher, second_publisher, session, seeded
):
    http, user = publisher
    other_http, other = second_publisher
    changed = page_file(seeded).replace("Screening checks for blood in your poo.", ATTACK_TEXT)
    assert upload(http, zip_of({"pages/example/en.md": changed})).status_code == 302
    imported = latest(session)
    act(other_http, "example", "en", imported.id, "approve")
    act(other_http, "example", "en", imported.id, "publish")
    published = latest(session)
    assert (published.status, published.author_id, published.approved_by_id) == (
        "published",
        user.id,
        other.id,
    )
    assert ATTACK_TEXT in public_text(client)


def test_a_zip_import_makes_every_changed_file_a_draft_in_review_by_the_uploader(
    client, publisher, session, seeded
):
    http, user = publisher
    new_page = (
        "---\ntitle: A page from a zip\nsection: help\norder: 5\nclinical: false\n---\n\nUploaded words.\n"
    )
    urdu = page_file(seeded, lang="ur").replace("اسکریننگ آپ", "نیا متن اسکریننگ آپ")
    files = {
        "pages/example-easy-read/en.md": page_file(seeded, "example-easy-read") + "\nEasy words added.\n",
        "pages/example/ur.md": urdu,
        "pages/a-zip-page/en.md": new_page,
        "pages/example/en.md": page_file(seeded),  # unchanged: no revision
    }
    before = {r.id for r in session.scalars(select(PageRevision))}
    response = upload(http, zip_of(files))
    assert response.status_code == 302
    session.expire_all()
    added = [r for r in session.scalars(select(PageRevision).order_by(PageRevision.id)) if r.id not in before]
    assert len(added) == 3
    assert {(r.status, r.author_id, r.approved_by_id, r.origin) for r in added} == {
        ("in_review", user.id, None, "import")
    }
    translation = next(r for r in added if r.lang == "ur")
    assert translation.review_status == "awaiting-translator-review"
    # A page new to the site starts clinical, whatever its file says, and nobody sees it yet.
    assert is_clinical(session, "a-zip-page")
    assert client.get("/en/a-zip-page").status_code == 404
    assert "Easy words added." not in public_text(client, "/en/example-easy-read")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "content.import")).one()
    assert event.actor_email == user.email
    assert sorted(json.loads(event.detail)["pages"]) == [
        "a-zip-page/en",
        "example-easy-read/en",
        "example/ur",
    ]
    # Uploading the same zip again adds nothing.
    assert upload(http, zip_of(files)).status_code == 302
    assert len(session.scalars(select(PageRevision)).all()) == len(before) + 3


def test_a_clinical_flag_comes_off_only_when_a_second_publisher_agrees_and_each_step_is_audited(
    publisher, second_publisher, session
):
    http, user = publisher
    other_http, other = second_publisher
    assert "Ask to make it non-clinical" in http.get("/backoffice/content/example/en").get_data(as_text=True)
    clinical_action(http, "request-not-clinical")
    waiting = http.get("/backoffice/content/example/en").get_data(as_text=True)
    assert "publisher@example.nhs.uk asked on" in waiting and "Another publisher must agree" in waiting
    refused = http.get(clinical_action(http, "approve-not-clinical").location).get_data(as_text=True)
    assert "A publisher other than the one who asked must agree" in refused
    assert is_clinical(session)
    clinical_action(other_http, "approve-not-clinical")
    assert not is_clinical(session)
    # Making a page clinical only adds protection: one publisher may do it.
    clinical_action(http, "make-clinical")
    assert is_clinical(session)
    events = session.execute(
        select(AuditEvent.action, AuditEvent.actor_email)
        .where(AuditEvent.action.startswith("content.clinical"))
        .order_by(AuditEvent.id)
    ).all()
    assert [tuple(e) for e in events] == [
        ("content.clinical.off_requested", user.email),
        ("content.clinical.off", other.email),
        ("content.clinical.on", user.email),
    ]


def test_an_editor_cannot_change_the_clinical_flag_and_a_bad_action_is_refused(app, session, seeded):
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert "Ask to make it non-clinical" not in editor.get("/backoffice/content/example/en").get_data(
        as_text=True
    )
    page = editor.get("/backoffice/content/example/en/edit").get_data(as_text=True)
    response = editor.post(
        "/backoffice/content/example/clinical",
        data={"csrf_token": csrf_token(page), "action": "request-not-clinical"},
    )
    assert response.status_code == 403 and is_clinical(session)
    publisher = signed_in_client(app, make_staff(session, roles="publisher"))
    page = publisher.get("/backoffice/content/example/en").get_data(as_text=True)
    bad = publisher.post(
        "/backoffice/content/example/clinical", data={"csrf_token": csrf_token(page), "action": "drop-it"}
    )
    assert bad.status_code == 400 and is_clinical(session)


def test_a_self_approved_revision_of_a_page_made_clinical_since_cannot_go_live_now_or_on_schedule(
    publisher, session
):
    http, user = publisher
    page = session.scalar(select(Page).where(Page.slug == "example-easy-read"))
    page.clinical = False
    session.commit()
    ids = []
    for words in ("Now.", "Later."):
        http.post(
            "/backoffice/content/example-easy-read/en/edit",
            data=edit_fields(http, "example-easy-read", "en", body=words),
        )
        revision = latest(session, slug="example-easy-read")
        act(http, "example-easy-read", "en", revision.id, "submit")
        act(http, "example-easy-read", "en", revision.id, "approve")
        assert latest(session, slug="example-easy-read").status == "approved"
        ids.append(revision.id)
    later = datetime.now(UTC) + timedelta(hours=1)
    workflow.publish(session, ids[1], later)
    session.commit()
    clinical_action(http, "make-clinical", "example-easy-read")
    session.expire_all()
    with pytest.raises(workflow.WorkflowError, match="not the author"):
        workflow.publish(session, ids[0])
    session.rollback()
    assert workflow.publish_due(session, later + timedelta(minutes=1)) == []
    session.commit()
    session.expire_all()
    sent_back = session.get(PageRevision, ids[1])
    assert (sent_back.status, sent_back.approved_by_id, sent_back.publish_at) == ("in_review", None, None)


def test_a_yaml_alias_bomb_is_refused_with_a_message_and_changes_nothing(publisher, session, seeded):
    http, _user = publisher
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}" + f",*{chr(97 + i)}" * 8 + "]" for i in range(5)
    ]
    lines += ["title: *f", "section: help", "---", "x"]
    bomb = zip_of({"pages/example/en.md": "\n".join(lines)})
    assert len(bomb) < 600
    count = len(session.scalars(select(PageRevision)).all())
    response = upload(http, bomb)
    assert response.status_code == 400
    assert "pages/example/en.md: line 2: YAML anchors and aliases (&amp; and *) are not allowed" in (
        response.get_data(as_text=True)
    )
    assert len(session.scalars(select(PageRevision)).all()) == count


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"pages/example/en.md": "---\ntitle: " + "T" * 201 + "\nsection: help\n---\nbody"},
            "pages/example/en.md: &#39;title&#39; is longer than 200 characters",
        ),
        (
            {"pages/example/en.md": "---\ntitle: T\nsection: help\norder: 99999999999999999999\n---\nbody"},
            "&#39;order&#39; must be between 0 and 100000",
        ),
        (
            {"pages/example/en.md": "---\ntitle: T\nsection: help\n---\n" + "words " * 50_000},
            "Files over 256 KB: pages/example/en.md",
        ),
        (
            {f"pages/page-{n}/en.md": "x" * 250_000 for n in range(90)},
            "The file is too large (over 20 MB unpacked)",
        ),
        (
            {"pages/example/en.md": "---\ntitle: " + "[" * 5000 + "\nsection: help\n---\nbody"},
            "the front matter is nested too deeply",
        ),
        (
            {"pages/example/en.md": "---\ntitle: T\n" + "summary: s\n" * 2000 + "section: help\n---\nbody"},
            "the front matter is over 16 KB",
        ),
    ],
    ids=["long title", "huge order", "big file", "big unpacked", "deep nesting", "big front matter"],
)
def test_oversize_fields_files_and_uploads_are_refused_with_a_message(publisher, session, files, message):
    http, _user = publisher
    count = len(session.scalars(select(PageRevision)).all())
    response = upload(http, zip_of(files))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert len(session.scalars(select(PageRevision)).all()) == count


def test_an_upload_over_10_mb_or_not_a_zip_is_refused_with_a_message(publisher):
    http, _user = publisher
    big = upload(http, zip_of({"pages/example/en.md": os.urandom(10 * 1024 * 1024 + 1)}))
    assert big.status_code == 400 and "The file is too large (over 10 MB)" in big.get_data(as_text=True)
    junk = upload(http, b"this is not a zip")
    assert junk.status_code == 400 and "The file is not a .zip file" in junk.get_data(as_text=True)
