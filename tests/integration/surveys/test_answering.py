"""The public answering journey over HTTP, on SQLite and PostgreSQL."""

import random
import threading

import pytest
from sqlalchemy import func, select

from alliance.surveys.models import Answer, EqualityResponse, Question, Response, Survey
from tests.integration.surveys.conftest import ENGLISH_ANSWERS, answer_all, csrf_from, post_page, send


def count_responses(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Response))


def test_the_survey_list_shows_the_open_survey_in_english_and_in_urdu_right_to_left(client, survey):
    english = client.get("/en/surveys/").get_data(as_text=True)
    assert "Have your say on cancer care" in english
    urdu = client.get("/ur/surveys/")
    html = urdu.get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert "کینسر کی دیکھ بھال کے بارے میں اپنی رائے دیں" in html


def test_the_start_page_shows_the_introduction_the_privacy_notice_and_that_it_is_example_data(client, survey):
    html = client.get(f"/en/surveys/{survey}/").get_data(as_text=True)
    assert "It takes about 5 minutes" in html
    assert "we do not record your IP address" in html
    assert "It is not a live consultation" in html
    assert f'href="/en/surveys/{survey}/questions/1"' in html


def test_a_survey_not_offered_or_unknown_is_not_found(client, survey):
    assert client.get("/en/surveys/no-such-survey/").status_code == 404
    assert client.get(f"/en/surveys/{survey}/questions/99").status_code == 404


def test_a_patient_answers_every_page_in_english_and_one_response_is_stored_with_its_answers(
    client, survey, session
):
    html = answer_all(client, "en", survey, equality={"age_band": "55-64", "carer": "yes", "sex": "nonsense"})
    assert "Parking at the hospital =SUM(A1)" in html
    assert "Overall, how would you rate the care" in html  # the conditional question was asked
    assert f'href="/en/surveys/{survey}/questions/4?change=1"' in html
    assert "3 September 2026" in html
    sent = send(client, "en", survey, html)
    assert sent.status_code == 303
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    response = session.scalars(select(Response)).one()
    assert response.reference in confirmation
    assert response.lang == "en" and response.locality == "Sheffield"
    assert not hasattr(response, "ip_address") and not hasattr(response, "user_agent")
    keys = {q.id: q.key for q in session.scalars(select(Question))}
    stored = {(keys[a.question_id], a.option_key, a.value) for a in session.scalars(select(Answer))}
    assert ("barriers", "other", "Parking at the hospital =SUM(A1)") in stored
    assert ("tell_us_more", None, "The nurses were kind.\nWaiting for results was hard.") in stored
    assert ("outcode", None, "S10") in stored  # only the district: the full postcode is never kept
    assert ("what_matters", "close", "1") in stored and ("what_matters", "choices", "5") in stored
    assert ("last_appointment", None, "2026-09-03") in stored
    monitoring = session.scalars(select(EqualityResponse)).one()
    assert monitoring.id == response.monitoring_id
    assert (monitoring.age_band, monitoring.carer, monitoring.sex) == ("55-64", "yes", None)
    assert "Waiting for results" not in client.get_cookie("session").value  # answers left the cookie


URDU_PAGES = [
    (1, {"connection": "public"}),
    (3, {}),
    (4, {"barriers": ["language"]}),
    (5, {"tell_us_more": "مجھے ترجمان نہیں ملا"}),
    (6, {"outcode": "DN22"}),
    (7, {}),
]


def test_a_member_of_the_public_answers_in_urdu_and_the_rating_question_is_skipped(client, survey, session):
    first = post_page(client, f"/ur/surveys/{survey}/questions/1", {"connection": "public"})
    assert first.headers["Location"] == f"/ur/surveys/{survey}/questions/3"
    skipped = client.get(f"/ur/surveys/{survey}/questions/2")
    assert skipped.headers["Location"] == f"/ur/surveys/{survey}/questions/3"
    page3 = client.get(f"/ur/surveys/{survey}/questions/3").get_data(as_text=True)
    assert f'href="/ur/surveys/{survey}/questions/1"' in page3  # back skips the page not asked
    assert 'dir="rtl"' in page3
    html = answer_all(client, "ur", survey, pages=URDU_PAGES)
    assert "مجموعی طور پر" not in html
    sent = send(client, "ur", survey, html)
    confirmation = client.get(sent.headers["Location"]).get_data(as_text=True)
    response = session.scalars(select(Response)).one()
    assert response.reference in confirmation and response.lang == "ur"
    assert response.locality == "Bassetlaw" and response.monitoring_id is None
    assert session.scalar(select(func.count()).select_from(EqualityResponse)) == 0
    assert "مجھے ترجمان نہیں ملا" in {a.value for a in session.scalars(select(Answer))}


