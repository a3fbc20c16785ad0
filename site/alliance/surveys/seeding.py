"""Seeding: loading the surveys described in the content folder."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from alliance.surveys.locking import offer_language, response_count
from alliance.surveys.models import (
    QUESTION_KINDS,
    Option,
    Question,
    Survey,
    SurveyLanguage,
    SurveyPage,
    SurveyText,
)
from alliance.surveys.reading import SURVEY_FIELDS, SurveyError, _aware, latest_version

# Seeding ----------------------------------------------------------------------------------------------


def _texts_of(record: dict) -> dict[str, dict[str, str]]:
    """{lang: {key: text}} from a survey record whose text fields are {lang: text}."""
    found: dict[str, dict[str, str]] = {}

    def put(key: str, by_lang: dict | None) -> None:
        for lang, text in (by_lang or {}).items():
            found.setdefault(lang, {})[key] = text

    for name in SURVEY_FIELDS:
        put(name, record.get(name))
    for page in record["pages"]:
        for q in page["questions"]:
            put(f"q.{q['key']}.text", q["text"])
            put(f"q.{q['key']}.help", q.get("help"))
            put(f"q.{q['key']}.low", q.get("low_label"))
            put(f"q.{q['key']}.high", q.get("high_label"))
            for option in q.get("options", []):
                put(f"o.{q['key']}.{option['key']}", option["text"])
    return found


def _parse_time(value: str | None) -> datetime | None:
    return _aware(datetime.fromisoformat(value)) if value else None


def load_record(session: Session, record: dict, source_hash: str) -> str:
    """Create or replace one survey from its content record. Returns "created", "updated" or "locked"."""
    survey = latest_version(session, record["slug"])
    if survey is not None:
        if response_count(session, survey.id):
            return "locked"
        session.execute(delete(SurveyText).where(SurveyText.survey_id == survey.id))
        survey.pages.clear()
        survey.languages.clear()
        survey.version += 1
        session.flush()
        outcome = "updated"
    else:
        survey = Survey(slug=record["slug"], version=1)
        session.add(survey)
        outcome = "created"
    survey.status = record.get("status", "draft")
    survey.source_hash = source_hash
    fill_survey(session, survey, record)
    return outcome


def fill_survey(session: Session, survey: Survey, record: dict) -> None:
    """Give an empty survey row the settings, texts, languages, pages, questions and options of a
    record in the content format (see content/surveys/README.md). A language is offered unless the
    record says `"offered": false`; offering refuses an incomplete translation. The caller commits."""
    survey.opens_at = _parse_time(record.get("opens_at"))
    survey.closes_at = _parse_time(record.get("closes_at"))
    survey.retain_months = record.get("retain_months")
    survey.example_data = bool(record.get("example_data"))
    session.flush()
    for page_number, page in enumerate(record["pages"], start=1):
        page_row = SurveyPage(survey_id=survey.id, position=page_number)
        survey.pages.append(page_row)
        for position, q in enumerate(page["questions"], start=1):
            if q["kind"] not in QUESTION_KINDS:
                raise SurveyError(f"{record.get('slug', survey.slug)}: unknown kind {q['kind']}")
            condition = q.get("show_if")
            page_row.questions.append(
                Question(
                    survey_id=survey.id,
                    key=q["key"],
                    position=position,
                    kind=q["kind"],
                    required=bool(q.get("required")),
                    max_length=q.get("max_length"),
                    min_value=q.get("min_value"),
                    max_value=q.get("max_value"),
                    show_if_key=condition["question"] if condition else None,
                    show_if_values=json.dumps(condition["values"]) if condition else None,
                    options=[
                        Option(key=option["key"], position=n, is_other=bool(option.get("other")))
                        for n, option in enumerate(q.get("options", []), start=1)
                    ],
                )
            )
    for lang, texts in _texts_of(record).items():
        for key, text in texts.items():
            session.add(SurveyText(survey_id=survey.id, lang=lang, key=key, text=text))
    session.flush()
    for lang, settings in record["languages"].items():
        session.add(
            SurveyLanguage(
                survey_id=survey.id,
                lang=lang,
                offered=False,
                translator_reviewed=bool(settings.get("reviewed")),
            )
        )
        session.flush()
        if settings.get("offered", True):
            offer_language(session, survey.id, lang)


def seed_surveys(session: Session, content_dir: Path) -> tuple[int, str]:
    """Add the surveys in content/surveys/*.json that the site lacks. A survey it has (by slug) is
    never replaced or given a new version, whatever its file says. Idempotent."""
    folder = Path(content_dir) / "surveys"
    outcomes: dict[str, int] = {}
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        raw = path.read_bytes()
        record = json.loads(raw)
        if "slug" not in record:
            continue  # not a survey (the outcode table)
        digest = hashlib.sha256(raw).hexdigest()
        # The column itself, not the row: a row already in the session may hold an older value.
        current = session.scalar(
            select(Survey.source_hash)
            .where(Survey.slug == record["slug"])
            .order_by(Survey.version.desc())
            .limit(1)
        )
        exists = session.scalar(select(Survey.id).where(Survey.slug == record["slug"]).limit(1))
        if current == digest:
            outcome = "unchanged"
        elif exists is not None:
            outcome = "kept"  # staff may have edited, opened or answered it: never replaced
        else:
            outcome = load_record(session, record, digest)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    session.commit()
    changed = outcomes.get("created", 0) + outcomes.get("updated", 0)
    summary = ", ".join(f"{count} {name}" for name, count in sorted(outcomes.items())) or "no surveys"
    return changed, summary
