import shutil
from pathlib import Path

import pytest

from alliance.pages import services
from alliance.search import index

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "content"


@pytest.fixture
def content_dir(tmp_path):
    """A private copy of the fixture content, free to change."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def seeded(app, session, content_dir):
    services.seed_pages(session, content_dir)
    index.rebuild(session, app.config["SEARCH_INDEX_DIR"])
    return content_dir
