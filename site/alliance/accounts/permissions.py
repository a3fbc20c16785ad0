"""Roles and what each may do. Every back-office view declares the permission it needs."""

ROLES = (
    "administrator",
    "editor",
    "publisher",
    "directory_manager",
    "engagement_lead",
    "moderator",
    "translation_reviewer",
)

# "translations.review" lets a member of staff review translations. A translation_reviewer reviews only
# the languages granted to them (StaffUser.review_languages); the roles in ANY_LANGUAGE review every
# language. See alliance.translation.access.

# "surveys.equality" lets an export carry each response's equality-monitoring answers; without it
# they appear only as suppressed aggregate counts.
# "surveys.raw_text" lets an export carry free-text answers as typed (every such export is audited as
# "survey.export.raw"); without it exports carry the moderated text: redactions applied, rejected
# answers left out, answers not yet moderated replaced by "[awaiting moderation]".

# "translations.review" lets someone review interface strings and exchange files with translation
# agencies; the views also check the language (alliance.translation.strings.may_review).

# Every signed-in member of staff may use their own account pages and the dashboard.
STAFF = "staff"

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "administrator": {
        "users.manage",
        "audit.read",
        "mail.manage",
        "content.edit",
        "content.publish",
        "directory.manage",
        "research.manage",
        "surveys.manage",
        "events.manage",
        "panel.manage",
        "surveys.equality",
        "surveys.raw_text",
        "moderation",
        "translations.review",
    },
    "editor": {"content.edit"},
    "publisher": {"content.edit", "content.publish", "translations.review"},
    "directory_manager": {"directory.manage", "research.manage"},
    "engagement_lead": {"surveys.manage", "events.manage", "panel.manage"},
    "moderator": {"moderation"},
    "translation_reviewer": {"translations.review"},
}

# Roles that may review a translation in any language, without a per-language grant.
REVIEW_ANY_LANGUAGE = ("administrator", "publisher")


def permissions_for(roles: set[str]) -> set[str]:
    granted = {STAFF}
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, set())
    return granted
