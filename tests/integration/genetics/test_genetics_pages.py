import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from alliance.database import Base
from alliance.genetics import services
from alliance.genetics.models import GeneticsService, GeneticTest

CONTENT = Path(__file__).resolve().parents[3] / "content"
LOCALITIES = ["barnsley", "bassetlaw", "doncaster", "rotherham", "sheffield", "north-derbyshire"]
FORBIDDEN = ("eligible", "you need", "you have", "you qualify")


@pytest.fixture
def content_dir(tmp_path):
    shutil.copytree(CONTENT / "genetics", tmp_path / "genetics")
    return tmp_path


@pytest.fixture
def seeded(session, content_dir):
    services.seed_genetics(session, content_dir)
    return content_dir


def main_of(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def row_counts(session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(t)) for name, t in Base.metadata.tables.items()
    }


def test_seeding_twice_changes_nothing_the_second_time(session, content_dir):
    changed, _ = services.seed_genetics(session, content_dir)
    before = row_counts(session)
    again, summary = services.seed_genetics(session, content_dir)
    assert changed == 8 + 18 + 3
    assert again == 0 and "0 records added" in summary
    assert row_counts(session) == before


def test_a_staff_edit_survives_a_reseed_even_when_the_content_file_changes(session, seeded):
    row = session.scalar(select(GeneticTest).where(GeneticTest.code == "R430"))
    row.summary = "Edited by staff."
    session.commit()
    path = seeded / "genetics" / "tests.json"
    data = json.loads(path.read_text())
    next(t for t in data["tests"] if t["code"] == "R430")["summary"] = "Changed in content."
    data["tests"].append({**data["tests"][0], "code": "R999", "name": "A test new in content"})
    path.write_text(json.dumps(data))
    assert services.seed_genetics(session, seeded)[0] == 1
    session.expire_all()
    assert session.scalar(select(GeneticTest.summary).where(GeneticTest.code == "R430")) == "Edited by staff."
    assert (
        session.scalar(select(GeneticTest.name).where(GeneticTest.code == "R999")) == "A test new in content"
    )


@pytest.mark.parametrize("locality", LOCALITIES)
def test_each_locality_shows_its_genetics_service_laboratory_hub_and_referral_routes(
    client, seeded, locality
):
    response = client.get(f"/en/genetic-testing/services?area={locality}")
    assert response.status_code == 200
    main = main_of(response)
    assert "Sheffield Clinical Genetics Service" in main
    assert "North East and Yorkshire Genomic Laboratory Hub" in main
    assert "Through your cancer team" in main and "Through your GP" in main
    assert "Through a family history clinic" in main
    assert "Example data" in main
    assert main.count('class="nhsuk-card app-genetics-service"') == 3
    assert "Page last reviewed: 23 November 2026" in main and "Next review due: 23 May 2027" in main
    assert 'href="https://ney-genomics.org.uk/"' in main


def test_a_service_marked_as_checked_shows_no_example_data_label(client, seeded, session):
    main = main_of(client.get("/en/genetic-testing/services?area=sheffield"))
    hub = main[main.index("North East and Yorkshire Genomic Laboratory Hub") :].split("</div>")[0]
    assert "Example data" not in hub
    flagged = session.scalar(select(func.count()).where(GeneticsService.example_data.is_(True)))
    assert flagged >= 12


def test_an_unknown_area_gets_a_translated_error_and_the_choice_form_again(client, seeded):
    response = client.get("/pl/genetic-testing/services?area=atlantis")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#area"' in html
    assert 'name="area"' in html


def test_the_tests_page_shows_each_test_with_its_wording_version_and_sources(client, seeded):
    main = main_of(client.get("/en/genetic-testing/tests"))
    for code in ("R207", "R208", "R210", "R211", "R430", "R444", "M1.4", "M215.2"):
        assert f'<span dir="ltr">{code}</span>' in main
    assert (
        '<blockquote class="app-directory-quote" lang="en" dir="ltr"><p>Proband diagnosed with prostate cancer'
        in main
    )
    assert main.count("Summary, not a quotation") >= 3
    assert 'href="https://southeastgenomics.nhs.uk/tool/inherited-prostate-cancer"' in main
    assert "Version not confirmed: check the current directory" in main
    assert "Not checked against a source: check the current directory" in main
    assert "1 September 2023" in main
    assert "Page last reviewed: 7 December 2026" in main


def test_each_quotation_says_whose_copy_of_the_directory_it_comes_from_not_the_directory_itself(
    client, seeded
):
    main = main_of(client.get("/en/genetic-testing/tests"))
    section = main[main.index('id="test-R430"') : main.index('id="test-R444"')]
    assert "Quoted from the copy of the" in section
    assert 'published by <span dir="ltr" class="app-ltr">South East Genomics</span>' in section
    assert "Quoted from National Genomic Test Directory" not in main
    assert "Quoted from <span" not in main
    m14 = main[main.index('id="test-M1-4"') : main.index('id="test-M215-2"')]
    assert 'published by <span dir="ltr" class="app-ltr">East Genomics</span>' in m14
    assert "Directory version" in m14 and "1 September 2023" in m14


