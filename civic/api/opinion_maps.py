"""Opinion maps (意見マップ) as the API shows them: the published report of a conversation whose
map residents may see (a published process, the map public, computed at least once).

The answer is ``opinions.services.published_report``: groups by size with their representative
statements, the common ground, the divisive and the uncertain statements — only statements that
are shown (moderated in), and no participant, position on the map or shared detail.
"""

from marshmallow import Schema, fields
from sqlalchemy import select

from civic.accounts.permissions import can
from civic.api import paging
from civic.api.common import visitor
from civic.extensions import db
from civic.opinions import services as opinions
from civic.opinions.models import Conversation, OpinionResult
from civic.spaces import services as spaces
from civic.spaces.models import Process

# What a report is read from: a write to any of them changes it.
TABLES = ("opinion_conversation", "opinion_statement", "opinion_result", "process")
PERCENT = {"description": "Per cent of the votes seen (0 to 100)."}


class ShareSchema(Schema):
    seen = fields.Integer(required=True, metadata={"description": "Votes cast on it."})
    agree = fields.Float(required=True, metadata=PERCENT)
    disagree = fields.Float(required=True, metadata=PERCENT)
    passed = fields.Float(required=True, metadata=PERCENT)


class RepresentativeSchema(Schema):
    statement = fields.Integer(required=True)
    text = fields.String(required=True)
    repful_for = fields.String(required=True, metadata={"enum": ["agree", "disagree"],
                                                        "description": "What sets the group "
                                                                       "apart on it."})
    percent = fields.Float(required=True, metadata={"description": "Per cent of the group who "
                                                                   "voted so."})
    others_percent = fields.Float(required=True, metadata={"description": "Per cent of everyone "
                                                                          "else who voted so."})


class GroupSchema(Schema):
    id = fields.Integer(required=True)
    size = fields.Integer(required=True)
    representative = fields.List(fields.Nested(RepresentativeSchema), required=True)


class ListedSchema(Schema):
    statement = fields.Integer(required=True)
    text = fields.String(required=True)
    groups = fields.List(fields.Nested(ShareSchema), required=True,
                         metadata={"description": "Per group, in the order of groups."})


class OpinionMapSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True)
    question = fields.String(required=True)
    computed_at = fields.String(required=True, metadata={"format": "date-time"})
    participant_count = fields.Integer(required=True)
    vote_count = fields.Integer(required=True)
    groups = fields.List(fields.Nested(GroupSchema), required=True)
    consensus = fields.List(fields.Nested(ListedSchema), required=True)
    divisive = fields.List(fields.Nested(ListedSchema), required=True)
    uncertain = fields.List(fields.Nested(ListedSchema), required=True)


class OpinionMapPageSchema(Schema):
    items = fields.List(fields.Nested(OpinionMapSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


def _report(conversation: Conversation) -> dict | None:
    if not can("opinions.map", conversation, user=visitor()):
        return None
    report = opinions.published_report(conversation)
    if report is None:
        return None
    return {**report, "id": conversation.id, "process_id": conversation.process_id}


def page(query: dict) -> dict:
    statement = (select(Conversation).join(Process, Process.id == Conversation.process_id)
                 .join(OpinionResult, OpinionResult.conversation_id == Conversation.id)
                 .where(spaces.publicly_visible(), Conversation.map_public.is_(True)))
    if (moment := paging.since(query)) is not None:
        statement = statement.where(OpinionResult.computed_at >= moment)
    found = paging.page(statement, Conversation.id, query)
    items = [report for c in found.items if (report := _report(c)) is not None]
    return OpinionMapPageSchema().dump({"items": items, "next_cursor": found.next_cursor})


def visible(conversation_id: int) -> Conversation | None:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or _report(conversation) is None:
        return None
    return conversation


def one(conversation: Conversation) -> dict:
    return OpinionMapSchema().dump(_report(conversation))


def polis_zip(conversation_id: int) -> bytes | None:
    """The public Polis export of a conversation whose map is published, else None."""
    conversation = visible(conversation_id)
    return None if conversation is None else opinions.export_zip(conversation, public=True)


def published_ids() -> list[int]:
    ids, cursor = [], None
    while True:
        statement = (select(Conversation).join(Process, Process.id == Conversation.process_id)
                     .join(OpinionResult, OpinionResult.conversation_id == Conversation.id)
                     .where(spaces.publicly_visible(), Conversation.map_public.is_(True)))
        found = paging.page(statement, Conversation.id, {"limit": paging.MAX_LIMIT,
                                                         "cursor": cursor})
        ids += [c.id for c in found.items if _report(c) is not None]
        if (cursor := found.next_cursor) is None:
            return ids
