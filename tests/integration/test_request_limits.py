"""Request bodies have a size limit, larger only for the back-office import pages; over it is a 413 page.

An id too large for the database's integer is a page that does not exist, on SQLite and PostgreSQL."""

import io
import socket
import threading
import zipfile

import pytest
from werkzeug.serving import make_server

from tests.factories import make_staff
from tests.integration.backoffice.conftest import csrf_token, signed_in_client

MB = 1024 * 1024


def _zip_of(size: int) -> bytes:
    """A zip of one stored (uncompressed) file, about `size` bytes long."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("pages/example/en.md", b"x" * size)
    return buffer.getvalue()


def _post_file(client, url: str, field: str, payload: bytes, filename: str, **extra):
    html = client.get(url).get_data(as_text=True)
    return client.post(
        url,
        data={"csrf_token": csrf_token(html), field: (io.BytesIO(payload), filename), **extra},
        content_type="multipart/form-data",
    )


def test_the_default_limit_is_one_megabyte(app):
    assert app.config["MAX_CONTENT_LENGTH"] == MB


def test_a_public_form_post_over_the_limit_is_a_413_page_in_the_readers_language(client):
    body = {"reference": "x" * (MB + 10)}
    english = client.post("/en/surveys/erase", data=body)
    assert english.status_code == 413
    html = english.get_data(as_text=True)
    assert "nhsuk-header" in html and "Sorry, what you sent is too large" in html
    urdu = client.post("/ur/surveys/erase", data=body)
    assert urdu.status_code == 413
    assert 'dir="rtl"' in urdu.get_data(as_text=True)
    assert "Sorry, what you sent is too large" not in urdu.get_data(as_text=True)


def test_a_back_office_form_over_the_limit_is_a_413_page_in_english(client):
    response = client.post("/backoffice/sign-in", data={"email": "x" * (MB + 10)})
    assert response.status_code == 413
    assert "Sorry, what you sent is too large" in response.get_data(as_text=True)


def test_a_content_zip_over_the_public_limit_is_read_and_one_over_its_own_10_mb_limit_is_refused_by_the_import(
    app, session
):
    publisher = signed_in_client(app, make_staff(session, roles="publisher", email="pub@example.nhs.uk"))
    read = _post_file(publisher, "/backoffice/content/import", "archive", _zip_of(2 * MB), "content.zip")
    assert read.status_code == 400 and "Files over 256 KB: pages/example/en.md" in read.get_data(as_text=True)
    too_big = _post_file(
        publisher, "/backoffice/content/import", "archive", _zip_of(10 * MB + 200_000), "content.zip"
    )
    assert too_big.status_code == 400 and "The file is too large (over 10 MB)" in too_big.get_data(
        as_text=True
    )
    refused = _post_file(publisher, "/backoffice/content/import", "archive", _zip_of(12 * MB), "content.zip")
    assert refused.status_code == 413


def test_a_directory_file_over_the_public_limit_is_imported_and_one_over_the_import_limit_is_a_413(
    app, session, monkeypatch
):
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))
    padded = b'{"services": [], "padding": "' + b"x" * (2 * MB) + b'"}'
    checked = _post_file(
        manager, "/backoffice/directory/import", "datafile", padded, "feed.json", mode="check"
    )
    assert checked.status_code == 200, checked.get_data(as_text=True)[:500]
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 3 * MB)
    padded = b'{"services": [], "padding": "' + b"x" * (4 * MB) + b'"}'
    refused = _post_file(
        manager, "/backoffice/directory/import", "datafile", padded, "feed.json", mode="check"
    )
    assert refused.status_code == 413
    assert "Sorry, what you sent is too large" in refused.get_data(as_text=True)


def test_a_trials_file_over_the_public_limit_is_read_by_the_research_import(app, session):
    manager = signed_in_client(app, make_staff(session, roles="directory_manager", email="rm@example.nhs.uk"))
    padded = b'{"studies": [], "padding": "' + b"x" * (2 * MB) + b'"}'
    response = _post_file(manager, "/backoffice/research/trials/import", "datafile", padded, "search.json")
    assert response.status_code == 200


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_port
    server.shutdown()


def test_a_server_answers_413_to_a_100_mb_post_without_waiting_for_its_body(live_server):
    with socket.create_connection(("127.0.0.1", live_server), timeout=30) as sock:
        sock.sendall(
            b"POST /en/surveys/erase HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {100 * MB}\r\n\r\n".encode()
            + b"reference="
            + b"x" * 4096
        )
        answer = sock.recv(65536)  # only 4 kB of the 100 MB were sent: the answer comes first
    assert answer.startswith(b"HTTP/1.1 413")


@pytest.mark.parametrize("trial_id", ["2147483648", "9223372036854775808", "99999999999999999999999"])
def test_a_trial_id_too_large_for_an_integer_is_not_found(client, trial_id):
    response = client.get(f"/en/clinical-trials/trial/{trial_id}")
    assert response.status_code == 404
