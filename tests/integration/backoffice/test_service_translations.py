"""Staff translate a service's name and description; each save waits for a translator's review and the
public directory uses it at once."""

from pathlib import Path

import pytest
from sqlalchemy import select

from alliance.accounts.models import AuditEvent
from alliance.directory import models as m
from alliance.directory.seed import seed_directory
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client, submit

CONTENT = Path(__file__).resolve().parents[3] / "content"
DONCASTER_GROUP = "Doncaster Cancer Support Group (example)"


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, CONTENT)
    return session


@pytest.fixture
def manager(app, session):
    return signed_in_client(app, make_staff(session, roles="directory_manager", email="dm@example.nhs.uk"))


def service_named(session, name: str) -> m.Service:
    return session.scalars(select(m.Service).where(m.Service.name == name)).one()


def translation(session, service_id: str, lang: str) -> m.Translation | None:
    session.expire_all()
    return session.scalars(
        select(m.Translation).where(
            m.Translation.entity == "service",
            m.Translation.entity_id == service_id,
            m.Translation.lang == lang,
        )
    ).one_or_none()


def test_the_service_page_lists_every_language_with_its_translation_status(manager, directory):
    service = service_named(directory, "Sheffield Cancer Support Group (example)")
    html = manager.get(f"/backoffice/directory/services/{service.id}").get_data(as_text=True)
    assert "Translations" in html
    for language in ("Urdu", "Polish", "Arabic", "Somali", "Chinese (Simplified)"):
        assert language in html
    assert f"/backoffice/directory/services/{service.id}/translations/ur" in html
    assert "Not translated: shown in English" in html  # Somali, for one


def test_saving_a_polish_translation_marks_it_for_review_audits_it_and_shows_it_publicly(
    client, manager, directory
):
    service = service_named(directory, DONCASTER_GROUP)
    before = client.get(f"/pl/support/services/{service.id}").get_data(as_text=True)
    assert "Grupa wsparcia dla osób z rakiem w Doncaster" not in before
    response = submit(
        manager,
        f"/backoffice/directory/services/{service.id}/translations/pl",
        {
            "name": "Grupa wsparcia dla osób z rakiem w Doncaster (przykład)",
            "description": "Przyjazna grupa dla osób dotkniętych rakiem. Przykładowy wpis: nie kontaktuj się.",
        },
    )
    assert response.status_code == 303
    saved = translation(directory, service.id, "pl")
    assert saved.name == "Grupa wsparcia dla osób z rakiem w Doncaster (przykład)"
    assert saved.review_status == "awaiting-translator-review"
    assert "directory.translation.update" in list(directory.scalars(select(AuditEvent.action)))
    page = client.get(f"/pl/support/services/{service.id}").get_data(as_text=True)
    assert "Grupa wsparcia dla osób z rakiem w Doncaster (przykład)" in page
    assert "To tłumaczenie nie zostało jeszcze sprawdzone przez wykwalifikowanego tłumacza." in page
    found = client.get("/pl/support", query_string={"q": "Przyjazna grupa"}).get_data(as_text=True)
    assert "Grupa wsparcia dla osób z rakiem w Doncaster (przykład)" in found


def test_editing_a_reviewed_translation_sends_it_back_for_review(manager, directory):
    service = service_named(directory, DONCASTER_GROUP)
    directory.add(
        m.Translation(
            entity="service", entity_id=service.id, lang="ur", name="پرانا نام", review_status="reviewed"
        )
    )
    directory.commit()
    form = manager.get(f"/backoffice/directory/services/{service.id}/translations/ur").get_data(as_text=True)
    assert "پرانا نام" in form and 'lang="ur"' in form and 'dir="rtl"' in form
    assert '<html lang="en" dir="ltr">' in form  # the back-office itself stays in English
    submit(
        manager,
        f"/backoffice/directory/services/{service.id}/translations/ur",
        {"name": "ڈونکاسٹر کینسر سپورٹ گروپ (مثال)", "description": ""},
    )
    saved = translation(directory, service.id, "ur")
    assert (saved.name, saved.review_status) == (
        "ڈونکاسٹر کینسر سپورٹ گروپ (مثال)",
        "awaiting-translator-review",
    )


def test_an_empty_name_is_refused_with_a_message_and_keeps_what_was_typed(manager, directory):
    service = service_named(directory, DONCASTER_GROUP)
    response = submit(
        manager,
        f"/backoffice/directory/services/{service.id}/translations/pl",
        {"name": "", "description": "Opis bez nazwy"},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter the service&#39;s name in this language" in html or "Enter the service's name" in html
    assert "Opis bez nazwy" in html
    assert translation(directory, service.id, "pl") is None


@pytest.mark.parametrize("lang", ["en", "xx", "fr"])
def test_english_or_a_language_not_offered_is_not_found(manager, directory, lang):
    service = service_named(directory, DONCASTER_GROUP)
    assert manager.get(f"/backoffice/directory/services/{service.id}/translations/{lang}").status_code == 404


def test_a_service_that_does_not_exist_is_not_found(manager, directory):
    missing = "00000000-0000-4000-8000-000000000000"
    assert manager.get(f"/backoffice/directory/services/{missing}/translations/pl").status_code == 404
    assert manager.get("/backoffice/directory/services/nonsense/translations/pl").status_code == 404
