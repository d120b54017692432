from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from civic.forms import NumberRange

KIND_LABELS = {"briefing": _l("Briefing (説明会)"), "workshop": _l("Workshop"),
               "dialogue": _l("Dialogue (対話の場)")}


class MeetingForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=list(KIND_LABELS.items()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    date = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired()])
    end_time = TimeField(_l("Ends at"), validators=[DataRequired()])
    place_id = SelectField(_l("Place"), coerce=int, choices=[(0, "—")],
                           description=_l("A place from the map, or none for an online meeting."))
    location = StringField(_l("Room or directions"), validators=[Length(max=200)])
    online_url = StringField(_l("Online meeting link"), validators=[Length(max=500)])
    capacity = IntegerField(_l("Seats"), validators=[Optional(), NumberRange(min=1, max=10000)],
                            description=_l("Leave empty for no limit. When every seat is taken, "
                                           "people can join the waiting list."))
    childcare_offered = BooleanField(_l("Childcare is offered (保育あり)"))
    published = BooleanField(_l("Published"), default=True)
    submit = SubmitField(_l("Save meeting"))

    def validate_end_time(self, field):
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The meeting must end after it starts."))

    def validate_online_url(self, field):
        if field.data and not field.data.strip().startswith("https://"):
            raise ValidationError(_l("Meeting links must start with https://."))

    def validate_place_id(self, field):
        if not field.data and not (self.online_url.data or "").strip():
            raise ValidationError(_l("Choose a place or give an online meeting link."))


class SignupForm(FlaskForm):
    children = IntegerField(_l("Children who need childcare"), default=0,
                            validators=[Optional(), NumberRange(min=0, max=10)])
    children_ages = StringField(_l("Their ages"), validators=[Length(max=100)])
    accessibility = TextAreaField(
        _l("Accessibility requests"), validators=[Length(max=500)],
        description=_l("For example a sign-language interpreter, a wheelchair space, large print "
                       "or an easy Japanese explanation. Only the organisers read this."))
    submit = SubmitField(_l("Sign up"))


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Minutes"), validators=[Length(max=20000)],
                            description=_l("Markdown: paragraphs, lists, **bold**, links."))
    publish = BooleanField(_l("Publish the minutes"))
    cafe_id = SelectField(_l("World café that came out of it"), coerce=int, default=0,
                          choices=[(0, "—")])
    proposal_id = IntegerField(_l("Link a proposal (its number)"),
                               validators=[Optional(), NumberRange(min=1)])
    submit = SubmitField(_l("Save minutes"))


class MaterialForm(FlaskForm):
    title = StringField(_l("Title of the material"), validators=[DataRequired(), Length(max=200)])
    file = FileField(_l("File"), validators=[FileRequired()],
                     description=_l("PDF, PNG or JPEG, up to 8 MB."))
    submit = SubmitField(_l("Upload"))
