from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length

from civic.forms import NumberRange
from civic.matching.ranking import SLOTS

DAY_LABELS = {"mon": _l("Monday"), "tue": _l("Tuesday"), "wed": _l("Wednesday"),
              "thu": _l("Thursday"), "fri": _l("Friday"), "sat": _l("Saturday"),
              "sun": _l("Sunday")}
PART_LABELS = {"am": _l("morning"), "pm": _l("afternoon"), "eve": _l("evening")}


def slot_label(slot: str) -> str:
    day, _sep, part = slot.partition("-")
    return _l("%(day)s %(part)s", day=DAY_LABELS.get(day, day), part=PART_LABELS.get(part, part))


def _slots_field(label):
    return SelectMultipleField(label, choices=[(s, slot_label(s)) for s in SLOTS],
                               widget=widgets.ListWidget(prefix_label=False),
                               option_widget=widgets.CheckboxInput())


class OfferForm(FlaskForm):
    skills = StringField(_l("What I can do"), validators=[Length(max=500)],
                         description=_l("Separated by commas, e.g. 手話, 料理, パソコン."))
    languages = StringField(_l("Languages I speak"), validators=[Length(max=300)],
                            description=_l("Separated by commas, e.g. 英語, ベトナム語."))
    slots = _slots_field(_l("When I am free"))
    area_id = SelectField(_l("Area"), coerce=int, choices=[(0, "—")])
    note = TextAreaField(_l("Anything else"), validators=[Length(max=500)])
    active = BooleanField(_l("Suggest needs to me"), default=True)
    submit = SubmitField(_l("Save my offer"))


class NeedForm(FlaskForm):
    title = StringField(_l("Task"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
    skills = StringField(_l("Skills needed"), validators=[Length(max=500)],
                         description=_l("Separated by commas; empty if anyone can help."))
    languages = StringField(_l("Languages needed"), validators=[Length(max=300)])
    slots = _slots_field(_l("When"))
    when = StringField(_l("Dates"), validators=[Length(max=200)],
                       description=_l("For example 「5月の毎週土曜」."))
    location = StringField(_l("Where"), validators=[Length(max=200)])
    people_needed = IntegerField(_l("People needed"), default=1,
                                 validators=[DataRequired(), NumberRange(min=1, max=500)])
    submit = SubmitField(_l("Post need"))


class AcceptForm(FlaskForm):
    message = TextAreaField(_l("Message to the group (optional)"), validators=[Length(max=500)])
    submit = SubmitField(_l("I can help"))
