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


def load_with_second_person(session, content_dir, **options):
    """`flask pages load` run as one publisher; a second publisher approves and publishes what it put
    in review (the changes to clinical pages). Returns the load's report."""
    from sqlalchemy import select

    from alliance.pages import workflow
    from alliance.pages.models import PageRevision
    from tests.factories import make_staff

    author = make_staff(session, roles="publisher")
    approver = make_staff(session, roles="publisher")
    report = services.load_pages(session, content_dir, operator_email=author.email, **options)
    waiting = session.scalars(
        select(PageRevision.id).where(PageRevision.status == "in_review", PageRevision.author_id == author.id)
    ).all()
    for revision_id in waiting:
        workflow.approve(session, revision_id, approver.id)
        workflow.publish(session, revision_id)
    session.commit()
    return report
