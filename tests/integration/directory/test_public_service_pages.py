"""A page per service, and the "report a problem with this listing" form."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.directory.models import ProblemReport
from alliance.directory.seed import seed_directory
from alliance.extensions import limiter

ROOT = Path(__file__).resolve().parents[3]
BARNSLEY_GROUP = "22a45d33-86d7-5748-b926-b886aefb4946"
PAGE = f"/en/support/services/{BARNSLEY_GROUP}"
REPORT = f"{PAGE}/report-a-problem"


@pytest.fixture
def directory(app, session):
    limiter.reset()
    with app.app_context():
        seed_directory(session, ROOT / "content")
    # Requests run outside this context, each in its own, as in production (a shared `g` would carry
    # one request's language into the next).
    yield session
    limiter.reset()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def post_report(client, data: dict):
    token = csrf_token(client.get(REPORT).get_data(as_text=True))
    return client.post(REPORT, data={**data, "csrf_token": token})


def test_the_service_page_shows_what_the_directory_holds_about_it(client, directory):
    html = client.get(PAGE).get_data(as_text=True)
    assert "<h1>Barnsley Cancer Support Group (example)</h1>" in html
    assert 'href="tel:01632960001"' in html and '<span dir="ltr" class="app-ltr">01632 960001</span>' in html
    for fact in (
        "Barnsley Cancer Care Trust (example)",
        "10 Example Street",
        "Step-free entrance",
        "The second Tuesday of every month, 10:30 to 12:30",
        "Free",
        "Next open:",
        "example listing",
    ):
        assert fact.lower() in html.lower(), fact


def test_the_service_page_uses_the_translated_name_where_there_is_one(client, directory):
    html = client.get(f"/ur/support/services/{BARNSLEY_GROUP}").get_data(as_text=True)
    assert "بارنزلی کینسر سپورٹ گروپ (مثال)" in html
    polish = client.get(f"/pl/support/services/{BARNSLEY_GROUP}").get_data(as_text=True)
    assert '<div lang="en" dir="ltr">' in polish and "Barnsley Cancer Support Group (example)" in polish


def test_an_unknown_service_is_not_found(client, directory):
    assert client.get("/en/support/services/no-such-service").status_code == 404
    assert client.get("/en/support/services/no-such-service/report-a-problem").status_code == 404


def test_a_report_without_a_choice_shows_an_error_and_keeps_the_details(client, directory):
    response = post_report(client, {"details": "The hall moved"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<title>Error:" in html and "Select what is wrong with this listing" in html
    assert "The hall moved" in html
    assert directory.scalars(select(ProblemReport)).all() == []


def test_a_report_is_stored_for_staff_and_confirmed(client, directory):
    response = post_report(client, {"problem": "opening", "details": "It meets on Wednesdays now"})
    assert response.status_code == 303
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your report" in confirmation
    report = directory.scalars(select(ProblemReport)).one()
    assert (report.service_id, report.problem, report.details, report.status, report.lang) == (
        BARNSLEY_GROUP,
        "opening",
        "It meets on Wednesdays now",
        "open",
        "en",
    )


def test_a_report_without_a_csrf_token_is_refused(client, directory):
    response = client.post(REPORT, data={"problem": "closed"})
    assert response.status_code == 400
    assert directory.scalars(select(ProblemReport)).all() == []


def test_reports_from_one_address_are_rate_limited(app, client, directory):
    statuses = [post_report(client, {"problem": "other"}).status_code for _ in range(6)]
    assert statuses[:5] == [303] * 5
    assert statuses[5] == 429
    assert len(directory.scalars(select(ProblemReport)).all()) == 5
    assert client.get(REPORT).status_code == 200  # reading the form is never limited


MACMILLAN = "d8918942"


def _service_id(session, name: str) -> str:
    from alliance.directory.models import Service

    return session.scalar(select(Service.id).where(Service.name == name))


@pytest.mark.parametrize(
    ("lang", "checked"), [("en", "7 December 2026"), ("pl", "7 grudnia 2026"), ("ar", "2026")]
)
def test_a_national_helpline_page_says_when_the_listing_was_last_checked_in_the_readers_language(
    client, directory, lang, checked
):
    service_id = _service_id(directory, "Macmillan Support Line")
    html = client.get(f"/{lang}/support/services/{service_id}").get_data(as_text=True)
    assert checked in html
    if lang == "en":
        assert "Listing last checked" in html


def test_a_listing_nobody_has_checked_does_not_claim_a_date(client, directory):
    assert "Listing last checked" not in client.get(PAGE).get_data(as_text=True)
