"""The e-bulletin, people's panel and events pages pass axe in English and in Urdu on a phone, read in
the reader's language, and keep the page the width of the phone. (A mistake on the panel form keeping
what was typed is tested in tests/integration/panel.)"""

from __future__ import annotations

import pytest

PHONE = {"width": 375, "height": 667}
PAGES = ["/{lang}/bulletin/subscribe", "/{lang}/get-involved/panel", "/{lang}/events/"]


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_sign_up_pages_pass_axe_on_a_phone_in_english_and_urdu(
    browser, live_server, check_accessibility, page, lang
):
    page.set_viewport_size(PHONE)
    for path in PAGES:
        page.goto(live_server + path.format(lang=lang))
        assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ur" else "ltr")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width)
        check_accessibility(f"{path} in {lang}")
        if lang == "ur":
            text = page.locator("main").inner_text()
            assert "Email address" not in text and "Select all that apply" not in text, path
