from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civic.forms import NumberRange


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("One row per area and year, as the ward publishes its "
                                    "statistics: a column with the area’s name or code, one "
                                    "with the year, then one column per figure. UTF-8 or "
                                    "Shift_JIS (CP932)."))
    source = StringField(_l("Source"), validators=[DataRequired(), Length(max=200)],
                         description=_l("For rows without a source column, e.g. 住民基本台帳."))
    as_of = DateField(_l("As of"), validators=[Optional()],
                      description=_l("For rows without a date column."))
    submit = SubmitField(_l("Import"))


class VisionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(_l("The vision"), validators=[Length(max=20000)],
                         description=_l("Plain text; an empty line starts a new paragraph."))
    submit = SubmitField(_l("Save the vision"))


class GoalForm(FlaskForm):
    title = StringField(_l("Goal"), validators=[DataRequired(), Length(max=200)])
    target = StringField(_l("Target"), validators=[Length(max=200)],
                         description=_l("What should be true, and by when."))
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    position = IntegerField(_l("Position"), validators=[Optional(), NumberRange(min=0, max=999)])
    submit = SubmitField(_l("Save the goal"))


class LinkForm(FlaskForm):
    proposal = SelectField(_l("Accepted proposal"), coerce=int, validate_choice=True)
    activity = SelectField(_l("Group activity"), coerce=int, validate_choice=True)
    submit = SubmitField(_l("Link to this goal"))


class UnlinkForm(FlaskForm):
    submit = SubmitField(_l("Remove the link"))
