import re
from pathlib import Path

import pytest

from alliance.extensions import limiter
from alliance.surveys import seeding
from tests.integration.backoffice.conftest import smtp, smtp_server  # noqa: F401  (the local SMTP server)

CONTENT = Path(__file__).resolve().parents[3] / "content"
SLUG = "have-your-say-on-cancer-care"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def survey(app, session):
    """The example survey from content/surveys, loaded by its seeder; rate limits start afresh."""
    with app.app_context():
        limiter.reset()
    seeding.seed_surveys(session, CONTENT)
    return SLUG


def csrf_from(html: str) -> str:
    return CSRF.search(html).group(1)


def post_page(client, url: str, data: dict, follow: bool = False):
    """Fetch a form page, then post `data` to it with the page's own CSRF token."""
    page = client.get(url)
    assert page.status_code == 200, url
    return client.post(
        url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))}, follow_redirects=follow
    )


ENGLISH_ANSWERS = [
    (1, {"connection": "patient"}),
    (2, {"experience_rating": "4"}),
    (
        3,
        {
            f"what_matters[{k}]": str(n)
            for n, k in enumerate(["close", "quick", "explained", "support", "choices"], 1)
        },
    ),
    (4, {"barriers": ["transport", "other"], "barriers.other": "Parking at the hospital =SUM(A1)"}),
    (5, {"tell_us_more": "The nurses were kind.\nWaiting for results was hard."}),
    (6, {"outcode": "s10 2tn", "travel_minutes": "45"}),
    (
        7,
        {
            "last_appointment[day]": "3",
            "last_appointment[month]": "9",
            "last_appointment[year]": "2026",
            "one_change": "Evening appointments",
        },
    ),
]


def answer_all(client, lang: str, slug: str, pages=ENGLISH_ANSWERS, equality=None) -> str:
    """Answer every page in turn and return the check-your-answers page's HTML."""
    for number, data in pages:
        response = post_page(client, f"/{lang}/surveys/{slug}/questions/{number}", data)
        assert response.status_code == 303, (number, response.get_data(as_text=True)[:2000])
    response = post_page(client, f"/{lang}/surveys/{slug}/about-you", equality or {})
    assert response.status_code == 303
    check = client.get(f"/{lang}/surveys/{slug}/check-your-answers")
    assert check.status_code == 200
    return check.get_data(as_text=True)


def send(client, lang: str, slug: str, html: str, **extra):
    data = {"csrf_token": csrf_from(html), "token": TOKEN.search(html).group(1), **extra}
    return client.post(f"/{lang}/surveys/{slug}/check-your-answers", data=data)
