"""Participatory processes with their phases, as far as everyone may see them (published)."""

from marshmallow import Schema, fields
from sqlalchemy import select

from civic.api import paging
from civic.api.common import Moment
from civic.spaces import services as spaces
from civic.spaces.models import FEATURES, Process


class PhaseSchema(Schema):
    id = fields.Integer(required=True)
    position = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    open_features = fields.Function(lambda phase: phase.open_features(), required=True,
                                    metadata={"type": "array",
                                              "items": {"type": "string", "enum": list(FEATURES)}})


class ProcessSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    title = fields.String(required=True)
    summary = fields.String(required=True)
    description = fields.String(required=True)
    area_id = fields.Integer(required=True, allow_none=True,
                             metadata={"description": "None: the whole ward."})
    created_at = Moment(required=True)
    phases = fields.List(fields.Nested(PhaseSchema), required=True)


class ProcessPageSchema(Schema):
    items = fields.List(fields.Nested(ProcessSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


def page(query: dict) -> dict:
    statement = select(Process).where(spaces.publicly_visible())
    if (moment := paging.since(query)) is not None:
        statement = statement.where(Process.created_at >= moment)
    return ProcessPageSchema().dump(paging.page(statement, Process.id, query))
