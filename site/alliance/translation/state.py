"""The one rule deciding whether a translation can be trusted.

Everything that shows or counts a translation's state (the reader notice, the review
queue, the dashboard) asks :func:`translation_state`, so the public site and the back-office
never disagree about what "reviewed" means.
"""

from typing import Literal

TranslationState = Literal["reviewed", "unreviewed", "outdated"]

REVIEWED = "reviewed"


def translation_state(
    review_status: str | None, translated_from: str | None, english_body_hash: str | None
) -> TranslationState:
    """The state of a translation against the current published English.

    "outdated" when it was translated from a different English text than the one now
    published (whatever its review status); "reviewed" only when a reviewer approved it and it
    was translated from exactly the published English; otherwise "unreviewed". A translation
    with no record of its English source is outdated once English is published, as the reader
    notice has always treated it.
    """
    if english_body_hash is None:
        # No published English to be a translation of: nothing to be out of date with, and
        # nothing a reviewer could have checked it against.
        return "unreviewed"
    if translated_from != english_body_hash:
        return "outdated"
    return "reviewed" if review_status == REVIEWED else "unreviewed"
