"""GeoJSON (RFC 7946) for places: plain data in, a FeatureCollection out. No Flask here.

RFC 7946 positions are [longitude, latitude] in WGS 84 (§3.1.1, §4); no "crs" member (§4). Six
decimals are about 10 cm, more than a map of a ward needs (§11.2 advises against false precision).
"""

from collections.abc import Iterable, Mapping

DECIMALS = 6


def position(lat: float, lon: float) -> list[float]:
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"not a WGS 84 position: lat={lat}, lon={lon}")
    return [round(float(lon), DECIMALS), round(float(lat), DECIMALS)]


def feature(place_id: int, lat: float, lon: float, properties: Mapping) -> dict:
    return {
        "type": "Feature",
        "id": place_id,
        "geometry": {"type": "Point", "coordinates": position(lat, lon)},
        "properties": dict(properties),
    }


def feature_collection(rows: Iterable[Mapping]) -> dict:
    """``rows``: mappings with ``id``, ``lat``, ``lon`` and ``properties``."""
    features = [feature(row["id"], row["lat"], row["lon"], row["properties"]) for row in rows]
    collection: dict = {"type": "FeatureCollection", "features": features}
    if features:
        lons = [f["geometry"]["coordinates"][0] for f in features]
        lats = [f["geometry"]["coordinates"][1] for f in features]
        collection["bbox"] = [min(lons), min(lats), max(lons), max(lats)]
    return collection
