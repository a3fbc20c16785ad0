"""Who may review which language."""

from alliance.accounts.models import StaffUser
from alliance.translation.access import may_review, review_languages


def person(roles: str, languages: str = "") -> StaffUser:
    return StaffUser(email="x@example.nhs.uk", display_name="X", roles=roles, review_languages=languages)


def test_a_translation_reviewer_reviews_only_the_languages_granted_to_them():
    urdu = person("translation_reviewer", "ur")
    assert may_review(urdu, "ur") and not may_review(urdu, "ar")
    assert review_languages(urdu, ["en", "ar", "ur"]) == ["ur"]


def test_administrators_and_publishers_review_every_language_but_english():
    for roles in ("administrator", "publisher"):
        assert review_languages(person(roles), ["en", "ar", "ur"]) == ["ar", "ur"]


def test_a_language_grant_alone_gives_no_review_without_the_role():
    assert not may_review(person("editor", "ur"), "ur")
    assert not may_review(None, "ur")
