"""'Is this page useful?': a reader answers without JavaScript, only counts are kept, and staff read them."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import inspect, select

from alliance.extensions import db, limiter
from alliance.pages import usefulness
from alliance.pages.models import PageUsefulness
from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client

DAY = date(2026, 12, 7)


def counts(session) -> list[tuple[str, str, int, int]]:
    session.expire_all()
    rows = session.scalars(select(PageUsefulness)).all()
    return sorted((row.slug, row.lang, row.yes, row.no) for row in rows)


def test_a_content_page_asks_whether_it_is_useful_with_a_form_that_needs_no_script(client, seeded):
    html = client.get("/ur/example").get_data(as_text=True)
    assert '<form method="get" action="/ur/example/useful"' in html
    assert 'name="answer" value="yes"' in html and 'name="answer" value="no"' in html


def test_a_reader_says_a_page_is_useful_and_only_the_count_is_kept(app, client, session, seeded):
    with app.app_context():
        limiter.reset()
    page = client.get("/ur/example/useful?answer=yes")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'value="yes" checked' in html
    assert "no-store" in page.headers["Cache-Control"]
    sent = client.post("/ur/example/useful", data={"answer": "yes", "csrf_token": csrf_token(html)})
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/ur/example/useful/sent")
    assert client.get(sent.headers["Location"]).status_code == 200
    assert counts(session) == [("example", "ur", 1, 0)]
    columns = {column["name"] for column in inspect(session.get_bind()).get_columns("page_usefulness")}
    assert columns == {"day", "slug", "lang", "yes", "no"}


def test_sending_no_answer_shows_a_translated_error_and_counts_nothing(app, client, session, seeded):
    with app.app_context():
        limiter.reset()
    html = client.get("/pl/example/useful").get_data(as_text=True)
    response = client.post("/pl/example/useful", data={"answer": "maybe", "csrf_token": csrf_token(html)})
    assert response.status_code == 200
    assert "Wystąpił problem" in response.get_data(as_text=True)
    assert counts(session) == []


def test_an_answer_without_its_token_is_refused(client, session, seeded):
    assert client.post("/en/example/useful", data={"answer": "yes"}).status_code == 400
    assert counts(session) == []


def test_a_page_that_does_not_exist_has_no_usefulness_form(client, seeded):
    assert client.get("/en/no-such-page/useful").status_code == 404
    assert client.get("/en/no-such-page/useful/sent").status_code == 404


def test_answers_arriving_at_once_on_many_connections_are_all_counted(app, session):
    def answer(times: int, value: str) -> None:
        with app.app_context():
            for _ in range(times):
                usefulness.record(db.session, "example", "en", value, DAY)
                db.session.commit()

    threads = [threading.Thread(target=answer, args=(10, "yes" if n % 2 else "no")) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counts(session) == [("example", "en", 40, 40)]


def test_totals_add_up_the_days_in_the_period_most_answered_first(session):
    for day, slug, lang, value in [
        (date(2026, 12, 1), "example", "en", "yes"),
        (date(2026, 12, 5), "example", "en", "no"),
        (date(2026, 12, 6), "example", "en", "yes"),
        (date(2026, 12, 6), "example", "ur", "no"),
        (date(2026, 11, 1), "other", "en", "yes"),
    ]:
        usefulness.record(session, slug, lang, value, day)
    session.commit()
    rows = usefulness.totals(session, date(2026, 12, 1), DAY)
    assert [(r.slug, r.lang, r.yes, r.no, r.useful_percent) for r in rows] == [
        ("example", "en", 2, 1, 67),
        ("example", "ur", 0, 1, 0),
    ]


def test_an_editor_reads_the_counts_in_the_back_office(app, session):
    today = date.today()
    usefulness.record(session, "example", "ur", "yes", today)
    usefulness.record(session, "example", "ur", "no", today)
    session.commit()
    editor = make_staff(session, roles="editor")
    html = signed_in_client(app, editor).get("/backoffice/content/usefulness?days=7").get_data(as_text=True)
    assert "<h1>Is this page useful?</h1>" in html
    assert ">example</a>" in html and ">50%<" in html
