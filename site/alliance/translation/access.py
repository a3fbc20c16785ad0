"""Who may review which language: a translation_reviewer only the languages granted to them;
administrators and publishers any language."""

from __future__ import annotations

from collections.abc import Iterable

from alliance.accounts.models import StaffUser
from alliance.accounts.permissions import REVIEW_ANY_LANGUAGE, permissions_for

PERMISSION = "translations.review"


def may_review(user: StaffUser | None, lang: str) -> bool:
    if user is None or lang == "en" or PERMISSION not in permissions_for(user.role_set):
        return False
    if user.role_set & set(REVIEW_ANY_LANGUAGE):
        return True
    return lang in user.review_language_set


def review_languages(user: StaffUser | None, languages: Iterable[str]) -> list[str]:
    """The languages of `languages` this person may review, in the order given."""
    return [lang for lang in languages if may_review(user, lang)]
