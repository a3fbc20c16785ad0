import shutil
from pathlib import Path

import pytest

from tests.integration.surveys.conftest import CONTENT

TRANSLATIONS = Path(__file__).resolve().parents[3] / "translations"


@pytest.fixture
def translations(app, tmp_path):
    """A private copy of the catalogues, which the app reads and the review export writes."""
    copy = tmp_path / "translations"
    shutil.copytree(TRANSLATIONS, copy, ignore=shutil.ignore_patterns("*.mo"))
    before = app.config["TRANSLATIONS_DIR"]
    app.config["TRANSLATIONS_DIR"] = str(copy)
    yield copy
    app.config["TRANSLATIONS_DIR"] = before


@pytest.fixture
def survey_content():
    return CONTENT
