"""Interface strings carry a review state per string: approvals in the database, the review file for
version control, read back add-only."""

import json

from babel.messages.pofile import read_po
from sqlalchemy import select

from alliance.translation import strings
from alliance.translation.strings import InterfaceStringReview
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client

SKIP = "Skip to main content"


def _string(session, translations, msgid, lang="ur"):
    return next(s for s in strings.interface_strings(session, lang, translations) if s.msgid == msgid)


def _pending_ids(session, translations, lang="ur"):
    return {s.msgid for s in strings.pending_interface_strings(lang, session, translations)}


def test_approving_one_string_stops_only_that_one_being_pending(app, session, translations):
    reviewer = make_staff(session, roles="publisher")
    before = _pending_ids(session, translations)
    assert SKIP in before and len(before) > 100

    strings.approve(
        session, "ur", [_string(session, translations, SKIP).key], reviewer.id, reviewer.email, translations
    )
    session.commit()

    after = _pending_ids(session, translations)
    assert after == before - {SKIP}
    assert _string(session, translations, SKIP).status == "reviewed"
    assert SKIP in _pending_ids(session, translations, "pl")


def test_changing_the_english_of_an_approved_string_makes_it_pending_again(app, session, translations):
    reviewer = make_staff(session, roles="publisher")
    strings.approve(
        session, "ur", [_string(session, translations, SKIP).key], reviewer.id, reviewer.email, translations
    )
    session.commit()
    catalogue = translations / "ur" / "LC_MESSAGES" / "messages.po"
    catalogue.write_text(
        catalogue.read_text(encoding="utf-8").replace(f'msgid "{SKIP}"', 'msgid "Skip to the main content"'),
        encoding="utf-8",
    )

    assert "Skip to the main content" in _pending_ids(session, translations)


def test_review_export_writes_the_review_file_and_approved_proposals_into_the_catalogue(
    app, session, runner, translations
):
    reviewer = make_staff(session, roles="publisher", email="reviewer@example.nhs.uk")
    skip = _string(session, translations, SKIP)
    assert strings.propose(session, "ur", skip, "سیدھا مرکزی مواد پر جائیں", None, "agency@example.com")
    session.commit()
    strings.approve(session, "ur", [skip.key], reviewer.id, reviewer.email, translations)
    session.commit()

    result = runner.invoke(args=["translations", "review-export", "--lang", "ur"])

    assert result.exit_code == 0, result.output
    assert "ur: 1 reviews written, 1 catalogue translations updated" in result.output
    review = json.loads((translations / "ur" / "REVIEW.json").read_text(encoding="utf-8"))
    assert review[SKIP]["status"] == "reviewed" and review[SKIP]["reviewed_by"] == reviewer.email
    assert review[SKIP]["english"] == strings.english_hash(SKIP)
    with (translations / "ur" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        assert read_po(handle, locale="ur").get(SKIP).string == "سیدھا مرکزی مواد پر جائیں"
    # The per-language statement the translation checks read is still there.
    assert "ur" in json.loads((translations / "REVIEW.json").read_text(encoding="utf-8"))
    assert _string(session, translations, SKIP).status == "reviewed"


def test_seeding_reads_the_review_file_add_only_and_never_overwrites_an_approval_made_here(
    app, session, translations
):
    skip = _string(session, translations, SKIP)
    other = next(s for s in strings.interface_strings(session, "ur", translations) if s.msgid != SKIP)
    (translations / "ur" / "REVIEW.json").write_text(
        json.dumps(
            {
                SKIP: {
                    "status": "flagged",
                    "reviewed_by": "file@example.com",
                    "reviewed_on": "2026-01-01",
                    "english": skip.english,
                    "translation": skip.translation,
                    "comment": "from the file",
                },
                other.msgid: {
                    "status": "reviewed",
                    "reviewed_by": "file@example.com",
                    "reviewed_on": "2026-01-01",
                    "english": other.english,
                    "translation": other.translation,
                },
            }
        ),
        encoding="utf-8",
    )
    reviewer = make_staff(session, roles="publisher")
    strings.approve(session, "ur", [skip.key], reviewer.id, reviewer.email, translations)
    session.commit()

    added, _summary = strings.seed_reviews(session, translations, translations)
    again, _summary = strings.seed_reviews(session, translations, translations)

    assert (added, again) == (1, 0)
    assert _string(session, translations, SKIP).status == "reviewed"
    assert _string(session, translations, other.msgid).status == "reviewed"
    row = session.scalar(select(InterfaceStringReview).where(InterfaceStringReview.key == skip.key))
    assert row.by_id == reviewer.id and row.comment == ""


def test_the_strings_page_approves_the_ticked_strings_and_flags_one_with_a_comment(
    app, session, translations
):
    reviewer = make_staff(session, roles="publisher")
    client = signed_in_client(app, reviewer)
    page = client.get("/backoffice/translations/ur/strings")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'lang="ur" dir="rtl"' in html
    first, second = strings.pending_interface_strings("ur", session, translations)[:2]

    response = client.post(
        "/backoffice/translations/ur/strings/approve",
        data={"csrf_token": csrf_token(html), "key": [first.key, second.key]},
        follow_redirects=True,
    )
    assert "2 interface strings approved" in response.get_data(as_text=True)
    assert {first.msgid, second.msgid}.isdisjoint(_pending_ids(session, translations))

    third = strings.pending_interface_strings("ur", session, translations)[0]
    flag_url = f"/backoffice/translations/ur/strings/{third.key}"
    blank = client.post(
        flag_url, data={"csrf_token": csrf_token(client.get(flag_url).get_data(as_text=True))}
    )
    assert blank.status_code == 400 and "Say what is wrong" in blank.get_data(as_text=True)
    client.post(flag_url, data={"csrf_token": csrf_token(html), "comment": "Too formal for a button"})
    flagged = _string(session, translations, third.msgid)
    assert flagged.status == "flagged" and flagged.comment == "Too formal for a button" and flagged.pending

    assert client.get("/backoffice/translations/ur/strings/ffffffffffffffff").status_code == 404
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    assert editor.get("/backoffice/translations/ur/strings").status_code == 403
    assert editor.post(
        "/backoffice/translations/ur/strings/approve", data={"key": first.key}
    ).status_code in (400, 403)
