import re

import pytest
from sqlalchemy import select

from alliance.trials.models import Trial
from tests.integration.trials.conftest import nct


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def trial_id(session, number: int) -> int:
    return session.scalar(select(Trial.id).where(Trial.registry_id == nct(number)))


def listed_titles(main: str) -> list[str]:
    return re.findall(r'<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-2"><a [^>]*>([^<]+)</a>', main)


def test_the_find_page_lists_trials_recruiting_now_with_paging_and_the_care_team_reminder(
    client, seeded_trials
):
    main = main_of(client.get("/en/clinical-trials/find"))
    assert "Trials found: 14" in main
    assert len(listed_titles(main)) == 10
    assert "Talk to your care team about whether a trial is right for you" in main
    assert 'href="/en/clinical-trials"' in main
    assert "Page 1 of 2" in main
    assert 'value="yes" checked' in main  # recruiting now is on by default
    second = main_of(client.get("/en/clinical-trials/find?recruiting=yes&page=2"))
    assert len(listed_titles(second)) == 4
    assert "recruiting=yes" in second and "page=1" in second


def test_filters_from_the_query_string_narrow_the_list_and_stay_selected(client, seeded_trials):
    main = main_of(
        client.get("/en/clinical-trials/find?cancer=blood&tya=yes&locality=Sheffield&recruiting=yes")
    )
    assert "Trials found: 1" in main
    assert listed_titles(main) == ["A gentler treatment plan for young people with Hodgkin lymphoma"]
    assert '<option value="blood" selected>' in main
    assert '<option value="Sheffield" selected>' in main
    hospital = main_of(client.get("/en/clinical-trials/find?hospital=Bassetlaw+Hospital"))
    assert "Trials found: 2" in hospital
    assert '<option value="Bassetlaw Hospital" selected>' in hospital


def test_closed_trials_leave_the_listings_but_their_page_says_they_are_not_recruiting(
    client, session, seeded_trials
):
    everything = main_of(client.get("/en/clinical-trials/find?recruiting=all&page=1")) + main_of(
        client.get("/en/clinical-trials/find?recruiting=all&page=2")
    )
    assert "Lung health check follow-up study" not in everything
    assert "A blood test to find bowel cancer earlier" not in everything
    page = main_of(client.get(f"/en/clinical-trials/trial/{trial_id(session, 12)}"))
    assert "This trial is not recruiting" in page
    assert "Research team contact" not in page  # no contact offered for closed local sites


def test_a_trial_page_says_who_it_is_for_where_it_runs_and_where_the_facts_come_from(
    client, session, seeded_trials
):
    main = main_of(client.get(f"/en/clinical-trials/trial/{trial_id(session, 5)}"))
    assert "A gentler treatment plan for young people with Hodgkin lymphoma" in main
    assert "EXAMPLE DATA, NOT A REAL TRIAL" in main and "It is not a real trial." in main
    assert "Ages 16 to 30" in main and "Anyone" in main and "Blood cancers" in main
    assert "Weston Park Cancer Centre" in main and "Sheffield Children&#39;s Hospital" in main
    assert 'href="tel:01144960101"' in main
    assert 'href="https://clinicaltrials.gov/study/NCT09990005"' in main
    assert "https://bepartofresearch.nihr.ac.uk/" in main
    assert "Talk to your care team about whether a trial is right for you" in main
    assert "Source: ClinicalTrials.gov" in main and "Last updated: 20 October 2026" in main
    assert "This trial is not recruiting" not in main
    assert "eligible" not in main.lower()


def test_the_young_people_page_lists_only_recruiting_trials_overlapping_16_to_24(client, seeded_trials):
    main = main_of(client.get("/en/clinical-trials/young-people"))
    assert "Trials found: 11" in main
    second = main_of(client.get("/en/clinical-trials/young-people?page=2"))
    titles = listed_titles(main) + listed_titles(second)
    assert len(titles) == 11
    assert "Reducing side effects of leukaemia treatment in children" not in titles
    assert "Self-sampling HPV test for people who have missed cervical screening" not in titles
    assert "Shorter radiotherapy after breast surgery for younger women" not in titles  # not yet recruiting
    assert "Adding a new drug to chemotherapy for bone sarcoma" in titles  # open lower bound


def test_the_pages_are_right_to_left_in_urdu(client, session, seeded_trials):
    for path in ["/ur/clinical-trials/find?age=20", "/ur/clinical-trials/young-people"]:
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="ur" dir="rtl"' in html
    html = client.get(f"/ur/clinical-trials/trial/{trial_id(session, 1)}").get_data(as_text=True)
    assert '<h1 lang="en" dir="ltr">' in html


def test_a_bad_filter_gets_a_clear_error_and_keeps_what_was_typed(client, seeded_trials):
    response = client.get("/en/clinical-trials/find?age=forty&cancer=liver")
    assert response.status_code == 200
    main = main_of(response)
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html
    assert "There is a problem" in main
    assert "Enter an age in years as a whole number, from 0 to 120" in main
    assert "Choose a type of cancer from the list" in main
    assert 'value="forty"' in main
    assert "Trials found" not in main


