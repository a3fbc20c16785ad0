from pathlib import Path

import pytest

from alliance import places

TABLE = Path(__file__).resolve().parents[3] / "content" / "directory" / "outcode-centroids.csv"


@pytest.mark.parametrize(
    ("typed", "district"),
    [("S1 2HE", "S1"), ("s12he", "S1"), (" dn22  7xx ", "DN22"), ("S80", "S80"), ("EC1A 1BB", "EC1A")],
)
def test_a_full_or_partial_postcode_is_cut_to_its_district(typed, district):
    assert places.outcode(typed) == district


@pytest.mark.parametrize("typed", ["", "Sheffield", "12345", "S1 2H", "SSS1"])
def test_text_that_is_not_a_postcode_is_a_format_error(typed):
    with pytest.raises(places.PostcodeError) as caught:
        places.outcode(typed)
    assert caught.value.reason == "format"


def test_a_district_in_the_table_is_located_near_its_town():
    place = places.locate("S1 2HE", TABLE)
    assert place.outcode == "S1" and 53.3 < place.latitude < 53.45 and -1.55 < place.longitude < -1.4


def test_a_district_missing_from_the_table_is_unknown():
    with pytest.raises(places.PostcodeError) as caught:
        places.locate("ZZ9 9ZZ", TABLE)
    assert caught.value.reason == "unknown"


def test_distances_are_in_miles_along_the_earth():
    sheffield, doncaster = places.locate("S1", TABLE), places.locate("DN1", TABLE)
    distance = places.miles(sheffield.latitude, sheffield.longitude, doncaster.latitude, doncaster.longitude)
    assert 15 < distance < 20
    assert places.miles(53.0, -1.0, 53.0, -1.0) == 0
