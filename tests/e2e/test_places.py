"""地域資源マップ in a real browser: with JavaScript the Leaflet map draws the places (the tile
server is blocked, so no network is needed and the map must still work); without JavaScript the
list is the page and the filter works."""

import pytest
from playwright.sync_api import expect

from civic.extensions import db
from civic.places.models import Place


@pytest.fixture
def places(make_area):
    north, south = make_area(name="本町地区"), make_area(name="青葉台地区")
    db.session.add_all([
        Place(name="本町会館", category="meeting_room", area_id=north.id, lat=35.6581,
              lon=139.7017),
        Place(name="川沿い公園", category="park", area_id=north.id, lat=35.6601, lon=139.7050),
        Place(name="青葉台こども食堂", category="welfare", area_id=south.id, lat=35.6402,
              lon=139.6808),
    ])
    db.session.commit()
    return north, south


def test_with_javascript_the_map_draws_the_places_without_the_tile_server(phone, places, shoot):
    tiles = []
    phone.route("https://cyberjapandata.gsi.go.jp/**",
                lambda route: (tiles.append(route.request.url), route.abort()))
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto("/places/map")
    box = phone.locator("#place-map")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("data-ready", "3")
    expect(phone.locator("#place-map path.leaflet-interactive")).to_have_count(3)
    expect(phone.locator(".leaflet-control-attribution")).to_contain_text("出典：国土地理院")
    assert tiles, "Leaflet asked the (blocked) tile server for tiles"
    phone.locator("#place-map path.leaflet-interactive").first.click(force=True)
    expect(phone.locator(".leaflet-popup-content a")).to_be_visible()
    expect(phone.locator(".place-list")).to_contain_text("本町会館")  # the list stays below
    assert not errors
    shoot(phone, "map")


def test_without_javascript_the_list_works_and_filters(browser, live_server, places, shoot):
    _north, south = places
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="ja-JP",
                                  base_url=live_server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/places/map")
    expect(page.locator("#place-map")).to_be_hidden()
    expect(page.locator(".place-list")).to_contain_text("本町会館")
    page.select_option("#area", str(south.id))
    with page.expect_navigation():
        page.locator("form.filter button").click()
    expect(page.locator(".place-list")).to_contain_text("青葉台こども食堂")
    expect(page.locator(".place-list")).not_to_contain_text("本町会館")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    shoot(page, "list")
    context.close()
