from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    widgets,
)
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from civic.accounts.models import ROLES
from civic.forms import NumberRange

PASSWORD_MIN = 10


def _strip(value):
    return value.strip() if isinstance(value, str) else value


ROLE_LABELS = {
    "resident": _l("Resident"),
    "facilitator": _l("Facilitator"),
    "staff": _l("Ward staff"),
    "moderator": _l("Moderator"),
    "admin": _l("Administrator"),
}


def _language_choices():
    return list(current_app.config["CIVIC_LANGUAGES"].items())


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(
        _l("Display name"), validators=[DataRequired(), Length(max=80)],
        description=_l("Shown next to what you write. It can be a nickname."),
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    locale = SelectField(_l("Language"))
    submit = SubmitField(_l("Create account"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()

    def validate_email(self, field):
        from civic.accounts.services import find_user_by_email

        if find_user_by_email(field.data):
            raise ValidationError(_l("An account with this email address already exists."))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
                             description=_l("At least %(n)d characters.", n=PASSWORD_MIN))
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Set new password"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), validators=[DataRequired(), Length(max=80)])
    locale = SelectField(_l("Language"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200)],
                             description=_l("At least %(n)d characters.", n=PASSWORD_MIN))
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Delete my account"))


class ResidencyCodeForm(FlaskForm):
    code = StringField(_l("Residency code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code on your letter or card, for example ABCD-EFGH-JKMN."))
    submit = SubmitField(_l("Verify"))


class IssueCodesForm(FlaskForm):
    area = SelectField(_l("Area"), coerce=int)
    count = IntegerField(_l("Number of codes"), default=20,
                         validators=[DataRequired(), NumberRange(min=1, max=1000)])
    kind = SelectField(_l("For"), choices=[("letter", _l("Letters (printable sheet)")),
                                           ("event", _l("An event (QR cards)"))])
    days = IntegerField(_l("Valid for (days)"), default=180,
                        validators=[DataRequired(), NumberRange(min=1, max=730)])
    submit = SubmitField(_l("Issue codes"))


class RolesForm(FlaskForm):
    roles = SelectMultipleField(
        _l("Roles"), choices=[(role, ROLE_LABELS[role]) for role in ROLES],
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )
    areas = SelectMultipleField(
        _l("Assigned areas"), coerce=int,
        description=_l("Staff with assigned areas act only for the processes and residency codes "
                       "of those areas; staff with none act for the whole ward."),
        widget=widgets.ListWidget(prefix_label=False), option_widget=widgets.CheckboxInput(),
    )
    submit = SubmitField(_l("Save roles"))
