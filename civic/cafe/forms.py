from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, ValidationError

from civic.accounts import names
from civic.accounts.forms import DisplayName
from civic.cafe.services import lines, parse_table_lines
from civic.forms import NumberRange


class CafeForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=5000)],
                            description=_l("Why this café is held; shown to everyone who joins."))
    mode = SelectField(_l("Mode"), choices=[
        ("classic", _l("Classic: every table talks about the round's question")),
        ("topic", _l("Topic tables: every table has its own topic")),
    ])
    questions = TextAreaField(
        _l("Questions"), validators=[Length(max=5000)],
        description=_l("One line per round, in order. Needed for every round in classic mode."))
    round_count = IntegerField(_l("Number of rounds"), default=3,
                               validators=[DataRequired(), NumberRange(min=1, max=10)])
    round_minutes = IntegerField(_l("Minutes per round"), default=20,
                                 validators=[DataRequired(), NumberRange(min=1, max=120)])
    table_size = IntegerField(_l("People per table"), default=5,
                              validators=[DataRequired(), NumberRange(min=2, max=12)])
    table_lines = TextAreaField(
        _l("Tables"), validators=[Length(max=10000)],
        description=_l("Optional in classic mode. One line per table: topic | video meeting link "
                       "(either part may be left out). Topic tables need a topic on each line."))
    verification_required = BooleanField(_l("Only verified residents may join"))
    submit = SubmitField(_l("Save café"))

    def validate_questions(self, field):
        count = len(lines(field.data))
        rounds = self.round_count.data or 0
        if count > rounds:
            raise ValidationError(_l("There are more questions than rounds."))
        if self.mode.data == "classic" and count < rounds:
            raise ValidationError(_l("Write one question for every round."))

    def validate_table_lines(self, field):
        tables = parse_table_lines(field.data)
        for _topic, link in tables:
            if link and not link.startswith(("https://", "http://")):
                raise ValidationError(_l("Meeting links must start with https://."))
        if self.mode.data == "topic" and (len(tables) < 2 or not all(t for t, _ in tables)):
            raise ValidationError(_l("Topic tables need at least two lines, each with a topic."))


class JoinForm(FlaskForm):
    display_name = StringField(_l("Your name at the table"), filters=[names.normalise],
                               validators=[DataRequired(), Length(max=40), DisplayName()],
                               description=_l("A nickname is fine. Others at your table see it."))
    submit = SubmitField(_l("Join as a guest"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("New note for your table"), validators=[DataRequired(), Length(max=280)],
                         description=_l("Up to 280 characters. Everyone who sits at this table "
                                        "later reads it too."))
    submit = SubmitField(_l("Post note"))
