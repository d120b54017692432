"""The shared page chrome comes from the cache, but each person still sees their own header."""

import re

from civic.caching import services as caching
from civic.notifications import services as notifications
from tests.conftest import PASSWORD, csrf_token_from, login, make_app


def _next_fields(html: str) -> list[str]:
    return re.findall(r'name="next" value="([^"]*)"', html)


def test_each_person_sees_their_own_links_bell_token_and_way_back(
        database_url, ctx, make_user):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    resident, staff = make_user(), make_user(roles=("staff",))
    notifications.notify(resident.id, "comment", actor=staff, subject="返信がありました",
                         endpoint="spaces.home", url_values={})
    from civic.extensions import db

    db.session.commit()

    def signed_in(user):
        client = app.test_client()
        token = csrf_token_from(client.get("/login").text)
        client.post("/login", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": token})
        return client

    resident_client, staff_client = signed_in(resident), signed_in(staff)
    resident_page = resident_client.get("/accessibility").text
    staff_page = staff_client.get("/accessibility").text
    assert '<span class="count" aria-hidden="true">1</span>' in resident_page
    assert 'class="count"' not in staff_page
    assert "/staff" in staff_page and "/staff" not in resident_page
    assert csrf_token_from(resident_page) != csrf_token_from(staff_page)
    assert caching.slot("csrf") not in resident_page + staff_page
    assert _next_fields(resident_page) == ["/accessibility"] * 2
    elsewhere = resident_client.get("/processes?a=1&b=%3Cx%3E").text
    assert _next_fields(elsewhere) == ["/processes?a=1&amp;b=%3Cx%3E"] * 2
    assert caching.slot("here") not in elsewhere

    guest = app.test_client().get("/accessibility").text
    assert "/login" in guest and 'class="bell"' not in guest


def test_the_bell_counts_down_when_read(client, make_user):
    user = make_user()
    notifications.notify(user.id, "comment", actor=None, subject="お知らせ",
                         endpoint="spaces.home", url_values={})
    from civic.extensions import db

    db.session.commit()
    login(client, user)
    assert '<span class="count" aria-hidden="true">1</span>' in client.get("/").text
    client.post("/notifications/read")
    assert 'class="count"' not in client.get("/").text


def test_the_site_icon_is_served_and_cached_for_a_week(client):
    page = client.get("/accessibility").text
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg[^"]*" type="image/svg\+xml">',
                     page)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
    assert icon.cache_control.max_age == 7 * 24 * 3600
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_the_header_is_one_row_and_a_menu_with_a_drawn_bell(client, make_user):
    login(client, make_user(roles=("staff",)))
    page = client.get("/accessibility").text
    header = re.search(r'<header class="site-header">.*?</header>', page, re.S).group(0)
    assert "🔔" not in header
    row, menu = header.split('<details class="menu">', 1)
    assert re.search(r'<a class="bell" href="/notifications"><svg [^>]*aria-hidden="true"', row)
    assert "お知らせ" in row  # the bell's name, for screen readers and wide screens
    # Everything else is in the menu, which needs no JavaScript to open.
    for part in ('href="/processes"', 'href="/staff"', 'action="/logout"', 'id="lang-select"',
                 'action="/furigana"'):
        assert part in menu and part not in row, part
    assert "<summary>" in menu and "メニュー</summary>" in menu
    assert "<script" not in header
