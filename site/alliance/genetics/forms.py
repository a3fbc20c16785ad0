"""GET forms for the genetics pages: nothing is posted, so there is no CSRF token and nothing stored."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form

from alliance.forms import CheckboxesField, RadioField
from alliance.genetics.guide import Question


class AreaForm(Form):
    area = RadioField(_l("Choose your area"), choices=[])


def area_form(args, localities: list[tuple[str, str]]) -> AreaForm:
    form = AreaForm(args)
    form.area.choices = localities
    return form


def question_form(q: Question, args) -> Form:
    """A one-question form; `args` are the submitted values (request.args) used to keep what was chosen."""
    field_class = CheckboxesField if q.multiple else RadioField
    field = field_class(q.text, description=q.hint, choices=[(value, text) for value, text in q.choices])

    class QuestionForm(Form):
        pass

    setattr(QuestionForm, q.name, field)
    return QuestionForm(args)
