"""The sign-up form and the preferences form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from alliance import i18n
from alliance.forms import CheckboxesField, RadioField, email_field


def _topics_field() -> CheckboxesField:
    return CheckboxesField(
        _l("What do you want to hear about?"),
        description=_l("Select all that apply."),
        validators=[DataRequired(_l("Select at least one thing you want to hear about"))],
    )


def _language_field() -> RadioField:
    return RadioField(_l("Which language do you want it in?"), validators=[DataRequired()])


class _Choices:
    """Topic and language choices, filled in the reader's language when the form is made."""

    def _fill(self) -> None:
        self.topics.choices = [  # type: ignore[attr-defined]
            ("screening", str(_l("Screening and finding cancer early"))),
            ("support", str(_l("Support for people affected by cancer"))),
            ("research", str(_l("Research and clinical trials"))),
            ("get-involved", str(_l("Ways to get involved: surveys, events and consultations"))),
        ]
        self.language.choices = [(language.code, language.name) for language in i18n.languages()]  # type: ignore[attr-defined]


class SubscribeForm(FlaskForm, _Choices):
    email = email_field()
    topics = _topics_field()
    language = _language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill()


class PreferencesForm(FlaskForm, _Choices):
    topics = _topics_field()
    language = _language_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fill()
