"""The trial search form: a GET form, so results can be bookmarked and it works without JavaScript."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Form, ValidationError
from wtforms.validators import AnyOf

from alliance.forms import CheckboxesField, RadioField, SelectField, StringField
from alliance.trials.parsing import CANCER_TYPES

CANCER_TYPE_LABELS = {
    "bowel": _l("Bowel cancer"),
    "breast": _l("Breast cancer"),
    "cervical": _l("Cervical cancer"),
    "lung": _l("Lung cancer"),
    "prostate": _l("Prostate cancer"),
    "blood": _l("Blood cancers"),
    "brain": _l("Brain tumours"),
    "skin": _l("Skin cancer"),
    "other": _l("Other cancers"),
}
PHASE_LABELS = {
    "EARLY_PHASE1": _l("Early phase 1"),
    "PHASE1": _l("Phase 1"),
    "PHASE2": _l("Phase 2"),
    "PHASE3": _l("Phase 3"),
    "PHASE4": _l("Phase 4"),
}
RECRUITING_CHOICES = [
    ("yes", _l("Only trials recruiting now")),
    ("all", _l("Also trials opening soon")),
]


def _age(form, field) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    if not value.isdigit() or int(value) > 120:
        raise ValidationError(_l("Enter an age in years as a whole number, from 0 to 120"))


class FindTrialsForm(Form):
    cancer = SelectField(
        _l("Type of cancer"),
        default="",
        choices=[("", _l("Any type of cancer"))]
        + [(name, CANCER_TYPE_LABELS[name]) for name in CANCER_TYPES],
        validators=[AnyOf(["", *CANCER_TYPES], message=_l("Choose a type of cancer from the list"))],
        validate_choice=False,
    )
    age = StringField(
        _l("Age of the person the trial is for"),
        description=_l("In years, for example 45. Leave blank for any age."),
        validators=[_age],
        render_kw={"inputmode": "numeric"},
    )
    tya = CheckboxesField(
        _l("Teenagers and young adults"),
        choices=[("yes", _l("Only trials open to teenagers and young adults, 16 to 24"))],
        validate_choice=False,
    )
    locality = SelectField(_l("Where the trial takes place"), default="", validate_choice=False)
    hospital = SelectField(_l("Hospital"), default="", validate_choice=False)
    phase = SelectField(
        _l("Trial phase"),
        default="",
        choices=[("", _l("Any phase"))] + list(PHASE_LABELS.items()),
        validators=[AnyOf(["", *PHASE_LABELS], message=_l("Choose a trial phase from the list"))],
        validate_choice=False,
    )
    recruiting = RadioField(
        _l("Recruiting"),
        choices=RECRUITING_CHOICES,
        default="yes",
        validators=[AnyOf(["yes", "all"], message=_l("Choose whether to show trials opening soon"))],
        validate_choice=False,
    )

    def __init__(self, formdata, localities: list[str], hospitals: list[str]):
        super().__init__(formdata)
        self.locality.choices = [("", _l("Anywhere in our area"))] + [(name, name) for name in localities]
        self.locality.validators = [AnyOf(["", *localities], message=_l("Choose a place from the list"))]
        self.hospital.choices = [("", _l("Any hospital"))] + [(name, name) for name in hospitals]
        self.hospital.validators = [AnyOf(["", *hospitals], message=_l("Choose a hospital from the list"))]
        if self.recruiting.data is None:
            self.recruiting.data = "yes"
