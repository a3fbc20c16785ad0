"""The public "Is this page useful?" form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from alliance.forms import RadioField


class UsefulForm(FlaskForm):
    answer = RadioField(
        _l("Is this page useful?"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[DataRequired(_l("Select yes if this page is useful, or no if it is not"))],
    )
