"""A directory that answers "near me": nearest first, place names in any language, the services that
help by phone or online always listed, open now, and every language's category names found."""

from __future__ import annotations

import html as markup
import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from alliance import i18n, localities, places
from alliance.directory import search
from alliance.directory.search import DISTANCES, Filters
from alliance.directory.seed import seed_directory
from tests.integration.directory import test_public_search as public
from tests.integration.directory.test_public_search import found_count

ROOT = Path(__file__).resolve().parents[3]
SERVICES = json.loads((ROOT / "content" / "directory" / "services.json").read_text(encoding="utf-8"))[
    "services"
]
TERMS = [
    term
    for taxonomy in json.loads(
        (ROOT / "content" / "directory" / "taxonomy.json").read_text(encoding="utf-8")
    )["taxonomies"]
    for term in taxonomy["taxonomy_terms"]
]
CENTROIDS = ROOT / "content" / "directory" / "outcode-centroids.csv"
REMOTE_LOCALITIES = ("national", "online-phone")
PHONE_OR_ONLINE = {term["id"] for term in TERMS if term.get("term") in ("phone", "online")}


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, ROOT / "content")
    yield session


def helps_anywhere(service: dict) -> bool:
    """The seed's services with no place of their own that help by phone or online, or nationally."""
    if service.get("service_at_locations"):
        return False
    return service["x_alliance"]["locality"] in REMOTE_LOCALITIES or any(
        a["taxonomy_term_id"] in PHONE_OR_ONLINE for a in service.get("attributes", [])
    )


def miles_from(outcode: str, service: dict) -> float | None:
    place = places.locate(outcode, CENTROIDS)
    points = [
        (link["location"]["latitude"], link["location"]["longitude"])
        for link in service.get("service_at_locations", [])
        if link["location"].get("latitude") is not None
    ]
    return min((places.miles(place.latitude, place.longitude, lat, lon) for lat, lon in points), default=None)


def result_names(page: str) -> list[str]:
    return [markup.unescape(name) for name in public.result_names(page)]


def remote_names(page: str) -> list[str]:
    return [markup.unescape(name) for name in public.remote_names(page)]


def speaks(code: str):
    return lambda service: any(lang.get("code") == code for lang in service.get("languages", []))


def shown_miles(html: str) -> list[float]:
    local = html.split('class="nhsuk-list app-directory-results"', 1)[1].split("</ul>", 1)[0]
    return [float(m) for m in re.findall(r"([\d.]+) miles away", local)]


def test_a_postcode_puts_the_nearest_service_first_without_choosing_an_order(client, directory):
    html = client.get("/en/support?postcode=S5").get_data(as_text=True)
    miles = shown_miles(html)
    assert len(miles) == 10 and miles == sorted(miles)
    nearest = min((s for s in SERVICES if miles_from("S5", s) is not None), key=lambda s: miles_from("S5", s))
    assert result_names(html)[0] == nearest["name"]
    assert '<option value="" selected>Nearest first</option>' in html


def test_in_urdu_the_nearest_urdu_speaking_group_near_s5_comes_first_with_its_distance(client, directory):
    html = client.get("/ur/support?postcode=S5&language=ur").get_data(as_text=True)
    local = [s for s in SERVICES if speaks("ur")(s) and miles_from("S5", s) is not None]
    nearest = min(local, key=lambda s: miles_from("S5", s))
    assert nearest["name"] == "Sheffield Cancer Support Group (example)"
    first_card = html.split('class="app-directory-result"', 1)[1].split("</li>", 1)[0]
    assert "شیفیلڈ کینسر سپورٹ گروپ" in first_card  # its Urdu name
    assert "2.9" in first_card and "میل دور" in first_card  # "2.9 miles away", in Urdu


