"""Reading and saving places; the views call these, the GeoJSON shape lives in geojson.py."""

from sqlalchemy import select

from civic.audit.services import record
from civic.extensions import db
from civic.places import geojson
from civic.places.models import CATEGORIES, Place

EDITABLE = ("name", "category", "lat", "lon", "address", "opening_info", "description", "url",
            "published")


def published_places(area_id: int | None = None, category: str | None = None) -> list[Place]:
    statement = select(Place).where(Place.published.is_(True)).order_by(Place.area_id,
                                                                        Place.category, Place.name)
    if area_id:
        statement = statement.where(Place.area_id == area_id)
    if category in CATEGORIES:
        statement = statement.where(Place.category == category)
    return list(db.session.scalars(statement))


def feature_collection(area_id: int | None = None, category: str | None = None,
                       *, link=None) -> dict:
    """The published places as GeoJSON; ``link(place_id)`` gives each one's page address.

    Reads the columns only (no ORM objects): the download of thousands of places stays cheap.
    """
    statement = select(Place.id, Place.name, Place.category, Place.area_id, Place.lat, Place.lon,
                       Place.address, Place.opening_info).where(Place.published.is_(True))
    if area_id:
        statement = statement.where(Place.area_id == area_id)
    if category in CATEGORIES:
        statement = statement.where(Place.category == category)
    rows = []
    for row in db.session.execute(statement.order_by(Place.id)):
        properties = {"name": row.name, "category": row.category, "area_id": row.area_id,
                      "address": row.address, "opening_info": row.opening_info}
        if link is not None:
            properties["url"] = link(row.id)
        rows.append({"id": row.id, "lat": row.lat, "lon": row.lon, "properties": properties})
    return geojson.feature_collection(rows)


def save_place(place: Place, data: dict, actor) -> Place:
    created = place.id is None
    for name in EDITABLE:
        value = data[name]
        setattr(place, name, value.strip() if isinstance(value, str) else value)
    place.area_id = data["area"]
    place.group_id = data.get("group") or None
    if created:
        place.created_by_id = actor.id
        db.session.add(place)
    db.session.flush()
    record(actor, "place.created" if created else "place.updated", place, name=place.name)
    db.session.commit()
    return place
