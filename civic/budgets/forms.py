from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from civic.budgets.models import OPEN_METHODS
from civic.forms import DB_BIGINT_MAX, DB_FLOAT_MAX, NumberRange

METHOD_LABELS = {
    "knapsack": _l("Knapsack: choose projects up to the budget"),
    "approval": _l("Approval: choose a number of projects, cost ignored"),
    "cumulative": _l("Cumulative: spread points over projects"),
}
RULE_LABELS = {
    "greedy": _l("Greedy: most votes first, skip what does not fit"),
    "greedy-no-skip": _l("Greedy without skipping: stop at the first project that does not fit"),
    "greedy-threshold": _l("Greedy with a threshold: only projects with a minimum score"),
    "equalshares": _l("Method of Equal Shares without completion"),
    "equalshares/add1": _l("Method of Equal Shares (with Add1 completion)"),
    "equalshares/add1-comparison": _l("Method of Equal Shares, then compared with greedy"),
}
TIE_BREAK_LABELS = {
    "min_cost,max_votes,id": _l("Cheaper project first, then more voters, then lower number"),
    "max_votes,min_cost,id": _l("More voters first, then cheaper, then lower number"),
    "min_cost,id": _l("Cheaper project first, then lower number"),
    "id": _l("Lower project number first"),
}


class BudgetForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=10000)])
    area = SelectField(_l("Who votes"), coerce=int,
                       description=_l("Verified residents of this area; the whole city: everyone "
                                      "verified."))
    amount = IntegerField(_l("Amount (yen)"), validators=[InputRequired(),
                                                          NumberRange(min=1, limit=DB_BIGINT_MAX)])
    voting_method = SelectField(_l("Voting method"),
                                choices=[(m, METHOD_LABELS[m]) for m in OPEN_METHODS])
    min_percent = IntegerField(_l("Minimum share of the budget to spend (%)"), default=0,
                               validators=[Optional(), NumberRange(min=0, max=100)],
                               description=_l("Knapsack only. 0: no minimum."))
    min_projects = IntegerField(_l("Minimum number of projects"), default=1,
                                validators=[Optional(), NumberRange(min=0, max=1000)],
                                description=_l("Approval only."))
    max_projects = IntegerField(_l("Maximum number of projects"),
                                validators=[Optional(), NumberRange(min=1, max=1000)],
                                description=_l("Approval only. Empty: no maximum."))
    points = IntegerField(_l("Points per voter"), default=10,
                          validators=[Optional(), NumberRange(min=1, max=1000)],
                          description=_l("Cumulative only."))
    rule = SelectField(_l("Counting rule"), choices=list(RULE_LABELS.items()))
    threshold = DecimalField(_l("Minimum score"),
                             validators=[Optional(), NumberRange(min=0, limit=DB_FLOAT_MAX)],
                             description=_l("Greedy with a threshold only."))
    tie_break = SelectField(_l("Ties"), choices=list(TIE_BREAK_LABELS.items()),
                            description=_l("How projects with equal scores are ordered."))
    allow_changes = BooleanField(_l("Voters may change a checked-out ballot while voting is open"))
    submit = SubmitField(_l("Save budget"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        method = self.voting_method.data
        if self.rule.data == "greedy-threshold" and self.threshold.data is None:
            self.threshold.errors.append(_l("Give the minimum score for this rule."))
            ok = False
        if method == "approval" and self.max_projects.data is not None and (
                self.max_projects.data < (self.min_projects.data or 0)):
            self.max_projects.errors.append(_l("The maximum must not be below the minimum."))
            ok = False
        if method == "cumulative" and not self.points.data:
            self.points.errors.append(_l("Give the number of points each voter spreads."))
            ok = False
        return ok


class ProjectForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    cost = IntegerField(_l("Cost (yen)"), validators=[InputRequired(),
                                                     NumberRange(min=0, limit=DB_BIGINT_MAX)])
    area = SelectField(_l("Area"), coerce=int)
    proposal_id = IntegerField(_l("Proposal number"), validators=[Optional(), NumberRange(min=1)],
                               description=_l("The accepted proposal this project comes from, "
                                              "if any."))
    submit = SubmitField(_l("Save project"))


class ReceiptForm(FlaskForm):
    code = StringField(_l("Receipt code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The code you were shown when you checked out."))
    submit = SubmitField(_l("Check"))


class ImportForm(FlaskForm):
    file = FileField(_l("pabulib file (.pb)"), validators=[
        FileRequired(_l("Choose a .pb file.")),
        FileAllowed(["pb"], _l("Choose a file whose name ends in .pb."))],
        description=_l("UTF-8 text in the pabulib format (pabulib.org). Its projects and "
                       "counted ballots become a new budget of this process."),
        render_kw={"accept": ".pb"})
    title = StringField(_l("Title"), validators=[Length(max=200)],
                        description=_l("Empty: the file's description."))
    rule = SelectField(_l("Counting rule"))
    submit = SubmitField(_l("Import"))
