"""Cross-cutting protections that every route, present and future, must keep."""

import re

from tests.conftest import make_app


def _sample_path(rule) -> str:
    """A concrete URL for a rule, with placeholder values for its arguments."""
    def value(match):
        converter = match.group(1) or ""
        return "1" if converter.startswith(("int", "float")) else "x"

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule.rule)


def test_every_state_changing_route_requires_a_csrf_token(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    checked = []
    for rule in app.url_map.iter_rules():
        unsafe = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not unsafe or rule.endpoint == "static":
            continue
        for method in unsafe:
            response = client.open(_sample_path(rule), method=method, data={"x": "1"})
            assert response.status_code == 400, f"{method} {rule.rule} accepted a forged request"
            checked.append(rule.rule)
    assert "/login" in checked and "/language" in checked


def test_session_cookies_are_http_only_and_same_site(client, make_user):
    from tests.conftest import login

    response = login(client, make_user())
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
