from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
              message=_l("Use lower-case letters, digits and hyphens only."))


class AreaForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(_l("Web address name"), validators=[DataRequired(), Length(max=60), SLUG])
    description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save area"))


class ProcessForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    slug = StringField(_l("Web address name"), validators=[Optional(), Length(max=80), SLUG],
                       description=_l("Optional. Left empty, one is made for you."))
    summary = StringField(_l("Summary"), validators=[Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    area = SelectField(_l("Area"), coerce=int)
    published = BooleanField(_l("Published (residents can see it)"))
    submit = SubmitField(_l("Save process"))


class PhaseForm(FlaskForm):
    title = StringField(_l("Phase name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    proposals_open = BooleanField(_l("Proposals can be submitted"))
    supports_open = BooleanField(_l("Proposals can be supported"))
    comments_open = BooleanField(_l("Comments are open"))
    ballots_open = BooleanField(_l("Budget voting is open"))
    cafe_open = BooleanField(_l("World café is open"))
    surveys_open = BooleanField(_l("Surveys can be answered"))
    opinions_open = BooleanField(_l("Opinion maps take votes"))
    results_published = BooleanField(_l("Results are published"))
    consultations_open = BooleanField(_l("Public comment is open"))
    submit = SubmitField(_l("Save phase"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class PinPhaseForm(FlaskForm):
    phase = SelectField(_l("Current phase"), coerce=int)
    submit = SubmitField(_l("Move process"))
