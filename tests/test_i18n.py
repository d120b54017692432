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


def test_every_offered_language_is_selectable_and_declares_its_tag(client, ctx):
    expected = {"ja": "ja", "ja_easy": "ja", "en": "en", "zh_Hans": "zh-Hans", "ko": "ko", "vi": "vi"}
    for code, tag in expected.items():
        response = client.get(f"/?lang={code}")
        assert response.status_code == 200
        assert _lang(response) == tag, code
        page = response.get_data(as_text=True)
        assert f'<option value="{code}" lang="{tag}" selected>' in page


def test_accept_language_maps_region_tags_but_never_picks_easy_japanese(client, ctx):
    assert _lang(client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})) == "zh-Hans"
    assert _lang(client.get("/", headers={"Accept-Language": "ko-KR"})) == "ko"
    assert _lang(client.get("/", headers={"Accept-Language": "vi-VN,en;q=0.5"})) == "vi"
    response = client.get("/", headers={"Accept-Language": "ja-JP"})
    assert '<option value="ja" lang="ja" selected>' in response.get_data(as_text=True)


def test_easy_japanese_uses_its_own_catalog_over_the_japanese_one(app):
    from flask_babel import get_locale, gettext

    from civic.i18n import ui_language

    with app.test_request_context("/?lang=ja_easy"):
        assert ui_language() == "ja_easy" and str(get_locale()) == "ja"
        easy = gettext("Open processes")
    with app.test_request_context("/?lang=ja"):
        japanese = gettext("Open processes")
    assert easy == "いま さんか できる こと" and japanese == "受付中の参加プロセス"


def test_a_string_missing_from_easy_japanese_falls_back_to_japanese(app):
    from flask_babel import gettext

    from civic.i18n import UILanguageDomain

    with app.test_request_context("/?lang=ja_easy"):
        translations = UILanguageDomain().get_translations()
        translations._catalog.pop("Open processes", None)  # as if not yet rewritten in easy Japanese
        assert translations.gettext("Open processes") == "受付中の参加プロセス"
        assert gettext("Home") == "ホーム"


def test_yen_and_dates_follow_the_locale(app):
    from datetime import date

    from flask import render_template_string

    template = "{{ 1234567|yen }} / {{ d|dateformat('long') }}"
    day = date(2026, 4, 1)
    results = {}
    for code in ("ja", "ja_easy", "en", "zh_Hans", "ko", "vi"):
        with app.test_request_context(f"/?lang={code}"):
            results[code] = render_template_string(template, d=day)
    assert results["ja"] == results["ja_easy"] == "1,234,567円 / 2026年4月1日"
    assert results["en"] == "¥1,234,567 / April 1, 2026"
    assert results["zh_Hans"].startswith("JP¥1,234,567") and "2026年4月1日" in results["zh_Hans"]
    assert "2026년 4월 1일" in results["ko"]
    assert results["vi"].startswith("1.234.567") and "2026" in results["vi"]


def test_a_users_easy_japanese_setting_is_kept(client, make_user):
    user = make_user(locale="ja")
    login(client, user)
    client.post("/language", data={"lang": "ja_easy", "next": "/"})
    db.session.expire_all()
    assert db.session.get(type(user), user.id).locale == "ja_easy"
    assert _lang(client.get("/")) == "ja"
