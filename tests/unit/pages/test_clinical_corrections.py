"""The clinical corrections of issue 18: each fact the content states, checked in the files themselves."""

from pathlib import Path

import pytest

from alliance.i18n import REGISTRY
from alliance.pages import content
from alliance.pages.markdown import plain_text

CONTENT = Path(__file__).resolve().parents[3] / "content"
COMMUNITY_LANGUAGES = [code for code in REGISTRY if code != "en"]
GENETICS_PAGES = [
    "genetic-testing",
    "lynch-syndrome",
    "brca-and-inherited-cancer-genes",
    "genetic-testing-appointment",
]


def load(slug: str, lang: str = "en") -> content.PageSource:
    path = CONTENT / "pages" / slug / f"{lang}.md"
    return content.parse(path.read_text(encoding="utf-8"), slug, lang)


def care_card(body: str, kind: str) -> str:
    """The text of the page's care card of one kind (non-urgent, urgent, emergency)."""
    start = body.index(f"::: care {kind} ")
    return body[start : body.index("\n:::", start)]


def test_lung_screening_says_it_uses_a_low_dose_ct_scan_to_find_cancer_early_not_how_well_lungs_work():
    body = load("lung-screening").body
    assert "how well your lungs are working" not in body
    assert body.startswith("Lung cancer screening uses a low-dose CT scan to look for lung cancer early")
    assert "before there are any symptoms" in body.split("\n")[0]


@pytest.mark.parametrize("lang", COMMUNITY_LANGUAGES)
def test_every_lung_screening_translation_follows_the_corrected_english_text(lang):
    assert load("lung-screening", lang).translated_from == load("lung-screening").body_hash


def test_the_about_page_gives_the_national_cancer_plan_aims_and_cites_it_not_the_long_term_plan():
    page = load("about")
    text = plain_text(page.body)
    assert "2028" not in text and "stage 1 or 2" not in text
    assert "National Cancer Plan for England" in text and "2035" in text
    urls = [source["url"] for source in page.sources]
    assert "https://www.gov.uk/government/publications/national-cancer-plan-for-england" in urls
    assert not any("longtermplan" in url for url in urls)


def test_cervical_screening_explains_self_sampling_kits_and_what_they_mean_for_the_next_invitation():
    text = plain_text(load("cervical-screening").body)
    assert "HPV self-sampling" in text
    assert "If you are overdue for screening, you may be offered a home testing kit" in text
    assert (
        "If no HPV is found, you will usually go back to being invited at the normal time for your age"
        in text
    )
    assert "If HPV is found, you will be invited to have a test done by a nurse" in text


def test_cervical_screening_tells_people_65_or_over_who_were_never_screened_or_not_since_50_to_ask_their_gp():
    text = plain_text(load("cervical-screening").body)
    assert "If you are 65 or over" in text
    assert "never been screened, or you have not been screened since you were 50, you can ask your GP" in text
    urls = [source["url"] for source in load("cervical-screening").sources]
    assert "https://www.nhs.uk/conditions/cervical-screening/when-youll-be-invited/" in urls


def test_spots_that_do_not_fade_under_a_glass_with_a_high_temperature_are_an_emergency():
    body = load("blood-cancer-symptoms").body
    emergency = care_card(body, "emergency")
    assert (
        "do not fade when you press a glass on them, and you have a high temperature or feel very unwell"
        in (emergency)
    )
    # The urgent card keeps only spots in someone who otherwise feels well.
    assert "and you feel well otherwise" in care_card(body, "urgent")


def test_suddenly_being_unable_to_pee_at_all_is_an_emergency_on_its_own():
    emergency = care_card(load("prostate-cancer-symptoms").body, "emergency")
    assert "- you suddenly cannot pee at all\n" in emergency + "\n"
    assert "and your tummy" not in emergency


@pytest.mark.parametrize("slug", ["blood-cancer-symptoms", "prostate-cancer-symptoms"])
def test_the_corrected_symptom_pages_are_marked_for_clinical_sign_off(slug):
    page = load(slug)
    assert page.clinical and page.clinical_sign_off == "awaiting"


def test_the_bladder_and_kidney_page_names_blood_in_pee_as_the_most_common_symptom_and_is_in_the_hub():
    page = load("bladder-and-kidney-cancer-symptoms")
    assert page.clinical and page.section == "symptoms"
    assert "The most common symptom of bladder cancer and kidney cancer is blood in your pee" in page.body
    urls = {source["url"] for source in page.sources}
    assert "https://www.nhs.uk/conditions/bladder-cancer/symptoms/" in urls
    assert "https://www.nhs.uk/conditions/kidney-cancer/" in urls
    assert "(page:bladder-and-kidney-cancer-symptoms)" in load("symptoms").body


@pytest.mark.parametrize("lang", COMMUNITY_LANGUAGES)
def test_the_bladder_and_kidney_page_and_the_symptoms_hub_link_exist_in_every_language(lang):
    page = load("bladder-and-kidney-cancer-symptoms", lang)
    assert page.translated_from == load("bladder-and-kidney-cancer-symptoms").body_hash
    assert page.review_status == "awaiting-translator-review"
    assert "(page:bladder-and-kidney-cancer-symptoms)" in load("symptoms", lang).body


def test_every_clinical_standard_page_names_a_clinical_owner_role_marked_as_an_example():
    for path in sorted((CONTENT / "pages").glob("*/en.md")):
        slug = path.parent.name
        page = load(slug)
        if not page.clinical or slug.endswith("-easy-read"):
            continue
        assert page.clinical_owner, f"{slug} has no clinical owner"
        assert "(example role)" in page.clinical_owner, slug


@pytest.mark.parametrize("slug", [*GENETICS_PAGES, "clinical-trials"])
def test_the_genetics_and_trials_pages_are_not_owned_by_the_communications_team_alone(slug):
    page = load(slug)
    assert page.clinical_owner and "Communications" not in page.clinical_owner
