"""Files for translation agencies: a real XLIFF and PO round trip, refusals, and the exchange page."""

import json
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.pages import workflow
from alliance.pages.models import Page, PageLocale, PageRevision
from alliance.surveys import builder, seeding
from alliance.surveys.models import Survey, SurveyLanguage
from alliance.translation import exchange, strings
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client
from tests.integration.surveys.conftest import CONTENT

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"
NEW_BODY = "اسکریننگ آپ کے پاخانے میں خون کی جانچ کرتی ہے۔\n\n**نیا** ترجمہ: [مزید](https://www.nhs.uk/).\n"


def _export(runner, lang="ur", fmt="xliff") -> bytes:
    result = runner.invoke(args=["translations", "export", "--lang", lang, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _set_xliff_target(data: bytes, unit_id: str, text: str) -> bytes:
    """What a CAT tool does: write the translation into the unit's <target>, leaving the rest."""
    root = etree.fromstring(data)
    unit = root.find(f".//{{{XLIFF}}}trans-unit[@id='{unit_id}']")
    assert unit is not None, f"{unit_id} is not in the file"
    target = unit.find(f"{{{XLIFF}}}target")
    if target is None:
        target = etree.Element(f"{{{XLIFF}}}target")
        unit.find(f"{{{XLIFF}}}source").addnext(target)
    target.text = text
    target.set("state", "translated")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _published(session, slug, lang):
    session.expire_all()
    page_id = select(Page.id).where(Page.slug == slug).scalar_subquery()
    locale = session.scalar(select(PageLocale).where(PageLocale.page_id == page_id, PageLocale.lang == lang))
    revision = session.get(PageRevision, locale.published_revision_id)
    return revision.id, revision.title, revision.body


def _latest(session, slug, lang):
    session.expire_all()
    page_id = select(Page.id).where(Page.slug == slug).scalar_subquery()
    return session.scalar(
        select(PageRevision)
        .where(PageRevision.page_id == page_id, PageRevision.lang == lang)
        .order_by(PageRevision.number.desc())
    )


@pytest.fixture
def world(app, session, seeded, translations):
    seeding.seed_surveys(session, CONTENT)
    session.commit()
    return make_staff(session, roles="publisher", email="translations@example.nhs.uk")


def test_an_urdu_xliff_file_edited_as_a_cat_tool_would_comes_back_as_drafts_awaiting_review(
    app, session, runner, world, tmp_path
):
    data = _export(runner)
    root = etree.fromstring(data)
    assert root.get("version") == "1.2" and root.tag == f"{{{XLIFF}}}xliff"
    ids = [unit.get("id") for unit in root.iter(f"{{{XLIFF}}}trans-unit")]
    assert {"page.example.title", "page.example.body"} <= set(ids)
    assert any(i.startswith("survey.") for i in ids) and any(i.startswith("string.") for i in ids)
    english_hash = _latest(session, "example", "en").body_hash
    body_unit = root.find(f".//{{{XLIFF}}}trans-unit[@id='page.example.body']")
    assert f"english-version: {english_hash}" in body_unit.find(f"{{{XLIFF}}}note").text
    published_before = _published(session, "example", "ur")

    edited = _set_xliff_target(data, "page.example.body", NEW_BODY)
    edited = _set_xliff_target(edited, "page.example.title", "نیا عنوان")
    returned = tmp_path / "returned-ur.xlf"
    returned.write_bytes(edited)
    result = runner.invoke(args=["translations", "import", str(returned), "--as", world.email])

    assert result.exit_code == 0, result.output
    assert "1 page drafts awaiting review" in result.output
    draft = _latest(session, "example", "ur")
    assert (draft.title, draft.body, draft.status) == ("نیا عنوان", NEW_BODY, "draft")
    assert draft.origin == "import" and draft.author_id == world.id
    assert draft.review_status == "awaiting-translator-review" and draft.translated_from == english_hash
    assert "**نیا**" in draft.body and "(https://www.nhs.uk/)" in draft.body
    assert _published(session, "example", "ur") == published_before
    audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "translations.import"))
    assert audit.actor_email == world.email and "example" in audit.detail


def test_the_same_round_trip_works_with_a_po_file(app, session, runner, world, tmp_path):
    data = _export(runner, fmt="po").decode("utf-8")
    assert 'msgctxt "page.example.body"' in data and "Language: ur" in data
    # Poedit-like edit: fill the msgstr of the title unit.
    before, _sep, after = data.partition('msgctxt "page.example.title"\n')
    msgid_line, _nl, rest = after.partition("\n")
    _old, _nl, rest = rest.partition("\n")  # the msgstr line
    edited = before + 'msgctxt "page.example.title"\n' + msgid_line + '\nmsgstr "پی او سے عنوان"\n' + rest
    returned = tmp_path / "returned.po"
    returned.write_text(edited, encoding="utf-8")
    published_before = _published(session, "example", "ur")

    result = runner.invoke(args=["translations", "import", str(returned), "--as", world.email])

    assert result.exit_code == 0, result.output
    draft = _latest(session, "example", "ur")
    assert draft.title == "پی او سے عنوان" and draft.status == "draft" and draft.origin == "import"
    assert _published(session, "example", "ur") == published_before


