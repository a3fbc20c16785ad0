"""Who publishes the ORUK API and under which licence: the OpenAPI document's `info` and the API root's
licence, from configuration (21 Cancer Alliances could run this site; nothing here names one)."""

from __future__ import annotations

from typing import Any

from alliance.licence import OGL


def openapi_info(spec_info: dict[str, Any], config: dict[str, Any], home_url: str) -> dict[str, Any]:
    """The specification's `info`, its placeholders replaced by the Alliance's own details."""
    name = config["ALLIANCE_NAME"]
    return {
        **spec_info,
        "title": f"{name}: directory of local support services (Open Referral UK 3.0)",
        "summary": (
            f"The {name}'s directory of local support services for people affected by cancer, "
            "published through the Open Referral UK 3.0 API."
        ),
        "description": (
            f"{spec_info.get('description', 'Open Referral UK 3.0')}. Published by the {name}; the directory "
            f"data are available under the {OGL['name']}."
        ),
        "contact": {"name": name, "url": home_url, "email": config["ALLIANCE_CONTACT_EMAIL"]},
        "license": dict(OGL),
    }
