"""Cursor pages in a stable order (by id): a page never repeats or skips a row when rows are
added while a client walks the list, which offsets (page=2, 3 …) cannot promise."""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates

from civic.extensions import db
from civic.forms import DB_INT_MAX

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"after": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id a cursor continues after; ValueError for anything this module did not write."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        after = json.loads(raw)["after"]
    except (binascii.Error, ValueError, TypeError, KeyError) as error:
        raise ValueError("not a cursor of this API") from error
    if type(after) is not int or not 0 <= after <= DB_INT_MAX:
        raise ValueError("not a cursor of this API")
    return after


class PageQuery(Schema):
    """The query parameters of every list; unknown ones (a cache buster) are ignored."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=DEFAULT_LIMIT, strict=False,
                           validate=validate.Range(1, MAX_LIMIT),
                           metadata={"description": f"Items per page, 1 to {MAX_LIMIT}."})
    cursor = fields.String(load_default=None,
                           metadata={"description": "next_cursor of the previous page (opaque); "
                                                    "absent or empty: the first page."})

    @validates("cursor")
    def _cursor(self, value, **_kwargs):
        if value:
            try:
                decode_cursor(value)
            except ValueError as error:
                raise ValidationError("Not a cursor of this API.") from error


class SinceQuery(PageQuery):
    updated_since = fields.AwareDateTime(
        load_default=None, default_timezone=UTC,
        metadata={"description": "ISO 8601 date and time; only items changed since then "
                                 "(UTC when no offset is given)."})


    @post_load
    def _as_stored(self, data, **_kwargs):
        """``updated_since`` as the naive UTC the columns store."""
        if (moment := data.get("updated_since")) is not None:
            try:
                data["updated_since"] = moment.astimezone(UTC).replace(tzinfo=None)
            except OverflowError as error:  # 9999-12-31T23:00-01:00 is after the last year
                raise ValidationError("Not a representable date.", "updated_since") from error
        return data


def since(query: dict):
    """``updated_since`` (naive UTC), or None."""
    return query.get("updated_since")


@dataclass
class Page:
    items: list
    next_cursor: str | None


def page(statement, id_column, query: dict) -> Page:
    """One page of ``statement`` (already filtered to what everyone may see), ordered by id."""
    if query.get("cursor"):
        statement = statement.where(id_column > decode_cursor(query["cursor"]))
    limit = query["limit"]
    rows = list(db.session.scalars(statement.order_by(id_column).limit(limit + 1)).unique())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more else None)