def test_changing_an_answer_returns_to_check_your_answers_and_drops_answers_no_longer_asked(client, survey):
    answer_all(client, "en", survey)
    changed = post_page(client, f"/en/surveys/{survey}/questions/1?change=1", {"connection": "public"})
    assert changed.headers["Location"] == f"/en/surveys/{survey}/check-your-answers"
    html = client.get(changed.headers["Location"]).get_data(as_text=True)
    assert "Overall, how would you rate the care" not in html


def test_sending_the_same_form_twice_stores_one_response_and_shows_the_same_reference(
    client, survey, session
):
    html = answer_all(client, "en", survey)
    first = send(client, "en", survey, html)
    second = send(client, "en", survey, html)
    assert first.headers["Location"] == second.headers["Location"]
    assert count_responses(session) == 1
    reference = session.scalar(select(Response.reference))
    assert reference in client.get(second.headers["Location"]).get_data(as_text=True)


def test_two_posts_of_the_same_form_at_once_store_exactly_one_response(app, client, survey, session):
    html = answer_all(client, "en", survey)
    cookie = client.get_cookie("session").value
    barrier, results = threading.Barrier(2), []

    def post():
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        results.append(send(other, "en", survey, html).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [303, 303]
    assert count_responses(session) == 1


def test_a_closed_survey_says_so_politely_and_stores_nothing(client, survey, session):
    html = answer_all(client, "en", survey)
    session.scalars(select(Survey)).one().status = "closed"
    session.commit()
    assert "This survey has closed" in client.get(f"/en/surveys/{survey}/").get_data(as_text=True)
    sent = send(client, "en", survey, html)
    assert sent.status_code == 200 and "This survey has closed" in sent.get_data(as_text=True)
    assert count_responses(session) == 0
    assert survey not in client.get("/en/surveys/").get_data(as_text=True)


def test_an_expired_form_is_shown_again_with_the_answers_kept(client, survey):
    url = f"/en/surveys/{survey}/questions/5"
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "carer"})
    response = client.post(url, data={"csrf_token": "expired", "tell_us_more": "Kept <as> typed"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This form timed out" in html
    assert "Kept &lt;as&gt; typed" in html
    assert "<title>Error:" in html


def test_an_expired_form_on_the_check_page_keeps_the_answers_and_can_be_sent_again(client, survey, session):
    html = answer_all(client, "en", survey)
    stale = html.replace(csrf_from(html), "expired")
    again = send(client, "en", survey, stale)
    assert again.status_code == 200 and "This form timed out" in again.get_data(as_text=True)
    assert count_responses(session) == 0
    assert send(client, "en", survey, again.get_data(as_text=True)).status_code == 303
    assert count_responses(session) == 1


def test_sending_after_the_session_ended_starts_again_with_a_message(app, survey, session):
    client = app.test_client()
    html = answer_all(client, "en", survey)
    fresh = app.test_client()
    response = send(fresh, "en", survey, html)
    assert response.headers["Location"] == f"/en/surveys/{survey}/?expired=1"
    assert "Your answers were not kept" in fresh.get(response.headers["Location"]).get_data(as_text=True)
    assert count_responses(session) == 0


def test_a_form_filled_in_by_a_robot_is_thanked_but_not_stored(client, survey, session):
    html = answer_all(client, "en", survey)
    sent = send(client, "en", survey, html, website="http://spam.example")
    assert "Your answers have been sent" in client.get(sent.headers["Location"]).get_data(as_text=True)
    assert count_responses(session) == 0


def test_sending_is_rate_limited_per_address(app, client, survey):
    app.config["SURVEY_SUBMIT_RATE_LIMIT"] = "2 per minute"
    try:
        html = answer_all(client, "en", survey)
        codes = [send(client, "en", survey, html).status_code for _ in range(3)]
    finally:
        app.config.pop("SURVEY_SUBMIT_RATE_LIMIT")
    assert codes == [303, 303, 429]


def urdu_text(length: int, seed: int) -> str:
    # Varied letters: a repeated one would compress to nothing and hide the real size.
    letters = random.Random(seed).choices("ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہھءیے ", k=length)
    return "".join(letters)


def test_the_session_cookie_stays_small_with_every_answer_at_its_longest_in_urdu(client, survey):
    pages = [
        (1, {"connection": "patient"}),
        (2, {"experience_rating": "1"}),
        (3, ENGLISH_ANSWERS[2][1]),
        (
            4,
            {
                "barriers": ["language", "transport", "caring", "work", "disability", "other"],
                "barriers.other": urdu_text(200, 1),
            },
        ),
        (5, {"tell_us_more": urdu_text(500, 2)}),
        (6, {"outcode": "S10", "travel_minutes": "600"}),
        (7, {**ENGLISH_ANSWERS[6][1], "one_change": urdu_text(150, 3)}),
    ]
    answer_all(client, "ur", survey, pages=pages, equality={"age_band": "75-plus", "religion": "muslim"})
    assert len(client.get_cookie("session").value) < 3800  # browsers drop cookies over 4096 bytes


VALIDATION = [
    (1, {}, "Select an answer"),
    (1, {"connection": "astronaut"}, "Select an answer from the list"),
    (3, {"what_matters[quick]": "1", "what_matters[close]": "1"}, "Put every item in order"),
    (
        3,
        {f"what_matters[{k}]": "1" for k in ["quick", "close", "explained", "support", "choices"]},
        "Give each item a different number",
    ),
    (4, {}, "Select at least one answer"),
    (4, {"barriers": ["other"], "barriers.other": "  "}, "Tell us what you mean by other"),
    (4, {"barriers": ["teleport"]}, "Select answers from the list"),
    (5, {"tell_us_more": "x" * 501}, "Your answer must be 500 characters or fewer"),
    (6, {"outcode": "SW1A 1AA 1"}, "Enter the first part of your postcode, like S1 or DN22"),
    (6, {"travel_minutes": "ten"}, "Enter a whole number, like 3"),
    (6, {"travel_minutes": "601"}, "Enter a number between 0 and 600"),
    (
        7,
        {"last_appointment[day]": "31", "last_appointment[month]": "2", "last_appointment[year]": "2026"},
        "Enter a real date",
    ),
    (7, {"one_change": "y" * 151}, "Your answer must be 150 characters or fewer"),
]


TYPED = {"outcode", "travel_minutes", "one_change", "tell_us_more", "last_appointment[day]"}


@pytest.mark.parametrize(("number", "data", "message"), VALIDATION)
def test_a_wrong_answer_shows_a_clear_error_and_keeps_what_was_typed(client, survey, number, data, message):
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "patient"})
    response = post_page(client, f"/en/surveys/{survey}/questions/{number}", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    for name, value in data.items():
        if name in TYPED and value.strip():
            assert f'value="{value}"' in html or f">{value}</textarea>" in html


def test_a_rating_out_of_range_is_refused(client, survey):
    post_page(client, f"/en/surveys/{survey}/questions/1", {"connection": "carer"})
    response = post_page(client, f"/en/surveys/{survey}/questions/2", {"experience_rating": "9"})
    assert "Select an answer from the list" in response.get_data(as_text=True)


def test_a_wrong_answer_in_polish_is_shown_in_polish(client, survey):
    response = post_page(client, f"/pl/surveys/{survey}/questions/1", {})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wystąpił problem" in html and "Co najlepiej Cię opisuje?" in html


def test_ten_people_each_sending_twice_at_the_same_time_store_exactly_ten_responses(app, survey, session):
    app.config["SURVEY_SUBMIT_RATE_LIMIT"] = "100 per minute"
    people = []
    for _ in range(10):
        client = app.test_client()
        people.append((client, answer_all(client, "en", survey)))
    posts = [(client.get_cookie("session").value, html) for client, html in people for _ in range(2)]
    barrier, codes = threading.Barrier(len(posts)), []

    def post(cookie: str, html: str) -> None:
        other = app.test_client()
        other.set_cookie("session", cookie)
        barrier.wait()
        response = send(other, "en", survey, html)
        codes.append((response.status_code, other.get(response.headers["Location"]).get_data(as_text=True)))

    threads = [threading.Thread(target=post, args=item) for item in posts]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        app.config.pop("SURVEY_SUBMIT_RATE_LIMIT")
    assert [code for code, _ in codes] == [303] * 20
    assert count_responses(session) == 10
    references = session.scalars(select(Response.reference)).all()
    for reference in references:  # each person was shown their own reference, on both of their posts
        assert sum(reference in page for _, page in codes) == 2