def test_choosing_nearest_first_or_best_match_is_still_possible(client, directory):
    nearest = result_names(client.get("/en/support?q=support&postcode=S70").get_data(as_text=True))
    best = result_names(
        client.get("/en/support?q=support&postcode=S70&sort=relevance").get_data(as_text=True)
    )
    assert sorted(nearest) != nearest or nearest != best
    assert set(nearest) | set(best)


@pytest.mark.parametrize(
    ("typed", "district"),
    [
        ("Sheffield", "S1"),
        ("sheffield", "S1"),
        ("north-derbyshire", "S40"),
        ("Chesterfield", "S40"),
        ("Worksop", "S80"),
    ],
)
def test_a_place_name_measures_from_that_place_like_its_postcode_district(client, directory, typed, district):
    by_name = client.get("/en/support", query_string={"postcode": typed})
    assert by_name.status_code == 200
    html = by_name.get_data(as_text=True)
    by_postcode = client.get(f"/en/support?postcode={district}").get_data(as_text=True)
    assert result_names(html) == result_names(by_postcode)
    assert shown_miles(html) == shown_miles(by_postcode)
    assert "nhsuk-error-summary" not in html
    assert f'value="{typed}"' in html


@pytest.mark.parametrize("code", ["ur", "pl", "ar", "bn", "pa", "zh"])
def test_a_place_name_typed_in_any_offered_language_is_found(app, client, directory, code):
    language = i18n.REGISTRY[code]
    with app.test_request_context(), force_locale(language.babel):
        sheffield = gettext("Sheffield")
    html = client.get(f"/{code}/support", query_string={"postcode": sheffield}).get_data(as_text=True)
    assert "nhsuk-error-summary" not in html
    assert result_names(html) == result_names(
        client.get(f"/{code}/support?postcode=S1").get_data(as_text=True)
    )


def test_every_configured_place_resolves_to_a_known_district(app):
    with app.test_request_context():
        names = localities.place_names()
        assert names
        for name, district in app.config["PLACES"].items():
            assert names[places.place_key(name)] == (name, district)
            assert places.find(name, CENTROIDS, names).outcode == district


def test_something_that_is_neither_a_place_nor_a_postcode_gets_a_translated_message(client, directory):
    html = client.get("/pl/support", query_string={"postcode": "Atlantyda"}).get_data(as_text=True)
    assert "nhsuk-error-summary" in html and 'value="Atlantyda"' in html
    assert "Wpisz miejscowość" in html
    assert found_count(html) > 0


@pytest.mark.parametrize("within", [None, *DISTANCES])
def test_the_services_that_help_anywhere_are_listed_whatever_distance_is_chosen(client, directory, within):
    query = "/en/support?postcode=S5" + (f"&within={within}" if within else "")
    html = client.get(query).get_data(as_text=True)
    expected = sorted(s["name"] for s in SERVICES if helps_anywhere(s))
    assert len(expected) >= 8
    assert sorted(remote_names(html)) == expected
    assert not set(result_names(html)) & set(expected)
    assert "Available by phone or online" in html


def test_the_national_helplines_stay_with_a_distance_and_a_category(client, directory):
    html = client.get("/en/support?postcode=S5&within=3&category=helplines").get_data(as_text=True)
    helplines = {term["id"] for term in TERMS if term.get("term") == "helplines"}
    expected = {
        s["name"]
        for s in SERVICES
        if helps_anywhere(s) and any(a["taxonomy_term_id"] in helplines for a in s.get("attributes", []))
    }
    assert {"Macmillan Support Line", "Samaritans", "NHS 111"} <= expected
    assert set(remote_names(html)) == expected


def test_the_phone_block_keeps_the_language_chosen(client, directory):
    html = client.get("/ur/support?postcode=S5&within=3&language=ur").get_data(as_text=True)
    assert remote_names(html) == [
        s["name"] for s in SERVICES if helps_anywhere(s) and speaks("ur")(s)
    ]  # Macmillan, through its interpreters
    assert remote_names(html)


