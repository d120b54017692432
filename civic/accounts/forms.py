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
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from civic.accounts import names, passwords
from civic.accounts.models import ROLES
from civic.forms import NumberRange

PASSWORD_MIN = 10
PASSWORD_HINT = _l("At least %(n)d characters and hard to guess: a few unrelated words work well.",
                   n=PASSWORD_MIN)


class HardToGuess:
    """Refuses common and personal passwords (see civic.accounts.passwords).

    The person's details come from the form's ``email`` and ``display_name`` fields, or from
    the ``user`` the form was made for (password change and reset).
    """

    def __call__(self, form, field):
        if len(field.data or "") < PASSWORD_MIN:
            return  # Length says what is wrong; one message at a time
        user = getattr(form, "user", None)
        email = form.email.data if "email" in form else getattr(user, "email", None)
        name = form.display_name.data if "display_name" in form else getattr(user, "display_name",
                                                                             None)
        personal = passwords.personal_words(email, name)
        if passwords.is_personal(field.data, personal):
            raise ValidationError(_l("The password must not be your email address or your name."))
        score = passwords.strength(field.data, personal)
        if score < passwords.MIN_SCORE:
            raise ValidationError(_l(
                "This password is too easy to guess (strength %(score)d of 4, %(needed)d needed). "
                "Common words, names, dates and keyboard patterns are guessed first: add a few "
                "more unrelated words.", score=score, needed=passwords.MIN_SCORE))


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


class DisplayName:
    """A display name that passes for nobody else (see services.display_name_problem)."""

    def __call__(self, form, field):
        from flask_login import current_user

        from civic.accounts.services import display_name_problem

        user = current_user._get_current_object() if current_user.is_authenticated else None
        problem = display_name_problem(field.data or "", user)
        if problem:
            raise ValidationError(problem)


class RegisterForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip],
                       validators=[DataRequired(), Email(), Length(max=254)])
    display_name = StringField(
        _l("Display name"), filters=[names.normalise],
        validators=[DataRequired(), Length(max=80), DisplayName()],
        description=_l("Shown next to what you write. It can be a nickname."),
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200), HardToGuess()],
        description=PASSWORD_HINT,
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


class ConfirmEmailForm(FlaskForm):
    submit = SubmitField(_l("Confirm my email address"))


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[DataRequired(), Email()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), filters=[_strip], validators=[DataRequired(), Email()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200),
                                         HardToGuess()],
                             description=PASSWORD_HINT)
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Set new password"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Display name"), filters=[names.normalise],
                               validators=[DataRequired(), Length(max=80), DisplayName()])
    locale = SelectField(_l("Language"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = _language_choices()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    password = PasswordField(_l("New password"),
                             validators=[DataRequired(), Length(min=PASSWORD_MIN, max=200),
                                         HardToGuess()],
                             description=PASSWORD_HINT)
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class DeleteAccountForm(FlaskForm):
    password = PasswordField(_l("Your password, to confirm"), validators=[DataRequired()])
    submit = SubmitField(_l("Delete my account"))


class ResidencyCodeForm(FlaskForm):
    code = StringField(_l("Residency code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code on your letter or card, for example ABCD-EFGH-JKMN."))
    submit = SubmitField(_l("Verify"))


class IssueCodesForm(FlaskForm):
    area = SelectField(_l("Area"), coerce=int)
    # InputRequired, not DataRequired: 0 is an answer, and it gets the range's message.
    count = IntegerField(_l("Number of codes"), default=20, validators=[
        InputRequired(_l("Enter a number of codes from 1 to 1000.")),
        NumberRange(min=1, max=1000, message=_l("Enter a number of codes from 1 to 1000."))])
    kind = SelectField(_l("For"), choices=[("letter", _l("Letters (printable sheet)")),
                                           ("event", _l("An event (QR cards)"))])
    days = IntegerField(_l("Valid for (days)"), default=180, validators=[
        InputRequired(_l("Enter a number of days from 1 to 730.")),
        NumberRange(min=1, max=730, message=_l("Enter a number of days from 1 to 730."))])
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


class SignInCodeForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[DataRequired(), Length(max=40)],
                       description=_l("The 6-digit code your authenticator app shows now, or one "
                                      "of your recovery codes."))
    submit = SubmitField(_l("Log in"))


class EnrolMfaForm(FlaskForm):
    code = StringField(_l("Code from the app"), filters=[_strip],
                       validators=[DataRequired(), Length(max=40)],
                       description=_l("After adding the account, the app shows a 6-digit code."))
    submit = SubmitField(_l("Turn on two-step sign-in"))


class DisableMfaForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    code = StringField(_l("Code"), filters=[_strip], validators=[DataRequired(), Length(max=40)],
                       description=_l("The 6-digit code your authenticator app shows now, or one "
                                      "of your recovery codes."))
    submit = SubmitField(_l("Turn off two-step sign-in"))


class RenewRecoveryCodesForm(DisableMfaForm):
    submit = SubmitField(_l("Make new recovery codes"))
