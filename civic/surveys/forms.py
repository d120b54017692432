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
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from civic.forms import NumberRange

AUDIENCE_LABELS = {
    "anyone": _l("Anyone, also without an account"),
    "signed_in": _l("People signed in"),
    "verified": _l("Verified residents of the area"),
}
KIND_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "dropdown": _l("Dropdown"),
    "scale": _l("Scale (e.g. 1–5 or 0–10)"),
    "matrix": _l("Matrix (rows × one scale)"),
    "ranking": _l("Ranking"),
    "number": _l("Number"),
    "date": _l("Date"),
    "short": _l("Short text"),
    "long": _l("Long text"),
    "section": _l("Section heading"),
    "page": _l("Page break"),
}


class SurveyForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    purpose = TextAreaField(_l("Purpose and consent"), validators=[Length(max=5000)],
                            description=_l("Shown before the first question: why you ask and "
                                           "how the answers are used."))
    area_id = SelectField(_l("Area"), coerce=int)
    phase_id = SelectField(_l("Phase"), coerce=int,
                           description=_l("Answers are taken while this phase is current and "
                                          "has surveys switched on."))
    audience = SelectField(_l("Who may answer"), choices=list(AUDIENCE_LABELS.items()))
    anonymous = BooleanField(_l("Anonymous: no link between a person and their answer is "
                                "stored"))
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])
    results_public = BooleanField(_l("Results are public"))
    submit = SubmitField(_l("Save survey"))

    def validate_closes_on(self, field):
        if self.opens_on.data and field.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class QuestionForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=list(KIND_LABELS.items()))
    label = TextAreaField(_l("Question"), validators=[Length(max=2000)])
    help = TextAreaField(_l("Hint"), validators=[Length(max=2000)])
    required = BooleanField(_l("An answer is required"))
    options = TextAreaField(_l("Choices, one per line"), validators=[Length(max=10_000)])
    rows = TextAreaField(_l("Matrix rows, one per line"), validators=[Length(max=10_000)])
    low = IntegerField(_l("Lowest"), validators=[Optional(), NumberRange(min=-10**9, max=10**9)],
                       description=_l("Scale: its first value. Multiple choice: at least this "
                                      "many. Number: the smallest allowed."))
    high = IntegerField(_l("Highest"), validators=[Optional(), NumberRange(min=-10**9,
                                                                           max=10**9)],
                        description=_l("Scale: its last value. Multiple choice: at most this "
                                       "many. Number: the largest allowed."))
    has_other = BooleanField(_l("Offer “other (please specify)”"))
    show_if_id = SelectField(_l("Show only if the answer to"), coerce=int)
    show_if_value = IntegerField(_l("is choice number (or scale value)"),
                                 validators=[Optional(), NumberRange(min=-1000, max=1000)])
    submit = SubmitField(_l("Save question"))

    def validate_label(self, field):
        if self.kind.data != "page" and not (field.data or "").strip():
            raise ValidationError(_l("Write the question."))

    def validate_options(self, field):
        if self.kind.data in ("single", "multiple", "dropdown", "ranking"):
            options = _lines(field.data)
            if len(options) < 2:
                raise ValidationError(_l("Give at least two choices."))
            if len(set(options)) != len(options):
                raise ValidationError(_l("Each choice must be different."))

    def validate_rows(self, field):
        if self.kind.data == "matrix" and not _lines(field.data):
            raise ValidationError(_l("Give at least one row."))

    def validate_high(self, field):
        if self.low.data is not None and field.data is not None and field.data < self.low.data:
            raise ValidationError(_l("The highest must not be below the lowest."))
        if self.kind.data in ("scale", "matrix"):
            low = 1 if self.low.data is None else self.low.data
            high = 5 if field.data is None else field.data
            if not 0 <= low < high <= 10:
                raise ValidationError(_l("A scale runs between 0 and 10, e.g. 1–5 or 0–10."))

    def data_for_model(self) -> dict:
        kind = self.kind.data
        choices = kind in ("single", "multiple", "dropdown", "ranking")
        return {
            "kind": kind, "label": (self.label.data or "").strip(),
            "help": (self.help.data or "").strip(),
            "required": bool(self.required.data) and kind not in ("section", "page"),
            "options": _lines(self.options.data) if choices else [],
            "rows": _lines(self.rows.data) if kind == "matrix" else [],
            "low": self.low.data if kind in ("multiple", "scale", "matrix", "number") else None,
            "high": self.high.data if kind in ("multiple", "scale", "matrix", "number") else None,
            "has_other": bool(self.has_other.data) and kind in ("single", "multiple",
                                                                 "dropdown"),
            "show_if_id": self.show_if_id.data or None,
            "show_if_value": self.show_if_value.data if self.show_if_id.data else None,
        }


class AnswerForm(FlaskForm):
    """Only the CSRF token: the questions' fields are read by civic.surveys.answers."""


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file."))],
                     description=_l("UTF-8 or Shift_JIS (CP932), in the layout of the raw "
                                    "answers export: columns start with Q1, Q2 …"))
    submit = SubmitField(_l("Import answers"))


class StateForm(FlaskForm):
    state = SelectField(choices=[("draft", ""), ("open", ""), ("closed", "")])
