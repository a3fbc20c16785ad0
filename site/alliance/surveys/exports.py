"""Survey exports as CSV, JSON and XLSX, produced as generators so a large survey streams in bounded memory.

Responses are read in keyset batches (`BATCH` at a time, by id) with their answers fetched per batch.
Every CSV and XLSX text cell is neutralised against spreadsheet formulas (JSON keeps text as typed).
Equality-monitoring answers are never joined to a response here: exports carry them as suppressed
aggregate counts, or, for staff allowed "surveys.equality", as separate rows linked to no response.

Free text leaves as the moderator decided: an approved answer as published (with its redactions), a
rejected one left out, one not yet moderated replaced by AWAITING. Only an export asked for with
`raw_text` (staff allowed "surveys.raw_text", and audited by the caller) carries the text as typed.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.spreadsheets import safe_cell
from alliance.surveys import equality, question_kinds, reports
from alliance.surveys.models import Answer, AnswerReview, EqualityResponse, Response, Survey
from alliance.surveys.suppression import MIN_BASE, SUPPRESSED_MARK

FORMATS = ("csv", "xlsx", "json")
BATCH = 1000
CHUNK = 64 * 1024
MIME_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FIXED_COLUMNS = ["reference", "version", "language", "locality", "submitted"]
EQUALITY_COLUMNS = ["submitted_on", *equality.KEYS]
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
AWAITING = "[awaiting moderation]"
FIXED_HEADINGS = ["Reference", "Survey version", "Language", "Locality", "Submitted on"]


@dataclass
class Column:
    question_id: int
    key: str
    kind: str
    heading: str
    options: dict[str, str]  # option key -> English text
    text: str = ""  # the question's English text

    def xlsx_headings(self) -> list[str]:
        """The column headings in the spreadsheet: the question's text, one column per rank for a ranking."""
        title = self.text or self.key
        if question_kinds.exporting(self.kind).value == "ranks":
            return [f"{title} (rank {rank})" for rank in range(1, len(self.options) + 1)]
        return [title]


def filename(survey: Survey, fmt: str, today: str) -> str:
    return f"{survey.slug}-v{survey.version}-responses-{today}.{fmt}"


def columns(session: Session, survey_id: int) -> list[Column]:
    texts = reports.english_texts(session, survey_id)
    found = []
    for question in reports.questions_of(session, survey_id):
        found.append(
            Column(
                question_id=question.id,
                key=question.key,
                kind=question.kind,
                heading=question.key,
                text=texts.get(f"q.{question.key}.text", ""),
                options={
                    key: reports.option_label(texts, question, key) for key in reports.option_keys(question)
                },
            )
        )
    return found


def cell(value: object) -> str:
    """A text cell safe to open in a spreadsheet. Plain numbers stay as they are ("-3" is not a formula)."""
    text = "" if value is None else str(value)
    return text if PLAIN_NUMBER.match(text) else safe_cell(text)


def _value(column: Column, answers: list[tuple[str | None, str]]) -> str:
    """One question's answer in a response as text: choices joined with "; ", rankings in rank order."""
    shape = question_kinds.exporting(column.kind).value
    if shape == "ranks":
        ordered = sorted(answers, key=lambda item: int(item[1]) if item[1].isdigit() else 0)
        return "; ".join(column.options.get(key, key) for key, _ in ordered if key)
    if shape == "choices":
        chosen = []
        for key, text in answers:
            label = column.options.get(key, key or "")
            chosen.append(f"{label}: {text}" if text else label)
        return "; ".join(chosen)
    return answers[0][1] if answers else ""


def is_free_text(kind: str, value: str) -> bool:
    """Whether an answer's value is typed text (or a choice's "other" text), shown only as moderated."""
    return bool(value) and question_kinds.exporting(kind).reviewed_text


