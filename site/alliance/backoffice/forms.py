"""Back-office forms. Staff work in English, so these strings are not in the public catalogues."""

from flask_wtf import FlaskForm
from wtforms import ValidationError
from wtforms.validators import URL, DataRequired, EqualTo, Length, Optional, Regexp

from alliance.accounts.permissions import ROLES
from alliance.forms import CheckboxesField, EmailAddress, EmailField, PasswordField, SelectField, StringField
from alliance.inputs import web_address

ROLE_CHOICES = [(role, role.replace("_", " ").capitalize()) for role in ROLES]


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=256)])


class CodeForm(FlaskForm):
    code = StringField(
        "Security code",
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        validators=[DataRequired("Enter the security code"), Length(max=20)],
    )


class ReauthenticateForm(FlaskForm):
    """Password and a current code again, before changing how the account signs in."""

    password = PasswordField("Password", validators=[DataRequired("Enter your password"), Length(max=256)])
    code = StringField(
        "Security code",
        description="The 6-digit code from your authenticator app, or one of your recovery codes",
        validators=[DataRequired("Enter the security code"), Length(max=20)],
    )


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""


class PasswordResetRequestForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter your email address"),
            EmailAddress("Enter an email address in the correct format, like name@example.nhs.uk"),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description="At least 12 characters. A few unrelated words make a strong password that is easy to remember.",
        validators=[DataRequired("Enter a new password"), Length(max=256)],
    )
    confirm = PasswordField(
        "Type the new password again",
        validators=[
            DataRequired("Type the new password again"),
            EqualTo("password", "The passwords do not match"),
        ],
    )


class NewUserForm(FlaskForm):
    display_name = StringField("Name", validators=[DataRequired("Enter the person's name"), Length(max=120)])
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter an email address"),
            EmailAddress("Enter an email address in the correct format, like name@example.nhs.uk"),
        ],
    )
    roles = CheckboxesField(
        "Roles", choices=ROLE_CHOICES, validators=[DataRequired("Choose at least one role")]
    )


class RolesForm(FlaskForm):
    roles = CheckboxesField("Roles", choices=ROLE_CHOICES, validators=[Optional()])
    # Choices are the site's languages other than English, set by the view.
    review_languages = CheckboxesField(
        "Languages they review",
        description="For a translation reviewer: the languages whose translations they may review. "
        "Administrators and publishers may review every language.",
        choices=[],
        validators=[Optional()],
    )


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    action = SelectField("Action", choices=[("", "Any action")], validators=[Optional()])
    actor = StringField("Who (email contains)", validators=[Optional(), Length(max=254)])


# Contact details, checked the same way wherever staff type them.
PHONE = r"^[0-9 +()]{3,20}$"


def phone_field() -> StringField:
    return StringField(
        "Phone number",
        validators=[Optional(), Regexp(PHONE, message="Enter a phone number using digits and spaces")],
    )


def email_field() -> EmailField:
    return EmailField(
        "Email address",
        validators=[
            Optional(),
            EmailAddress("Enter an email address in the correct format"),
            Length(max=255),
        ],
    )


class WebAddress:
    """An http or https address (WTForms' URL check alone lets `javascript://...` through)."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field) -> None:
        if field.data and web_address(field.data) is None:
            raise ValidationError(self.message)


def website_field(example: str) -> StringField:
    message = f"Enter a full web address starting https:// or http://, like {example}"
    return StringField(
        "Website",
        validators=[Optional(), URL(message=message), WebAddress(message), Length(max=500)],
    )
