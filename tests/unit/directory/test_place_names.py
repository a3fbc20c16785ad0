"""A place name or a postcode, read to a place to measure from: one parser for both."""

from pathlib import Path

import pytest

from alliance import places

CENTROIDS = Path(__file__).resolve().parents[3] / "content" / "directory" / "outcode-centroids.csv"
NAMES = {
    places.place_key("Sheffield"): ("Sheffield", "S1"),
    places.place_key("شیفیلڈ"): ("Sheffield", "S1"),
    places.place_key("North Derbyshire"): ("North Derbyshire", "S40"),
}


@pytest.mark.parametrize("typed", ["Sheffield", "  SHEFFIELD ", "شیفیلڈ"])
def test_a_known_place_name_in_any_case_or_script_is_measured_from_its_district(typed):
    found = places.find(typed, CENTROIDS, NAMES)
    assert (found.outcode, found.name) == ("S1", "Sheffield")


def test_hyphens_and_spacing_in_a_place_name_do_not_matter():
    assert places.find("north-derbyshire", CENTROIDS, NAMES).outcode == "S40"
    assert places.find("North   Derbyshire", CENTROIDS, NAMES).outcode == "S40"


def test_anything_else_is_read_as_a_postcode():
    found = places.find("S5 7AU", CENTROIDS, NAMES)
    assert (found.outcode, found.name) == ("S5", "")
    with pytest.raises(places.PostcodeError) as error:
        places.find("Atlantis", CENTROIDS, NAMES)
    assert error.value.reason == "format"


def test_a_place_mapped_to_a_district_without_a_centre_is_unknown():
    with pytest.raises(places.PostcodeError) as error:
        places.find("Nowhere", CENTROIDS, {"nowhere": ("Nowhere", "ZZ99")})
    assert error.value.reason == "unknown"
