"""The ふりがな toggle: remembered per user and per guest cookie, only on Japanese pages."""

from civic.extensions import db
from tests.conftest import login


def test_guests_switch_furigana_on_and_off_with_a_cookie(client, make_process):
    make_process(title="青葉台地区 地域予算")
    assert "<ruby>" not in client.get("/").get_data(as_text=True)
    response = client.post("/furigana", data={"furigana": "on", "next": "/processes"})
    assert response.status_code == 302 and response.headers["Location"] == "/processes"
    page = client.get("/").get_data(as_text=True)
    assert "<ruby>予算<rt>よさん</rt></ruby>" in page
    assert '<html lang="ja">' in page and "<title>" in page and "<ruby>" not in page.split("</head>")[0]
    client.post("/furigana", data={"furigana": "off", "next": "/"})
    assert "<ruby>" not in client.get("/").get_data(as_text=True)


def test_the_setting_follows_the_user_and_easy_japanese_gets_it_too(app, client, make_user, make_process):
    make_process(title="青葉台地区 地域予算")
    user = make_user(locale="ja_easy")
    login(client, user)
    client.post("/furigana", data={"furigana": "on", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).furigana is True
    fresh = app.test_client()  # a new device: no furigana cookie, only the user's setting
    login(fresh, user)
    assert "<ruby>予算<rt>よさん</rt></ruby>" in fresh.get("/").get_data(as_text=True)


def test_pages_in_other_languages_get_no_readings(client, make_process):
    make_process(title="青葉台地区 地域予算")
    client.post("/furigana", data={"furigana": "on", "next": "/"})
    for lang in ("en", "zh_Hans", "ko", "vi"):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert "<ruby>" not in page, lang
        assert "Hide furigana" not in page and "Show furigana" not in page


def test_pages_are_gzipped_after_the_furigana_is_added(client, make_process):
    import gzip

    make_process(title="青葉台地区 地域予算")
    client.post("/furigana", data={"furigana": "on", "next": "/"})
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<ruby>予算<rt>よさん</rt></ruby>" in gzip.decompress(response.get_data()).decode()
    css = client.get("/static/css/civic.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    css.close()
