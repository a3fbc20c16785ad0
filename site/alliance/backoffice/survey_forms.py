"""Back-office forms for building surveys (staff work in English)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from alliance.forms import CheckboxesField, DateField, RadioField, SelectField, StringField, TextAreaField
from alliance.surveys import question_kinds
from alliance.surveys.builder import KIND_LABELS

WHOLE_NUMBER = Regexp(r"^-?[0-9]{1,6}$", message="Enter a whole number, like 5")


class NewSurveyForm(FlaskForm):
    slug = StringField(
        "Web address name",
        description="Lower-case letters, numbers and hyphens, like cancer-care-2026. It cannot change later.",
        validators=[DataRequired("Enter a web address name"), Length(max=100)],
    )
    title = StringField(
        "English title", validators=[DataRequired("Enter the survey's English title"), Length(max=300)]
    )


class SurveyForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter the survey's title"), Length(max=300)])
    introduction = TextAreaField(
        "Introduction",
        description="Shown on the start page. Leave a blank line between paragraphs.",
        validators=[Optional(), Length(max=5000)],
    )
    privacy_notice = TextAreaField(
        "Privacy notice",
        description="How answers are used and kept. Leave a blank line between paragraphs.",
        validators=[Optional(), Length(max=5000)],
    )
    opens_on = DateField("Opens on", description="Optional. For example, 15 3 2026", validators=[Optional()])
    closes_on = DateField("Closes on", description="Optional. It closes at the start of this day (UTC).")
    retain_months = StringField(
        "Keep responses for (months after closing)",
        description="Leave empty for the site's default",
        validators=[Optional(), Regexp(r"^[0-9]{1,3}$", message="Enter a number of months, like 24")],
    )


class QuestionForm(FlaskForm):
    """Every setting a question can have; the template shows those its kind uses."""

    text = TextAreaField("Question", validators=[DataRequired("Enter the question"), Length(max=1000)])
    help = TextAreaField("Help text", description="Optional hint shown under the question",
                         validators=[Optional(), Length(max=1000)])  # fmt: skip
    required = RadioField(
        "Is an answer needed?",
        choices=[("no", "No, it is optional"), ("yes", "Yes, an answer is needed")],
        default="no",
    )
    options = TextAreaField(
        "Options",
        description="One on each line, in the order they appear",
        validators=[Optional(), Length(max=5000)],
    )
    other_label = StringField(
        "Label for an ‘other, please say’ option",
        description="Optional, like ‘Something else’. Leave empty for no such option.",
        validators=[Optional(), Length(max=200)],
    )
    min_value = StringField("Lowest value", validators=[Optional(), WHOLE_NUMBER])
    max_value = StringField("Highest value", validators=[Optional(), WHOLE_NUMBER])
    low_label = StringField("Label for the lowest value", description="Like ‘Very poor’",
                            validators=[Optional(), Length(max=200)])  # fmt: skip
    high_label = StringField("Label for the highest value", description="Like ‘Very good’",
                             validators=[Optional(), Length(max=200)])  # fmt: skip
    max_length = StringField(
        "Character limit",
        validators=[Optional(), Regexp(r"^[0-9]{1,5}$", message="Enter a number, like 500")],
    )
    show_if = CheckboxesField(
        "Show this question only when",
        description="Optional. Tick answers to one question on an earlier page.",
        choices=[],
        validators=[Optional()],
    )

    def fields_for(self, kind: str) -> list:
        # The fields each kind shows, besides text, help and required, come from the kinds registry.
        extra = question_kinds.building(kind).settings
        names = ["text", "help", "required", *extra]
        return [self[name] for name in names] + ([self.show_if] if self.show_if.choices else [])


class AddQuestionForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that only chooses which blank form to show

    kind = SelectField("Kind of question", choices=list(KIND_LABELS.items()))


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired(), Regexp(r"^(up|down)$")])


class DuplicateForm(FlaskForm):
    slug = StringField(
        "Web address name for the copy",
        description="Lower-case letters, numbers and hyphens",
        validators=[DataRequired("Enter a web address name for the copy"), Length(max=100)],
    )
    title = StringField(
        "English title for the copy",
        validators=[DataRequired("Enter an English title for the copy"), Length(max=300)],
    )


def int_or_none(value: str | None) -> int | None:
    return int(value) if value not in (None, "") else None


def translation_form(fields: list[tuple[str, str, str]], values: dict[str, str], reviewed: bool):
    """One box per text to translate (named t0, t1, ...), with the English as its hint."""

    class TranslationForm(FlaskForm):
        reviewed = RadioField(
            "Has a qualified translator checked this translation?",
            choices=[("no", "No, not yet"), ("yes", "Yes")],
            default="no",
        )

    for n, (_key, label, english) in enumerate(fields):
        field = TextAreaField if len(english) > 80 or "\n" in english else StringField
        setattr(
            TranslationForm,
            f"t{n}",
            field(label, description=f"English: {english}", validators=[Optional(), Length(max=5000)]),
        )
    data = {f"t{n}": values.get(key, "") for n, (key, _, _) in enumerate(fields)}
    return TranslationForm(data={**data, "reviewed": "yes" if reviewed else "no"})
