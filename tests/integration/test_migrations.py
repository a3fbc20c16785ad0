"""The migrations and the models agree, and every migration can be undone and applied again."""

from alliance.extensions import db


def test_the_models_and_the_migrations_agree_as_autogenerate_sees_them(app):
    with app.app_context():
        assert db.current_revision() == db.head_revision()
        assert db.schema_differences() == []


def test_downgrading_to_the_previous_revision_and_upgrading_again_leaves_the_schema_as_the_models(app):
    with app.app_context():
        head = db.head_revision()
        previous = db.history()[1]["revision"]
        db.downgrade("-1")
        assert db.current_revision() == previous
        assert db.schema_differences() != []
        db.upgrade()
        assert db.current_revision() == head
        assert db.schema_differences() == []


def test_every_migration_has_a_downgrade_that_works_down_to_an_empty_database_and_back(app):
    with app.app_context():
        revisions = [item["revision"] for item in db.history()]
        seen = []
        while db.current_revision() is not None:
            seen.append(db.current_revision())
            db.downgrade("-1")
        assert seen == revisions
        db.upgrade()
        assert db.current_revision() == revisions[0]
        assert db.schema_differences() == []


def test_db_current_says_the_revision_and_whether_it_is_the_newest(app, runner):
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        head = db.head_revision()
    assert result.output == f"Database at revision {head}, the newest\n"


def test_db_history_lists_every_migration_newest_first_marking_the_current_one(app, runner):
    result = runner.invoke(args=["db", "history"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    with app.app_context():
        newest = db.history()[0]
    assert lines[0] == f"{newest['revision']} {newest['title']} (newest, current)"
    assert lines[-1].startswith("0001 ")
    assert [line.split()[0] for line in lines] == sorted((line.split()[0] for line in lines), reverse=True)


def test_db_downgrade_asks_first_then_undoes_the_newest_migration_and_upgrade_brings_it_back(app, runner):
    with app.app_context():
        head, previous = (item["revision"] for item in db.history()[:2])
    refused = runner.invoke(args=["db", "downgrade"], input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    with app.app_context():
        assert db.current_revision() == db.head_revision()

    done = runner.invoke(args=["db", "downgrade", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output == f"Database at revision {previous}\n"
    behind = runner.invoke(args=["db", "current"])
    assert (
        behind.output
        == f"Database at revision {previous}, behind the newest, {head}: run `flask db upgrade`\n"
    )
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0 and again.output == f"Database at revision {head}\n"


def test_db_downgrade_to_an_unknown_revision_says_so_and_changes_nothing(app, runner):
    result = runner.invoke(args=["db", "downgrade", "nonsense", "--yes"])
    assert result.exit_code == 1
    assert "Can't locate revision identified by 'nonsense'" in result.output
    assert "Nothing was changed" in result.output
    with app.app_context():
        assert db.current_revision() == db.head_revision()


def test_upgrading_names_whose_copy_of_the_directory_each_existing_quotation_was_checked_against(app):
    from sqlalchemy import text

    with app.app_context():
        db.downgrade("0018")
        with db.engine.begin() as connection:
            for code, url, status in (
                (
                    "R430",
                    "https://southeastgenomics.nhs.uk/tool/inherited-prostate-cancer",
                    "quotation-checked",
                ),
                ("M1.4", "https://www.eastgenomics.nhs.uk/updates/x", "quotation-checked"),
                ("R208", None, "summary"),
            ):
                connection.execute(
                    text(
                        'INSERT INTO genetic_tests (code, name, kind, "order", summary, directory, wording, '
                        "wording_status, wording_note, checked_against_url, sources, source_hash) VALUES "
                        "(:code, 'n', 'germline', 0, 's', 'd', 'w', :status, '', :url, '[]', 'h')"
                    ),
                    {"code": code, "url": url, "status": status},
                )
        db.upgrade()
        with db.engine.begin() as connection:
            rows = dict(connection.execute(text("SELECT code, quoted_from FROM genetic_tests")).all())
            connection.execute(text("DELETE FROM genetic_tests"))
    assert rows == {"R430": "South East Genomics", "M1.4": "East Genomics", "R208": None}
