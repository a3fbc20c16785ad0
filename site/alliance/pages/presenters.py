"""Turn what the pages capability knows into the strings and component parameters templates need."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

# The home page's doors into the site: (endpoint, url values, heading, description).
HOME_SECTIONS = [
    (
        "pages.page",
        {"slug": "screening"},
        _l("Cancer screening"),
        _l("Bowel, breast, cervical and lung screening: who is invited, when, and what happens."),
    ),
    (
        "pages.page",
        {"slug": "symptoms"},
        _l("Signs and symptoms of cancer"),
        _l("Know the signs to look out for, and when to see a GP."),
    ),
    (
        "directory.search",
        {},
        _l("Find support near you"),
        _l("Support groups, helplines, hospices, benefits advice and more, near your postcode."),
    ),
    (
        "research.trials",
        {},
        _l("Clinical trials"),
        _l("Find out which cancer trials are open in our area, including for teenagers and young adults."),
    ),
    (
        "research.genetics",
        {},
        _l("Genetic testing and inherited cancer risk"),
        _l("Lynch syndrome, BRCA and other inherited risks, and how people are referred for testing."),
    ),
    (
        "pages.page",
        {"slug": "get-involved"},
        _l("Get involved"),
        _l("Share your views and experiences to help shape cancer care in your area."),
    ),
]


def home_sections() -> list[dict]:
    """The sections that exist on this site, as card parameters."""
    present = current_app.view_functions
    return [
        {"href": url_for(endpoint, **values), "heading": str(heading), "description": str(description)}
        for endpoint, values, heading, description in HOME_SECTIONS
        if endpoint in present
    ]
