"""The back-office preview runs the same journey as the public survey: for the same answers, typed
right or wrong, both show the same pages, the same questions and the same errors, and go to the same
next page."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from alliance.surveys.models import Response, Survey
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.surveys.conftest import CSRF, ENGLISH_ANSWERS, SLUG

PREVIEW_BANNER = re.compile(r'<div class="nhsuk-warning-callout app-survey-preview".*?</div>', re.S)
TAGS = re.compile(r"<[^>]+>")

# Each page posted first as typed wrongly (or left empty), then as in ENGLISH_ANSWERS.
WRONG = {
    1: {},
    2: {"experience_rating": "9"},
    3: {"what_matters[close]": "1", "what_matters[quick]": "1"},
    4: {"barriers": ["other"]},
    5: {"tell_us_more": "x" * 5001},
    6: {"outcode": "zzz", "travel_minutes": "forty"},
    7: {"last_appointment[day]": "3", "last_appointment[month]": "9", "last_appointment[year]": "26"},
}


def step_of(location: str | None) -> str | None:
    """Where a redirect goes, the same for both: a page number, "about-you" or "check" (and "+change")."""
    if location is None:
        return None
    change = "+change" if "change=1" in location else ""
    found = re.search(
        r"questions/(\d+)|step=(\d+|about-you|check|start)|/(about-you|check-your-answers)", location
    )
    assert found, location
    name = next(group for group in found.groups() if group)
    return {"check-your-answers": "check"}.get(name, name) + change


def shown(html: str) -> str:
    """The words of the page's main content, as a reader sees them (the preview's banner left out)."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(unescape(TAGS.sub(" ", PREVIEW_BANNER.sub("", main))).split())


class Walker:
    def __init__(self, client, page_url, step_url):
        self.client, self.page_url, self.step_url = client, page_url, step_url

    def post(self, number, data, change=False) -> tuple:
        url = self.page_url(number) + ("&change=1" if "?" in self.page_url(number) else "?change=1") * change
        page = self.client.get(url)
        assert page.status_code == 200, url
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        response = self.client.post(url, data={**data, "csrf_token": token})
        location = response.headers.get("Location")
        return (
            response.status_code,
            step_of(location),
            None if location else shown(response.get_data(as_text=True)),
        )

    def show(self, step) -> tuple:
        response = self.client.get(self.step_url(step))
        location = response.headers.get("Location")
        return (
            response.status_code,
            step_of(location),
            None if location else shown(response.get_data(as_text=True)),
        )


@pytest.fixture
def walkers(app, session, survey):
    survey_id = session.scalar(select(Survey.id).where(Survey.slug == SLUG))
    lead = make_staff(session, roles="engagement_lead", email="lead@example.nhs.uk")
    preview = signed_in_client(app, lead)
    base = f"/backoffice/surveys/{survey_id}/preview/en"
    preview.get(base)  # the preview starts afresh
    public = Walker(
        app.test_client(),
        lambda n: f"/en/surveys/{SLUG}/questions/{n}",
        lambda step: f"/en/surveys/{SLUG}/" + {"about-you": "about-you", "check": "check-your-answers"}[step],
    )
    staff = Walker(preview, lambda n: f"{base}?step={n}", lambda step: f"{base}?step={step}")
    return public, staff


def test_the_preview_and_the_public_survey_show_the_same_pages_and_errors_for_the_same_answers(
    session, walkers
):
    public, staff = walkers
    compared = 0
    for number, good in ENGLISH_ANSWERS:
        for data in (WRONG[number], good):
            seen_by_public, seen_in_preview = public.post(number, data), staff.post(number, data)
            assert seen_by_public == seen_in_preview, (number, data)
            compared += 1
    for step in ("about-you", "check"):
        assert public.show(step) == staff.show(step), step
    # Changing an answer from the check page goes back to the check page on both.
    changed = {"connection": "carer"}
    assert public.post(1, changed, change=True) == staff.post(1, changed, change=True) == (303, "check", None)
    assert public.show("check") == staff.show("check")
    assert compared == 2 * len(ENGLISH_ANSWERS)
    assert session.scalar(select(Response.id)) is None


def test_wrong_answers_give_errors_on_both_so_the_comparison_is_of_real_error_pages(walkers):
    public, staff = walkers
    for walker in (public, staff):
        status, location, words = walker.post(7, WRONG[7])
        assert status == 200 and location is None
        assert "Enter the year as four digits, like 2026" in words


def test_the_preview_says_it_is_a_preview_and_the_public_page_does_not(walkers):
    public, staff = walkers
    public_html = public.client.get(public.page_url(1)).get_data(as_text=True)
    preview_html = staff.client.get(staff.page_url(1)).get_data(as_text=True)
    assert "Preview: answers are not saved" in preview_html
    assert "Preview: answers are not saved" not in public_html


def test_skipping_ahead_before_answering_goes_to_the_same_first_page_on_both(walkers):
    public, staff = walkers
    for step in ("about-you", "check"):
        assert public.show(step) == staff.show(step) == (302, "1", None), step
