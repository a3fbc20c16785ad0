"""Reviewing a survey's texts in one language: all its texts are reviewed together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.accounts.models import StaffUser
from alliance.pages.content import body_hash
from alliance.surveys import builder
from alliance.surveys.models import Survey, SurveyLanguage
from alliance.translation import review
from alliance.translation.queue import QueueItem
from alliance.translation.state import REVIEWED, translation_state


def english_hash(session: Session, survey_id: int) -> str:
    """One hash of every English text to translate, in the order the public meets them."""
    keys = builder.translation_keys(session, survey_id)
    return body_hash("\n".join(f"{key}\t{text}" for key, _what, text in keys))


def state_of(language: SurveyLanguage, current: str) -> str:
    # A survey language records the English it was reviewed against; one never reviewed is measured
    # against the English as it is now.
    reviewed = REVIEWED if language.translator_reviewed and language.reviewed_english else None
    return translation_state(reviewed, language.reviewed_english or current, current)


def _title(session: Session, survey: Survey) -> str:
    return builder.texts(session, survey.id, "en").get("title") or survey.slug


def pending(session: Session, lang: str) -> list[QueueItem]:
    """Survey languages whose texts wait for a reviewer: never reviewed, or the English changed."""
    rows = session.execute(
        select(Survey, SurveyLanguage)
        .join(SurveyLanguage, SurveyLanguage.survey_id == Survey.id)
        .where(SurveyLanguage.lang == lang, Survey.status != "closed")
    ).all()
    found = []
    for survey, language in rows:
        current = english_hash(session, survey.id)
        state = state_of(language, current)
        if state != REVIEWED:
            found.append(
                QueueItem("survey", str(survey.id), _title(session, survey), state, survey.created_at)
            )
    return found


@dataclass
class SurveyReview:
    survey: Survey
    language: SurveyLanguage
    title: str
    english_hash: str
    state: str
    # (what it is, English, translation) for every text.
    rows: list[tuple[str, str, str]]


def screen(session: Session, survey_id: int, lang: str) -> SurveyReview | None:
    survey = session.get(Survey, survey_id)
    if survey is None or lang == "en":
        return None
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey.id, SurveyLanguage.lang == lang)
    )
    if language is None:
        return None
    translated = builder.texts(session, survey.id, lang)
    rows = [
        (what, text, translated.get(key, ""))
        for key, what, text in builder.translation_keys(session, survey.id)
    ]
    current = english_hash(session, survey.id)
    return SurveyReview(survey, language, _title(session, survey), current, state_of(language, current), rows)


def _checked(session: Session, survey_id: int, lang: str, seen: review.Seen) -> SurveyReview:
    found = screen(session, survey_id, lang)
    if found is None:
        raise review.ReviewError("This survey has no text in this language to review")
    review.check_seen(seen, found.english_hash, translation_hash(found))
    return found


def translation_hash(found: SurveyReview) -> str:
    return body_hash("\n".join(text for _what, _english, text in found.rows))


def approve(session: Session, survey_id: int, lang: str, reviewer: StaffUser, seen: review.Seen) -> None:
    found = _checked(session, survey_id, lang, seen)
    if any(not text for _what, _english, text in found.rows):
        raise review.ReviewError("Every text needs a translation before it can be approved")
    found.language.translator_reviewed = True
    found.language.review_note = None
    review.record(found.language, reviewer, found.english_hash)


def send_back(
    session: Session, survey_id: int, lang: str, reviewer: StaffUser, note: str, seen: review.Seen
) -> None:
    note = review.check_note(note)
    found = _checked(session, survey_id, lang, seen)
    found.language.translator_reviewed = False
    found.language.review_note = note
    review.clear(found.language)
