"""Areas (地域) as the API shows them: all of them are public."""

from marshmallow import Schema, fields
from sqlalchemy import select

from civic.api import paging
from civic.spaces.models import Area


class AreaSchema(Schema):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)


class AreaPageSchema(Schema):
    items = fields.List(fields.Nested(AreaSchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True)


def page(query: dict) -> dict:
    return AreaPageSchema().dump(paging.page(select(Area), Area.id, query))
