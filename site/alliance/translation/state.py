"""Whether a translation can be trusted: reviewed by a qualified translator against the current English,
out of date because the English has changed since, or not yet reviewed."""


def translation_state(
    review_status: str | None, translated_from: str | None, english_body_hash: str | None
) -> str:
    """Returns "reviewed", "outdated" or "unreviewed" for a translation made from the English body whose
    hash is `translated_from`, when the published English body's hash is now `english_body_hash`."""
    if review_status == "reviewed" and translated_from == english_body_hash:
        return "reviewed"
    if translated_from != english_body_hash:
        return "outdated"
    return "unreviewed"