def test_the_phone_block_is_on_every_page_of_results_and_never_paged(client, directory):
    first = client.get("/en/support?postcode=S5").get_data(as_text=True)
    last = client.get("/en/support?postcode=S5&page=6").get_data(as_text=True)
    assert remote_names(first) == remote_names(last) and remote_names(first)


def run(app, session, filters: Filters, now: datetime, **options):
    with app.test_request_context():
        return search.search(session, app.config["SEARCH_INDEX_DIR"], "", filters, now=now, **options)


def every_name(results) -> set[str]:
    return {hit.card["name"] for hit in results.hits} | {hit.card["name"] for hit in results.remote}


def test_open_now_at_three_in_the_morning_keeps_only_the_round_the_clock_services(app, directory):
    results = run(app, directory, Filters(open=True), datetime(2026, 12, 8, 3, 0))
    assert every_name(results) == {"Samaritans", "Shout text support", "NHS 111"}
    assert results.facets["open"]["yes"] == 3


def test_open_now_on_a_tuesday_morning_adds_the_weekday_and_monthly_services_open_then(app, directory):
    # 8 December 2026 is the second Tuesday of the month: the monthly support groups meet 10:30 to 12:30.
    results = run(app, directory, Filters(open=True), datetime(2026, 12, 8, 11, 0))
    names = every_name(results)
    assert {
        "Macmillan Support Line",
        "Carers' Phone Line (example)",
        "Barnsley Cancer Support Group (example)",
    } <= names
    assert results.total == len(names) or results.local_total > 10
    closed = run(app, directory, Filters(open=True), datetime(2026, 12, 15, 11, 0))  # third Tuesday
    assert "Barnsley Cancer Support Group (example)" not in every_name(closed)


def test_open_now_over_http_agrees_with_the_schedules_at_this_minute(client, directory):
    from alliance.directory import schedules

    html = client.get("/en/support?needs=open").get_data(as_text=True)
    now = schedules.now_local()
    expected = sum(
        1
        for s in SERVICES
        if schedules.open_at([{k: sc.get(k) for k in schedules.FIELDS} for sc in s.get("schedules", [])], now)
    )
    assert found_count(html) == expected


def category_members(term: dict) -> list[dict]:
    return [s for s in SERVICES if any(a["taxonomy_term_id"] == term["id"] for a in s.get("attributes", []))]


def dimension_of(code: str) -> str:
    if code in search.DELIVERY_TERMS:
        return "delivery"
    if code in search.AUDIENCE_TERMS:
        return "audience"
    return "category"


@pytest.mark.parametrize("lang", ["ar", "bn", "ckb", "pa", "pl", "ro", "sk", "so", "ur", "zh"])
def test_every_categorys_translated_name_finds_every_service_in_it(app, directory, lang):
    checked = 0
    for term in TERMS:
        label = term.get("x_alliance", {}).get("translations", {}).get(lang, {}).get("name")
        if not label:
            continue
        members = category_members(term)
        with app.test_request_context():
            results = search.search(directory, app.config["SEARCH_INDEX_DIR"], label, Filters(), lang=lang)
        found = results.facets[dimension_of(term["term"])].get(term["term"], 0)
        assert found == len(members), (lang, term["term"], label, found, len(members))
        checked += 1
    assert checked >= 15


def test_a_translated_category_name_searched_on_the_site_finds_its_services(client, directory):
    html = client.get("/ur/support", query_string={"q": "ہیلپ لائنز"}).get_data(as_text=True)
    helplines = next(term for term in TERMS if term["term"] == "helplines")
    assert found_count(html) >= len(category_members(helplines)) > 0
    assert "Samaritans" in remote_names(html)


def test_a_category_name_in_polish_is_not_taken_for_a_misspelling(client, directory):
    html = client.get("/pl/support", query_string={"q": "Grupy wsparcia"}).get_data(as_text=True)
    assert found_count(html) == 6
    assert "app-suggestion" not in html
