from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from civic.forms import DB_BIGINT_MAX, NumberRange

KIND_LABELS = {"citizen": _l("Residents choose the theme (市民提案型)"),
               "theme": _l("The ward sets the theme (行政提案型)")}


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        _l("Proposal"), validators=[DataRequired(), Length(max=20000)],
        description=_l("What problem does it address and what would you do? You can use "
                       "**bold**, lists starting with “- ” and links."))
    area = SelectField(_l("Area"), coerce=int)
    category = SelectField(_l("Category"), validators=[Optional()])
    estimated_cost = IntegerField(_l("Estimated cost (yen)"),
                                  validators=[Optional(),
                                              NumberRange(min=0, max=10**12, limit=DB_BIGINT_MAX)])
    role_residents = TextAreaField(_l("What residents or your group will do"),
                                   validators=[Length(max=5000)])
    role_ward = TextAreaField(_l("What you ask the ward to do"), validators=[Length(max=5000)])
    kpis = TextAreaField(_l("How success will be measured (indicators)"),
                         validators=[Length(max=2000)],
                         description=_l("For example: number of participants, events held."))
    language = SelectField(_l("Language of this text"), validators=[Optional()],
                           description=_l("Leave as it is and the language is recognised from "
                                          "the text."))
    image = FileField(_l("Image"), description=_l("Optional. PNG, JPEG, GIF or WebP, up to 2 MB."))
    submit = SubmitField(_l("Save draft"))


class StepForm(FlaskForm):
    answer = TextAreaField(_l("Answer with reasons (public)"), validators=[Length(max=10000)])


class MessageForm(FlaskForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Send"))


class UpdateForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=[("update", _l("Progress update")),
                                            ("interim", _l("Interim report (中間報告)")),
                                            ("final", _l("Final report (結果報告)"))])
    progress = IntegerField(_l("Progress (%)"), validators=[DataRequired(message=_l(
        "Please enter a number from 0 to 100.")), NumberRange(min=0, max=100)], default=0)
    body = TextAreaField(_l("What happened"), validators=[DataRequired(), Length(max=10000)])
    kpi_values = TextAreaField(_l("Indicator values"), validators=[Length(max=5000)],
                               description=_l("For reports: the values of the indicators the "
                                              "proposal set."))
    self_evaluation = TextAreaField(_l("Self-evaluation"), validators=[Length(max=5000)])
    survey_id = SelectField(_l("Survey as evidence"), coerce=int, default=0,
                            description=_l("For reports: a survey of this process whose "
                                           "results are public and show the indicators."))
    submit = SubmitField(_l("Publish update"))


class SettingsForm(FlaskForm):
    kind = SelectField(_l("Kind of call"), choices=list(KIND_LABELS.items()))
    theme = TextAreaField(_l("Theme set by the ward"), validators=[Length(max=5000)])
    categories = TextAreaField(_l("Categories"), validators=[Length(max=2000)],
                               description=_l("One per line."))
    support_limit = IntegerField(_l("Supports per person"), validators=[
        Optional(), NumberRange(min=1, max=1000)], description=_l("Empty: no limit."))
    support_threshold = IntegerField(_l("Supports that move a proposal to review"), validators=[
        Optional(), NumberRange(min=1, max=1000000)], description=_l("Empty: staff decide."))
    criteria = TextAreaField(_l("Review criteria"), validators=[DataRequired(), Length(max=2000)],
                             description=_l("One per line; each is scored from 1 to 5."))
    comments_on_closed = BooleanField(_l("Not accepted and withdrawn proposals still take "
                                         "comments"))
    submit = SubmitField(_l("Save settings"))


def review_form(criteria, formdata=None, **kwargs) -> FlaskForm:
    """A form with one 1–5 score per published criterion and a comment."""

    class ReviewForm(FlaskForm):
        comment = TextAreaField(_l("Comment"), validators=[Length(max=5000)])
        submit = SubmitField(_l("Save review"))

    for index, criterion in enumerate(criteria):
        setattr(ReviewForm, f"score_{index}", SelectField(
            criterion, choices=[("", "—")] + [(str(n), str(n)) for n in range(1, 6)],
            validators=[DataRequired(message=_l("Please give a score from 1 to 5."))]))
    if formdata is None:
        return ReviewForm(**kwargs)
    return ReviewForm(formdata=formdata, **kwargs)
