"""The public registration form and the back-office event form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from alliance.directory.schedules import clock_time
from alliance.events.models import FORMATS
from alliance.forms import (
    CharacterCountField,
    CheckboxesField,
    DateField,
    RadioField,
    StringField,
    TextAreaField,
    email_field,
    name_field,
)


class RegisterForm(FlaskForm):
    name = name_field()
    email = email_field(
        _l("We will email you to confirm your place, with a link to cancel it if you need to.")
    )
    access_needs = CharacterCountField(
        _l("Access needs (optional)"),
        description=_l(
            "Tell us anything that would help you take part, for example an interpreter, large print "
            "or step-free access. Do not include medical details."
        ),
        validators=[Optional(), Length(max=500, message=_l("Access needs must be 500 characters or fewer"))],
        maxlength=500,
    )


def _clock(_form, field) -> None:
    try:
        clock_time((field.data or "").strip())
    except ValueError:
        raise ValidationError("Enter a time like 10:30 (24-hour clock)") from None


class EventForm(FlaskForm):
    """Staff write the English text here; other languages on the translation screen."""

    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    summary = TextAreaField(
        "Summary",
        description="One or two sentences for the list of events.",
        validators=[DataRequired("Enter a summary"), Length(max=500)],
    )
    description = TextAreaField(
        "Description",
        description="What will happen and who it is for.",
        validators=[Optional(), Length(max=5000)],
    )
    day = DateField("Date", validators=[InputRequired("Enter the date of the event")])
    starts = StringField(
        "Starts at",
        description="24-hour clock, UK time, like 10:30",
        validators=[DataRequired("Enter the start time"), _clock],
    )
    ends = StringField(
        "Ends at",
        description="24-hour clock, UK time, like 12:00",
        validators=[DataRequired("Enter the end time"), _clock],
    )
    format = RadioField(
        "How people take part",
        choices=[
            (value, label)
            for value, label in zip(FORMATS, ("In person", "Online", "In person or online"), strict=True)
        ],
        validators=[DataRequired("Select how people take part")],
    )
    venue_name = StringField("Venue", validators=[Optional(), Length(max=200)])
    venue_address = TextAreaField("Venue address", validators=[Optional(), Length(max=1000)])
    access = CheckboxesField(
        "Access",
        choices=[
            ("step_free", "Step-free access"),
            ("hearing_loop", "Hearing loop"),
            ("parking", "Parking at the venue"),
            ("bsl", "A British Sign Language interpreter will be there"),
        ],
        validators=[Optional()],
    )
    interpreters = CheckboxesField("Interpreters", validators=[Optional()])
    joining_details = TextAreaField(
        "How to join online",
        description="Sent only to people with a place; never shown on the public page.",
        validators=[Optional(), Length(max=2000)],
    )
    capacity = StringField(
        "Places",
        description="How many people can come. When it is full, people join a waiting list.",
        validators=[DataRequired("Enter the number of places")],
    )
    example = RadioField(
        "Example data",
        choices=[("no", "No, a real event"), ("yes", "Yes, an example for demonstration")],
        default="no",
    )

    def validate_capacity(self, field) -> None:
        text = (field.data or "").strip()
        if not text.isdigit() or not 1 <= int(text) <= 10000:
            raise ValidationError("Enter the number of places as a whole number from 1 to 10000")

    def validate_ends(self, field) -> None:
        try:
            starts, ends = clock_time(self.starts.data.strip()), clock_time(field.data.strip())
        except (ValueError, AttributeError):
            return
        if ends <= starts:
            raise ValidationError("The end time must be after the start time")

    def validate_venue_name(self, field) -> None:
        if self.format.data in ("in_person", "both") and not (field.data or "").strip():
            raise ValidationError("Enter the venue for an event people attend in person")


class TranslationForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    summary = TextAreaField("Summary", validators=[DataRequired("Enter a summary"), Length(max=500)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=5000)])
