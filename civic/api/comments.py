"""Comments on a proposal as the API shows them: those everyone may read, by display name."""

from marshmallow import Schema, fields
from sqlalchemy import or_, select

from civic.api import paging
from civic.api.common import Moment, PublicName, visitor
from civic.comments import services as comments
from civic.comments.models import STANCES, Comment


class CommentSchema(Schema):
    id = fields.Integer(required=True)
    parent_id = fields.Integer(required=True, allow_none=True)
    depth = fields.Integer(required=True)
    stance = fields.String(required=True, allow_none=True, metadata={"enum": [*STANCES, None]})
    body = fields.String(required=True)
    language = fields.String(required=True)
    created_at = Moment(required=True)
    edited_at = Moment(required=True, allow_none=True)
    up_count = fields.Integer(required=True)
    down_count = fields.Integer(required=True)
    author = PublicName("author", required=True)


class CommentPageSchema(Schema):
    items = fields.List(fields.Nested(CommentSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


def visible_target(target_type: str, target_id: int):
    """The commented object if everyone may see it (its package's ``can_view``), else None."""
    entry, target = comments.load_target(target_type, target_id)
    if target is None or not entry.can_view(visitor(), target):
        return None
    return target


def page(target_type: str, target_id: int, query: dict) -> dict:
    statement = select(Comment).where(Comment.target_type == target_type,
                                      Comment.target_id == target_id, *comments.shown_publicly())
    if (moment := paging.since(query)) is not None:
        statement = statement.where(or_(Comment.created_at >= moment, Comment.edited_at >= moment))
    return CommentPageSchema().dump(paging.page(statement, Comment.id, query))


def public_page(query: dict) -> dict:
    """Every comment everyone may read on every public proposal (the open-data dataset): the
    same rules as ``page``, the proposals' list rule standing in for one proposal's."""
    from civic.proposals import services as proposals
    from civic.proposals.models import Proposal

    statement = select(Comment).where(
        Comment.target_type == "proposal", *comments.shown_publicly(),
        Comment.target_id.in_(select(Proposal.id).where(proposals.visible_anywhere(None))))
    found = paging.page(statement, Comment.id, query)
    schema = CommentSchema()
    return {"items": [{**schema.dump(c), "proposal_id": c.target_id} for c in found.items],
            "next_cursor": found.next_cursor}
