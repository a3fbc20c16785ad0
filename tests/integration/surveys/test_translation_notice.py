"""A survey's translation not yet checked by a qualified translator says so, as pages do."""


def test_an_unreviewed_urdu_survey_start_page_shows_the_same_notice_as_pages(client, survey):
    html = client.get(f"/ur/surveys/{survey}/").get_data(as_text=True)
    notice = html[html.index('class="nhsuk-card nhsuk-card--warning app-translation-notice"') :]
    notice = notice[: notice.index("</div>\n</div>")]
    assert 'data-translation-state="unreviewed"' in notice
    assert "اس ترجمے کی جانچ نہیں ہوئی" in notice
    assert f'<a href="/en/surveys/{survey}/" hreflang="en">' in notice
    assert '<span dir="ltr" class="app-ltr">111</span>' in notice


def test_the_english_survey_start_page_has_no_translation_notice(client, survey):
    html = client.get(f"/en/surveys/{survey}/").get_data(as_text=True)
    assert "app-translation-notice" not in html
    assert "It is not a live consultation" in html
