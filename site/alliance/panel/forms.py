"""The form to join the people's panel, and the back-office invitation form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Optional

from alliance import i18n, localities
from alliance.forms import CheckboxesField, RadioField, StringField, TextAreaField, email_field, name_field

CONSENT = _l(
    "I agree that the Cancer Alliance keeps my name, email address and choices to invite me to take "
    "part, until I leave the panel."
)


class JoinForm(FlaskForm):
    name = name_field()
    email = email_field()
    ways = CheckboxesField(
        _l("How would you like to take part?"),
        description=_l("Select all that apply."),
        validators=[DataRequired(_l("Select at least one way you would like to take part"))],
    )
    locality = RadioField(
        _l("Which area do you live in?"), validators=[DataRequired(_l("Select the area you live in"))]
    )
    languages = CheckboxesField(_l("Which languages are you happy to take part in?"), validators=[Optional()])
    consent = CheckboxesField(
        _l("Your agreement"),
        validators=[DataRequired(_l("Tick the box to agree, or you cannot join the panel"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ways.choices = [
            ("reading", str(_l("Reading documents and telling us what you think"))),
            ("meetings", str(_l("Joining meetings or groups, in person or online"))),
            ("surveys", str(_l("Answering surveys"))),
        ]
        self.locality.choices = [
            (place.code, place.label) for place in localities.all_localities() if place.place
        ]
        self.locality.choices.append(("elsewhere", str(_l("Somewhere else"))))
        self.languages.choices = [(language.code, language.name) for language in i18n.languages()]
        self.consent.choices = [("yes", str(CONSENT))]


class InviteForm(FlaskForm):
    subject = StringField("Subject", validators=[DataRequired("Enter a subject"), Length(max=200)])
    message = TextAreaField(
        "Message",
        description="Say what the opportunity is, when, and how to take part. It is sent as you write it.",
        validators=[DataRequired("Enter a message"), Length(max=5000)],
    )
    link = StringField(
        "Link (optional)",
        description="For example the event or consultation page on this site.",
        validators=[Optional(), Length(max=500)],
    )
