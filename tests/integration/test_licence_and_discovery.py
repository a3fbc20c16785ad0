"""Licences (footer, ORUK API root, OpenAPI document), /.well-known/security.txt and the sitemap."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from alliance.directory import models as m
from alliance.directory.seed import seed_directory
from alliance.genetics.models import GeneticsPageReview
from alliance.genetics.services import seed_genetics
from alliance.i18n import REGISTRY
from alliance.licence import OGL_URL
from alliance.trials.models import Trial
from alliance.trials.services import is_recruiting_locally, seed_trials
from tests.integration.directory.test_oruk_api import check

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
LICENCE_MSGID = (
    'All content and directory data are available under the <a href="%(url)s" rel="license">Open '
    "Government Licence v3.0</a>, except where otherwise stated."
)
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _licence_sentence(code: str) -> str:
    if code == "en":
        return LICENCE_MSGID
    locale = REGISTRY[code].babel
    with (ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale).get(LICENCE_MSGID).string


@pytest.mark.parametrize("code", list(REGISTRY))
def test_the_footer_states_the_open_government_licence_in_every_language(client, code):
    html = client.get(f"/{code}/").get_data(as_text=True)
    footer = html[html.index("<footer") :]
    sentence = _licence_sentence(code)
    assert sentence and (code == "en" or sentence != LICENCE_MSGID)
    assert sentence.replace("%(url)s", OGL_URL) in footer


def test_the_api_root_gives_the_data_licence_in_its_body_and_a_link_header(client):
    response = client.get("/api/oruk/")
    details = response.get_json()
    check("api_details", details)
    assert details["license"] == {"name": "Open Government Licence v3.0", "url": OGL_URL}
    assert response.headers["Link"] == f'<{OGL_URL}>; rel="license"'


def _strings(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_the_openapi_document_carries_the_alliances_details_from_configuration_and_no_placeholder(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "ALLIANCE_NAME", "Example Valley Cancer Alliance")
    monkeypatch.setitem(app.config, "ALLIANCE_CONTACT_EMAIL", "directory@valley.example.nhs.uk")

    document = client.get("/api/oruk/openapi.json").get_json()

    info = document["info"]
    assert info["contact"] == {
        "name": "Example Valley Cancer Alliance",
        "url": "http://127.0.0.1:5000/en/",
        "email": "directory@valley.example.nhs.uk",
    }
    assert info["license"] == {"name": "Open Government Licence v3.0", "url": OGL_URL}
    assert "Example Valley Cancer Alliance" in info["title"] and "Example Valley" in info["summary"]
    placeholders = [
        text
        for text in _strings(document)
        if "HERE" in text or "YOUR " in text or "EMAIL@ADDRESS" in text or "PLACEHOLDER" in text.upper()
    ]
    assert placeholders == []


def _fields(body: str) -> list[tuple[str, str]]:
    fields = []
    for line in body.splitlines():
        if not line or line.startswith("#"):
            continue
        name, separator, value = line.partition(": ")
        assert separator and name and value, f"not a field line: {line!r}"
        fields.append((name, value))
    return fields


def test_security_txt_is_plain_text_with_the_fields_rfc_9116_asks_for(client):
    response = client.get("/.well-known/security.txt")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response.get_data(as_text=True))
    names = [name for name, _value in fields]
    assert names.count("Expires") == 1 and names.count("Canonical") == 1 and "Contact" in names
    values = dict(fields)
    assert values["Contact"] == "mailto:cancer.alliance@example.nhs.uk"
    assert values["Canonical"] == "http://127.0.0.1:5000/.well-known/security.txt"
    assert values["Preferred-Languages"] == "en"
    expires = datetime.strptime(values["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert datetime.now(UTC) < expires < datetime.now(UTC) + timedelta(days=365)
    assert "Policy" not in values


def test_security_txt_takes_contacts_expiry_policy_and_languages_from_configuration(app, client, monkeypatch):
    monkeypatch.setitem(
        app.config, "SECURITY_CONTACT", "security@example.nhs.uk, https://example.nhs.uk/report"
    )
    monkeypatch.setitem(app.config, "SECURITY_EXPIRES", "2027-03-31")
    monkeypatch.setitem(app.config, "SECURITY_POLICY_URL", "https://example.nhs.uk/vulnerability-policy")
    monkeypatch.setitem(app.config, "SECURITY_LANGUAGES", "en, cy")

    fields = _fields(client.get("/.well-known/security.txt").get_data(as_text=True))

    assert fields == [
        ("Contact", "mailto:security@example.nhs.uk"),
        ("Contact", "https://example.nhs.uk/report"),
        ("Expires", "2027-03-31T00:00:00Z"),
        ("Preferred-Languages", "en, cy"),
        ("Canonical", "http://127.0.0.1:5000/.well-known/security.txt"),
        ("Policy", "https://example.nhs.uk/vulnerability-policy"),
    ]


def test_a_security_expires_that_is_not_a_date_still_gives_a_file_with_the_default_expiry(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "SECURITY_EXPIRES", "next spring")
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    expires = dict(_fields(response.get_data(as_text=True)))["Expires"]
    assert expires == (datetime.now(UTC) + timedelta(days=180)).strftime("%Y-%m-%dT00:00:00Z")


@pytest.fixture
def records(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
        seed_trials(session, CONTENT)
        seed_genetics(session, CONTENT)
        session.commit()
    return session


def _sitemap(client) -> dict[str, ET.Element]:
    """Every <url> of every sitemap the index at /sitemap.xml lists, by its <loc>."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200 and index.mimetype == "application/xml"
    urls = {}
    for sitemap in ET.fromstring(index.get_data()).findall(f"{SITEMAP}sitemap"):
        part = client.get(sitemap.find(f"{SITEMAP}loc").text.removeprefix("http://127.0.0.1:5000"))
        assert part.status_code == 200
        urls.update({url.find(f"{SITEMAP}loc").text: url for url in ET.fromstring(part.get_data())})
    return urls


