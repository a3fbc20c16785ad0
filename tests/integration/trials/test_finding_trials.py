from datetime import date

import pytest

from alliance.trials import services
from alliance.trials.services import Filters
from tests.integration.trials.conftest import nct


def found(session, **filters) -> set[str]:
    results = services.find_trials(session, Filters(**filters), per_page=100)
    assert results.total == len(results.trials)
    return {trial.registry_id for trial in results.trials}


def numbers(*values: int) -> set[str]:
    return {nct(value) for value in values}


RECRUITING = numbers(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 18)


def test_by_default_only_trials_recruiting_now_at_a_local_site_are_listed(session, seeded_trials):
    assert found(session) == RECRUITING


def test_closed_trials_and_trials_whose_local_sites_have_all_closed_are_never_listed(session, seeded_trials):
    everything_open = found(session, recruiting_now=False)
    # 11 completed, 12 recruiting elsewhere but closed at every local site, 13 active but not
    # recruiting, 20 withdrawn.
    assert everything_open == RECRUITING | numbers(14)
    assert not everything_open & numbers(11, 12, 13, 20)


def test_the_young_people_filter_keeps_every_trial_whose_ages_overlap_16_to_24(session, seeded_trials):
    # 10 has no lower age and 18 no limit at all: open bounds overlap. 6 ends at 15, 9 starts at 25,
    # 17 starts at 60.
    assert found(session, tya=True) == numbers(1, 2, 3, 4, 5, 7, 8, 10, 15, 16, 18)


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (15, {6, 7, 10, 18}),
        (1, {6, 10, 18}),
        (0, {10, 18}),
        (24, {1, 2, 3, 4, 5, 7, 8, 10, 15, 16, 18}),
        (25, {1, 2, 3, 4, 5, 7, 8, 9, 10, 15, 16, 18}),
        (64, {1, 2, 3, 4, 8, 9, 15, 16, 17, 18}),
        (90, {1, 2, 4, 8, 15, 16, 17, 18}),
    ],
)
def test_an_age_finds_trials_whose_range_includes_it_at_both_ends(session, seeded_trials, age, expected):
    assert found(session, age=age) == numbers(*expected)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"cancer_type": "blood"}, {5, 6, 17}),
        ({"cancer_type": "bowel"}, {1}),
        ({"cancer_type": "breast", "recruiting_now": False}, {2, 14}),
        ({"cancer_type": "other"}, {10, 15, 16, 18}),
        ({"locality": "Bassetlaw"}, {8, 9}),
        ({"locality": "North Derbyshire"}, {1, 4}),
        ({"locality": "North Derbyshire", "recruiting_now": False}, {1, 4, 14, 16}),
        ({"hospital": "Bassetlaw Hospital"}, {8, 9}),
        ({"hospital": "Sheffield Children's Hospital", "tya": True}, {5, 7}),
        ({"hospital": "Barnsley Hospital", "locality": "Sheffield"}, set()),
        ({"phase": "PHASE2"}, {3, 7, 10, 17}),
        ({"phase": "PHASE1"}, {17}),
        ({"cancer_type": "blood", "tya": True}, {5}),
        ({"cancer_type": "brain", "locality": "Sheffield", "tya": True}, {7}),
        ({"cancer_type": "lung", "locality": "Bassetlaw"}, set()),
        ({"cancer_type": "cervical", "age": 30, "locality": "Rotherham", "phase": "", "tya": False}, {9}),
    ],
)
def test_every_filter_and_their_combinations(session, seeded_trials, filters, expected):
    assert found(session, **filters) == numbers(*expected)


def test_results_come_in_pages_with_the_newest_updates_first(session, seeded_trials):
    first = services.find_trials(session, Filters(), page=1, per_page=10)
    second = services.find_trials(session, Filters(), page=2, per_page=10)
    assert (first.total, first.pages, len(first.trials), len(second.trials)) == (14, 2, 10, 4)
    dates = [t.last_updated for t in first.trials + second.trials]
    assert dates == sorted(dates, reverse=True)
    assert services.find_trials(session, Filters(), page=99, per_page=10).page == 2


def test_open_trials_not_updated_for_the_stale_period_are_listed_for_staff(session, seeded_trials, runner):
    stale = services.stale_trials(session, date(2026, 11, 23), 180)
    assert [trial.registry_id for trial in stale] == [nct(15), nct(18)]
    assert services.stale_trials(session, date(2026, 11, 23), 3650) == []
    result = runner.invoke(args=["trials", "stale"])
    assert result.exit_code == 0
    assert nct(15) in result.output and nct(18) in result.output
    assert "open trials not updated for 180 days" in result.output


def test_a_phase_filter_matches_whole_phases_so_phase_1_is_not_early_phase_1(session, seeded_trials, area):
    csv = (
        "registry_id,title,phase,overall_status,hospital,locality,site_status\n"
        "NCT09960100,Early trial,EARLY_PHASE1,RECRUITING,Weston Park Cancer Centre,Sheffield,RECRUITING\n"
    )
    assert services.import_csv(session, csv.encode(), area).created == 1
    session.commit()
    assert found(session, phase="PHASE1") == numbers(17)
    assert found(session, phase="EARLY_PHASE1") == {"NCT09960100"}
