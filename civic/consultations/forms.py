from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from civic.consultations.models import DETAILS

WHO_LABELS = {"anyone": _l("Anyone"), "signed_in": _l("People signed in"),
              "verified": _l("Verified residents of the area")}
ASK_LABELS = {"off": _l("Not asked"), "optional": _l("Optional"), "required": _l("Required")}
DETAIL_LABELS = {"name": _l("Name"), "address": _l("Address or area"),
                 "age_band": _l("Age band"), "organisation": _l("Organisation")}
CHANNEL_LABELS = {"web": _l("Web form"), "post": _l("Post"), "fax": _l("Fax"),
                  "email": _l("E-mail"), "counter": _l("At the counter")}
DISPOSITION_LABELS = {"adopted": _l("Reflected (反映する)"),
                      "partly": _l("Partly reflected (一部反映)"),
                      "not_adopted": _l("Not reflected (反映しない)"),
                      "other": _l("Other, for reference (その他・参考)")}
AGE_LABELS = {"under_20": _l("Under 20"), "20s": _l("20s"), "30s": _l("30s"), "40s": _l("40s"),
              "50s": _l("50s"), "60s": _l("60s"), "70s": _l("70s"), "80_plus": _l("80 or over")}
# What one opinion may hold: more than any real one, far less than a pasted file.
OPINION_MAX = 20000
DRAFT_MAX = 200000


class ConsultationForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=5000)])
    draft = TextAreaField(
        _l("Draft"), validators=[Length(max=DRAFT_MAX)],
        description=_l("Markdown. Each heading (## …) or line starting with 第1章, 第2節 or "
                       "第3条 begins a numbered section that residents can comment on."))
    draft_file = FileField(_l("Or upload the draft as a text file"),
                           description=_l("Plain text or Markdown, UTF-8 or Shift_JIS."))
    language = SelectField(_l("Language of the draft"))
    starts_on = DateField(_l("Opinions from"), validators=[DataRequired()])
    ends_on = DateField(_l("Opinions until"), validators=[DataRequired()])
    who = RadioField(_l("Who may send an opinion"), choices=list(WHO_LABELS.items()),
                     default="anyone")
    ask_name = SelectField(DETAIL_LABELS["name"], choices=list(ASK_LABELS.items()),
                           default="optional")
    ask_address = SelectField(DETAIL_LABELS["address"], choices=list(ASK_LABELS.items()),
                              default="optional")
    ask_age_band = SelectField(DETAIL_LABELS["age_band"], choices=list(ASK_LABELS.items()),
                               default="off")
    ask_organisation = SelectField(DETAIL_LABELS["organisation"],
                                   choices=list(ASK_LABELS.items()), default="off")
    published = BooleanField(_l("Published (residents can read the draft)"))
    submit = SubmitField(_l("Save"))

    def validate_ends_on(self, field):
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class TranslationForm(FlaskForm):
    language = SelectField(_l("Language"))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Length(max=5000)])
    draft = TextAreaField(_l("Draft"), validators=[Length(max=DRAFT_MAX)],
                          description=_l("The same sections, in the same order, as the draft."))
    submit = SubmitField(_l("Save translation"))


class AttachmentForm(FlaskForm):
    file = FileField(_l("PDF or image"), validators=[DataRequired()])
    submit = SubmitField(_l("Add the file"))


def _long_text(form, field):
    """A clear message for a pasted file: how long it is against what fits."""
    if field.data and len(field.data) > OPINION_MAX:
        raise ValidationError(_l(
            "Your opinion is %(n)s characters long; up to %(max)s fit. Nothing was sent and your "
            "text is still here: please shorten it, or send it in several parts.",
            n=f"{len(field.data):,}", max=f"{OPINION_MAX:,}"))


class OpinionForm(FlaskForm):
    """An opinion from a resident; fields for details the consultation does not ask are removed."""

    section = SelectField(_l("Your opinion is on"), coerce=int, default=0)
    body = TextAreaField(_l("Your opinion"), validators=[InputRequired(), _long_text],
                         render_kw={"rows": 10, "maxlength": OPINION_MAX})
    name = StringField(DETAIL_LABELS["name"], validators=[Length(max=100)])
    address = StringField(DETAIL_LABELS["address"], validators=[Length(max=200)],
                          description=_l("Your address, or just the area (e.g. 本町2丁目)."))
    age_band = SelectField(DETAIL_LABELS["age_band"],
                           choices=[("", "—")] + list(AGE_LABELS.items()), default="")
    organisation = StringField(DETAIL_LABELS["organisation"], validators=[Length(max=200)],
                               description=_l("If you write on behalf of a group or company."))
    step = HiddenField(default="review")

    def validate_body(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_l("Please write your opinion."))


class StaffOpinionForm(OpinionForm):
    """An opinion that came by post, fax, e-mail or at the counter, typed in by staff."""

    channel = SelectField(_l("How it arrived"), choices=[
        (key, label) for key, label in CHANNEL_LABELS.items() if key != "web"])
    received_on = DateField(_l("Received on"), validators=[DataRequired()])
    scan = FileField(_l("Scan of the original (optional)"),
                     description=_l("PDF or image."))


def shape_opinion_form(form: OpinionForm, consultation, *, staff: bool = False) -> OpinionForm:
    """Drop the details the consultation does not ask; mark the required ones (staff type
    what the letter says, so nothing is required of them)."""
    for detail in DETAILS:
        ask = consultation.ask(detail)
        if ask == "off":
            delattr(form, detail)
            continue
        field = form[detail]
        if ask == "required" and not staff:
            field.validators = [DataRequired(message=_l("Please fill in this field.")),
                                *field.validators]
            field.flags.required = True
        else:
            field.validators = [Optional(), *field.validators]
    form.section.choices = [(0, _l("The whole draft"))] + [
        (s.id, s.label or f"{s.position}") for s in consultation.sections]
    return form


class HideForm(FlaskForm):
    reason = StringField(_l("Why it is not published"),
                         validators=[DataRequired(), Length(max=300)],
                         description=_l("Kept in the audit log, e.g. personal data, defamation."))
    submit = SubmitField(_l("Hide"))


class DuplicateForm(FlaskForm):
    of = StringField(_l("Same as opinion (receipt number or number)"),
                     validators=[DataRequired(), Length(max=24)])
    submit = SubmitField(_l("Mark as duplicate"))


class PlainForm(FlaskForm):
    """Only the CSRF token: for buttons whose data are in the request's own fields."""


class GroupLabelForm(FlaskForm):
    label = StringField(_l("Group name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class MoveForm(FlaskForm):
    target = SelectField(_l("Move the ticked opinions to"), coerce=int)
    submit = SubmitField(_l("Move"))


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge the ticked groups into"), coerce=int)
    label = StringField(_l("Name of the merged group"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Merge"))


class SplitForm(FlaskForm):
    label = StringField(_l("Name of the new group"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Split the ticked opinions off"))


class AnswerForm(FlaskForm):
    label = StringField(_l("Group name"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary of the opinions (意見の概要)"),
                            validators=[DataRequired(), Length(max=5000)])
    response = TextAreaField(_l("The ward's response (区の考え方)"),
                             validators=[DataRequired(), Length(max=10000)])
    disposition = RadioField(_l("Disposition"), choices=list(DISPOSITION_LABELS.items()),
                             validators=[InputRequired(message=_l("Please choose one."))])
    submit = SubmitField(_l("Save the answer"))


class FinalTextForm(FlaskForm):
    body = TextAreaField(_l("Final text"), validators=[Length(max=DRAFT_MAX)])
    submit = SubmitField(_l("Save the final text"))

