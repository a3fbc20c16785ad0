"""Translation completeness and locking: which texts a language still lacks, and when questions may change."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance.surveys.models import (
    Response,
    SurveyLanguage,
)
from alliance.surveys.reading import SurveyLocked, TranslationIncomplete, _texts

# Translation completeness and locking ----------------------------------------------------------------


def missing_translations(session: Session, survey_id: int, lang: str) -> list[str]:
    """Keys with English text but no text in `lang`, in a stable order."""
    english = {key for key, text in _texts(session, survey_id, "en").items() if text.strip()}
    translated = {key for key, text in _texts(session, survey_id, lang).items() if text.strip()}
    return sorted(english - translated)


def offer_language(session: Session, survey_id: int, lang: str) -> None:
    """Offer the survey in `lang`; refuses while any text is untranslated. The caller commits."""
    missing = missing_translations(session, survey_id, lang)
    if missing:
        raise TranslationIncomplete(lang, missing)
    language = session.scalar(
        select(SurveyLanguage).where(SurveyLanguage.survey_id == survey_id, SurveyLanguage.lang == lang)
    )
    if language is None:
        language = SurveyLanguage(survey_id=survey_id, lang=lang, translator_reviewed=False)
        session.add(language)
    language.offered = True


def response_count(session: Session, survey_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey_id)) or 0
    )


def ensure_editable(session: Session, survey_id: int) -> None:
    if response_count(session, survey_id):
        raise SurveyLocked("this survey has responses: its questions can no longer change")