def test_an_import_made_before_the_english_page_changed_is_refused_naming_the_page(
    app, session, runner, world, tmp_path
):
    data = _export(runner)
    english = _latest(session, "example", "en")
    revision_id = workflow.save_draft(
        session,
        "example",
        "en",
        workflow.Draft(
            english.title,
            english.summary,
            english.body + "\nA new sentence.\n",
            english.last_reviewed,
            english.next_review_due,
            json.loads(english.sources),
        ),
        world.id,
        english.id,
    )
    approver = make_staff(session, roles="publisher")
    workflow.submit_for_review(session, revision_id)
    workflow.approve(session, revision_id, approver.id)
    workflow.publish(session, revision_id)
    session.commit()
    count_before = len(session.scalars(select(PageRevision.id)).all())
    returned = tmp_path / "stale.xlf"
    returned.write_bytes(_set_xliff_target(data, "page.example.body", NEW_BODY))

    result = runner.invoke(args=["translations", "import", str(returned), "--as", world.email])

    assert result.exit_code != 0
    assert "English changed after this file was exported" in result.output and "page example" in result.output
    session.expire_all()
    assert len(session.scalars(select(PageRevision.id)).all()) == count_before


def test_survey_texts_come_back_unreviewed_and_interface_strings_as_proposals(
    app, session, runner, world, tmp_path, translations
):
    survey = session.scalar(select(Survey))
    data = _export(runner)
    title_id = f"survey.{survey.id}.title"
    pending = strings.pending_interface_strings("ur", session, translations)
    string = next(s for s in pending if s.msgid == "Skip to main content")
    edited = _set_xliff_target(data, title_id, "سروے کا نیا عنوان")
    edited = _set_xliff_target(edited, f"string.{string.key}", "مرکزی مواد پر جائیں (نیا)")
    returned = tmp_path / "returned.xlf"
    returned.write_bytes(edited)
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey.id, SurveyLanguage.lang == "ur")
    )
    language.translator_reviewed = True
    session.commit()
    # A reviewed survey language is not exported again, but a file made before the review still imports.

    result = runner.invoke(args=["translations", "import", str(returned), "--as", world.email])

    assert result.exit_code == 0, result.output
    session.expire_all()
    assert builder.texts(session, survey.id, "ur")["title"] == "سروے کا نیا عنوان"
    assert session.get(SurveyLanguage, language.id).translator_reviewed is False
    proposed = next(s for s in strings.interface_strings(session, "ur", translations) if s.key == string.key)
    assert proposed.status == "proposed" and proposed.proposed == "مرکزی مواد پر جائیں (نیا)"
    assert proposed.translation == string.translation  # the catalogue is unchanged until review-export


@pytest.mark.parametrize(
    "content, message",
    [
        (b"<xliff><file", "not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b'<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="x" '
            b'source-language="en" target-language="ur" datatype="plaintext"><body><trans-unit id="page.example.title">'
            b"<source>&lol2;</source></trans-unit></body></file></xliff>",
            "DOCTYPE",
        ),
        (b"\x00\x01binary", "NUL"),
        (b"<html><body>not xliff</body></html>", "not an XLIFF file"),
        (b"just some words\nthat are not a po file", "not a readable XLIFF or PO file"),
    ],
)
def test_a_hostile_or_broken_file_is_refused_with_a_clear_message(
    app, session, runner, world, tmp_path, content, message
):
    path = tmp_path / "hostile.xlf"
    path.write_bytes(content)
    result = runner.invoke(args=["translations", "import", str(path), "--as", world.email])
    assert result.exit_code == 1 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_a_file_for_another_language_or_with_unknown_units_is_refused(app, session, runner, world, tmp_path):
    urdu = _export(runner)
    with app.app_context(), pytest.raises(exchange.ExchangeError, match="into Urdu, not Polish"):
        exchange.import_file(session, urdu, world.id, world.email, "pl")
    unknown = urdu.replace(b'id="page.example.title"', b'id="page.no-such-page.title"')
    unknown = _set_xliff_target(unknown, "page.no-such-page.title", "x")
    unknown = _set_xliff_target(unknown, "page.example.body", NEW_BODY)
    path = tmp_path / "unknown.xlf"
    path.write_bytes(unknown.replace(b'id="page.example.summary"', b'id="gadget.1"'))
    result = runner.invoke(args=["translations", "import", str(path), "--as", world.email])
    assert result.exit_code == 1
    assert (
        "Page no-such-page: there is no such page" in result.output
        and "gadget.1: not a unit" in result.output
    )
    assert _latest(session, "example", "ur").origin != "import"


