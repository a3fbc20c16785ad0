"""The role matrix: every back-office route, walked with every role and with no session."""

import pytest

from alliance.accounts.permissions import ROLES, permissions_for
from alliance.backoffice.auth import PUBLIC
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client

# Ids that match no account: the walk checks access, it must not change the accounts doing the walking.
SAMPLE_VALUES = {
    "user_id": "999999",
    "token": "not-a-real-token",
    "slug": "no-such-page",
    "lang": "ur",
    "revision_id": "999999",
    "service_id": "no-such-service",
    "report_id": "999999",
    "trial_id": "999999",
    "record_id": "999999",
    "organization_id": "no-such-organisation",
    "survey_id": "999999",
    "page_id": "999999",
    "question_id": "999999",
    "answer_id": "999999",
    "theme_id": "999999",
    "fmt": "csv",
    "reference": "NOSUCHREF",
    "message_id": "999999",
    "key": "0000000000000000",
    "event_id": "999999",
}
SESSION_ENDING = {"backoffice.sign_out", "backoffice.sign_out_everywhere"}


def backoffice_routes(app) -> list[tuple[str, str, str]]:
    """(method, url, endpoint) for every back-office route and method."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("backoffice."):
            continue
        url = rule.build({arg: SAMPLE_VALUES[arg] for arg in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, url, rule.endpoint))
    return routes


def test_every_back_office_route_declares_the_permission_it_needs(app):
    for _method, url, endpoint in backoffice_routes(app):
        assert getattr(app.view_functions[endpoint], "permission", None), f"{url} declares no permission"


def test_the_walk_covers_the_routes_that_matter(app):
    endpoints = {endpoint for _m, _u, endpoint in backoffice_routes(app)}
    assert {
        "backoffice.dashboard",
        "backoffice.users",
        "backoffice.audit_log",
        "backoffice.sign_in",
        "backoffice.mail_outbox",
        "backoffice.mail_decide",
        "backoffice.translation_review_index",
        "backoffice.translation_queue",
        "backoffice.translation_review_page",
        "backoffice.translation_review_survey",
        "backoffice.translation_review_directory",
        "backoffice.content_usefulness",
    } <= endpoints


def _call(client, method, url):
    # CSRF is switched off for the walk: it tests permissions, not forms.
    return client.open(url, method=method, data={})


@pytest.mark.parametrize("role", [None, *ROLES])
def test_each_role_reaches_exactly_the_routes_its_permissions_allow(app, session, role):
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        user = make_staff(session, roles=role, email=f"{role}@example.nhs.uk") if role else None
        granted = permissions_for({role}) if role else set()
        for method, url, endpoint in backoffice_routes(app):
            # A fresh session for every call: some routes (signing out) end the one they are given.
            client = signed_in_client(app, user) if user else app.test_client()
            needed = app.view_functions[endpoint].permission
            response = _call(client, method, url)
            where = f"{role or 'signed out'} {method} {url}"
            if needed == PUBLIC:
                assert response.status_code in (200, 302, 400, 404, 410), where
            elif role is None:
                assert response.status_code == 302 and "/backoffice/sign-in" in response.location, where
            elif needed in granted:
                assert response.status_code not in (403, 500), where
                if endpoint not in SESSION_ENDING:
                    assert "/backoffice/sign-in" not in (response.location or ""), where
            else:
                assert response.status_code == 403, where
    finally:
        app.config["WTF_CSRF_ENABLED"] = True


def test_the_menu_offers_each_person_only_what_their_role_allows(app, session):
    editor = signed_in_client(app, make_staff(session, roles="editor"))
    admin = signed_in_client(app, make_staff(session, roles="administrator"))
    editor_menu = editor.get("/backoffice/").get_data(as_text=True).split("Back-office menu")[1]
    admin_menu = admin.get("/backoffice/").get_data(as_text=True).split("Back-office menu")[1]
    assert 'href="/backoffice/content"' in editor_menu and 'href="/backoffice/audit"' not in editor_menu
    assert 'href="/backoffice/audit"' in admin_menu and 'href="/backoffice/users"' in admin_menu
