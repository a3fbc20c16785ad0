"""Back-office moderation forms: the decision on one answer and the survey's theme codes."""

from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length, Optional

from alliance.forms import CheckboxesField, RadioField, StringField, TextAreaField

DECISION_CHOICES = [
    ("approve", "Approve for publication"),
    ("redact", "Approve with the parts chosen below redacted"),
    ("reject", "Reject: never publish this answer"),
]


class DecisionForm(FlaskForm):
    decision = RadioField(
        "Decision", choices=DECISION_CHOICES, validators=[DataRequired("Choose a decision")]
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
