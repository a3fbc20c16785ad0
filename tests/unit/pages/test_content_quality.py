"""The site's own content: every required page exists, cites sources, reads simply, and is translated."""

import re
from pathlib import Path

import pytest
import textstat

from alliance.i18n import REGISTRY
from alliance.pages import content
from alliance.pages.markdown import plain_text, readable_text

CONTENT = Path(__file__).resolve().parents[3] / "content"
SCREENING = ["screening", "bowel-screening", "breast-screening", "cervical-screening", "lung-screening"]
EASY_READ = [f"{slug}-easy-read" for slug in SCREENING] + [
    "symptoms-easy-read",
    "worried-about-a-symptom-easy-read",
]
SYMPTOMS = [
    "symptoms",
    "lung-cancer-symptoms",
    "bowel-cancer-symptoms",
    "breast-cancer-symptoms",
    "prostate-cancer-symptoms",
    "skin-cancer-symptoms",
    "gynaecological-cancer-symptoms",
    "head-and-neck-cancer-symptoms",
    "oesophageal-and-stomach-cancer-symptoms",
    "pancreatic-cancer-symptoms",
    "blood-cancer-symptoms",
    "bladder-and-kidney-cancer-symptoms",
    "non-specific-symptoms",
]
OTHER = ["about", "get-involved", "accessibility", "privacy", "contact"]
RESEARCH = [
    "clinical-trials",
    "genetic-testing",
    "lynch-syndrome",
    "brca-and-inherited-cancer-genes",
    "genetic-testing-appointment",
]
TRANSLATED = SCREENING + RESEARCH + SYMPTOMS + ["get-involved"]
COMMUNITY_LANGUAGES = [code for code in REGISTRY if code != "en"]


def load(slug: str, lang: str = "en") -> content.PageSource:
    path = CONTENT / "pages" / slug / f"{lang}.md"
    return content.parse(path.read_text(encoding="utf-8"), slug, lang)


@pytest.mark.parametrize("slug", SCREENING + EASY_READ + SYMPTOMS + RESEARCH + OTHER)
def test_every_required_page_exists_in_english(slug):
    assert load(slug).title


@pytest.mark.parametrize("slug", SCREENING + EASY_READ + SYMPTOMS + RESEARCH)
def test_every_clinical_page_names_its_sources_and_review_dates(slug):
    page = load(slug)
    assert page.clinical
    assert page.sources and all(source["url"].startswith("https://") for source in page.sources)
    assert page.last_reviewed and page.next_review_due and page.next_review_due > page.last_reviewed


@pytest.mark.parametrize("slug", SCREENING + SYMPTOMS + RESEARCH + OTHER)
def test_standard_pages_read_at_or_below_grade_8(slug):
    grade = textstat.flesch_kincaid_grade(readable_text(load(slug).body))
    assert grade <= 8, f"{slug} reads at grade {grade}"


@pytest.mark.parametrize("slug", EASY_READ)
def test_easy_read_pages_read_at_or_below_grade_5(slug):
    grade = textstat.flesch_kincaid_grade(readable_text(load(slug).body))
    assert grade <= 5, f"{slug} reads at grade {grade}"


@pytest.mark.parametrize("slug", SCREENING)
def test_each_screening_page_and_its_easy_read_version_link_to_each_other(slug):
    assert load(slug).easy_read == f"{slug}-easy-read"
    assert load(f"{slug}-easy-read").standard == slug


def test_the_symptoms_hub_and_its_easy_read_version_link_to_each_other():
    assert load("symptoms").easy_read == "symptoms-easy-read"
    assert load("symptoms-easy-read").standard == "symptoms"
    assert "page:worried-about-a-symptom-easy-read" in load("symptoms-easy-read").body


def test_the_worried_about_a_symptom_easy_read_page_says_see_a_gp_call_111_and_999_in_an_emergency():
    page = load("worried-about-a-symptom-easy-read")
    assert page.standard == "symptoms"
    for words in ("See a GP", "Call 111", "Call 999 in an emergency"):
        assert words in page.body


@pytest.mark.parametrize("slug", EASY_READ)
def test_every_easy_read_page_pairs_its_ideas_with_pictures_that_have_alt_text(slug):
    body = load(slug).body
    lines = [line for line in body.splitlines() if line.startswith("![")]
    assert len(lines) >= 8, f"{slug} has only {len(lines)} lines with a picture"
    assert all(re.match(r"!\[[^\]]+\]\(icon:[a-z-]+\) \S", line) for line in lines)


@pytest.mark.parametrize("slug", SYMPTOMS)
def test_each_symptom_page_says_when_to_see_a_gp_get_urgent_help_and_call_999(slug):
    body = load(slug).body
    assert "::: care non-urgent" in body
    assert "::: care urgent" in body
    assert "999" in body


@pytest.mark.parametrize("slug", SCREENING + EASY_READ + SYMPTOMS + RESEARCH)
def test_no_page_tells_the_reader_they_have_cancer_or_are_eligible(slug):
    text = plain_text(load(slug).body).lower()
    assert not re.search(r"(?<!mean )\byou (have|have got|definitely have) cancer\b", text)
    assert not re.search(r"\byou are eligible\b", text)


@pytest.mark.parametrize("lang", COMMUNITY_LANGUAGES)
@pytest.mark.parametrize("slug", TRANSLATED)
def test_the_key_pages_are_translated_and_await_review(slug, lang):
    page = load(slug, lang)
    # An older origin is allowed (the site then says the English page has moved on), a made-up one is not.
    assert re.fullmatch(r"[0-9a-f]{12}", page.translated_from)
    assert page.review_status == "awaiting-translator-review"
    assert page.title != load(slug).title
