import json
import shutil

from sqlalchemy import func, select

from alliance.trials import services
from alliance.trials.models import Trial, TrialSite
from tests.integration.trials.conftest import CONTENT, FIXTURES, nct


def test_the_seed_imports_every_example_study_with_a_local_site_and_leaves_out_the_rest(
    session, seeded_trials
):
    assert (seeded_trials.created, seeded_trials.outside_area, seeded_trials.skipped) == (19, 1, [])
    trials = session.scalars(select(Trial)).all()
    assert len(trials) == 19
    assert all(trial.example_data for trial in trials)
    assert all(trial.summary.startswith("EXAMPLE DATA") for trial in trials)
    assert {site.locality for trial in trials for site in trial.sites} == {
        "Sheffield",
        "Doncaster",
        "Bassetlaw",
        "Rotherham",
        "Barnsley",
        "North Derbyshire",
    }


def test_only_local_sites_are_kept_with_their_own_status_trust_and_contact(session, seeded_trials):
    trial = session.scalar(select(Trial).where(Trial.registry_id == nct(3)))
    assert [(s.hospital, s.status) for s in trial.sites] == [
        ("Northern General Hospital", "RECRUITING"),
        ("Doncaster Royal Infirmary", "RECRUITING"),
    ]
    assert trial.sites[0].trust == "Sheffield Teaching Hospitals NHS Foundation Trust"
    assert trial.sites[0].contact_phone == "0114 496 0103"
    assert trial.isrctn_id == "ISRCTN99000103"
    assert (trial.min_age, trial.max_age) == (18.0, 80.0)


def test_importing_the_same_studies_again_changes_nothing(session, seeded_trials, area):
    sites_before = session.scalar(select(func.count()).select_from(TrialSite))
    again = services.import_studies(session, services.studies_in(CONTENT / "trials"), area)
    session.commit()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 19)
    assert session.scalar(select(func.count()).select_from(Trial)) == 19
    assert session.scalar(select(func.count()).select_from(TrialSite)) == sites_before


def test_a_changed_study_updates_the_trial_in_place_by_its_nct_id(session, seeded_trials, area, tmp_path):
    data = json.loads((CONTENT / "trials" / "studies.json").read_text())
    study = data["studies"][0]
    study["protocolSection"]["contactsLocationsModule"]["locations"][0]["status"] = "COMPLETED"
    (tmp_path / "one.json").write_text(json.dumps(study))
    report = services.import_path(session, tmp_path / "one.json", area)
    session.commit()
    assert (report.created, report.updated) == (0, 1)
    trial = session.scalar(select(Trial).where(Trial.registry_id == nct(1)))
    assert trial.sites[0].status == "COMPLETED"
    assert session.scalar(select(func.count()).select_from(Trial)) == 19


def test_a_folder_of_v2_responses_imports_the_good_studies_and_reports_each_bad_one(session, area):
    report = services.import_path(session, FIXTURES / "v2", area)
    session.commit()
    assert report.created == 3
    assert report.outside_area == 1
    assert len(report.skipped) == 9, report.skipped
    joined = "\n".join(report.skipped)
    for reason in [
        "not_json.json: not readable JSON",
        "wrong_types.json: `studies` is not a list",
        "a_list.json: study is not an object",
        "search.json #2: study is not an object",
        "search.json #3: no protocolSection",
        "nctId missing or malformed: 'NCT123'",
        "NCT09970004: age not understood",
        "sex is not text",
        "conditions is not a list",
    ]:
        assert reason in joined
    assert set(session.scalars(select(Trial.registry_id))) == {"NCT09970001", "NCT09970002", "NCT09970003"}


def test_the_import_command_reads_a_folder_and_prints_the_skipped_records(runner, session):
    result = runner.invoke(args=["trials", "import", str(FIXTURES / "v2")])
    assert result.exit_code == 0, result.output
    assert "3 added, 0 updated, 0 unchanged, 1 with no site in the area, 9 skipped" in result.output
    assert "skipped not_json.json: not readable JSON" in result.output


def test_a_file_that_is_not_text_is_skipped_not_a_crash(session, area, tmp_path):
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00\x81garbage")
    report = services.import_path(session, tmp_path, area)
    assert report.changed == 0 and len(report.skipped) == 1


CSV_HEADER = (
    "registry_id,title,summary,conditions,phase,overall_status,min_age,max_age,sex,iras_id,cpms_id,"
    "registry_url,last_updated,hospital,trust,locality,site_status,contact_name,contact_phone,contact_email\n"
)