@pytest.mark.parametrize(
    "query",
    [
        "age=-1",
        "age=121",
        "age=1e3",
        "age=%00",
        "age=" + "9" * 400,
        "page=-5",
        "page=abc",
        "page=99999999999999999999",
        "cancer=%27%3B--",
        "locality=Atlantis",
        "hospital=Nowhere%20General",
        "phase=PHASE9",
        "recruiting=maybe",
        "tya=no&tya=yes&tya=%FF",
        "cancer=bowel&cancer=lung",
        "age=%EF%BF%BD",
    ],
)
def test_odd_query_parameters_never_cause_a_server_error(client, seeded_trials, query):
    # A control character or broken UTF-8 is refused before any view (400); anything else is ignored.
    expected = 400 if "%00" in query or "%FF" in query else 200
    assert client.get(f"/en/clinical-trials/find?{query}").status_code == expected
    assert client.get(f"/ar/clinical-trials/young-people?{query}").status_code == expected


def test_a_missing_trial_or_a_non_number_id_is_not_found(client, seeded_trials):
    assert client.get("/en/clinical-trials/trial/999999").status_code == 404
    assert client.get("/en/clinical-trials/trial/abc").status_code == 404
    assert client.get("/xx/clinical-trials/find").status_code == 404


def _set_last_updated(session, number: int, days_ago: int) -> int:
    from datetime import date, timedelta

    trial = session.scalar(select(Trial).where(Trial.registry_id == nct(number)))
    trial.last_updated = date.today() - timedelta(days=days_ago)
    session.commit()
    return trial.id


def test_a_trial_whose_record_is_older_than_the_stale_period_tells_readers_to_ask_the_research_team(
    app, client, session, seeded_trials
):
    assert app.config["TRIALS_STALE_DAYS"] == 180
    old = _set_last_updated(session, 5, 181)
    fresh = _set_last_updated(session, 1, 10)
    main = main_of(client.get(f"/en/clinical-trials/trial/{old}"))
    assert "This information may be out of date" in main
    assert "last checked over 6 months ago: ask the research team" in main
    assert "last checked over" not in main_of(client.get(f"/en/clinical-trials/trial/{fresh}"))
    polish = main_of(client.get(f"/pl/clinical-trials/trial/{old}"))
    assert "ponad 6 miesięcy" in polish


def test_the_teenagers_and_young_adults_view_says_which_trials_start_at_18(client, session, seeded_trials):
    pages = [main_of(client.get("/en/clinical-trials/young-people?page=" + str(n))) for n in (1, 2)]
    both = "".join(pages)
    assert "Some of these trials start at age 18" in pages[0]
    hodgkin = both[both.index("A gentler treatment plan for young people") :]
    assert "Starts at age" not in hodgkin[: hodgkin.index("</li>")]  # 16 to 30 starts at 16
    assert both.count("Starts at age 18: not open to anyone younger.") >= 1
    for item in re.findall(r'<li class="app-trial-result.*?</li>', both, re.S):
        if "Ages 18 " in item:
            assert "Starts at age 18: not open to anyone younger." in item


def test_ages_under_2_are_shown_in_months(client, session, seeded_trials):
    main = main_of(client.get(f"/en/clinical-trials/trial/{trial_id(session, 6)}"))
    assert "Ages 18 months to 15" in main
    assert "1.5" not in main
    assert "18 miesięcy" in main_of(client.get(f"/pl/clinical-trials/trial/{trial_id(session, 6)}"))


def test_the_young_people_page_lists_trials_made_for_them_first_and_its_links_before_the_list(
    client, session
):
    from datetime import date

    from alliance.trials.models import Trial, TrialSite

    def trial(registry_id: str, low: float | None, high: float | None, updated: date) -> None:
        found = Trial(
            registry_id=registry_id,
            title=f"Trial {registry_id}",
            overall_status="RECRUITING",
            min_age=low,
            max_age=high,
            last_updated=updated,
            source="test",
        )
        found.sites.append(TrialSite(hospital="Hospital", locality="sheffield", status="RECRUITING"))
        session.add(found)

    trial("ADULTS", 18, None, date(2026, 12, 1))
    trial("YOUNG", 16, 30, date(2025, 1, 1))
    trial("TEENS", 12, 25, date(2024, 1, 1))
    session.commit()
    html = client.get("/en/clinical-trials/young-people").get_data(as_text=True)
    order = [html.index(f"Trial {name}") for name in ("YOUNG", "TEENS", "ADULTS")]
    assert order == sorted(order)
    assert html.count("Made for teenagers and young adults") == 2
    assert html.index("Filter these trials by cancer type or place") < order[0]
    assert html.index("What a clinical trial is") < order[0]
