from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from civic.forms import NumberRange
from civic.sortition.models import ALGORITHMS, MAX_EXTRA_FEATURES

NEED_LABELS = {
    "sign_language": _l("Sign language interpretation (手話通訳)"),
    "childcare": _l("Childcare (託児)"),
    "wheelchair": _l("Wheelchair access (車椅子)"),
}
ALGORITHM_LABELS = {
    "maximin": _l("Maximin: the smallest chance as large as possible (recommended)"),
    "nash": _l("Nash: the product of all chances as large as possible"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def parse_extra_features(text: str) -> list[dict]:
    """Lines "職業: 会社員, 自営業, 学生" → [{"name": "職業", "values": [...]}]; ValueError if bad."""
    features = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, colon, values = line.replace("：", ":").partition(":")
        values = [value.strip() for value in values.replace("、", ",").split(",") if value.strip()]
        if not colon or not name.strip() or len(values) < 2:
            raise ValueError(line)
        features.append({"name": name.strip()[:40], "values": [value[:60] for value in values]})
    return features


class LotteryForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose"), validators=[Length(max=2000)],
                            description=_l("Printed on the letter and shown on the reply form."))
    event_dates = TextAreaField(_l("Dates"), validators=[Length(max=1000)],
                                description=_l("One date per line, with time and place."))
    letter_text = TextAreaField(_l("Letter text"), validators=[Length(max=5000)],
                                description=_l("The body of the invitation letter, in Japanese."))
    area = SelectField(_l("Area"), coerce=int,
                       description=_l("Staff of this area run the lottery; the whole ward: "
                                      "ward-wide staff only."))
    cafe = SelectField(_l("World café the panel is invited to"), coerce=int)
    panel_size = IntegerField(_l("Panel size"), default=40,
                              validators=[InputRequired(), NumberRange(min=1, max=1000)])
    extra_features = TextAreaField(
        _l("More features for the quotas"), validators=[Length(max=1000)],
        description=_l("Up to three, one per line: name: value, value, … (e.g. 職業: 会社員, "
                       "自営業, 学生, その他)."))
    retention_on = DateField(_l("Delete the register and the replies on"),
                             validators=[Optional()],
                             description=_l("Empty: 90 days after the panel is drawn."))
    submit = SubmitField(_l("Save"))

    def validate_extra_features(self, field):
        try:
            features = parse_extra_features(field.data)
        except ValueError as error:
            raise ValueError(_l("Write each feature as “name: value, value”: %(line)s",
                                line=str(error))) from None
        if len(features) > MAX_EXTRA_FEATURES:
            raise ValueError(_l("At most three more features."))
        names = [feature["name"] for feature in features]
        if len(set(names)) != len(names) or {"age_band", "gender", "area"} & set(names):
            raise ValueError(_l("Each feature needs its own name."))


class RegisterForm(FlaskForm):
    file = FileField(_l("Register extract (CSV)"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("UTF-8 or Shift_JIS (CP932). Columns: id, birth_year or "
                                    "age_band, gender, area, household. No other columns."),
                     render_kw={"accept": ".csv,text/csv"})
    submit = SubmitField(_l("Import"))


class InvitationsForm(FlaskForm):
    count = IntegerField(_l("Number of invitations"), default=1500,
                         validators=[InputRequired(), NumberRange(min=1, max=100_000)])
    method = RadioField(_l("How"), default="stratified", choices=[
        ("simple", _l("Simple random")),
        ("stratified", _l("Stratified proportionally by area and age band"))])
    submit = SubmitField(_l("Draw the invitations"))


class CodeForm(FlaskForm):
    code = StringField(_l("Reply code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code printed on your letter, e.g. ABCD-EFGH-JKLM."))
    submit = SubmitField(_l("Continue"))


class ReplyForm(FlaskForm):
    accepted = RadioField(_l("Will you take part?"), validators=[InputRequired()], choices=[
        ("yes", _l("Yes, I would like to take part")), ("no", _l("No, thank you"))])
    available_dates = CheckboxesField(_l("Dates you can attend"), choices=[])
    name = StringField(_l("Name"), validators=[Length(max=80)])
    contact = StringField(_l("E-mail address or phone number"), validators=[Length(max=200)])
    # Checked against their values in validate(): a declining reply leaves them empty.
    age_band = SelectField(_l("Age band"), choices=[], validate_choice=False)
    gender = SelectField(_l("Gender"), choices=[], validate_choice=False)
    area = SelectField(_l("Area"), choices=[], validate_choice=False)
    # The staff's extra features; checked against their values in validate().
    extra_0 = SelectField(choices=[], validate_choice=False)
    extra_1 = SelectField(choices=[], validate_choice=False)
    extra_2 = SelectField(choices=[], validate_choice=False)
    needs = CheckboxesField(_l("Support you need to take part"),
                            choices=list(NEED_LABELS.items()))
    consent = BooleanField(_l("I agree that my answers are used to select the panel and are "
                              "deleted after the retention date."))
    submit = SubmitField(_l("Send the reply"))

    def setup(self, lottery, choices: dict):
        self.available_dates.choices = [(date, date) for date in lottery.dates]
        empty = [("", _l("Choose"))]
        for name in ("age_band", "gender", "area"):
            getattr(self, name).choices = empty + [(v, v) for v in choices[name]]
        self.extras = []
        for index, extra in enumerate(lottery.extra_features):
            field = getattr(self, f"extra_{index}")
            field.label.text = extra["name"]
            field.choices = empty + [(v, v) for v in extra["values"]]
            self.extras.append(field)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        for field in (self.age_band, self.gender, self.area, *self.extras):
            if field.data and field.data not in dict(field.choices):
                field.errors.append(_l("Please choose an answer."))
                ok = False
        if self.accepted.data != "yes":
            return ok
        for field in (self.age_band, self.gender, self.area, *self.extras):
            if not field.data:
                field.errors.append(_l("Please choose an answer."))
                ok = False
        if not (self.contact.data or "").strip():
            self.contact.errors.append(_l("Tell us how to reach you if you are selected."))
            ok = False
        if self.available_dates.choices and not self.available_dates.data:
            self.available_dates.errors.append(_l("Choose at least one date."))
            ok = False
        if not self.consent.data:
            self.consent.errors.append(_l("Without your consent you cannot be selected."))
            ok = False
        return ok

    def reply_data(self, lottery) -> dict:
        accepted = self.accepted.data == "yes"
        if not accepted:
            return {"accepted": False}
        return {"accepted": True, "available_dates": list(self.available_dates.data),
                "name": self.name.data.strip(), "contact": self.contact.data.strip(),
                "age_band": self.age_band.data, "gender": self.gender.data,
                "area": self.area.data,
                "extra": {extra["name"]: field.data
                          for extra, field in zip(lottery.extra_features, self.extras,
                                                  strict=True)},
                "needs": list(self.needs.data), "consent": bool(self.consent.data)}


class PaperReplyForm(ReplyForm):
    letter = IntegerField(_l("Letter number"), validators=[InputRequired(),
                                                           NumberRange(min=1, max=1_000_000)],
                          description=_l("The number printed at the top of the letter."))


class CommitForm(FlaskForm):
    algorithm = RadioField(_l("Algorithm"), default="maximin",
                           choices=[(name, ALGORITHM_LABELS[name]) for name in ALGORITHMS])
    submit = SubmitField(_l("Publish the inputs and the commitment"))


class DrawForm(FlaskForm):
    digits = StringField(_l("Digits drawn in public (optional)"),
                         validators=[Optional(), Length(max=40)],
                         description=_l("E.g. numbers drawn with dice at the event. They are "
                                        "added to the committed secret to make the seed."))
    submit = SubmitField(_l("Draw the panel"))


class ReplacementForm(FlaskForm):
    dropped = SelectField(_l("Who dropped out"), choices=[])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Draw a replacement"))
