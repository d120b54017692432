"""The /api/v1 routes of opinion maps and cafés' harvests, on the API's blueprint (kept apart
from civic/api/views.py so that features add routes without reshaping it)."""

from civic.api import cafes, opinion_maps, paging
from civic.api.openapi import documented
from civic.api.views import _cached, _key, _query, bp
from civic.transactions import read_only


@bp.get("/v1/opinion-maps")
@read_only
@documented("Published opinion maps (意見マップ): groups with their size and representative "
            "statements, common ground, divisive and uncertain statements; updated_since reads "
            "when the map was computed.", opinion_maps.OpinionMapPageSchema, paging.SinceQuery)
def opinion_map_list():
    query = _query(paging.SinceQuery)
    return _cached("opinion_maps", _key(query), opinion_maps.TABLES,
                   lambda: opinion_maps.page(query))


@bp.get("/v1/opinion-maps/<int:conversation_id>")
@read_only
@documented("One published opinion map.", opinion_maps.OpinionMapSchema, path="conversation_id")
def opinion_map(conversation_id: int):
    def compute():
        found = opinion_maps.visible(conversation_id)
        return None if found is None else opinion_maps.one(found)

    return _cached("opinion_map", (conversation_id,), opinion_maps.TABLES, compute,
                   "opinion map")


@bp.get("/v1/cafes")
@read_only
@documented("Published harvests of world cafés (ワールドカフェ): the rounds' questions and the "
            "tables' notes with their topics, never who took part or wrote them; updated_since "
            "reads when the harvest was published.", cafes.CafePageSchema, paging.SinceQuery)
def cafe_list():
    query = _query(paging.SinceQuery)
    return _cached("cafes", _key(query), cafes.TABLES, lambda: cafes.page(query))


@bp.get("/v1/cafes/<int:cafe_id>")
@read_only
@documented("The published harvest of one world café.", cafes.CafeSchema, path="cafe_id")
def cafe(cafe_id: int):
    def compute():
        found = cafes.visible(cafe_id)
        return None if found is None else cafes.one(found)

    return _cached("cafe", (cafe_id,), cafes.TABLES, compute, "café harvest")