def shown_text(value: str, status: str | None, published: str | None, raw: bool = False) -> str | None:
    """The text an export carries for one free-text answer: as typed when `raw`; as published once
    approved; None (left out) once rejected; AWAITING until then, or when it has no review at all."""
    if raw:
        return value
    if status == "approved":
        return published or ""
    if status == "rejected":
        return None
    return AWAITING


def _responses(
    session: Session,
    survey_id: int,
    filters: reports.Filters,
    batch_size: int = BATCH,
    raw: bool = False,
    kinds: dict[int, str] | None = None,
) -> Iterator[tuple[Response, dict]]:
    """(response row, {question id: [(option key, value), ...]}) in id order, a batch at a time, with
    free text as `shown_text` gives it (a rejected free-text answer is left out; a rejected "other"
    text leaves its option chosen, without the text)."""
    if kinds is None:
        kinds = {column.question_id: column.kind for column in columns(session, survey_id)}
    ids = reports.filtered_ids(survey_id, filters)
    last = 0
    while True:
        batch = session.execute(
            select(
                Response.id,
                Response.reference,
                Response.survey_version,
                Response.lang,
                Response.locality,
                Response.submitted_at,
            )
            .where(Response.id.in_(ids), Response.id > last)
            .order_by(Response.id)
            .limit(batch_size)
        ).all()
        if not batch:
            return
        answers: dict[int, dict[int, list]] = {row.id: {} for row in batch}
        for response_id, question_id, key, value, status, published in session.execute(
            select(
                Answer.response_id,
                Answer.question_id,
                Answer.option_key,
                Answer.value,
                AnswerReview.status,
                AnswerReview.text,
            )
            .outerjoin(AnswerReview, AnswerReview.answer_id == Answer.id)
            .where(Answer.response_id.in_([row.id for row in batch]))
            .order_by(Answer.response_id, Answer.id)
        ):
            if question_id in kinds and is_free_text(kinds[question_id], value):
                value = shown_text(value, status, published, raw)
                if value is None and not key:
                    continue
            answers[response_id].setdefault(question_id, []).append((key, value or ""))
        for row in batch:
            yield row, answers[row.id]
        last = batch[-1].id


def _kinds(cols: list[Column]) -> dict[int, str]:
    return {column.question_id: column.kind for column in cols}


def _record(row, answers: dict, cols: list[Column]) -> tuple[list[str], list[str]]:
    fixed = [
        row.reference,
        str(row.survey_version),
        row.lang,
        row.locality or "",
        row.submitted_at.date().isoformat(),
    ]
    return fixed, [_value(column, answers.get(column.question_id, [])) for column in cols]


