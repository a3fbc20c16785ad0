"""Back-office forms for trial and genetic-testing records (staff work in English)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Optional

from alliance.backoffice.forms import email_field, phone_field, website_field
from alliance.forms import SelectField, StringField, TextAreaField
from alliance.trials.parsing import ALL_STATUSES


class TrialForm(FlaskForm):
    title = StringField(
        "Plain-English title",
        validators=[DataRequired("Enter the trial's plain-English title"), Length(max=500)],
    )
    summary = TextAreaField(
        "Plain-English summary",
        description="What the trial tests and who it is for, in everyday words. Never say who is eligible.",
        validators=[DataRequired("Enter a plain-English summary"), Length(max=5000)],
    )
    overall_status = SelectField(
        "Overall status",
        description="Closed trials leave the public listings at once.",
        choices=[(status, status.replace("_", " ").capitalize()) for status in sorted(ALL_STATUSES)],
    )


class GeneticsServiceForm(FlaskForm):
    name = StringField("Service name", validators=[DataRequired("Enter the service's name"), Length(max=255)])
    provider = StringField("Provided by", validators=[Optional(), Length(max=255)])
    description = TextAreaField("About the service", validators=[Optional(), Length(max=4000)])
    phone = phone_field()
    email = email_field()
    website = website_field("https://www.example.nhs.uk")
    verification_note = TextAreaField(
        "How these details were checked",
        description="Who confirmed them and when, or why they are example data",
        validators=[Optional(), Length(max=2000)],
    )


class GeneticTestForm(FlaskForm):
    summary = TextAreaField(
        "Who may be considered (plain English)",
        validators=[DataRequired("Enter the plain-English summary"), Length(max=4000)],
    )
    wording = TextAreaField(
        "The test directory's wording", validators=[DataRequired("Enter the directory's wording")]
    )
    wording_status = SelectField(
        "Wording",
        choices=[
            ("quotation-checked", "Quoted from the directory and checked"),
            ("summary", "A summary, not a quotation"),
        ],
    )
    directory_version = StringField("Directory version", validators=[Optional(), Length(max=100)])
    quoted_from = StringField(
        "Whose copy of the directory the quotation comes from",
        description="For example, South East Genomics. Leave empty only for a summary.",
        validators=[Optional(), Length(max=200)],
    )
    wording_note = TextAreaField("Note about the wording", validators=[Optional(), Length(max=2000)])
