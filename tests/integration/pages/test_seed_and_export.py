from datetime import date

import pytest
from sqlalchemy import func, select

from alliance.pages import content, services
from alliance.pages.models import Page, PageRevision
from tests.integration.conftest import load_with_second_person


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_seeding_loads_every_page_and_language_as_a_first_revision(session, content_dir):
    changed, summary = services.seed_pages(session, content_dir)
    assert changed == 3 and "2 pages" in summary
    assert count(session, Page) == 2 and count(session, PageRevision) == 3


def test_seeding_an_unchanged_tree_again_creates_nothing(session, content_dir):
    services.seed_pages(session, content_dir)
    changed, _summary = services.seed_pages(session, content_dir)
    assert changed == 0 and count(session, PageRevision) == 3


def test_loading_a_changed_file_creates_a_new_revision_and_keeps_the_old_one(session, content_dir):
    services.seed_pages(session, content_dir)
    path = content_dir / "pages/example/en.md"
    path.write_text(path.read_text().replace("Screening checks", "Bowel screening checks"))
    report = load_with_second_person(session, content_dir)
    assert [(c.name, c.kind) for c in report.applied] == [("example/en", services.CHANGED)]
    numbers = session.scalars(
        select(PageRevision.number).where(
            PageRevision.lang == "en",
            PageRevision.page_id == select(Page.id).where(Page.slug == "example").scalar_subquery(),
        )
    ).all()
    assert sorted(numbers) == [1, 2]
    assert "Bowel screening checks" in services.get_page(session, "example", "en").body


def test_export_writes_the_same_bytes_back(session, content_dir, tmp_path):
    services.seed_pages(session, content_dir)
    out = tmp_path / "exported"
    assert services.export_pages(session, out) == 3
    for original in sorted((content_dir / "pages").glob("*/*.md")):
        exported = out / "pages" / original.parent.name / original.name
        assert exported.read_bytes() == original.read_bytes()


def test_a_broken_file_stops_the_seed_with_its_name_and_changes_nothing(session, content_dir):
    (content_dir / "pages/example/pl.md").write_text("---\ntitle: Bez sekcji\n---\ntekst")
    with pytest.raises(content.ContentError, match=r"example/pl.md: 'section' is required"):
        services.seed_pages(session, content_dir)
    assert count(session, Page) == 0


def test_translations_go_out_of_date_when_the_english_page_changes(session, content_dir):
    services.seed_pages(session, content_dir)
    statuses = {
        (row["slug"], row["lang"]): row for row in services.translation_status(session, ["en", "ur", "pl"])
    }
    assert statuses[("example", "ur")]["status"] == "current"
    assert statuses[("example", "ur")]["review_status"] == "awaiting-translator-review"
    assert statuses[("example", "pl")]["status"] == "missing"
    path = content_dir / "pages/example/en.md"
    path.write_text(path.read_text().replace("Screening checks", "The test checks"))
    load_with_second_person(session, content_dir)
    statuses = {(row["slug"], row["lang"]): row for row in services.translation_status(session, ["en", "ur"])}
    assert statuses[("example", "ur")]["status"] == "out-of-date"
    assert services.get_page(session, "example", "ur").out_of_date


def test_pages_past_their_review_date_are_listed_for_staff(session, content_dir):
    services.seed_pages(session, content_dir)
    assert services.overdue_pages(session, date(2027, 11, 22)) == []
    overdue = services.overdue_pages(session, date(2027, 11, 23))
    assert {row["slug"] for row in overdue} == {"example", "example-easy-read"}


def test_overdue_pages_are_grouped_by_the_owner_their_english_file_names(session, content_dir):
    services.seed_pages(session, content_dir)
    overdue = services.overdue_pages(session, date(2027, 11, 23))
    assert [(row["owner"], row["slug"]) for row in overdue] == [
        ("Screening team", "example"),
        (services.NO_OWNER, "example-easy-read"),
    ]


def test_staff_commands_report_overdue_pages_and_translation_status(app, runner, seeded, tmp_path):
    overdue = runner.invoke(args=["pages", "overdue"])
    assert overdue.exit_code == 0 and "0 pages overdue" in overdue.output
    report = runner.invoke(args=["pages", "translations", "--status", "current"])
    assert report.exit_code == 0, report.output
    assert "ur   current      awaiting-translator-review" in report.output
    exported = runner.invoke(args=["pages", "export", "--to", str(tmp_path / "out")])
    assert exported.exit_code == 0 and "Wrote 3 page files" in exported.output


def test_a_page_loaded_from_a_changed_file_supersedes_its_old_revision(session, content_dir):
    services.seed_pages(session, content_dir)
    path = content_dir / "pages/example/en.md"
    path.write_text(path.read_text().replace("Screening checks", "The test checks"))
    load_with_second_person(session, content_dir)
    statuses = sorted(
        session.scalars(
            select(PageRevision.status).where(
                PageRevision.lang == "en",
                PageRevision.page_id == select(Page.id).where(Page.slug == "example").scalar_subquery(),
            )
        )
    )
    assert statuses == ["published", "superseded"]
