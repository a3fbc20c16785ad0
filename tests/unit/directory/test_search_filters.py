from alliance.directory.search import Filters, _dimension_values, _docnums, _mask_of


def card(**values):
    base = {"terms": [], "locality": "", "languages": [], "free": False, "wheelchair": False}
    return {**base, **values}


def test_a_mask_holds_exactly_the_documents_it_was_made_from():
    mask = _mask_of([0, 3, 9, 64, 1000], 1001)
    assert mask.bit_count() == 5
    assert _docnums(mask, list(range(1001))) == [0, 3, 9, 64, 1000]


def test_documents_come_back_in_the_order_asked_for():
    assert _docnums(_mask_of([2, 5, 7], 8), [7, 6, 5, 2, 1]) == [7, 5, 2]


def test_terms_are_split_into_category_delivery_and_audience():
    values = _dimension_values(
        card(
            terms=["support-groups", "online", "carers-family"],
            locality="sheffield",
            languages=[["ur", "Urdu"], ["", "?"]],
            free=True,
        )
    )
    assert values["category"] == ["support-groups"]
    assert values["delivery"] == ["online"]
    assert values["audience"] == ["carers-family"]
    assert values["locality"] == ["sheffield"]
    assert values["language"] == ["ur"]
    assert values["free"] == ["yes"] and values["wheelchair"] == []


def test_only_the_filters_chosen_narrow_the_search():
    assert Filters().chosen() == {}
    assert Filters(category="helplines", free=True).chosen() == {"category": "helplines", "free": "yes"}
