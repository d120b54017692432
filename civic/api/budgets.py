"""Participatory budgets (参加型予算) as the API shows them: the budgets of published processes with
their projects, and — once the process's results phase has begun and the count job has stored
them — the results as the public results page shows them: the rule and each project's score.

Ballots, their counts while voting is open, and a staff preview of the results never appear.
"""

from marshmallow import Schema, fields
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from civic.accounts.permissions import can
from civic.api import paging
from civic.api.common import Moment, visitor
from civic.budgets import services as budgets
from civic.budgets.models import VOTING_METHODS, Budget, BudgetResult
from civic.extensions import db
from civic.spaces import services as spaces
from civic.spaces.models import Process
from civic.timeutil import ward_today

# What a budget's answer is read from: a write to any of them changes it.
TABLES = ("budget", "budget_project", "budget_result", "process", "phase", "area")


class ProjectSchema(Schema):
    id = fields.Integer(required=True)
    code = fields.String(required=True, metadata={"description": "The project's id in pabulib "
                                                                 "files."})
    title = fields.String(required=True)
    description = fields.String(required=True)
    cost = fields.Integer(required=True)
    area_id = fields.Integer(required=True, allow_none=True)
    proposal_id = fields.Integer(required=True, allow_none=True,
                                 metadata={"description": "The proposal it came from."})


class ProjectScoreSchema(Schema):
    code = fields.String(required=True, metadata={"description": "ProjectSchema.code"})
    score = fields.Float(required=True)
    votes = fields.Integer(required=True)
    cost = fields.Float(required=True)
    selected = fields.Boolean(required=True)
    reason = fields.String(required=True, metadata={"description": "Why the rule funded it or "
                                                                   "not (a reason code)."})


class ResultSchema(Schema):
    rule = fields.String(required=True)
    computed_at = Moment(required=True)
    voters = fields.Integer(required=True, allow_none=True)
    total_cost = fields.Float(required=True)
    selected = fields.List(fields.String(), required=True,
                           metadata={"description": "Funded project codes in funding order."})
    projects = fields.List(fields.Nested(ProjectScoreSchema), required=True)


class BudgetSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True)
    area_id = fields.Integer(required=True, allow_none=True,
                             metadata={"description": "None: the whole ward votes."})
    title = fields.String(required=True)
    description = fields.String(required=True)
    amount = fields.Integer(required=True)
    currency = fields.String(required=True)
    voting_method = fields.String(required=True, metadata={"enum": list(VOTING_METHODS)})
    rule = fields.String(required=True)
    projects = fields.List(fields.Nested(ProjectSchema), required=True)
    results = fields.Nested(ResultSchema, required=True, allow_none=True,
                            metadata={"description": "None until the results are published."})

    def __init__(self, results: dict[int, BudgetResult] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.results = results or {}

    def get_attribute(self, obj, attr, default):
        if attr == "results":
            return _public_result(obj, self.results.get(obj.id))
        return super().get_attribute(obj, attr, default)


class BudgetPageSchema(Schema):
    items = fields.List(fields.Nested(BudgetSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


def _public_result(budget: Budget, stored: BudgetResult | None) -> dict | None:
    """What the public results page shows, or None before it shows anything."""
    if stored is None or stored.ballot_version != budget.ballot_version:
        return None  # not counted yet, or counted before the last change (集計中)
    if not budgets.results_due(budget, ward_today()):
        return None  # only staff see a preview before the results phase
    outcome = stored.outcome
    return {"rule": outcome["rule"], "computed_at": stored.computed_at,
            "voters": (outcome.get("details") or {}).get("voters"),
            "total_cost": outcome["total_cost"], "selected": outcome["selected"],
            "projects": [{"code": row["project_id"], "score": row["score"],
                          "votes": row["votes"], "cost": row["cost"],
                          "selected": row["selected"], "reason": row["reason"]}
                         for row in outcome["results"]]}


def _options():
    return (selectinload(Budget.projects),
            joinedload(Budget.process).selectinload(Process.phases))


def _results_of(ids: list[int]) -> dict[int, BudgetResult]:
    if not ids:
        return {}
    return {r.budget_id: r for r in db.session.scalars(
        select(BudgetResult).where(BudgetResult.budget_id.in_(ids)))}


def page(query: dict) -> dict:
    statement = (select(Budget).join(Process, Process.id == Budget.process_id)
                 .where(spaces.publicly_visible()).options(*_options()))
    if query.get("process_id") is not None:
        statement = statement.where(Budget.process_id == query["process_id"])
    found = paging.page(statement, Budget.id, query)
    schema = BudgetSchema(results=_results_of([b.id for b in found.items]))
    return {"items": schema.dump(found.items, many=True), "next_cursor": found.next_cursor}


def visible(budget_id: int) -> Budget | None:
    """The budget if everyone may see its process (the budget page's own rule), else None."""
    budget = db.session.get(Budget, budget_id, options=_options())
    if budget is None or not can("process.view", budget.process, user=visitor()):
        return None
    return budget


def one(budget: Budget) -> dict:
    return BudgetSchema(results=_results_of([budget.id])).dump(budget)


def published_results(budget: Budget) -> dict | None:
    return _public_result(budget, _results_of([budget.id]).get(budget.id))
