"""A reviewer exchanges files with a translation agency and reviews interface strings."""

import pytest
from lxml import etree
from playwright.sync_api import expect

from alliance.extensions import db
from tests.browser.conftest import sign_in_with_a_code
from tests.factories import StaffUserFactory

XLIFF = "urn:oasis:names:tc:xliff:document:1.2"


@pytest.fixture(scope="module")
def reviewer(live_app):
    with live_app.app_context():
        user = StaffUserFactory(email="translation.reviewer@example.nhs.uk", roles="publisher")
        db.session.add(user)
        db.session.commit()
        return user.email, user.totp_secret


def _translate_first_page_body(path) -> tuple[bytes, str]:
    """Do what a CAT tool does: write a translation into the first page body unit's <target>."""
    root = etree.parse(str(path)).getroot()
    unit = next(u for u in root.iter(f"{{{XLIFF}}}trans-unit") if u.get("id").endswith(".body"))
    slug = unit.get("id").split(".")[1]
    for name in ("title", "summary", "body"):
        part = root.find(f".//{{{XLIFF}}}trans-unit[@id='page.{slug}.{name}']")
        if part is None:
            continue
        target = part.find(f"{{{XLIFF}}}target")
        if target is None:
            target = etree.SubElement(part, f"{{{XLIFF}}}target")
        target.text = f"ایجنسی کا ترجمہ ({name})"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), slug


def test_a_reviewer_exports_urdu_imports_the_agency_file_and_approves_a_string(
    page, live_server, reviewer, check_accessibility, tmp_path
):
    sign_in_with_a_code(page, live_server, *reviewer)
    page.goto(f"{live_server}/backoffice/translations")
    check_accessibility("translation review languages")
    page.get_by_role("link", name="Urdu", exact=True).click()
    page.get_by_role("link", name="Send work to a translation agency, or bring it back (XLIFF or PO)").click()
    expect(page.get_by_role("heading", name="Translation agency files")).to_be_visible()
    check_accessibility("exchange page")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download XLIFF 1.2 (for CAT tools) for Urdu").click()
    exported = tmp_path / "alliance-ur.xlf"
    download.value.save_as(exported)
    returned, slug = _translate_first_page_body(exported)
    (tmp_path / "returned.xlf").write_bytes(returned)

    page.get_by_label("Returned file (.xlf, .xliff or .po)").set_input_files(str(tmp_path / "returned.xlf"))
    page.get_by_role("button", name="Import as drafts").click()
    expect(page.locator(".app-flash")).to_contain_text("1 page drafts awaiting review")
    page.goto(f"{live_server}/backoffice/content/{slug}/ur")
    expect(page.locator("body")).to_contain_text("draft")

    page.goto(f"{live_server}/backoffice/translations/ur/exchange")
    (tmp_path / "broken.xlf").write_bytes(b"<xliff><file")
    page.get_by_label("Returned file (.xlf, .xliff or .po)").set_input_files(str(tmp_path / "broken.xlf"))
    page.get_by_role("button", name="Import as drafts").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("not well-formed XML")
    check_accessibility("exchange page with an error")

    page.goto(f"{live_server}/backoffice/translations/ur/strings")
    check_accessibility("interface strings")
    first = page.locator("input[name=key]").first
    key = first.get_attribute("value")
    first.check()
    page.get_by_role("button", name="Approve the ticked translations").click()
    expect(page.locator(".app-flash")).to_contain_text("1 interface strings approved")
    expect(page.locator(f"input[value='{key}']")).to_have_count(0)
