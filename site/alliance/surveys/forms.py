"""The public form for erasing a survey response by its reference."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import DataRequired, Length

from alliance.forms import StringField
from alliance.surveys.retention import normalise_reference

UNKNOWN_REFERENCE = _l("We cannot find answers with that reference. Check it and try again.")


def _looks_like_reference(_form, field) -> None:
    if field.data and normalise_reference(field.data) is None:
        raise ValidationError(_l("Enter your reference as it was shown to you, like ABCD-2345"))


class EraseForm(FlaskForm):
    reference = StringField(
        _l("Your reference"),
        description=_l(
            "It has 8 letters and numbers, like ABCD-2345. It was shown when you sent your answers."
        ),
        validators=[
            DataRequired(_l("Enter your reference")),
            Length(max=40, message=_l("Enter your reference as it was shown to you, like ABCD-2345")),
            _looks_like_reference,
        ],
    )
