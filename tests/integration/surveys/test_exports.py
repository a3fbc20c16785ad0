"""Survey exports over HTTP: CSV, XLSX and JSON, formula neutralising, equality rules, audit, streaming."""

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.surveys import exports, reports
from alliance.surveys.models import Answer, AnswerReview
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.test_reports import make_responses

FORMULA = "=SUM(A1)"
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def data(app, session):
    """44 responses; the first one's free text (a formula) approved as typed, two quotes approved, one
    answer rejected and the rest not yet moderated."""
    survey_id = make_responses(session, typed=FORMULA)
    formula = session.scalar(select(Answer.id).where(Answer.value == FORMULA))
    session.add(AnswerReview(answer_id=formula, survey_id=survey_id, status="approved", text=FORMULA))
    session.commit()
    return survey_id


def headings_by_code(workbook) -> dict[str, str]:
    """Question code -> its first heading in the Responses sheet, read from the Codes sheet."""
    rows = list(workbook["Codes"].iter_rows(values_only=True))[1:]
    return {code: heading for heading, code, _kind, option, _label in rows if option is None}


@pytest.fixture
def lead(app, session):
    return signed_in_client(app, make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk"))


@pytest.fixture
def admin(app, session):
    return signed_in_client(app, make_staff(session, roles="administrator", email="admin@example.nhs.uk"))


def test_csv_starts_with_a_bom_has_a_row_per_response_and_neutralises_formulas(lead, data):
    response = lead.get(f"/backoffice/surveys/{data}/report/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="have-your-say-on-cancer-care-v1-'
    )
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, records = rows[0], rows[1:]
    assert header[:5] == ["reference", "version", "language", "locality", "submitted"]
    assert len(records) == 44
    first = dict(zip(header, records[0], strict=True))
    assert first["one_change"] == "'" + FORMULA
    assert first["submitted"] == "2026-03-02" and first["locality"] == "Barnsley"
    assert first["what_matters"].count("; ") == 4
    assert not any(value.startswith(DANGEROUS) for row in records for value in row)


def test_csv_honours_the_report_filters(lead, data):
    body = lead.get(f"/backoffice/surveys/{data}/report/export.csv?locality=Sheffield&lang=ur").get_data()
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) - 1 == 10


def test_xlsx_has_its_sheets_neutralised_text_and_equality_only_in_aggregate(lead, data):
    response = lead.get(f"/backoffice/surveys/{data}/report/export.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Responses", "Codes", "Questions", "Themes", "Equality"]
    responses = list(workbook["Responses"].iter_rows(values_only=True))
    assert len(responses) == 45
    header = responses[0]
    assert responses[1][header.index(headings_by_code(workbook)["one_change"])] == "'" + FORMULA
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                assert not (isinstance(cell.value, str) and cell.value.startswith(DANGEROUS))
    equality = list(workbook["Equality"].iter_rows(values_only=True))
    assert equality[0] == ("question", "answer", "respondents")
    assert ("sex", "female", 30) in equality and ("sex", "male", 14) in equality
    assert ("age_band", "16-24", "not shown: fewer than 10") in equality
    themes = list(workbook["Themes"].iter_rows(values_only=True))
    assert themes == [("theme", "respondents"), ("Staff", 32), ("Travel", 12)]
    questions = list(workbook["Questions"].iter_rows(values_only=True))
    connection = [row[4] for row in questions if row[0] == "connection"]
    assert connection == [44, 20, "*", "*", 12, 0]


def test_raw_equality_rows_need_the_equality_permission_and_are_not_linked_to_responses(lead, admin, data):
    assert lead.get(f"/backoffice/surveys/{data}/report/export.xlsx?equality=raw").status_code == 403
    response = admin.get(f"/backoffice/surveys/{data}/report/export.xlsx?equality=raw")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(response.get_data()))["Equality"].iter_rows(values_only=True)
    )
    assert rows[0][:3] == ("submitted_on", "age_band", "sex")
    assert len(rows) == 45 and "reference" not in rows[0]
    body = json.loads(admin.get(f"/backoffice/surveys/{data}/report/export.json?equality=raw").get_data())
    assert len(body["equality_rows"]) == 44 and set(body["equality_rows"][0]) == set(exports.EQUALITY_COLUMNS)


def test_json_parses_and_carries_equality_only_as_counts_without_the_permission(lead, data):
    body = json.loads(lead.get(f"/backoffice/surveys/{data}/report/export.json").get_data())
    assert body["survey"] == "have-your-say-on-cancer-care" and body["version"] == 1
    assert len(body["responses"]) == 44 and "equality_rows" not in body
    # JSON is not opened in a spreadsheet: answers stay exactly as typed.
    assert body["responses"][0]["answers"]["one_change"] == FORMULA
    sex = next(item for item in body["equality"] if item["question"] == "sex")
    assert sex["counts"] == {"female": 30, "male": 14, "prefer-not-to-say": 0}


def test_every_export_is_audit_logged_without_personal_data(app, lead, session, data):
    for fmt in ("csv", "xlsx", "json"):
        lead.get(f"/backoffice/surveys/{data}/report/export.{fmt}?lang=en").get_data()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "survey.export").order_by(AuditEvent.id)
    ).all()
    assert [json.loads(e.detail)["format"] for e in events] == ["csv", "xlsx", "json"]
    detail = json.loads(events[0].detail)
    assert detail == {
        "equality": "aggregate",
        "filters": {"language": "en"},
        "format": "csv",
        "responses": 33,
        "text": "moderated",
    }
    assert (
        events[0].actor_email == "lead@example.nhs.uk"
        and events[0].target == "have-your-say-on-cancer-care v1"
    )
    assert all(FORMULA not in e.detail and "R0000000" not in e.detail for e in events)


def test_an_unknown_format_is_not_found_and_bad_filters_are_refused(lead, data):
    assert lead.get(f"/backoffice/surveys/{data}/report/export.pdf").status_code == 404
    assert lead.get(f"/backoffice/surveys/{data}/report/export.csv?locality=Atlantis").status_code == 400


def test_the_export_streams_chunk_by_chunk(lead, session, data):
    make_responses(session, data)  # 88 responses, one JSON chunk each
    response = lead.get(f"/backoffice/surveys/{data}/report/export.json", buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) > 80
    assert json.loads(b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks))["responses"]


def test_the_csv_generator_reads_in_batches_and_yields_every_two_hundred_rows(session, data):
    for _ in range(4):
        make_responses(session, data)  # 220 responses
    chunks = list(exports.csv_stream(session, data, reports.Filters(), batch=7))
    assert chunks[0].startswith("\ufeff") and len(chunks) == 2
    assert chunks[0].count("\n") == 201 and chunks[1].count("\n") == 20
    references = [line.split(",")[0] for chunk in chunks for line in chunk.splitlines()[1:]]
    assert len(set(references)) == len(references)
