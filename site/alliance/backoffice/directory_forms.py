"""The back-office form for creating and editing a directory service (staff work in English)."""

from __future__ import annotations

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import DataRequired, Length, Optional, Regexp

from alliance import places
from alliance.backoffice.forms import email_field, phone_field, website_field
from alliance.directory import schedules
from alliance.directory.upkeep import DAYS, STATUSES
from alliance.forms import (
    CheckboxesField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

DAY_NAMES = dict(
    zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), strict=True)
)


class ServiceForm(FlaskForm):
    name = StringField("Service name", validators=[DataRequired("Enter the service's name"), Length(max=255)])
    description = TextAreaField(
        "What the service offers",
        description="Plain words: who it is for, what happens, how to join. Say if it is example data.",
        validators=[DataRequired("Describe what the service offers"), Length(max=4000)],
    )
    organization_id = SelectField("Organisation", validators=[Optional()])
    new_organization = StringField(
        "Or a new organisation's name",
        description="Leave blank to use the organisation chosen above",
        validators=[Optional(), Length(max=255)],
    )
    status = RadioField("Status", choices=[(s, s.capitalize()) for s in STATUSES], default="active")
    locality = SelectField("Locality", validators=[DataRequired("Choose the locality")])
    categories = CheckboxesField("Categories", validators=[DataRequired("Choose at least one category")])
    languages = StringField(
        "Languages spoken",
        description="Language codes separated by commas, for example: en, ur, pl",
        validators=[Optional(), Regexp(r"^[a-zA-Z\-, ]*$", message="Use language codes like en, ur, pl")],
    )
    url = website_field("https://www.example.org")
    email = email_field()
    phone = phone_field()
    location_name = StringField(
        "Place name", description="Where people go, if anywhere", validators=[Optional(), Length(max=255)]
    )
    address_1 = StringField("Address line", validators=[Optional(), Length(max=255)])
    city = StringField("Town or city", validators=[Optional(), Length(max=100)])
    county = StringField("County", validators=[Optional(), Length(max=100)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    days = CheckboxesField("Days it runs", choices=list(DAY_NAMES.items()))
    opens_at = StringField(
        "Opens at",
        description="24-hour time, like 09:30",
        validators=[Optional()],
    )
    closes_at = StringField(
        "Closes at",
        description="24-hour time, like 16:00",
        validators=[Optional()],
    )
    free = RadioField("Free of charge", choices=[("yes", "Yes"), ("no", "No")], default="yes")
    verified_on = DateField(
        "Listing last checked",
        description="The day someone last checked these details with the service, for example 7 12 2026. "
        "Readers see it on the listing. Leave empty if nobody has checked it.",
        validators=[Optional()],
    )

    def validate_verified_on(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError("The date the listing was last checked cannot be in the future")

    def validate_postcode(self, field) -> None:
        if field.data:
            try:
                places.outcode(field.data)
            except places.PostcodeError:
                raise ValidationError("Enter a real postcode, like S70 2TA") from None

    def validate_address_1(self, field) -> None:
        if (self.location_name.data or self.city.data or self.postcode.data) and not field.data:
            raise ValidationError("Enter the address line for the place")

    def validate_city(self, field) -> None:
        if self.address_1.data and not field.data:
            raise ValidationError("Enter the town or city")

    def validate_county(self, field) -> None:
        if self.address_1.data and not field.data:
            raise ValidationError("Enter the county")

    def validate_opens_at(self, field) -> None:
        if field.data and schedules._time(field.data) is None:
            raise ValidationError("Enter a time like 09:30")

    def validate_closes_at(self, field) -> None:
        closes, opens = schedules._time(field.data), schedules._time(self.opens_at.data)
        if field.data and closes is None:
            raise ValidationError("Enter a time like 16:00")
        if bool(self.opens_at.data) != bool(field.data):
            raise ValidationError("Enter both the opening and the closing time, or neither")
        if closes and opens and closes <= opens:
            raise ValidationError("The closing time must be after the opening time")

    def validate_new_organization(self, field) -> None:
        if not field.data and not self.organization_id.data:
            raise ValidationError("Choose an organisation or enter a new one")

    def language_codes(self) -> list[str]:
        return sorted(
            {code.strip().lower() for code in re.split(r"[,\s]+", self.languages.data or "") if code.strip()}
        )


class OrganizationForm(FlaskForm):
    name = StringField(
        "Organisation name", validators=[DataRequired("Enter the organisation's name"), Length(max=255)]
    )
    description = TextAreaField("About the organisation", validators=[Optional(), Length(max=4000)])
    website = website_field("https://www.example.org")
    email = email_field()


class ServiceTranslationForm(FlaskForm):
    """A service's name and description in one other language."""

    name = StringField(
        "Service name in this language",
        validators=[DataRequired("Enter the service's name in this language"), Length(max=255)],
    )
    description = TextAreaField(
        "What the service offers, in this language",
        description="Translate the English description in full, including any note that it is example data.",
        validators=[Optional(), Length(max=4000)],
    )
