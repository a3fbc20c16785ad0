"""Interface translations: the template is current, every catalogue complete, compiled and reviewed-status marked."""

import json
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from alliance import catalogues
from alliance.cli import _project, extract_to
from alliance.i18n import REGISTRY

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LOCALES = [lang.babel for lang in REGISTRY.values() if lang.code != "en"]


def _msgids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {
            message.id if isinstance(message.id, str) else message.id[0]
            for message in read_po(handle)
            if message.id
        }


def test_messages_pot_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    extract_to(str(fresh))
    assert _msgids(fresh) == _msgids(TRANSLATIONS / "messages.pot"), (
        "run `make translations` (flask translate extract)"
    )


def _catalogue_problems(translations: Path, locale: str) -> dict[str, list[str]]:
    """What the lint refuses in one catalogue: missing, untranslated and fuzzy (awaiting review) entries."""
    path = translations / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    expected = _msgids(translations / "messages.pot")
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    present = expected & set(messages)
    return {
        "missing": sorted(expected - set(messages)),
        "untranslated": sorted(
            mid
            for mid in present
            if not messages[mid].string
            or (isinstance(messages[mid].string, tuple) and not all(messages[mid].string))
        ),
        "fuzzy": sorted(mid for mid in present if messages[mid].fuzzy),
    }


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_translates_every_message_and_nothing_is_fuzzy(locale):
    problems = _catalogue_problems(TRANSLATIONS, locale)
    assert not problems["missing"], f"missing: {problems['missing'][:5]}"
    assert not problems["untranslated"], f"untranslated: {problems['untranslated'][:5]}"
    assert not problems["fuzzy"], f"fuzzy, to review: {problems['fuzzy'][:5]}"


def test_changing_an_english_string_keeps_its_translations_as_fuzzy_entries_the_lint_refuses(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    before = {}
    for locale in LOCALES:
        with (copy / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            before[locale] = read_po(handle, locale=locale).get("Skip to main content").string
    pot = copy / "messages.pot"
    pot.write_text(
        pot.read_text(encoding="utf-8").replace(
            'msgid "Skip to main content"', 'msgid "Skip to the main content"'
        ),
        encoding="utf-8",
    )

    merged = catalogues.update(copy, _project())

    assert merged == [(locale, 1) for locale in sorted(LOCALES)]
    for locale in LOCALES:
        with (copy / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalogue = read_po(handle, locale=locale)
        changed = catalogue.get("Skip to the main content")
        assert changed.string == before[locale] and before[locale]
        assert changed.fuzzy
        text = (copy / locale / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
        assert '#| msgid "Skip to main content"\nmsgid "Skip to the main content"' in text
        assert _catalogue_problems(copy, locale) == {
            "missing": [],
            "untranslated": [],
            "fuzzy": ["Skip to the main content"],
        }


def test_a_removed_english_string_keeps_its_translation_as_an_obsolete_entry(tmp_path):
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    pot = copy / "messages.pot"
    with pot.open("rb") as handle:
        template = read_po(handle)
    template.delete("Support links")
    with pot.open("wb") as out:
        write_po(out, template)

    catalogues.update(copy, _project())

    with (copy / "pl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale="pl")
    assert "Support links" not in catalogue
    assert catalogue.obsolete["Support links"].string == "Linki pomocnicze"


PLACEHOLDERS = ("PROJECT", "VERSION", "EMAIL@ADDRESS", "ORGANIZATION", "FIRST AUTHOR", "LL@li.org")


@pytest.mark.parametrize(
    "name", ["messages.pot", *(f"{locale}/LC_MESSAGES/messages.po" for locale in LOCALES)]
)
def test_every_catalogue_header_carries_the_projects_name_version_and_contact(name):
    about = _project()
    with (TRANSLATIONS / name).open("rb") as handle:
        catalogue = read_po(handle)
    assert catalogue.project == about.name == "alliance"
    assert catalogue.version == about.version
    assert catalogue.msgid_bugs_address == about.contact
    assert catalogue.language_team == about.team
    header = catalogue.header_comment + "\n" + "\n".join(f"{k}: {v}" for k, v in catalogue.mime_headers)
    assert not [word for word in PLACEHOLDERS if word in header], header


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_compiles_and_keeps_its_placeholders(locale, tmp_path):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    errors = [(message.id, problem) for message, problems in catalogue.check() for problem in problems]
    assert not errors, errors[:5]
    with (tmp_path / "messages.mo").open("wb") as out:
        write_mo(out, catalogue)


def test_every_translation_is_marked_with_its_review_status():
    review = json.loads((TRANSLATIONS / "REVIEW.json").read_text(encoding="utf-8"))
    for locale in LOCALES:
        assert review[locale]["status"] in ("not yet reviewed by a qualified translator", "reviewed")
