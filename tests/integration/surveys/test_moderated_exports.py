"""What leaves the building is what the moderator approved: exports in every format carry the moderated
text, the text as typed only with its own permission and an audit entry of its own."""

import csv
import io
import json
from datetime import date

import openpyxl
import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.surveys import exports, submission
from alliance.surveys.models import Answer, Survey
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.conftest import CONTENT, csrf_from

PERSONAL = "The nurses were kind. My name is Jane Smith, ring me on 07700 900123."
REJECTED = "This answer is rude about a named doctor."
UNDECIDED = "The car park was full every single time."
FORMATS = ("csv", "xlsx", "json")


def send(session, slug, **answers):
    submission.submit(
        session,
        slug,
        "en",
        submission.new_token(),
        {"connection": "public", "barriers": ["transport"], **answers},
        {},
        CONTENT,
    )


@pytest.fixture
def survey_id(session, survey):
    send(
        session,
        survey,
        tell_us_more=PERSONAL,
        connection="patient",
        experience_rating="4",
        travel_minutes="45",
        last_appointment="2026-09-03",
        what_matters=["quick", "close", "explained", "support", "choices"],
    )
    send(session, survey, tell_us_more=REJECTED)
    send(session, survey, tell_us_more=UNDECIDED)
    return session.scalar(select(Survey.id).where(Survey.slug == survey))


@pytest.fixture
def moderator(app, session):
    return signed_in_client(app, make_staff(session, roles="moderator", email="moderator@example.nhs.uk"))


@pytest.fixture
def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))


@pytest.fixture
def admin(app, session):
    return signed_in_client(app, make_staff(session, roles="administrator", email="admin@example.nhs.uk"))


def decide(client, session, survey_id, text, **data):
    answer = session.scalar(select(Answer.id).where(Answer.value == text))
    url = f"/backoffice/moderation/{survey_id}/answers/{answer}"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page), "text": text, **data})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    return page


def everything_in(client, survey_id, fmt: str, query: str = "") -> str:
    """An export's whole text: every cell of every sheet for XLSX."""
    response = client.get(f"/backoffice/surveys/{survey_id}/report/export.{fmt}{query}")
    assert response.status_code == 200
    if fmt != "xlsx":
        return response.get_data(as_text=True)
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    return "\n".join(
        str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row
    )


@pytest.fixture
def moderated(session, survey_id, moderator):
    page = decide(moderator, session, survey_id, PERSONAL, decision="redact", redact=["0", "1"])
    decide(moderator, session, survey_id, REJECTED, decision="reject")
    return page


def test_a_redacted_phone_number_and_name_are_in_no_export_format(lead, survey_id, moderated):
    for fmt in FORMATS:
        text = everything_in(lead, survey_id, fmt)
        assert "07700" not in text and "900123" not in text and "Jane" not in text and "Smith" not in text, (
            fmt
        )
        assert "My name is [redacted], ring me on [redacted]." in text, fmt


def test_a_rejected_answer_is_left_out_and_an_undecided_one_is_marked_not_shown(lead, survey_id, moderated):
    for fmt in FORMATS:
        text = everything_in(lead, survey_id, fmt)
        assert "rude about" not in text and "car park" not in text, fmt
        assert exports.AWAITING in text, fmt
    rows = list(csv.DictReader(io.StringIO(everything_in(lead, survey_id, "csv").lstrip("\ufeff"))))
    assert [row["tell_us_more"] for row in rows] == [
        "The nurses were kind. My name is [redacted], ring me on [redacted].",
        "",
        exports.AWAITING,
    ]
    answers = [item["answers"] for item in json.loads(everything_in(lead, survey_id, "json"))["responses"]]
    assert "tell_us_more" not in answers[1] and answers[2]["tell_us_more"] == exports.AWAITING


def test_the_redaction_screen_says_what_exports_will_carry(moderated):
    assert "Reports, quotes and downloads (CSV, spreadsheet, JSON) carry the published text" in moderated
    assert "A rejected answer is left out of them" in moderated
    assert "[awaiting moderation]" in moderated


def test_the_text_as_typed_needs_its_own_permission_and_each_raw_export_is_audited(
    session, lead, admin, survey_id, moderated
):
    for fmt in FORMATS:
        assert lead.get(f"/backoffice/surveys/{survey_id}/report/export.{fmt}?text=raw").status_code == 403
        text = everything_in(admin, survey_id, fmt, "?text=raw")
        assert "07700 900123" in text and "Jane Smith" in text and "car park" in text, fmt
    raw = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "survey.export.raw").order_by(AuditEvent.id)
    ).all()
    assert [json.loads(event.detail)["format"] for event in raw] == list(FORMATS)
    assert all(json.loads(event.detail)["text"] == "as typed" for event in raw)
    assert all(event.actor_email == "admin@example.nhs.uk" for event in raw)
    assert "07700" not in " ".join(event.detail for event in raw)
    report = admin.get(f"/backoffice/surveys/{survey_id}/report").get_data(as_text=True)
    assert "text=raw" in report
    assert "text=raw" not in lead.get(f"/backoffice/surveys/{survey_id}/report").get_data(as_text=True)


def test_the_spreadsheet_has_typed_cells_question_headings_codes_and_a_frozen_filtered_header(
    lead, survey_id, moderated
):
    response = lead.get(f"/backoffice/surveys/{survey_id}/report/export.xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook["Responses"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}4"
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    codes = list(workbook["Codes"].iter_rows(values_only=True))
    heading = {code: head for head, code, _kind, option, _label in codes[1:] if option is None}
    # Headings are the questions' text, never their codes; the codes are on the second sheet.
    assert "tell_us_more" not in header and heading["tell_us_more"] in header
    assert codes[0] == ("Heading in Responses", "Question code", "Kind", "Option code", "Option")
    assert first[heading["experience_rating"]] == 4
    assert first[heading["travel_minutes"]] == 45
    assert first["Submitted on"] == first["Submitted on"].replace(hour=0) and first["Survey version"] == 1
    ranks = [name for name in header if name.startswith(heading["what_matters"].removesuffix(" (rank 1)"))]
    assert len(ranks) == 5 and ranks[0].endswith("(rank 1)") and ranks[4].endswith("(rank 5)")
    labels = {key: label for _h, code, _k, key, label in codes[1:] if code == "what_matters" and key}
    assert [first[name] for name in ranks] == [
        labels[key] for key in ["quick", "close", "explained", "support", "choices"]
    ]
    dates = [value for value in first.values() if hasattr(value, "year") and value.year == 2026]
    assert any(value.date() == date(2026, 9, 3) for value in dates)
    assert sheet.cell(2, header.index(heading["experience_rating"]) + 1).data_type == "n"
