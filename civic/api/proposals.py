"""協働事業提案 as the API shows them: the ones everyone may see, with their answer and progress.

Which proposals those are is the proposals package's rule (``visible_anywhere`` for lists,
``proposal.view`` for one), read here as a visitor.
"""

import functools

from marshmallow import Schema, fields, validate
from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import joinedload

from civic.accounts.permissions import can
from civic.api import paging
from civic.api.common import Moment, PublicName, visitor
from civic.extensions import db
from civic.forms import DB_INT_MAX
from civic.proposals import lifecycle
from civic.proposals import services as proposals
from civic.proposals.models import UPDATE_KINDS, ProgressUpdate, Proposal
from civic.spaces.models import Process


class ProposalQuery(paging.SinceQuery):
    process_id = fields.Integer(load_default=None, strict=False,
                                validate=validate.Range(1, DB_INT_MAX),
                                metadata={"description": "Only the proposals of this process."})


class ProgressUpdateSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(UPDATE_KINDS)})
    progress = fields.Integer(required=True, metadata={"minimum": 0, "maximum": 100})
    body = fields.String(required=True)
    kpi_values = fields.String(required=True)
    self_evaluation = fields.String(required=True)
    created_at = Moment(required=True)


class ProposalSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True)
    area_id = fields.Integer(required=True, allow_none=True)
    title = fields.String(required=True)
    body = fields.String(required=True, metadata={"description": "Markdown subset."})
    category = fields.String(required=True)
    estimated_cost = fields.Integer(required=True, allow_none=True, metadata={"description": "Yen."})
    role_residents = fields.String(required=True)
    role_ward = fields.String(required=True)
    kpis = fields.String(required=True)
    language = fields.String(required=True)
    state = fields.String(required=True, metadata={"enum": list(lifecycle.PUBLIC_STATES)})
    answer = fields.String(required=True)
    answered_at = Moment(required=True, allow_none=True)
    published_at = Moment(required=True, allow_none=True)
    support_count = fields.Integer(required=True)
    comment_count = fields.Integer(required=True)
    progress = fields.Integer(required=True, metadata={"minimum": 0, "maximum": 100})
    author = PublicName("author", required=True)
    progress_updates = fields.List(fields.Nested(ProgressUpdateSchema), required=True)


class ProposalPageSchema(Schema):
    items = fields.List(fields.Nested(ProposalSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


# Made once: making a schema (its fields bound, its options read) cost more than dumping one
# proposal with it. The updates are dumped apart because a page reads them in one query for all
# its proposals, not one per proposal.
_FIELDS = ProposalSchema(exclude=("progress_updates",))
_UPDATES = ProgressUpdateSchema(many=True)


def _dumped(proposal: Proposal, updates: list[ProgressUpdate]) -> dict:
    return {**_FIELDS.dump(proposal), "progress_updates": _UPDATES.dump(updates)}


def _updates_of(ids: list[int]) -> dict[int, list[ProgressUpdate]]:
    found: dict[int, list[ProgressUpdate]] = {}
    if ids:
        for update in db.session.scalars(
                select(ProgressUpdate).where(ProgressUpdate.proposal_id.in_(ids))
                .order_by(ProgressUpdate.created_at.desc(), ProgressUpdate.id.desc())):
            found.setdefault(update.proposal_id, []).append(update)
    return found


def page(query: dict) -> dict:
    statement = (select(Proposal).where(proposals.visible_anywhere(None))
                 .options(*proposals.card_options()))
    if query.get("process_id") is not None:
        statement = statement.where(Proposal.process_id == query["process_id"])
    if (moment := paging.since(query)) is not None:
        # No proposal keeps an edit time: what changes in public is its publication and answer.
        statement = statement.where(or_(Proposal.published_at >= moment,
                                        Proposal.answered_at >= moment))
    found = paging.page(statement, Proposal.id, query)
    updates = _updates_of([p.id for p in found.items
                           if p.state in lifecycle.ACCOUNTABLE_STATES])  # as proposals.updates
    return {"items": [_dumped(p, updates.get(p.id, [])) for p in found.items],
            "next_cursor": found.next_cursor}


@functools.cache
def _one_proposal():
    # One query for what the rule and the answer read (its process, author and area); the
    # process's phases (loaded with it by default) are asked by neither. Built once, at first
    # use (the options need every model mapped): building it again for each of the thousands
    # of proposals a program reads cost more than running it.
    return (select(Proposal).where(Proposal.id == bindparam("proposal_id"))
            .options(joinedload(Proposal.process).lazyload(Process.phases),
                     *proposals.card_options()))


def visible(proposal_id: int) -> Proposal | None:
    """The proposal if everyone may see it, else None (a draft is as absent as a missing one)."""
    proposal = db.session.scalars(_one_proposal(), {"proposal_id": proposal_id}).first()
    if proposal is None or not can("proposal.view", proposal, user=visitor()):
        return None
    return proposal


def one(proposal: Proposal) -> dict:
    return _dumped(proposal, proposals.updates(proposal))
