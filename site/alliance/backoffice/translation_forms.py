"""Back-office translation review form (English only, like the rest of the back-office)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Optional

from alliance.forms import RadioField, TextAreaField
from alliance.translation.review import NOTE_LIMIT

DECISIONS = [
    ("approve", "Approve: the translation says what the English says"),
    ("send_back", "Send it back to the translator with a comment"),
]


class ReviewForm(FlaskForm):
    decision = RadioField("Your decision", choices=DECISIONS, validators=[DataRequired("Choose a decision")])
    note = TextAreaField(
        "Comment for the translator",
        description="Needed when you send it back: say what to change.",
        validators=[
            Optional(),
            Length(max=NOTE_LIMIT, message=f"Keep the comment to {NOTE_LIMIT} characters or fewer"),
        ],
    )
    # What the reviewer had in front of them, checked again when they decide.
    english = HiddenField()
    translation = HiddenField()
