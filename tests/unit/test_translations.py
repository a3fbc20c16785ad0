"""Interface translations: the template is current, every catalogue complete, compiled and reviewed-status marked."""

import json
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from alliance.cli import extract_to
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


@pytest.mark.parametrize("locale", LOCALES)
def test_every_catalogue_translates_every_message_and_nothing_is_fuzzy(locale):
    path = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    expected = _msgids(TRANSLATIONS / "messages.pot")
    messages = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    assert set(messages) >= expected, f"missing: {sorted(expected - set(messages))[:5]}"
    untranslated = [
        mid
        for mid in expected
        if not messages[mid].string
        or (isinstance(messages[mid].string, tuple) and not all(messages[mid].string))
    ]
    assert not untranslated, f"untranslated: {untranslated[:5]}"
    fuzzy = [mid for mid in expected if messages[mid].fuzzy]
    assert not fuzzy, f"fuzzy: {fuzzy[:5]}"


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
