"""WTForms fields that render NHS.UK frontend components, so a template says `{{ form.field() }}`.

Each widget turns a field into the parameters of one nhsuk-frontend-jinja macro: label, hint (the
field's description), the first error message, and the typed value, so nothing typed is lost.
"""

from __future__ import annotations

import re
from datetime import date

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import Field, ValidationError
from wtforms import fields as wtf
from wtforms.validators import DataRequired, Length

from alliance.dates import DateError, parse_date_parts


def _macro(component: str, name: str):
    template = current_app.jinja_env.get_template(f"nhsuk/components/{component}/macro.jinja")
    return getattr(template.module, name)


def _common(field: Field, **kwargs) -> dict:
    params = {
        "id": field.id,
        "name": field.name,
        "label": {"text": str(field.label.text)},
        "hint": {"text": str(field.description)} if field.description else None,
        "errorMessage": {"text": str(field.errors[0])} if field.errors else None,
    }
    if kwargs.pop("page_heading", False):
        params["label"].update({"isPageHeading": True, "size": "l"})
    params["attributes"] = kwargs.pop("attributes", None)
    params.update(kwargs)
    return {key: value for key, value in params.items() if value is not None}


class _Widget:
    component = ""
    macro = ""

    def params(self, field: Field, **kwargs) -> dict:
        return _common(field, **kwargs)

    def __call__(self, field: Field, **kwargs) -> Markup:
        return Markup(_macro(self.component, self.macro)(self.params(field, **kwargs)))


class InputWidget(_Widget):
    component, macro = "input", "input"

    def __init__(self, input_type: str = "text"):
        self.input_type = input_type

    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        params.setdefault("type", self.input_type)
        value = field._value()
        if value not in (None, ""):
            params["value"] = value
        return params


class TextareaWidget(_Widget):
    component, macro = "textarea", "textarea"

    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        params["value"] = field._value()
        return params


def character_count_texts() -> dict:
    """The character count component's own words (its hint without JavaScript, its live count with
    it) in the reader's language: the component's defaults are English. "%{count}" is its placeholder."""
    return {
        "textareaDescriptionText": str(_l("You can enter up to %{count} characters")),
        "charactersUnderLimitText": {
            "one": str(_l("You have %{count} character remaining")),
            "other": str(_l("You have %{count} characters remaining")),
        },
        "charactersAtLimitText": str(_l("You have 0 characters remaining")),
        "charactersOverLimitText": {
            "one": str(_l("You have %{count} character too many")),
            "other": str(_l("You have %{count} characters too many")),
        },
    }


class CharacterCountWidget(_Widget):
    component, macro = "character-count", "characterCount"

    def __init__(self, maxlength: int):
        self.maxlength = maxlength

    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        params.update({"value": field._value(), "maxlength": self.maxlength})
        params.update(character_count_texts())
        return params


class _ChoicesWidget(_Widget):
    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        label = params.pop("label")
        params["idPrefix"] = params.pop("id")
        params["fieldset"] = {"legend": {**label, "size": label.get("size", "m")}}
        selected = field.data if isinstance(field.data, list | tuple | set) else [field.data]
        selected = [str(value) for value in selected if value is not None]
        params["items"] = [
            {"value": str(value), "text": str(text), self.checked_key: str(value) in selected}
            for value, text in field.choices
        ]
        return params


class RadiosWidget(_ChoicesWidget):
    component, macro, checked_key = "radios", "radios", "checked"


class CheckboxesWidget(_ChoicesWidget):
    component, macro, checked_key = "checkboxes", "checkboxes", "checked"


class SelectWidget(_Widget):
    component, macro = "select", "select"

    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        params["items"] = [
            {"value": str(value), "text": str(text), "selected": str(value) == str(field.data)}
            for value, text in field.choices
        ]
        return params


class DateWidget(_Widget):
    component, macro = "date-input", "dateInput"

    def params(self, field, **kwargs):
        params = _common(field, **kwargs)
        label = params.pop("label")
        params["namePrefix"] = params["id"]
        params.pop("name")
        params["fieldset"] = {"legend": {**label, "size": label.get("size", "m")}}
        error = " nhsuk-input--error" if field.errors else ""
        params["items"] = [
            {
                "name": "day",
                "label": str(_l("Day")),
                "classes": "nhsuk-input--width-2" + error,
                "value": field.raw_parts.get("day", ""),
            },
            {
                "name": "month",
                "label": str(_l("Month")),
                "classes": "nhsuk-input--width-2" + error,
                "value": field.raw_parts.get("month", ""),
            },
            {
                "name": "year",
                "label": str(_l("Year")),
                "classes": "nhsuk-input--width-4" + error,
                "value": field.raw_parts.get("year", ""),
            },
        ]
        return params


class StringField(wtf.StringField):
    widget = InputWidget()


class EmailField(wtf.EmailField):
    widget = InputWidget("email")


class SearchField(wtf.SearchField):
    widget = InputWidget("search")


class PasswordField(wtf.PasswordField):
    widget = InputWidget("password")


class TextAreaField(wtf.TextAreaField):
    widget = TextareaWidget()


class CharacterCountField(wtf.TextAreaField):
    def __init__(self, label=None, validators=None, maxlength: int = 1000, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.widget = CharacterCountWidget(maxlength)


class RadioField(wtf.RadioField):
    widget = RadiosWidget()


class SelectField(wtf.SelectField):
    widget = SelectWidget()


class CheckboxesField(wtf.SelectMultipleField):
    widget = CheckboxesWidget()


class DateField(Field):
    """A date typed as day, month and year boxes (the NHS date input), kept as typed when invalid."""

    widget = DateWidget()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.raw_parts: dict[str, str] = {}

    def process_formdata(self, valuelist):
        # Date parts arrive as name[day], name[month], name[year]: read in process().
        pass

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        if formdata is None:
            if isinstance(self.data, date):
                self.raw_parts = {
                    "day": str(self.data.day),
                    "month": str(self.data.month),
                    "year": str(self.data.year),
                }
            return
        self.raw_parts = {
            part: formdata.get(f"{self.name}[{part}]", "").strip() for part in ("day", "month", "year")
        }
        # What was typed, so that Optional() and DataRequired() see a half-typed date as typed.
        self.raw_data = [value for value in self.raw_parts.values() if value]
        try:
            self.data = parse_date_parts(**self.raw_parts)
        except DateError as error:
            self.data = None
            self.process_errors.append(error.message)


class EmailAddress:
    """A plausible email address: something@domain.tld, no spaces. Deliverability is the mail server's job."""

    pattern = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and not self.pattern.match(field.data.strip()):
            raise ValidationError(self.message)


BAD_EMAIL = _l("Enter an email address in the correct format, like name@example.com")


def name_field() -> StringField:
    """A person's name, as the public forms that ask for one (events, the people's panel) ask it."""
    return StringField(
        _l("Your name"),
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=100, message=_l("Your name must be 100 characters or fewer")),
        ],
    )


def email_field(description=None) -> EmailField:
    """A person's email address, as every public form that asks for one asks it."""
    return EmailField(
        _l("Email address"),
        description=description,
        validators=[
            DataRequired(_l("Enter your email address")),
            Length(max=254, message=BAD_EMAIL),
            EmailAddress(BAD_EMAIL),
        ],
    )
