"""The form fields render complete NHS.UK components and keep what the person typed."""

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import DataRequired, Length, Optional

from alliance import create_app, forms


class ExampleForm(FlaskForm):
    class Meta:
        csrf = False

    name = forms.StringField(
        "Your name", validators=[DataRequired("Enter your name")], description="As on your letter"
    )
    story = forms.CharacterCountField(
        "Your story", validators=[Length(max=20, message="Too long")], maxlength=20
    )
    notes = forms.TextAreaField("Notes")
    contact = forms.RadioField(
        "How should we contact you?",
        choices=[("phone", "Phone"), ("email", "Email")],
        validators=[DataRequired("Choose how we should contact you")],
    )
    needs = forms.CheckboxesField("What do you need?", choices=[("a", "Advice"), ("b", "Benefits")])
    locality = forms.SelectField("Where do you live?", choices=[("", "Choose"), ("sheffield", "Sheffield")])
    when = forms.DateField("When did it start?")


@pytest.fixture
def ctx():
    app = create_app("test", {"DATABASE_URL": "sqlite://"})
    with app.test_request_context("/en/"):
        yield


def render(form, name):
    return str(getattr(form, name)())


def test_a_text_input_renders_the_nhs_component_with_label_hint_and_value(ctx):
    form = ExampleForm(MultiDict({"name": "Asha"}))
    html = render(form, "name")
    assert 'class="nhsuk-input' in html
    assert "Your name" in html and "As on your letter" in html
    assert 'value="Asha"' in html


def test_an_invalid_field_shows_its_error_and_keeps_the_typed_value(ctx):
    form = ExampleForm(MultiDict({"story": "x" * 25, "name": ""}))
    assert not form.validate()
    name_html = render(form, "name")
    assert "nhsuk-form-group--error" in name_html and "Enter your name" in name_html
    story_html = render(form, "story")
    assert "Too long" in story_html and "x" * 25 in story_html
    assert 'data-maxlength="20"' in story_html


def test_radios_and_checkboxes_keep_the_choices_made(ctx):
    form = ExampleForm(MultiDict([("contact", "email"), ("needs", "a"), ("needs", "b")]))
    radios = render(form, "contact")
    assert "nhsuk-radios" in radios
    assert 'value="email" checked' in radios and 'value="phone" checked' not in radios
    checkboxes = render(form, "needs")
    assert checkboxes.count("checked") == 2


def test_a_select_keeps_the_selected_option(ctx):
    form = ExampleForm(MultiDict({"locality": "sheffield"}))
    html = render(form, "locality")
    assert "nhsuk-select" in html and 'value="sheffield" selected' in html


def test_a_date_is_typed_in_three_boxes_and_an_impossible_date_is_kept_with_an_error(ctx):
    form = ExampleForm(MultiDict({"when[day]": "31", "when[month]": "2", "when[year]": "2026", "name": "A"}))
    form.validate()
    assert form.when.data is None
    assert "Enter a real date" in form.when.errors
    html = render(form, "when")
    assert 'name="when[day]"' in html and 'value="31"' in html and 'value="2026"' in html


def test_a_valid_date_becomes_a_date(ctx):
    form = ExampleForm(MultiDict({"when[day]": "5", "when[month]": "11", "when[year]": "2026"}))
    form.validate()
    assert form.when.data.isoformat() == "2026-11-05"


def test_the_error_summary_links_each_error_to_its_field(ctx):
    from alliance.templating import form_error_list

    form = ExampleForm(MultiDict({"when[day]": "40", "when[month]": "1", "when[year]": "2026"}))
    form.validate()
    items = form_error_list(form)
    assert {"text": "Enter your name", "href": "#name"} in items
    assert {"text": "Enter a real date", "href": "#when-day"} in items


class OptionalDateForm(FlaskForm):
    class Meta:
        csrf = False

    opens_on = forms.DateField("Opens on", validators=[Optional()])


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "3", "27"), "Enter the year as four digits, like 2026"),
        (("31", "2", "2027"), "Enter a real date"),
    ],
)
def test_an_optional_date_typed_wrongly_is_an_error_not_an_empty_date(ctx, parts, message):
    data = MultiDict(dict(zip(("opens_on[day]", "opens_on[month]", "opens_on[year]"), parts, strict=True)))
    form = OptionalDateForm(data)
    assert not form.validate()
    assert form.opens_on.errors == [message] and form.opens_on.data is None


def test_an_optional_date_left_empty_is_no_date_and_no_error(ctx):
    form = OptionalDateForm(MultiDict({"opens_on[day]": " ", "opens_on[month]": "", "opens_on[year]": ""}))
    assert form.validate() and form.opens_on.data is None
