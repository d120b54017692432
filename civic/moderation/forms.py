from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

REASON_LABELS = {
    "spam": _l("Spam or advertising"),
    "offensive": _l("Offensive or discriminatory"),
    "personal_info": _l("Personal information about someone"),
    "off_topic": _l("Off topic"),
    "other": _l("Something else"),
}


class ReportForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=list(REASON_LABELS.items()),
                         validators=[DataRequired()])
    details = TextAreaField(_l("Details"), validators=[Length(max=1000)],
                            description=_l("Optional. What should the moderators know?"))
    submit = SubmitField(_l("Send report"))


class DecisionForm(FlaskForm):
    reason = StringField(_l("Reason shown to the author"), validators=[Length(max=500)])
    submit = SubmitField(_l("Save"))


class BlockForm(FlaskForm):
    reason = StringField(_l("Reason for blocking"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Block this person"))
