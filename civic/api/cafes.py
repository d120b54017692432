"""World cafés' harvests (ワールドカフェの記録) as the API shows them: the harvests a facilitator
published, of cafés in published processes — ``cafe.services.published_harvest``, the same data
as the public harvest page: the rounds' questions and the tables' notes with their topics.

Who took part, who sat where or wrote which note, when a note was posted and the tables'
meeting links never appear.
"""

from marshmallow import Schema, fields
from sqlalchemy.orm import selectinload

from civic.api import paging
from civic.api.common import Moment
from civic.cafe import services as cafes
from civic.cafe.models import MODES, Cafe
from civic.extensions import db

# What a harvest is read from: a write to any of them changes it (a process unpublished hides it).
TABLES = ("cafe", "cafe_round", "cafe_table", "cafe_note", "process")


class CafeNoteSchema(Schema):
    id = fields.Integer(required=True)
    round = fields.Integer(required=True, metadata={"description": "The round it was written in."})
    text = fields.String(required=True)
    key_idea = fields.Boolean(required=True, metadata={
        "description": "Marked as a key idea by the table's host or a facilitator."})


class CafeTableSchema(Schema):
    number = fields.Integer(required=True, metadata={"description": "1, 2, … as in the room."})
    topic = fields.String(required=True, metadata={"description": "Empty in classic mode."})
    notes = fields.List(fields.Nested(CafeNoteSchema), required=True,
                        metadata={"description": "Oldest first."})


class CafeRoundSchema(Schema):
    number = fields.Integer(required=True)
    question = fields.String(required=True)


class CafeSchema(Schema):
    id = fields.Integer(required=True)
    process_id = fields.Integer(required=True)
    title = fields.String(required=True)
    purpose = fields.String(required=True)
    mode = fields.String(required=True, metadata={
        "enum": list(MODES), "description": "classic: every table talks about the round's "
                                            "question; topic: every table has its own topic."})
    published_at = Moment(required=True, metadata={"description": "When the harvest was "
                                                                  "published."})
    rounds = fields.List(fields.Nested(CafeRoundSchema), required=True)
    tables = fields.List(fields.Nested(CafeTableSchema), required=True)


class CafePageSchema(Schema):
    items = fields.List(fields.Nested(CafeSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


_SCHEMA = CafeSchema()


def _statement():
    return cafes.published_harvests().options(selectinload(Cafe.rounds),
                                              selectinload(Cafe.tables))


def page(query: dict) -> dict:
    statement = _statement()
    if (moment := paging.since(query)) is not None:
        statement = statement.where(Cafe.harvest_published_at >= moment)
    found = paging.page(statement, Cafe.id, query)
    return {"items": _SCHEMA.dump([cafes.published_harvest(c) for c in found.items], many=True),
            "next_cursor": found.next_cursor}


def visible(cafe_id: int) -> Cafe | None:
    """The café if everyone may read its harvest, else None."""
    return db.session.scalars(_statement().where(Cafe.id == cafe_id)).first()


def one(cafe: Cafe) -> dict:
    return _SCHEMA.dump(cafes.published_harvest(cafe))