def test_the_sitemap_lists_every_active_service_in_every_language_with_its_last_change(client, records):
    services = records.scalars(select(m.Service).order_by(m.Service.id)).all()
    services[0].status = "temporarily closed"
    records.commit()
    active = [s for s in services if s.status == "active"]
    assert active and len(active) < len(services)
    urls = _sitemap(client)
    for service in services:
        for code in REGISTRY:
            url = urls.get(f"http://127.0.0.1:5000/{code}/support/services/{service.id}")
            if service.status != "active":
                assert url is None
                continue
            assert url is not None
            children = [child.tag for child in url]
            assert children[:2] == [f"{SITEMAP}loc", f"{SITEMAP}lastmod"]
            assert url.find(f"{SITEMAP}lastmod").text == service.last_modified.date().isoformat()
            hreflangs = {link.get("hreflang") for link in url.findall("{http://www.w3.org/1999/xhtml}link")}
            assert hreflangs == {language.html_lang for language in REGISTRY.values()}


def test_the_sitemap_lists_trials_recruiting_locally_and_the_genetics_pages_with_dates(client, records):
    trials = records.scalars(select(Trial).order_by(Trial.id)).all()
    trials[0].overall_status = "COMPLETED"
    records.commit()
    listed = [t for t in trials if is_recruiting_locally(t)]
    assert listed and trials[0] not in listed
    urls = _sitemap(client)
    for trial in trials:
        url = urls.get(f"http://127.0.0.1:5000/pl/clinical-trials/trial/{trial.id}")
        if trial in listed:
            assert url.find(f"{SITEMAP}lastmod").text == trial.imported_at.date().isoformat()
        else:
            assert url is None
    reviewed = dict(records.execute(select(GeneticsPageReview.page, GeneticsPageReview.last_reviewed)).all())
    pages = {"tests": "tests", "services": "services", "should-i-ask": "guide"}
    assert set(pages.values()) <= set(reviewed)
    for path, page in pages.items():
        for code in REGISTRY:
            url = urls[f"http://127.0.0.1:5000/{code}/genetic-testing/{path}"]
            assert url.find(f"{SITEMAP}lastmod").text == reviewed[page].isoformat()


def test_services_are_split_into_sitemaps_of_a_bounded_size_and_a_part_past_the_end_is_not_found(
    app, client, records, monkeypatch
):
    from alliance.pages import views

    active = records.scalars(
        select(m.Service.id).where(m.Service.status == "active").order_by(m.Service.id)
    ).all()
    assert len(active) > 2
    monkeypatch.setattr(views, "SERVICES_PER_SITEMAP", 2)
    index = ET.fromstring(client.get("/sitemap.xml").get_data())
    parts = [s.find(f"{SITEMAP}loc").text for s in index.findall(f"{SITEMAP}sitemap")]
    assert parts == ["http://127.0.0.1:5000/sitemap-pages.xml"] + [
        f"http://127.0.0.1:5000/sitemap-services-{n}.xml" for n in range(1, -(-len(active) // 2) + 1)
    ]
    first = ET.fromstring(client.get("/sitemap-services-1.xml").get_data())
    assert [url.find(f"{SITEMAP}loc").text for url in first][: len(REGISTRY)] == [
        f"http://127.0.0.1:5000/{code}/support/services/{active[0]}" for code in app.config["LANGUAGES"]
    ]
    assert len(first) == 2 * len(REGISTRY)
    assert client.get(f"/sitemap-services-{len(parts)}.xml").status_code == 404
    assert client.get("/sitemap-services-0.xml").status_code == 404
