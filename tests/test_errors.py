import pytest

from tests.conftest import login, make_app


def test_not_found_is_a_translated_page(client, ctx):
    ja = client.get("/no/such/page")
    assert ja.status_code == 404 and "ページが見つかりません" in ja.get_data(as_text=True)
    en = client.get("/no/such/page?lang=en")
    assert "Page not found" in en.get_data(as_text=True)


def test_a_crash_shows_a_friendly_500_and_rolls_back(database_url):
    app = make_app(database_url, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise ZeroDivisionError

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "エラーが発生しました" in page and "ZeroDivisionError" not in page


@pytest.mark.parametrize("code, words", [
    (400, "不正なリクエスト"), (403, "許可されていません"), (413, "サイズが大きすぎます"),
    (429, "リクエストが多すぎます"),
])
def test_every_error_page_is_translated(database_url, code, words):
    app = make_app(database_url)

    @app.get("/fail")
    def fail():
        from flask import abort

        abort(code)

    response = app.test_client().get("/fail")
    assert response.status_code == code and words in response.get_data(as_text=True)


def test_too_large_uploads_get_the_413_page(database_url):
    app = make_app(database_url, MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/login", data={"email": "x" * 5000})
    assert response.status_code == 413
    assert "サイズが大きすぎます" in response.get_data(as_text=True)


def test_forms_without_a_csrf_token_are_refused(database_url):
    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    # A form view: refused as a validation error, the form comes back (tests/test_csrf_forms.py).
    response = client.post("/login", data={"email": "a@example.jp", "password": "x"})
    assert response.status_code == 422
    assert "フォームの有効期限が切れたため、送信されませんでした" in response.get_data(as_text=True)
    # Anything else: the error page.
    switch = client.post("/language", data={"lang": "en"})
    assert switch.status_code == 400
    assert "フォームの有効期限が切れました" in switch.get_data(as_text=True)


def test_security_headers_are_set(client, ctx):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp
    assert "frame-ancestors 'none'" in csp and "nonce-" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_numbers_too_large_for_the_database_are_not_found_not_500(
        client, make_user, make_area, make_process, make_proposal):
    # PostgreSQL refuses to compare them with integer columns; SQLite would not notice.
    huge = "9" * 20
    process = make_process(features=("supports_open", "comments_open"))
    proposal = make_proposal(process, make_user())
    assert client.get(f"/proposals/{huge}").status_code == 404
    assert client.get(f"/processes/{process.slug}/proposals?area={huge}&page={huge}"
                      ).status_code == 200
    assert client.get(f"/processes?area={huge}").status_code == 200
    login(client, make_user(area=make_area()))
    reply = client.post(f"/comments/proposal/{proposal.id}?parent={huge}",
                        data={"comment-body": "返信"})
    assert reply.status_code < 500
