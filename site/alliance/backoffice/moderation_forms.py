"""Back-office moderation forms: the decision on one answer and the survey's theme codes."""

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Optional

from alliance.forms import CheckboxesField, RadioField, StringField, TextAreaField

DECISION_CHOICES = [
    ("approve", "Approve for publication"),
    ("redact", "Approve with the parts chosen below redacted"),
    ("reject", "Reject: never publish this answer"),
]

# What each decision does to reports, quotes and downloads, shown beside the decision.
DECISION_HINT = (
    "Reports, quotes and downloads (CSV, spreadsheet, JSON) carry the published text: approved as typed, "
    'or with each redacted part replaced by "[redacted]". A rejected answer is left out of them, and an '
    'answer not yet decided is downloaded as "[awaiting moderation]". The answer as typed stays here '
    "for moderators, and only staff allowed raw exports can download it."
)


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision",
        description=DECISION_HINT,
        choices=DECISION_CHOICES,
        validators=[DataRequired("Choose a decision")],
    )
    redact = CheckboxesField(
        "Redact these parts",
        description='Each part you choose is replaced by "[redacted]" wherever it appears.',
        choices=[],
        validators=[Optional()],
    )
    text = TextAreaField(
        "Text to publish",
        description='To redact something not listed above, replace it here with "[redacted]". '
        "You cannot add or change words.",
        validators=[Optional(), Length(max=20000, message="The text must be 20,000 characters or fewer")],
    )
    themes = CheckboxesField("Themes", choices=[], validators=[Optional()])


class ThemeForm(FlaskForm):
    code = StringField(
        "Code",
        description="Lower-case letters, numbers, hyphens or underscores, like transport or waiting-times",
        validators=[
            DataRequired("Enter a code"),
            Length(max=40, message="The code must be 40 characters or fewer"),
        ],
    )
    label = StringField(
        "Description",
        validators=[
            DataRequired("Enter a description"),
            Length(max=200, message="The description must be 200 characters or fewer"),
        ],
    )