def test_the_exchange_page_exports_and_imports_for_a_reviewer_and_is_refused_to_an_editor(
    app, session, world, tmp_path
):
    client = signed_in_client(app, world)
    page = client.get("/backoffice/translations/ur/exchange")
    assert page.status_code == 200 and "Translation agency files" in page.get_data(as_text=True)
    exported = client.get("/backoffice/translations/ur/exchange/export.xliff")
    assert exported.status_code == 200 and "alliance-ur.xlf" in exported.headers["Content-Disposition"]
    edited = _set_xliff_target(exported.data, "page.example.body", NEW_BODY)
    token = csrf_token(page.get_data(as_text=True))
    from io import BytesIO

    response = client.post(
        "/backoffice/translations/ur/exchange/import",
        data={"csrf_token": token, "returned": (BytesIO(edited), "returned.xlf")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "1 page drafts awaiting review" in response.get_data(as_text=True)
    assert _latest(session, "example", "ur").body == NEW_BODY

    bad = client.post(
        "/backoffice/translations/ur/exchange/import",
        data={"csrf_token": token, "returned": (BytesIO(b"<xliff"), "bad.xlf")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "Nothing was imported" in bad.get_data(as_text=True)

    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get("/backoffice/translations/ur/exchange").status_code == 403
    assert client.get("/backoffice/translations/xx/exchange").status_code == 404
    assert client.get("/backoffice/translations/en/exchange").status_code == 404


def test_a_translation_holding_a_control_character_is_refused_and_nothing_changes(
    app, session, runner, world, tmp_path
):
    data = _export(runner, fmt="po")
    head, _sep, tail = data.partition(b'msgctxt "page.example.title"\n')
    msgid_line, _nl, rest = tail.partition(b"\n")
    _old, _nl, rest = rest.partition(b"\n")
    path = tmp_path / "bell.po"
    path.write_bytes(head + b'msgctxt "page.example.title"\n' + msgid_line + b'\nmsgstr "bell\x07"\n' + rest)

    result = runner.invoke(args=["translations", "import", str(path), "--as", world.email])

    assert (
        result.exit_code == 1
        and "page.example.title: the translation holds a control character (U+0007)" in result.output
    )
    assert _latest(session, "example", "ur").origin != "import"


def test_a_returned_file_over_the_public_limit_is_read_and_one_over_its_own_limit_is_a_413(
    app, session, world, monkeypatch
):
    from io import BytesIO

    client = signed_in_client(app, world)
    token = csrf_token(client.get("/backoffice/translations/ur/exchange").get_data(as_text=True))
    padded = b'<?xml version="1.0"?><!-- ' + b"x" * (2 * 1024 * 1024) + b" --><xliff"
    read = client.post(
        "/backoffice/translations/ur/exchange/import",
        data={"csrf_token": token, "returned": (BytesIO(padded), "big.xlf")},
        content_type="multipart/form-data",
    )
    assert read.status_code == 400 and "Nothing was imported" in read.get_data(as_text=True)
    monkeypatch.setitem(app.config, "EXCHANGE_MAX_BYTES", 1024 * 1024)
    refused = client.post(
        "/backoffice/translations/ur/exchange/import",
        data={"csrf_token": token, "returned": (BytesIO(padded), "big.xlf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 413


def _xliff_2(english, preserve: bool) -> bytes:
    space = ' xml:space="preserve"' if preserve else ""
    units = "".join(
        f'<unit id="page.example.{name}"{space}><notes><note category="developer">'
        f"english-version: {english.body_hash}</note></notes><segment><source>{escape(getattr(english, name))}"
        f"</source><target>{target}</target></segment></unit>"
        for name, target in (
            ("title", "عنوان دو"),
            ("summary", "خلاصہ دو"),
            ("body", "متن دو\n\nدوسرا پیراگراف"),
        )
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" '
        f'version="2.0" srcLang="en" trgLang="ur"><file id="f1">{units}</file></xliff>'
    ).encode()


def test_an_xliff_2_file_from_a_cat_tool_is_read_too_unless_it_folded_the_markdown_line_breaks(
    app, session, world
):
    english = _latest(session, "example", "en")
    with app.app_context():
        with pytest.raises(exchange.ExchangeError, match="lost its line breaks"):
            exchange.import_file(session, _xliff_2(english, preserve=False), world.id, world.email, "ur")
        report = exchange.import_file(session, _xliff_2(english, preserve=True), world.id, world.email, "ur")
    session.commit()

    latest = _latest(session, "example", "ur")
    assert report.pages == ["example"]
    assert (latest.title, latest.body) == ("عنوان دو", "متن دو\n\nدوسرا پیراگراف\n")
