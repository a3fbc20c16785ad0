"""The back-office page editor refuses pictures that are not the site's own or have no alt text."""

import pytest

from alliance.pages.models import PageRevision
from tests.factories import make_staff
from tests.integration.backoffice.conftest import signed_in_client
from tests.integration.backoffice.test_content_workflow import edit_fields


@pytest.fixture
def editor(app, session, seeded):
    return signed_in_client(app, make_staff(session, roles="editor"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("![](icon:doctor) Words I typed.", "The picture &#39;doctor&#39; has no alt text"),
        (
            "![A doctor](https://example.com/d.png) Words I typed.",
            "is not one of the site&#39;s own pictures",
        ),
        (
            "![A doctor](icon:surgeon-robot) Words I typed.",
            "There is no picture called &#39;surgeon-robot&#39;",
        ),
    ],
)
def test_a_page_with_a_bad_picture_is_not_saved_and_what_was_typed_is_kept(editor, session, body, message):
    before = session.query(PageRevision).count()
    response = editor.post(
        "/backoffice/content/example/en/edit", data=edit_fields(editor, "example", "en", body=body)
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and "Words I typed." in html and "<title>Error:" in html
    assert session.query(PageRevision).count() == before


def test_a_page_with_a_described_or_decorative_picture_is_saved(editor, session):
    body = '![A doctor](icon:doctor) See a GP.\n\n![](icon:people "decorative") Bring someone.'
    response = editor.post(
        "/backoffice/content/example/en/edit", data=edit_fields(editor, "example", "en", body=body)
    )
    assert response.status_code == 302
    newest = session.query(PageRevision).order_by(PageRevision.id.desc()).first()
    assert newest.body.startswith("![A doctor](icon:doctor)")