def test_a_research_teams_csv_adds_trials_and_names_each_bad_row(session, area):
    rows = [
        "ISRCTN11112222,Local breast trial,Example data: plain words,Breast Cancer,PHASE2,RECRUITING,16 Years,"
        "40 Years,FEMALE,333444,,,2026-10-01,Barnsley Hospital,,Barnsley,RECRUITING,Research team,"
        "01632 960104,b@example.org",
        "ISRCTN11112222,Local breast trial,Example data: plain words,Breast Cancer,PHASE2,RECRUITING,16 Years,"
        "40 Years,FEMALE,333444,,,2026-10-01,Rotherham General Hospital,,Rotherham,NOT_YET_RECRUITING,,,",
        "NCT09960001,,no title,Lung Cancer,,RECRUITING,,,,,,,,Barnsley Hospital,,Barnsley,RECRUITING,,,",
        "NCT09960002,Wrong place,x,Lung Cancer,,RECRUITING,,,,,,,,Leeds Hospital,,Leeds,RECRUITING,,,",
        "NCT09960003,Wrong status,x,Lung Cancer,,OPEN,,,,,,,,Barnsley Hospital,,Barnsley,RECRUITING,,,",
        "NCT09960004,Wrong age,x,Lung Cancer,,RECRUITING,sixteen,,,,,,,Barnsley Hospital,,Barnsley,RECRUITING,,,",
        "12345,Wrong id,x,Lung Cancer,,RECRUITING,,,,,,,,Barnsley Hospital,,Barnsley,RECRUITING,,,",
        "NCT09960005,Lung trial,x,Lung Cancer,PHASE3,RECRUITING,N/A,,ALL,,,,,Doncaster Royal Infirmary,,"
        "Doncaster,RECRUITING,,,",
    ]
    report = services.import_csv(session, (CSV_HEADER + "\n".join(rows) + "\n").encode(), area)
    session.commit()
    assert report.created == 2
    assert [line.split(":")[0] for line in report.skipped] == ["row 4", "row 5", "row 6", "row 7", "row 8"]
    assert "missing title" in report.skipped[0]
    assert "locality must be one of" in report.skipped[1]
    trial = session.scalar(select(Trial).where(Trial.registry_id == "ISRCTN11112222"))
    assert trial.isrctn_id == "ISRCTN11112222" and trial.nct_id is None
    assert [(s.hospital, s.status) for s in trial.sites] == [
        ("Barnsley Hospital", "RECRUITING"),
        ("Rotherham General Hospital", "NOT_YET_RECRUITING"),
    ]
    assert trial.sites[0].trust == "Barnsley Hospital NHS Foundation Trust"
    assert (trial.min_age, trial.max_age, trial.sex, trial.cancer_types) == (16.0, 40.0, "FEMALE", ",breast,")
    assert trial.source == "research team (CSV)"
    again = services.import_csv(session, (CSV_HEADER + "\n".join(rows) + "\n").encode(), area)
    assert (again.created, again.unchanged) == (0, 2)


def test_a_csv_without_the_required_columns_is_refused_with_the_missing_names(session, area):
    report = services.import_csv(session, b"title,hospital\nx,y\n", area)
    assert report.changed == 0
    assert report.skipped == ["header: missing columns registry_id, overall_status, locality, site_status"]
    assert services.import_csv(session, b"\xff\xfe\x00", area).skipped == ["file: not UTF-8 text"]


def test_the_import_command_takes_a_csv_file(runner, session, tmp_path):
    path = tmp_path / "team.csv"
    path.write_text(
        CSV_HEADER + "NCT09960009,Hand-added trial,x,Melanoma,,RECRUITING,18 Years,,ALL,,,,2026-11-01,"
        "Chesterfield Royal Hospital,,North Derbyshire,RECRUITING,,,\n"
    )
    result = runner.invoke(args=["trials", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert session.scalar(select(Trial.cancer_types).where(Trial.registry_id == "NCT09960009")) == ",skin,"


def test_the_seeder_is_registered_and_loads_a_copy_of_the_content(app, session, tmp_path):
    from alliance.cli import SEEDERS

    seeders = dict(SEEDERS)
    shutil.copytree(CONTENT / "trials", tmp_path / "trials")
    with app.app_context():
        changed, summary = seeders["trials"](session, tmp_path)
    assert changed == 19
    assert summary.startswith("19 added")
