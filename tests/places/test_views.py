"""地域資源マップ: the list without JavaScript, the map page's CSP and Leaflet, the GeoJSON, editing."""

import gzip
import json
import math

import pytest

from civic.extensions import db
from civic.places.models import Place
from tests.conftest import login


@pytest.fixture
def places(make_area):
    north, south = make_area(name="本町地区"), make_area(name="青葉台地区")
    rows = [
        Place(name="本町会館", category="meeting_room", area_id=north.id, lat=35.6581, lon=139.7017,
              address="本町1-2-3", opening_info="9:00〜21:00"),
        Place(name="川沿い公園", category="park", area_id=north.id, lat=35.6601, lon=139.7050),
        Place(name="青葉台こども食堂", category="welfare", area_id=south.id, lat=35.6402,
              lon=139.6808),
        Place(name="準備中の拠点", category="activity_site", area_id=south.id, lat=35.64,
              lon=139.68, published=False),
    ]
    db.session.add_all(rows)
    db.session.commit()
    return north, south, rows


def assert_rfc7946_feature_collection(document: dict) -> None:
    """The parts of RFC 7946 a FeatureCollection of points must meet."""
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document  # §4: no other reference system than WGS 84
    assert isinstance(document["features"], list)
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature.get("id"), str | int)  # §3.2
        assert isinstance(feature["properties"], dict)  # §3.2: an object (or null)
        geometry = feature["geometry"]
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]  # §3.1.1: longitude first
        assert all(isinstance(v, float | int) and math.isfinite(v) for v in (lon, lat))
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    if "bbox" in document:  # §5: west, south, east, north
        west, south, east, north = document["bbox"]
        assert west <= east and south <= north
        for feature in document["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            assert west <= lon <= east and south <= lat <= north


def test_the_geojson_is_an_rfc7946_feature_collection_in_lon_lat_order(client, places):
    north, _south, _rows = places
    answer = client.get("/places.geojson")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    document = json.loads(answer.data)
    assert_rfc7946_feature_collection(document)
    names = {f["properties"]["name"]: f for f in document["features"]}
    assert set(names) == {"本町会館", "川沿い公園", "青葉台こども食堂"}  # the unpublished one is not
    assert names["本町会館"]["geometry"]["coordinates"] == [139.7017, 35.6581]
    assert names["本町会館"]["properties"]["url"].endswith(f"/places/{names['本町会館']['id']}")
    only_parks = json.loads(client.get(f"/places.geojson?area={north.id}&category=park").data)
    assert [f["properties"]["name"] for f in only_parks["features"]] == ["川沿い公園"]
    download = client.get("/places.geojson?download=1")
    assert "attachment" in download.headers["Content-Disposition"]


def test_the_geojson_is_gzipped_for_who_accepts_it_and_revalidated_by_its_etag(client, places):
    plain = client.get("/places.geojson")
    packed = client.get("/places.geojson", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in plain.headers and "Accept-Encoding" in packed.headers["Vary"]
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"][:-1] + ':gzip"'  # one per form
    for held in (plain.headers["ETag"], packed.headers["ETag"]):
        again = client.get("/places.geojson", headers={"If-None-Match": held})
        assert again.status_code == 304 and again.headers["ETag"] == held and not again.data
    db.session.add(Place(name="新しい公園", category="park", area_id=places[0].id, lat=35.6,
                         lon=139.7))
    db.session.commit()  # a new place: the tags held no longer match
    changed = client.get("/places.geojson", headers={"If-None-Match": plain.headers["ETag"]})
    assert changed.status_code == 200 and "新しい公園" in changed.text


def test_an_empty_collection_is_still_valid(client, make_area):
    document = json.loads(client.get("/places.geojson").data)
    assert document == {"type": "FeatureCollection", "features": []}


def test_the_list_filters_by_area_and_category_without_javascript(client, places):
    north, south, _rows = places
    page = client.get("/places").text
    assert "本町会館" in page and "青葉台こども食堂" in page and "準備中の拠点" not in page
    assert "<script" not in page.split("</main>")[0]
    page = client.get(f"/places?area={south.id}").text
    assert "青葉台こども食堂" in page and "本町会館" not in page
    page = client.get(f"/places?area={north.id}&category=meeting_room").text
    assert "本町会館" in page and "川沿い公園" not in page
    assert client.get("/places?area=abc&category=<x>").status_code == 200


def test_only_the_map_page_lets_images_come_from_the_tile_server(client, places):
    answer = client.get("/places/map")
    assert answer.status_code == 200
    csp = answer.headers["Content-Security-Policy"]
    img = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert img.split() == ["img-src", "'self'", "data:", "https://cyberjapandata.gsi.go.jp"]
    assert "cyberjapandata" not in csp.replace(img, "")  # images only, not scripts or fetches
    page = answer.text
    assert "本町会館" in page  # the list is on the map page too, for no JavaScript or no tiles
    assert "出典：国土地理院" in page  # the attribution, in the map's settings
    assert "cyberjapandata" not in client.get("/places").headers["Content-Security-Policy"]


def test_leaflet_is_served_by_civic_itself(client, places):
    import re

    page = client.get("/places/map").text
    sources = re.findall(r'src="(/places/leaflet/[^"]+)"', page)
    assert sources and all(src.startswith("/") for src in sources)  # no CDN
    script = client.get(sources[0])
    assert script.status_code == 200 and b"Leaflet" in script.data[:400]
    css = re.search(r'href="(/places/leaflet/[^"]+leaflet\.css)"', page).group(1)
    assert client.get(css).status_code == 200
    assert client.get("/places/leaflet/0.0.0/leaflet.js").status_code == 404
    assert client.get(sources[0].replace("leaflet.js", "../__init__.py")).status_code == 404


def test_the_tile_server_is_configurable(database_url, ctx, places):
    from tests.conftest import make_app

    app = make_app(database_url, CIVIC_MAP_TILE_URL="https://{s}.tile.example.jp/{z}/{x}/{y}.png",
                   CIVIC_MAP_ATTRIBUTION="© 例の地図")
    answer = app.test_client().get("/places/map")
    assert "img-src 'self' data: https://*.tile.example.jp;" in answer.headers[
        "Content-Security-Policy"]
    assert "© 例の地図" in answer.text


def _place_form(area, **changes):
    data = {"name": "新しい集会所", "category": "meeting_room", "area": area.id, "lat": "35.66",
            "lon": "139.70", "address": "本町2-1", "opening_info": "", "description": "",
            "url": "", "group": 0, "published": "y"}
    data.update(changes)
    return data


def test_staff_add_a_place_and_points_outside_the_ward_are_refused(client, make_user, places):
    north, _south, _rows = places
    login(client, make_user(roles=("staff",)))
    outside = client.post("/staff/places/new", data=_place_form(north, lat="43.06", lon="141.35"))
    assert outside.status_code == 422
    assert "新しい集会所" in outside.text  # what was typed is kept
    assert db.session.scalar(db.select(db.func.count()).select_from(Place)) == 4
    for bad in ({"lat": "nan"}, {"lat": "1e400"}, {"lon": "東経"}, {"lat": ""}):
        assert client.post("/staff/places/new", data=_place_form(north, **bad)).status_code == 422
    assert "新しい集会所" not in client.get("/places.geojson").text
    saved = client.post("/staff/places/new", data=_place_form(north))
    assert saved.status_code == 302
    place = db.session.scalar(db.select(Place).where(Place.name == "新しい集会所"))
    assert (place.lat, place.lon, place.area_id) == (35.66, 139.70, north.id)
    assert "新しい集会所" in client.get("/places.geojson").text  # the cached download follows
    from civic.audit.models import AuditEvent

    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.target_id == place.id, AuditEvent.target_type == "place")) == "place.created"


def test_area_staff_edit_only_their_areas_places(client, make_user, places):
    from civic.spaces.models import StaffArea

    north, south, rows = places
    staff = make_user(roles=("staff",))
    db.session.add(StaffArea(user_id=staff.id, area_id=south.id))
    db.session.commit()
    login(client, staff)
    assert client.get(f"/staff/places/{rows[0].id}/edit").status_code == 403
    assert client.get(f"/staff/places/{rows[2].id}/edit").status_code == 200
    # … and cannot move a place into an area they do not act for.
    moved = client.post(f"/staff/places/{rows[2].id}/edit",
                        data=_place_form(north, name="青葉台こども食堂"))
    assert moved.status_code == 422
    assert db.session.get(Place, rows[2].id).area_id == south.id


def test_residents_cannot_edit_and_unpublished_places_are_hidden(client, make_user, places):
    _north, _south, rows = places
    login(client, make_user())
    assert client.get("/staff/places/new").status_code == 403
    assert client.get(f"/places/{rows[3].id}").status_code == 404
    assert client.get(f"/places/{rows[0].id}").status_code == 200
