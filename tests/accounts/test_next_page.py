"""A newcomer who scans a residency QR comes back to the code after registering."""

import html
import re
from urllib.parse import unquote

import pytest

from civic.i18n import safe_next

NEW_PERSON = {"email": "tenkyo@example.jp", "display_name": "転入者", "password": "long enough pw",
              "confirm": "long enough pw", "locale": "ja"}


def _register_form(page: str) -> str:
    return re.search(r'<form method="post" novalidate class="stack">.*?</form>', page, re.S).group(0)


def _hrefs(page: str, path: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(rf'href="({re.escape(path)}[^"]*)"', page)]


def test_the_code_from_a_qr_survives_login_and_registration(client, ctx):
    scanned = client.get("/verify?code=ABCD-EFGH-JKMN")
    assert scanned.status_code == 302
    login_url = scanned.headers["Location"]
    login_page = client.get(login_url).text
    (register_link,) = _hrefs(login_page, "/register?")
    assert unquote(register_link) == "/register?next=/verify?code=ABCD-EFGH-JKMN"

    register_page = client.get(register_link).text
    assert '<input type="hidden" name="next" value="/verify?code=ABCD-EFGH-JKMN">' in register_page
    assert "/verify?code=ABCD-EFGH-JKMN" in unquote(_hrefs(register_page, "/login?")[0])

    # The form posts to /register itself; the hidden field carries where to go.
    registered = client.post("/register", data={**NEW_PERSON, "next": "/verify?code=ABCD-EFGH-JKMN"})
    assert registered.status_code == 302
    # Registering signs nobody in (the answer must not tell a new address from a taken one):
    # the sign-in page comes next, and it still knows where to go.
    sign_in = registered.headers["Location"]
    assert unquote(sign_in) == "/login?next=/verify?code=ABCD-EFGH-JKMN"
    signed_in = client.post(sign_in, data={"email": NEW_PERSON["email"],
                                           "password": NEW_PERSON["password"]})
    assert signed_in.headers["Location"] == "/verify?code=ABCD-EFGH-JKMN"
    verify_page = client.get(signed_in.headers["Location"]).text
    assert 'value="ABCD-EFGH-JKMN"' in verify_page


def test_a_failed_registration_keeps_where_to_go(client, ctx):
    page = client.post("/register", data={**NEW_PERSON, "confirm": "other",
                                          "next": "/verify?code=ABCD"})
    assert page.status_code == 422
    assert '<input type="hidden" name="next" value="/verify?code=ABCD">' in page.text


def test_without_next_registration_goes_to_the_sign_in_page(client, ctx):
    assert 'name="next"' not in _register_form(client.get("/register").text)
    registered = client.post("/register", data=NEW_PERSON)
    assert registered.headers["Location"] == "/login"


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "javascript:alert(1)", "verify",
])
def test_other_sites_are_never_carried_or_redirected_to(client, ctx, target):
    assert safe_next(target, "") == ""
    login_page = client.get("/login", query_string={"next": target}).text
    assert _hrefs(login_page, "/register?") == []
    register_page = client.get("/register", query_string={"next": target}).text
    assert 'name="next"' not in _register_form(register_page)
    registered = client.post("/register", data={**NEW_PERSON, "next": target})
    assert registered.headers["Location"] == "/login"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/verify\r\nSet-Cookie: x=1"])
def test_a_next_with_control_characters_is_a_bad_request(client, ctx, target):
    """Browsers drop tabs inside addresses (a slash, a tab, /evil.example is //evil.example), and
    a line break would end the Location header: no page of ours makes such a link."""
    assert client.get("/login", query_string={"next": target}).status_code == 400
    assert client.post("/register", data={**NEW_PERSON, "next": target}).status_code == 400


def test_same_site_paths_pass():
    assert safe_next("/processes/x?tab=1#c", "") == "/processes/x?tab=1#c"
