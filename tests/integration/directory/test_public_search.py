"""The public search of local support services, over HTTP, on the seed data in content/directory."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from alliance import places
from alliance.directory import import_read, import_write
from alliance.directory.seed import seed_directory

ROOT = Path(__file__).resolve().parents[3]
SERVICES = json.loads((ROOT / "content" / "directory" / "services.json").read_text(encoding="utf-8"))[
    "services"
]
BARNSLEY_GROUP = "22a45d33-86d7-5748-b926-b886aefb4946"


@pytest.fixture
def directory(app, session):
    with app.app_context():
        seed_directory(session, ROOT / "content")
    # Requests run outside this context, each in its own, as in production (a shared `g` would carry
    # one request's language into the next).
    yield session


def _names(html: str, marker: str) -> list[str]:
    block = html.split(marker, 1)
    if len(block) < 2:
        return []
    return re.findall(
        r'<h3 class="nhsuk-heading-s nhsuk-u-margin-bottom-2"><a href="[^"]+">([^<]+)</a>',
        block[1].split("</ul>", 1)[0],
    )


def result_names(html: str) -> list[str]:
    """The paged results (near the reader, or anywhere without a place)."""
    return _names(html, 'class="nhsuk-list app-directory-results"')


def remote_names(html: str) -> list[str]:
    """The block of services that help by phone or online, wherever the reader lives."""
    return _names(html, 'class="nhsuk-list app-directory-results app-directory-results--remote"')


def found_count(html: str) -> int:
    """The number in the results heading, in whatever language the page is in."""
    match = re.search(r'id="results-heading">[^<]*?([0-9\u06f0-\u06f9\u0660-\u0669]+)', html)
    return int(match.group(1)) if match else 0


def option_count(html: str, select_name: str, value: str) -> int | None:
    select = re.search(rf'<select[^>]*name="{select_name}".*?</select>', html, re.S).group(0)
    match = re.search(rf'<option value="{re.escape(value)}"[^>]*>[^<]*\((\d+)\)', select)
    return int(match.group(1)) if match else None


def seed_count(predicate) -> int:
    return sum(1 for service in SERVICES if predicate(service))


def test_the_search_page_lists_every_active_service_without_any_filter(client, directory):
    html = client.get("/en/support").get_data(as_text=True)
    assert found_count(html) == seed_count(lambda s: s.get("status", "active") == "active")
    assert len(result_names(html)) == 10


def test_free_text_finds_services_by_a_stemmed_word(client, directory):
    html = client.get("/en/support?q=bereaved").get_data(as_text=True)
    names = result_names(html)
    assert names and all("ereave" in name or "rief" in name for name in names[:3])


def test_a_misspelt_word_offers_a_did_you_mean_link(client, directory):
    html = client.get("/en/support?q=bereavment").get_data(as_text=True)
    assert "Did you mean" in html
    assert "bereavement" in html


def test_the_category_filter_keeps_only_that_category_and_counts_it(client, directory):
    html = client.get("/en/support?category=helplines").get_data(as_text=True)
    expected = seed_count(
        lambda s: any(
            a["taxonomy_term_id"] == "b59f1f57-9284-5fb9-a87b-ff6a2226a35b" for a in s.get("attributes", [])
        )
    )
    assert found_count(html) == expected
    assert option_count(html, "category", "helplines") == expected


def test_the_locality_filter_and_the_free_filter_combine(client, directory):
    both = client.get("/en/support?locality=barnsley&needs=free").get_data(as_text=True)
    expected = seed_count(
        lambda s: (
            s["x_alliance"]["locality"] == "barnsley"
            and s.get("cost_options")
            and all(c.get("amount") == 0 for c in s["cost_options"])
        )
    )
    assert found_count(both) == expected
    assert 0 < expected < seed_count(lambda s: s["x_alliance"]["locality"] == "barnsley")


def test_facet_counts_show_what_choosing_each_option_would_give(client, directory):
    html = client.get("/en/support?locality=sheffield").get_data(as_text=True)
    for code in ("barnsley", "sheffield", "doncaster"):
        expected = seed_count(lambda s, code=code: s["x_alliance"]["locality"] == code)
        assert option_count(html, "locality", code) == expected
    in_sheffield_in_person = client.get("/en/support?locality=sheffield&delivery=in-person").get_data(
        as_text=True
    )
    assert option_count(html, "delivery", "in-person") == found_count(in_sheffield_in_person)


@pytest.mark.parametrize(
    ("query", "check"),
    [
        ("language=ur", lambda s: any(lang.get("code") == "ur" for lang in s.get("languages", []))),
        (
            "needs=wheelchair",
            lambda s: any(
                a.get("accessibility") == "wheelchair"
                for link in s.get("service_at_locations", [])
                for a in link["location"].get("accessibility", [])
            ),
        ),
        (
            "delivery=online",
            lambda s: any(
                a["taxonomy_term_id"] == "fcbb9a34-2182-516c-bfc1-1c647deb5449"
                for a in s.get("attributes", [])
            ),
        ),
        (
            "audience=bereaved",
            lambda s: any(
                a["taxonomy_term_id"] == "44b3137d-2dc4-5df3-8917-74a636180dc9"
                for a in s.get("attributes", [])
            ),
        ),
    ],
)
def test_each_filter_keeps_exactly_the_matching_services(client, directory, query, check):
    html = client.get(f"/en/support?{query}").get_data(as_text=True)
    assert found_count(html) == seed_count(check) > 0


def test_a_postcode_shows_distances_sorted_nearest_first_with_the_attribution(client, directory):
    html = client.get("/en/support?postcode=S70&within=10&sort=distance").get_data(as_text=True)
    miles = [float(m) for m in re.findall(r"([\d.]+) miles away", html)]
    assert miles and miles == sorted(miles) and max(miles) <= 10
    assert places.ATTRIBUTION.split(";")[0] in html.replace("&#169;", "©")
    assert "Barnsley Cancer Support Group (example)" in result_names(html)


def test_a_full_postcode_is_cut_to_its_district_before_the_search_runs(client, directory):
    response = client.get("/en/support?postcode=S70+2TA&q=support")
    assert response.status_code == 303
    assert "postcode=S70" in response.headers["Location"] and "2TA" not in response.headers["Location"]
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2TA" not in html


@pytest.mark.parametrize("typed", ["ZZ99", "not a postcode"])
def test_an_unknown_or_malformed_postcode_gets_a_translated_message_keeping_what_was_typed(
    client, directory, typed
):
    response = client.get("/ur/support", query_string={"postcode": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="' + typed + '"' in html
    assert "nhsuk-error-summary" in html and "<title>" in html
    assert found_count(html) > 0  # the rest of the search still works


def test_results_are_paged_and_paging_keeps_the_filters(client, directory):
    first = client.get("/en/support?delivery=in-person").get_data(as_text=True)
    total = found_count(first)
    assert total > 10
    next_link = re.search(
        r'<a class="nhsuk-pagination__link nhsuk-pagination__link--next" href="([^"]+)"', first
    )
    assert next_link and "delivery=in-person" in next_link.group(1)
    second = client.get(next_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert set(result_names(second)).isdisjoint(result_names(first))


def test_odd_query_strings_never_cause_an_error(client, directory):
    for query in (
        "page=abc",
        "page=99999",
        "within=7",
        "sort=nonsense",
        "category=nope&needs=x",
        "q=" + "a" * 5000,
    ):
        assert client.get(f"/en/support?{query}").status_code == 200


def test_the_category_and_area_pages_list_their_services(client, directory):
    category = client.get("/en/support/category/support-groups").get_data(as_text=True)
    assert found_count(category) == seed_count(
        lambda s: any(
            a["taxonomy_term_id"] == "b9d1be72-f699-5074-804f-5e171291d1a7" for a in s.get("attributes", [])
        )
    )
    area = client.get("/en/support/area/doncaster").get_data(as_text=True)
    assert found_count(area) == seed_count(lambda s: s["x_alliance"]["locality"] == "doncaster")
    assert client.get("/en/support/category/nothing-here").status_code == 404
    assert client.get("/en/support/area/atlantis").status_code == 404


def test_a_change_made_through_the_importer_is_searchable_on_the_next_request(app, client, directory):
    assert found_count(client.get("/en/support?q=zebrafish").get_data(as_text=True)) == 0
    service = json.loads(json.dumps(SERVICES[0]))
    service["description"] = "Now with a zebrafish aquarium."
    with app.app_context():
        report = import_write.apply(directory, import_read.read_json(json.dumps({"services": [service]})))
    assert report.ok, report.lines()
    assert result_names(client.get("/en/support?q=zebrafish").get_data(as_text=True)) == [service["name"]]


def test_a_service_named_for_the_words_ranks_above_one_that_only_mentions_them(app, client, directory):
    named = json.loads(json.dumps(SERVICES[1]))
    named["name"] = "Zebrafish Friends (example)"
    mentioned = json.loads(json.dumps(SERVICES[2]))
    mentioned["description"] = mentioned["description"] + " We once visited a zebrafish aquarium."
    with app.app_context():
        report = import_write.apply(
            directory, import_read.read_json(json.dumps({"services": [mentioned, named]}))
        )
    assert report.ok, report.lines()
    names = result_names(client.get("/en/support?q=zebrafish").get_data(as_text=True))
    assert names == ["Zebrafish Friends (example)", mentioned["name"]]
    # The same words with a filter keep the ranking; only the filtered-out service goes.
    area = named["x_alliance"]["locality"]
    if area != mentioned["x_alliance"]["locality"]:
        narrowed = result_names(client.get(f"/en/support?q=zebrafish&locality={area}").get_data(as_text=True))
        assert narrowed == ["Zebrafish Friends (example)"]
