from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from civic.forms import NumberRange
from civic.opinions.models import AGE_BANDS

MODERATION_LABELS = {
    "post": _l("Post-moderation: statements show at once and can be reported"),
    "pre": _l("Pre-moderation: a moderator accepts each statement first"),
}
VOTER_LABELS = {
    "guests": _l("Anyone, also without an account (guests)"),
    "signed_in": _l("Signed-in people"),
    "verified": _l("Verified residents of the area"),
}
AGE_LABELS = {
    "under20": _l("Under 20"), "20s": _l("20s"), "30s": _l("30s"), "40s": _l("40s"),
    "50s": _l("50s"), "60s": _l("60s"), "70plus": _l("70 or older"),
}
assert tuple(AGE_LABELS) == AGE_BANDS


class ConversationForm(FlaskForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    statement_length = IntegerField(_l("Longest statement (characters)"), default=140,
                                    validators=[DataRequired(), NumberRange(min=20, max=1000)])
    moderation = SelectField(_l("Moderation"), choices=list(MODERATION_LABELS.items()),
                             default="post")
    voters = SelectField(_l("Who may vote"), choices=list(VOTER_LABELS.items()),
                         default="signed_in")
    participants_write = BooleanField(_l("Participants may write statements"), default=True)
    map_public = BooleanField(_l("Residents see the map and the groups"), default=True)
    seeds = TextAreaField(_l("Seed statements"), validators=[Length(max=50000)],
                          description=_l("One statement per line. They are shown at once."))


class SeedForm(FlaskForm):
    seeds = TextAreaField(_l("Seed statements"), validators=[DataRequired(), Length(max=50000)],
                          description=_l("One statement per line. They are shown at once."))


class VoteForm(FlaskForm):
    vote = StringField(validators=[AnyOf(["agree", "disagree", "pass"])])


class StatementForm(FlaskForm):
    body = TextAreaField(_l("Your statement"), validators=[DataRequired(), Length(max=1000)])


class ShareForm(FlaskForm):
    age_band = SelectField(_l("Age"), choices=[("", _l("Rather not say"))]
                           + list(AGE_LABELS.items()))
    area = SelectField(_l("Area where you live"), coerce=int)


class ActionForm(FlaskForm):
    """A button that only needs its CSRF token (recompute, send to themes)."""


class ImportForm(FlaskForm):
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    comments = FileField(_l("comments.csv"), validators=[
        FileRequired(_l("Choose the conversation's comments.csv.")),
        FileAllowed(["csv"], _l("Choose a file whose name ends in .csv."))],
        render_kw={"accept": ".csv"})
    votes = FileField(_l("votes.csv"), validators=[
        FileAllowed(["csv"], _l("Choose a file whose name ends in .csv."))],
        render_kw={"accept": ".csv"})
    participants_votes = FileField(_l("participants-votes.csv"), validators=[
        FileAllowed(["csv"], _l("Choose a file whose name ends in .csv."))],
        description=_l("Give votes.csv or participants-votes.csv (votes.csv is used when both "
                       "are given)."),
        render_kw={"accept": ".csv"})
