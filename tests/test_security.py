"""Cross-cutting protections that every route, present and future, must keep."""

import re

import pytest

from civic.cafe import services as cafe
from civic.extensions import db
from civic.insights import services as themes
from civic.notifications.models import Notification
from tests.cafe.conftest import CAFE_DATA
from tests.conftest import login, make_app


def _sample_path(rule) -> str:
    """A concrete URL for a rule, with placeholder values for its arguments."""
    def value(match):
        converter = match.group(1) or ""
        return "1" if converter.startswith(("int", "float")) else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule.rule)


def test_every_state_changing_route_requires_a_csrf_token(database_url):
    from civic.extensions import csrf

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        unsafe = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not unsafe or rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        form_checked = f"{view.__module__}.{view.__name__}" in csrf._exempt_views
        for method in unsafe:
            response = client.open(_sample_path(rule), method=method, data={"x": "1"})
            where = f"{method} {rule.rule} accepted a forged request"
            if form_checked:
                # civic.forms.form_checks_csrf: the form refuses it and comes back with the
                # message, unless the view turns the visitor away first (sign-in, not found, an
                # invalid password reset link).
                if response.status_code == 302:
                    assert response.headers["Location"].startswith(
                        ("/login", "/password/forgot")), where
                elif response.status_code != 404:
                    assert "有効期限が切れたため、送信されませんでした" in response.text, where
            else:
                assert response.status_code == 400, where
            checked.append(rule.rule)
    assert "/login" in checked and "/language" in checked


def test_session_cookies_are_http_only_and_same_site(client, make_user):
    from tests.conftest import login

    response = login(client, make_user())
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def rate_limited_app(database_url):
    from civic.extensions import limiter

    # The limiter is one object shared by every app in the session: switch it back off after.
    try:
        yield make_app(database_url, RATELIMIT_ENABLED=True)
    finally:
        limiter.reset()
        limiter.enabled = False


def test_repeated_login_attempts_are_rate_limited_with_a_translated_page(rate_limited_app):
    client = rate_limited_app.test_client()
    statuses = [client.post("/login", data={"email": "a@example.jp", "password": "wrong"}
                            ).status_code for _ in range(12)]
    assert statuses[:10] == [422] * 10
    assert statuses[-1] == 429
    page = client.post("/login", data={"email": "a@example.jp", "password": "x"})
    assert "リクエストが多すぎます" in page.get_data(as_text=True)


def test_hsts_behind_a_trusted_https_proxy(database_url):
    proxied = make_app(database_url, CIVIC_PROXY_FIX=1).test_client()
    response = proxied.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    assert "Strict-Transport-Security" not in proxied.get("/").headers


def test_forwarded_headers_are_ignored_without_the_proxy_setting(database_url):
    direct = make_app(database_url).test_client()
    response = direct.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_nul_bytes_in_form_data_are_refused_at_the_door(client):
    response = client.post("/register", data={"display_name": "a\x00b", "email": "x@example.jp"})
    assert response.status_code == 400
    assert client.get("/proposals/search?q=%00").status_code == 400


def test_personal_pages_and_exports_are_never_stored_by_browsers_or_proxies(
        client, make_user, make_process, make_area):
    admin = make_user(roles=("admin", "staff", "facilitator"))
    notification = Notification(user_id=admin.id, kind="comment", endpoint="spaces.home",
                                url_values={})
    db.session.add(notification)
    db.session.commit()
    process = make_process(features=("cafe_open",))
    a_cafe = cafe.create_cafe(process, CAFE_DATA, admin)
    analysis = themes.create_analysis("調査", None, admin)
    area = make_area()
    login(client, admin)
    personal = ["/account", "/account/data.json", "/account/delete", "/notifications",
                f"/notifications/{notification.id}", "/staff/codes", "/admin/users",
                f"/admin/users/{admin.id}", "/admin/audit", f"/cafes/{a_cafe.id}/harvest.csv",
                f"/staff/themes/{analysis.id}/export.csv"]
    for path in personal:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers.get("Cache-Control") == "no-store", path
    sheet = client.post("/staff/codes", data={"area": area.id, "count": 1, "kind": "letter",
                                              "days": 30})
    assert 'class="code"' in sheet.text and sheet.headers["Cache-Control"] == "no-store"
    # Pages that are the same for everyone stay cacheable.
    for path in ("/", f"/processes/{process.slug}"):
        response = client.get(path)
        assert response.status_code == 200 and "Cache-Control" not in response.headers


@pytest.mark.parametrize("path", ["/processes/a%00b", "/proposals/search%00", "/%00",
                                  "/budgets/1%00/edit"])
def test_nul_bytes_in_the_path_are_refused_at_the_door(client, path):
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("target", ["/a\r\nSet-Cookie: taken=1", "/a\nb", "/a\rb", "/a\tb"])
@pytest.mark.parametrize("route", ["/language", "/furigana"])
def test_a_next_with_line_breaks_is_refused(client, route, target):
    response = client.post(route, data={"lang": "en", "furigana": "on", "next": target})
    assert response.status_code == 400
    assert "taken" not in response.headers.get("Set-Cookie", "")
