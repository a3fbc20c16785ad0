import pytest
from flask import abort

from alliance import create_app
from tests.conftest import PageCheckingClient

CODES = [400, 403, 404, 405, 429, 500]


@pytest.fixture(scope="module")
def failing_client():
    """An app with one extra route that fails with the status asked for."""
    app = create_app("test", {"DATABASE_URL": "sqlite://"})
    app.test_client_class = PageCheckingClient

    def fail(code):
        if code == 500:
            raise RuntimeError("an unexpected failure")
        abort(code)

    app.add_url_rule("/<lang>/fail/<int:code>", "fail", fail)
    app.add_url_rule("/<lang>/echo", "echo", lambda: "received", methods=["POST"])
    return app.test_client()


@pytest.mark.parametrize("code", CODES)
def test_each_error_page_is_an_nhs_page_with_its_status(failing_client, code):
    response = failing_client.get(f"/en/fail/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert "nhsuk-header" in html and "nhsuk-footer" in html
    assert "111" in html


@pytest.mark.parametrize("code", CODES)
def test_each_error_page_speaks_the_readers_language(failing_client, code):
    english = failing_client.get(f"/en/fail/{code}").get_data(as_text=True)
    urdu = failing_client.get(f"/ur/fail/{code}").get_data(as_text=True)
    english_title = english.split("<h1>")[1].split("</h1>")[0]
    assert english_title not in urdu
    assert 'lang="ur" dir="rtl"' in urdu


def test_a_missing_page_under_a_language_is_a_404_in_that_language(client):
    response = client.get("/pl/no-such-page/at-all")
    assert response.status_code == 404
    assert 'lang="pl"' in response.get_data(as_text=True)


def test_a_wrong_method_is_a_405_with_allow(client):
    for method in (client.post, client.put, client.delete):
        response = method("/en/")
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_a_post_without_a_csrf_token_is_refused_with_a_page_in_the_readers_language(failing_client):
    failing_client.application.config["WTF_CSRF_ENABLED"] = True
    response = failing_client.post("/pl/echo", data={"anything": "typed"})
    assert response.status_code == 400
    assert 'lang="pl"' in response.get_data(as_text=True)


def test_an_api_error_is_json(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.json["status"] == 404