def test_the_genetics_pages_are_right_to_left_in_arabic_and_keep_english_data_left_to_right(client, seeded):
    for path in ("/ar/genetic-testing/tests", "/ar/genetic-testing/services?area=doncaster"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="ar" dir="rtl"' in html
        assert 'lang="en" dir="ltr"' in html


GUIDE = "/en/genetic-testing/should-i-ask"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def answer(client, step: str, data: list[tuple[str, str]], action: str = "continue"):
    """Post a step of the guide as its form does: the answers so far, this one, and the page's token."""
    token = CSRF.search(client.get(f"{GUIDE}/your-history").get_data(as_text=True)).group(1)
    return client.post(f"{GUIDE}/{step}", data=MultiDict([*data, ("action", action), ("csrf_token", token)]))


def test_walking_the_guide_stores_nothing_keeps_answers_out_of_addresses_and_ends_with_gp_advice(
    client, seeded, session
):
    before = row_counts(session)
    answers = [("own", "young")]
    response = answer(client, "your-history", answers)
    assert response.status_code == 200
    assert "Has anyone in your family had any of these?" in response.get_data(as_text=True)
    answers += [("family", "bowel-womb"), ("family", "young")]
    response = answer(client, "family", answers)
    answers += [("gene", "yes")]
    response = answer(client, "gene-change", answers)
    answers += [("ancestry", "not-sure")]
    result = answer(client, "ancestry", answers)
    assert result.status_code == 200
    html = result.get_data(as_text=True)
    main = main_of(result)
    assert "Talk to your GP surgery" in main
    assert "relatives on the same side of the family with bowel or womb cancer" in main
    assert 'href="/en/genetic-testing/services?area=sheffield"' in main
    assert 'href="/en/genetic-testing-appointment"' in main
    assert "own=" not in html and "family=" not in html  # no address anywhere carries an answer
    assert '<input type="hidden" name="family" value="bowel-womb">' in html
    assert "no-store" in result.headers["Cache-Control"]
    assert row_counts(session) == before


def test_the_result_acknowledges_worry_links_to_support_and_shows_no_urgent_card(client, seeded):
    main = main_of(answer(client, "ancestry", [("own", "no"), ("ancestry", "no")]))
    assert "If you are worried" in main and "0808 808 00 00" in main
    assert 'href="/en/support"' in main
    assert "nhsuk-card--care--urgent" not in main and "nhsuk-card--care--non-urgent" in main
    assert main.count("<h2>Sources</h2>") == 1


def test_the_questions_do_not_repeat_the_sources_and_the_start_page_links_to_support(client, seeded):
    assert "<h2>Sources</h2>" not in main_of(client.get(f"{GUIDE}/family"))
    start = main_of(client.get(GUIDE))
    assert "natural to wonder" in start and 'href="/en/support"' in start


def test_going_back_shows_the_previous_question_with_its_answer_chosen(client, seeded):
    html = answer(client, "family", [("own", "older"), ("family", "young")], action="show").get_data(
        as_text=True
    )
    assert 'value="young" checked' in html
    assert '<input type="hidden" name="own" value="older">' in html


@pytest.mark.parametrize(
    "answers",
    [
        [],
        [("own", "no"), ("family", "none"), ("gene", "no"), ("ancestry", "no")],
        [("own", "older"), ("ancestry", "yes")],
        [("family", "none"), ("family", "young")],
    ],
)
def test_every_result_advises_a_gp_and_never_says_someone_is_eligible(client, seeded, answers):
    last = [] if any(name == "ancestry" for name, _value in answers) else [("ancestry", "no")]
    main = main_of(answer(client, "ancestry", [*answers, *last]))
    result = main[main.index('class="app-guide-result"') : main.index("Change your answers")]
    assert "Talk to your GP or care team" in result
    text = re.sub(r"<[^>]+>", " ", result).lower()
    assert not any(word in text for word in FORBIDDEN), answers


def test_a_question_answered_wrongly_shows_an_error_and_keeps_what_was_chosen(client, seeded):
    response = answer(client, "family", [("own", "older"), ("family", "none"), ("family", "young")])
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert 'value="young" checked' in html
    assert '<input type="hidden" name="own" value="older">' in html


def test_an_answer_posted_without_its_token_is_refused(client, seeded):
    assert client.post(f"{GUIDE}/family", data={"own": "young", "action": "continue"}).status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/en/genetic-testing/services?area=",
        "/en/genetic-testing/services?area=%00%ff",
        "/en/genetic-testing/services?area=sheffield&area=barnsley",
        "/en/genetic-testing/services?area=" + "x" * 5000,
        "/en/genetic-testing/tests?page=-1&code=%27",
        "/ur/genetic-testing/should-i-ask?own=%3Cscript%3E",
        "/en/genetic-testing/should-i-ask/your-history?continue=1&own=%00",
        "/en/genetic-testing/should-i-ask/result?own=%ff&family=%uD800&gene=&ancestry=yes",
    ],
)
def test_bad_query_parameters_never_cause_a_server_error(client, seeded, path):
    # A control character or broken UTF-8 is refused before any view (400); anything else is ignored.
    refused = "%00" in path or "%ff" in path
    assert client.get(path).status_code in ((400,) if refused else (200, 303))


def test_an_unknown_guide_step_and_an_unknown_language_are_404(client, seeded):
    assert client.get("/en/genetic-testing/should-i-ask/what-now").status_code == 404
    assert client.get("/xx/genetic-testing/tests").status_code == 404


def test_the_pages_render_without_seeded_data(client):
    for path in ("/en/genetic-testing/tests", "/en/genetic-testing/services?area=rotherham"):
        assert client.get(path).status_code == 200
