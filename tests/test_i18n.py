from civic.extensions import db
from tests.conftest import login


def _lang(response) -> str:
    page = response.get_data(as_text=True)
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_japanese_is_the_default(client, ctx):
    response = client.get("/")
    assert _lang(response) == "ja"
    assert "受付中の参加プロセス" in response.get_data(as_text=True)


def test_accept_language_is_used_when_nothing_else_says(client, ctx):
    assert _lang(client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})) == "en"
    assert _lang(client.get("/", headers={"Accept-Language": "fr, de"})) == "ja"


def test_query_parameter_beats_cookie_and_header_and_is_remembered(client, ctx):
    response = client.get("/?lang=en", headers={"Accept-Language": "ja"})
    assert _lang(response) == "en" and "Open processes" in response.get_data(as_text=True)
    assert _lang(client.get("/", headers={"Accept-Language": "ja"})) == "en"  # from the cookie
    assert _lang(client.get("/?lang=ja")) == "ja"
    assert _lang(client.get("/?lang=xx")) == "ja"


def test_the_users_setting_beats_everything(client, make_user):
    user = make_user(locale="en")
    login(client, user)
    assert _lang(client.get("/?lang=ja", headers={"Accept-Language": "ja"})) == "en"


def test_the_switcher_sets_the_cookie_and_the_users_setting(client, make_user):
    user = make_user(locale="ja")
    response = client.post("/language", data={"lang": "en", "next": "/processes"})
    assert response.status_code == 302 and response.headers["Location"] == "/processes"
    assert _lang(client.get("/")) == "en"
    login(client, user)
    client.post("/language", data={"lang": "en", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "en"


def test_the_switcher_never_redirects_off_site(client, ctx):
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post("/language", data={"lang": "en", "next": target})
        assert response.headers["Location"] == "/"
