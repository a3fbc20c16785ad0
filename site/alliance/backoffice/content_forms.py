from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from alliance import pictures
from alliance.forms import CharacterCountField, DateField, StringField, TextAreaField


def pictures_are_the_sites_own_with_alt_text(form, field) -> None:
    """Pictures only from the site's Health Icons, by a known name, with alt text unless decorative."""
    found = pictures.problems(field.data or "")
    if found:
        raise ValidationError(found[0][0].upper() + found[0][1:])


class PageEditForm(FlaskForm):
    base_revision_id = HiddenField()
    title = StringField("Title", validators=[DataRequired("Enter a title"), Length(max=200)])
    summary = TextAreaField(
        "Summary",
        description="One or two sentences for search results and links shared on social media.",
        validators=[Optional(), Length(max=500)],
    )
    body = TextAreaField(
        "Page text (Markdown)",
        description="Headings start with ##. Link to another page with (page:slug). Put a picture before a "
        "line with ![what it shows](icon:NAME). See content/README.md for inset text, warnings, care cards, "
        "details, do and don't lists and the picture names.",
        validators=[
            DataRequired("Enter the page text"),
            Length(max=60000),
            pictures_are_the_sites_own_with_alt_text,
        ],
    )
    last_reviewed = DateField("Last reviewed", description="For example, 22 11 2026")
    next_review_due = DateField("Next review due")
    sources = TextAreaField(
        "Sources",
        description="One per line, as: Title | https://address",
        validators=[Optional(), Length(max=5000)],
    )


class ApproveForm(FlaskForm):
    # The choices are the active staff; a value that is not one of them is refused by the workflow.
    clinical_signoff_by = SelectField(
        "Signed off clinically by", choices=[], validate_choice=False, validators=[Optional()]
    )


class SendBackForm(FlaskForm):
    note = CharacterCountField("What should the author change?", maxlength=2000)


class ScheduleForm(FlaskForm):
    publish_on = DateField("Publish on (leave empty to publish now)")
    publish_time = StringField("At (24-hour time, for example 09:30)", validators=[Optional(), Length(max=5)])
