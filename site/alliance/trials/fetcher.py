"""Fetch studies from the ClinicalTrials.gov API v2, page by page (off unless TRIALS_FETCH_ENABLED)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from urllib.parse import urlencode
from urllib.request import Request, urlopen

from alliance.trials.parsing import RecordError

# transport(url) -> response body; injected in tests, urllib by default.
Transport = Callable[[str], bytes]


class FetchDisabled(RuntimeError):
    """Fetching is switched off in the configuration."""


class FetchError(RuntimeError):
    """The API answered with something that is not a page of studies."""


def urllib_transport(timeout: float = 30.0) -> Transport:
    def get(url: str) -> bytes:
        request = Request(url, headers={"Accept": "application/json", "User-Agent": "alliance-trials/1"})
        with urlopen(request, timeout=timeout) as response:  # noqa: S310  (the URL comes from config)
            return response.read()

    return get


def page_url(base_url: str, params: dict, page_token: str | None) -> str:
    query = {key: value for key, value in params.items() if value}
    if page_token:
        query["pageToken"] = page_token
    return f"{base_url}?{urlencode(query)}"


def fetch_studies(
    config, transport: Transport | None = None, max_pages: int | None = None
) -> Iterator[tuple[str, object]]:
    """Yield (label, study) for every study the configured search returns, following nextPageToken."""
    if not config.get("TRIALS_FETCH_ENABLED"):
        raise FetchDisabled("Fetching from ClinicalTrials.gov is switched off (TRIALS_FETCH_ENABLED).")
    transport = transport or urllib_transport()
    params = {
        "query.cond": config["TRIALS_FETCH_CONDITION"],
        "query.locn": config["TRIALS_FETCH_LOCATION"],
        "filter.overallStatus": ",".join(config["TRIALS_FETCH_STATUSES"]),
        "pageSize": str(config["TRIALS_FETCH_PAGE_SIZE"]),
        "format": "json",
    }
    token, number = None, 0
    limit = max_pages or config["TRIALS_FETCH_MAX_PAGES"]
    while number < limit:
        number += 1
        try:
            data = json.loads(transport(page_url(config["TRIALS_API_URL"], params, token)))
        except ValueError as error:
            raise FetchError(f"page {number}: not JSON") from error
        if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
            raise FetchError(f"page {number}: no `studies` list")
        for index, study in enumerate(data["studies"], start=1):
            yield f"page {number} #{index}", study
        token = data.get("nextPageToken")
        if not isinstance(token, str) or not token:
            return
    if token:
        yield f"page {number + 1}", RecordError(f"stopped after {limit} pages (TRIALS_FETCH_MAX_PAGES)")
