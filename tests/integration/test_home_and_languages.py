import pytest

from alliance.i18n import REGISTRY


@pytest.mark.parametrize("code", list(REGISTRY))
def test_the_home_page_renders_in_every_language_with_the_right_direction(client, code):
    response = client.get(f"/{code}/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    language = REGISTRY[code]
    assert f'<html lang="{language.html_lang}" dir="{language.direction}"' in html


@pytest.mark.parametrize("code", [code for code in REGISTRY if code != "en"])
def test_the_home_page_is_translated(client, code):
    english = client.get("/en/").get_data(as_text=True)
    html = client.get(f"/{code}/").get_data(as_text=True)
    for phrase in ("Skip to main content", "What we do", "Worried about a symptom?"):
        assert phrase in english
        assert phrase not in html, f"{phrase!r} is not translated in {code}"


def test_the_root_redirects_by_accept_language(client):
    response = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.8"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/pl/")
    assert "Accept-Language" in response.headers["Vary"]


def test_the_root_redirects_to_english_by_default(client):
    assert client.get("/").headers["Location"].endswith("/en/")


def test_an_unknown_language_code_is_not_found(client):
    assert client.get("/xx/").status_code == 404


def test_the_switcher_names_each_language_in_itself_and_links_to_the_same_page(client):
    html = client.get("/ur/").get_data(as_text=True)
    for language in REGISTRY.values():
        assert f">{language.name}</" in html
    assert 'href="/pl/" hreflang="pl" lang="pl"' in html
    assert 'aria-current="true">اردو<' in html


def test_hreflang_alternates_are_in_the_head(client):
    html = client.get("/en/").get_data(as_text=True)
    head = html.split("</head>")[0]
    for language in REGISTRY.values():
        assert (
            f'<link rel="alternate" hreflang="{language.html_lang}" href="http://127.0.0.1:5000/{language.code}/">'
            in head
        )


def test_phone_numbers_stay_left_to_right_in_right_to_left_pages(client):
    html = client.get("/ar/").get_data(as_text=True)
    assert '<span dir="ltr" class="app-ltr">111</span>' in html
    assert '<span dir="ltr" class="app-ltr">999</span>' in html


def test_the_home_page_names_the_alliance_and_its_localities(client, app):
    html = client.get("/en/").get_data(as_text=True)
    assert app.config["ALLIANCE_NAME"] in html
    assert "Barnsley, Bassetlaw, Doncaster, Rotherham, Sheffield and North Derbyshire" in html


def test_the_home_page_has_a_canonical_address_and_open_graph_tags(client):
    html = client.get("/so/").get_data(as_text=True)
    assert '<link rel="canonical" href="http://127.0.0.1:5000/so/">' in html
    assert '<meta property="og:title"' in html and '<meta property="og:description"' in html


def _header(html: str) -> str:
    return html[html.index('<header class="nhsuk-header"') : html.index("</header>")]


def test_the_header_and_footer_follow_the_page_and_language_after_they_are_first_rendered(client):
    # Both are rendered once per language and current menu item, then reused.
    screening = _header(client.get("/en/screening").get_data(as_text=True))
    symptoms = _header(client.get("/en/symptoms").get_data(as_text=True))
    search = _header(client.get("/en/search?q=bowel").get_data(as_text=True))
    urdu = _header(client.get("/ur/screening").get_data(as_text=True))
    urdu_search = _header(client.get("/ur/search?q=bowel").get_data(as_text=True))
    current = 'aria-current="page"'
    assert current in screening and screening.index(current) < screening.index('href="/en/symptoms"')
    assert current in symptoms and symptoms.index(current) > symptoms.index('href="/en/screening"')
    assert current not in search and 'action="/en/search"' in search
    assert 'href="/ur/symptoms"' in urdu and 'href="/en/' not in urdu and "تلاش" in urdu
    assert 'action="/ur/search"' in urdu_search and 'href="/en/' not in urdu_search
    footer = client.get("/ur/privacy").get_data(as_text=True)
    footer = footer[footer.index('<footer class="nhsuk-footer"') :]
    assert 'href="/ur/privacy"' in footer and 'href="/en/privacy"' not in footer