def csv_stream(
    session: Session, survey_id: int, filters: reports.Filters, batch: int = BATCH, raw_text: bool = False
) -> Iterator[str]:
    """UTF-8 CSV with a byte order mark first (so Excel reads it as UTF-8), one row per response."""
    cols = columns(session, survey_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([*FIXED_COLUMNS, *(column.heading for column in cols)])
    for count, (row, answers) in enumerate(
        _responses(session, survey_id, filters, batch, raw_text, _kinds(cols)), start=1
    ):
        fixed, values = _record(row, answers, cols)
        writer.writerow([cell(value) for value in (*fixed, *values)])
        if count % 200 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _count(value: int | None) -> int | str:
    """A count for a spreadsheet or JSON: the number, or "*" when suppressed."""
    return SUPPRESSED_MARK if value is None else value


def equality_summary(session: Session, survey_id: int, filters: reports.Filters) -> list[dict]:
    """Each equality question's category counts after suppression ("*" small, hidden when too few)."""
    found = []
    for question, breakdown in zip(
        equality.QUESTIONS, reports.equality_breakdowns(session, survey_id, filters), strict=True
    ):
        found.append(
            {
                "question": question.key,
                "hidden": breakdown.table.hidden,
                "counts": {
                    key: None if breakdown.table.hidden else _count(row[0])
                    for (key, _), row in zip(equality.options(question), breakdown.table.cells, strict=True)
                },
            }
        )
    return found


def equality_rows(session: Session, survey_id: int, filters: reports.Filters) -> Iterator[list[str]]:
    """Raw equality answers, one row per person who gave any, with no id and no link to a response."""
    monitored = select(Response.monitoring_id).where(
        Response.id.in_(reports.filtered_ids(survey_id, filters)), Response.monitoring_id.is_not(None)
    )
    query = (
        select(EqualityResponse.submitted_on, *(getattr(EqualityResponse, key) for key in equality.KEYS))
        .where(EqualityResponse.id.in_(monitored))
        # Ordered by the random id: not by date or insertion, so rows cannot be lined up with responses.
        .order_by(EqualityResponse.id)
        .execution_options(yield_per=BATCH)
    )
    for row in session.execute(query):
        yield [row[0].isoformat(), *(value or "" for value in row[1:])]


def json_stream(
    session: Session, survey_id: int, filters: reports.Filters, raw_equality: bool, raw_text: bool = False
) -> Iterator[str]:
    """A JSON object whose "responses" array is written one response at a time."""
    survey = session.get(Survey, survey_id)
    cols = columns(session, survey_id)
    head = {
        "survey": survey.slug,
        "version": survey.version,
        "filters": filters.describe(),
        "text": "as typed" if raw_text else "moderated",
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "responses": ['
    separator = "\n"
    for row, answers in _responses(session, survey_id, filters, raw=raw_text, kinds=_kinds(cols)):
        fixed, values = _record(row, answers, cols)
        record = dict(zip(FIXED_COLUMNS, fixed, strict=True))
        record["answers"] = {column.key: value for column, value in zip(cols, values, strict=True) if value}
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
    yield "\n]"
    if raw_equality:
        yield ', "equality_rows": ['
        separator = "\n"
        for values in equality_rows(session, survey_id, filters):
            yield separator + json.dumps(dict(zip(EQUALITY_COLUMNS, values, strict=True)), ensure_ascii=False)
            separator = ",\n"
        yield "\n]"
    yield ', "equality": ' + json.dumps(equality_summary(session, survey_id, filters), ensure_ascii=False)
    yield "}\n"


def _xlsx_text(value: object) -> object:
    if isinstance(value, int | float | date):
        return value
    return ILLEGAL_CHARACTERS_RE.sub("", cell(value))


def _typed(column: Column, answers: list[tuple[str | None, str]]) -> list[object]:
    """One question's cells in the Responses sheet: numbers and ratings as numbers, dates as dates,
    a ranking as one cell per rank (the option's label), anything else as safe text."""
    kind = question_kinds.exporting(column.kind)
    if kind.value == "ranks":
        by_rank = {int(value): key for key, value in answers if key and value.isdigit()}
        return [
            _xlsx_text(column.options.get(by_rank[rank], by_rank[rank])) if rank in by_rank else None
            for rank in range(1, len(column.options) + 1)
        ]
    value = _value(column, answers)
    if kind.cell == "number" and re.fullmatch(r"-?\d{1,15}", value):
        return [int(value)]
    if kind.cell == "date" and value:
        try:
            return [date.fromisoformat(value)]
        except ValueError:
            pass
    return [_xlsx_text(value) if value else None]


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _code_rows(cols: list[Column]) -> Iterator[list]:
    yield ["Heading in Responses", "Question code", "Kind", "Option code", "Option"]
    for column in cols:
        headings = column.xlsx_headings()
        yield [headings[0], column.key, column.kind, None, None]
        for key, label in column.options.items():
            yield [headings[0], column.key, column.kind, key, label]


def _question_rows(session: Session, survey_id: int, filters: reports.Filters) -> Iterator[list]:
    yield ["question", "kind", "text", "answer", "respondents"]
    for item in reports.question_reports(session, survey_id, filters):
        answered = item.respondents if item.respondents >= MIN_BASE else "fewer than 10"
        yield [item.key, item.kind, item.text, "(all)", answered]
        if item.breakdown is not None:
            table = item.breakdown.table
            for label, row in zip(item.breakdown.rows, table.cells, strict=True):
                yield [item.key, item.kind, item.text, label, table.reason or _count(row[0])]
        if item.number is not None:
            summary = item.number
            for name in ("mean", "median", "lower_quartile", "upper_quartile"):
                value = getattr(summary, name)
                yield [
                    item.key,
                    item.kind,
                    item.text,
                    name.replace("_", " "),
                    "*" if value is None else value,
                ]
        for label, mean in item.ranking or []:
            yield [item.key, item.kind, item.text, f"mean rank: {label}", mean]


def xlsx_stream(
    session: Session, survey_id: int, filters: reports.Filters, raw_equality: bool, raw_text: bool = False
) -> Iterator[bytes]:
    """An XLSX workbook (sheets Responses, Codes, Questions, Themes, Equality) built in write-only mode
    in a temporary file, then streamed from it in chunks. Responses has the questions' text as headings
    (their codes are on Codes), a frozen header row with filters, typed numbers and dates, and one column
    per rank for a ranking question."""
    cols = columns(session, survey_id)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Responses")
    sheet.freeze_panes = "A2"
    headings = [*FIXED_HEADINGS, *(heading for column in cols for heading in column.xlsx_headings())]
    sheet.append([_xlsx_text(heading) for heading in headings])
    rows = 1
    for row, answers in _responses(session, survey_id, filters, raw=raw_text, kinds=_kinds(cols)):
        fixed = [row.reference, row.survey_version, row.lang, row.locality or None, row.submitted_at.date()]
        typed = [value for column in cols for value in _typed(column, answers.get(column.question_id, []))]
        sheet.append([_xlsx_text(value) if value is not None else None for value in fixed] + typed)
        rows += 1
    sheet.auto_filter.ref = f"A1:{_column_letter(len(headings))}{rows}"
    codes = workbook.create_sheet("Codes")
    for values in _code_rows(cols):
        codes.append([None if value is None else _xlsx_text(value) for value in values])
    questions = workbook.create_sheet("Questions")
    for values in _question_rows(session, survey_id, filters):
        questions.append([_xlsx_text(value) for value in values])
    themes = workbook.create_sheet("Themes")
    themes.append(["theme", "respondents"])
    breakdown = reports.theme_counts(session, survey_id, filters)
    for label, row in zip(breakdown.rows, breakdown.table.cells, strict=True):
        themes.append([_xlsx_text(label), breakdown.table.reason or _count(row[0])])
    sheet = workbook.create_sheet("Equality")
    if raw_equality:
        sheet.append(EQUALITY_COLUMNS)
        for values in equality_rows(session, survey_id, filters):
            sheet.append([_xlsx_text(value) for value in values])
    else:
        sheet.append(["question", "answer", "respondents"])
        for item in equality_summary(session, survey_id, filters):
            for key, count in item["counts"].items():
                sheet.append([item["question"], key, "not shown: fewer than 10" if item["hidden"] else count])
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook.save(path)
        with open(path, "rb") as saved:
            while chunk := saved.read(CHUNK):
                yield chunk
    finally:
        os.unlink(path)


def export(
    session: Session,
    survey_id: int,
    fmt: str,
    filters: reports.Filters,
    raw_equality: bool = False,
    raw_text: bool = False,
) -> Iterator[str | bytes]:
    """The chosen format's generator. Nothing is read until the first chunk is asked for. Free text is
    the moderated text unless `raw_text`."""
    if fmt == "csv":
        return csv_stream(session, survey_id, filters, raw_text=raw_text)
    if fmt == "json":
        return json_stream(session, survey_id, filters, raw_equality, raw_text)
    if fmt == "xlsx":
        return xlsx_stream(session, survey_id, filters, raw_equality, raw_text)
    raise ValueError(f"unknown export format {fmt!r}")
