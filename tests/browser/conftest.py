"""Browser tests: Debian's Chromium driven by Playwright against the app served on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import threading
import time

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from werkzeug.serving import make_server

from alliance import create_app
from alliance.extensions import db

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing: run `make chromium`")
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (make chromium)")
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The site with its demo content, as the browser tests' server runs it."""
    directory = tmp_path_factory.mktemp("browser")
    app = create_app(
        "test",
        {
            "DATABASE_URL": f"sqlite:///{directory / 'browser.db'}",
            "SEARCH_INDEX_DIR": str(directory / "search"),
        },
    )
    with app.app_context():
        db.upgrade()
    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="session")
def live_server(live_app):
    """The site served from a thread for the whole browser session."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(page):
    # No network here: the NHS font host would make every load wait for a time-out.
    page.route("https://assets.nhs.uk/**", lambda route: route.abort())
    page.route("https://111.nhs.uk/**", lambda route: route.abort())
    return page


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.fixture
def check_accessibility(page, axe):
    def check(label: str = "") -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        violations = results.response["violations"]
        summary = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
        assert not violations, f"axe found violations on {label or page.url}: {summary}"

    return check


def sign_in_with_a_code(page, base: str, email: str, secret: str) -> None:
    """Sign in to the back-office as a member of staff whose authenticator is already set up."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/backoffice/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Security code").fill(pyotp.TOTP(secret).at(time.time()))
    page.get_by_role("button", name="Sign in").click()
