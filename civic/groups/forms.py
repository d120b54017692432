from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from civic.forms import NumberRange

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
              message=_l("Use lower-case letters, digits and hyphens only."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GroupForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address name"), validators=[Optional(), Length(max=80), SLUG],
                       description=_l("Optional. Left empty, one is made for you."))
    area = SelectField(_l("Area"), coerce=int)
    kind = SelectField(_l("Kind of group"))
    themes = CheckboxesField(_l("Themes"))
    summary = StringField(_l("What the group does, in one line"), validators=[Length(max=300)])
    description = TextAreaField(_l("What the group does"), validators=[Length(max=5000)])
    meets = StringField(_l("When the group meets"), validators=[Length(max=300)],
                        description=_l("For example: every second Saturday, 10:00"))
    how_to_join = TextAreaField(_l("How to join"), validators=[Length(max=2000)])
    member_count = IntegerField(_l("Members (roughly)"),
                                validators=[Optional(), NumberRange(min=0, max=1_000_000)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=120)])
    contact_email = StringField(_l("Contact email"), validators=[
        Optional(), Length(max=254), Email(message=_l("Enter an email address."))])
    contact_phone = StringField(_l("Contact phone"), validators=[
        Optional(), Length(max=40),
        Regexp(r"^[0-9+()\- ]+$", message=_l("Use digits, spaces, hyphens and + only."))])
    contact_url = StringField(_l("Web page"), validators=[
        Optional(), Length(max=500), URL(require_tld=True, message=_l("Enter a web address."))])
    contact_visibility = SelectField(_l("Who sees the contact details"))
    places = CheckboxesField(_l("Activity places"), coerce=int)
    published = BooleanField(_l("Published (residents can see it)"), default=True)
    submit = SubmitField(_l("Save group"))


class AdminRequestForm(FlaskForm):
    message = TextAreaField(_l("Your role in the group"), validators=[DataRequired(),
                                                                       Length(max=500)],
                            description=_l("Staff read this before they confirm you."))
    submit = SubmitField(_l("Ask to be an admin"))


class DecisionForm(FlaskForm):
    decision = SelectField(_l("Decision"), choices=[("confirmed", _l("Confirm")),
                                                    ("declined", _l("Decline"))])
    submit = SubmitField(_l("Save decision"))


LOCAL_TIME = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    # The first format is the one the field is shown in: what <input type=datetime-local> expects.
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()], format=LOCAL_TIME)
    ends_at = DateTimeLocalField(_l("Ends"), validators=[Optional()], format=LOCAL_TIME)
    place = SelectField(_l("Place"), coerce=int)
    location = StringField(_l("Or where, if not on the map"), validators=[Length(max=200)])
    partners = CheckboxesField(_l("Groups taking part with you"), coerce=int)
    submit = SubmitField(_l("Add activity"))

    def validate_starts_at(self, field):
        if field.data and not 2000 <= field.data.year <= 2100:
            raise ValidationError(_l("Enter a date between 2000 and 2100."))

    def validate_ends_at(self, field):
        self.validate_starts_at(field)
        if field.data and self.starts_at.data and field.data < self.starts_at.data:
            raise ValidationError(_l("The end must come after the start."))


class ProjectForm(FlaskForm):
    proposal = SelectField(_l("Accepted joint project"), coerce=int)
    role = StringField(_l("What the group does in it"), validators=[Length(max=300)])
    submit = SubmitField(_l("Add to the group"))
