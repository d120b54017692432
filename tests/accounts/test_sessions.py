"""Sessions end on the server, cookies are locked down, and guessing a password backs off."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from civic.accounts import services
from civic.accounts.models import SignInThrottle, User
from civic.extensions import db
from civic.timeutil import utcnow
from tests.conftest import PASSWORD, login, make_app

NEW_PASSWORD = "a brand new passphrase"


def _change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post("/account/password", data={
        "pw-current": current, "pw-password": new, "pw-confirm": again or new})


def test_a_stolen_cookie_stops_working_after_a_password_change(app, make_user):
    user = make_user()
    mine = app.test_client()
    login(mine, user)
    thief = app.test_client()
    thief.set_cookie("session", mine.get_cookie("session").value)
    assert thief.get("/account").status_code == 200  # the cookie works … until

    response = _change(mine)
    assert response.status_code == 302 and response.location.endswith("/account")
    assert thief.get("/account").status_code == 302  # … the password changes
    assert mine.get("/account").status_code == 200  # this browser carries on
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(NEW_PASSWORD)


def test_a_wrong_current_password_changes_nothing(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user)
    response = _change(client, current="not my password")
    assert response.status_code == 422
    assert "パスワードが正しくありません" in response.get_data(as_text=True)
    assert _change(client, again="something else entirely").status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert client.get("/account").status_code == 200


def test_the_account_page_offers_the_password_change(app, make_user):
    client = app.test_client()
    login(client, make_user())
    page = client.get("/account").get_data(as_text=True)
    assert 'action="/account/password"' in page and 'autocomplete="new-password"' in page


def _session_cookie(response) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))


def test_production_cookies_are_secure_http_only_same_site_and_expire(database_url, make_user,
                                                                      monkeypatch):
    monkeypatch.setenv("CIVIC_ENV", "production")
    app = make_app(database_url, CIVIC_BASE_URL="https://civic.example.jp")
    user = make_user()
    response = login(app.test_client(), user)
    cookie = _session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    lifetime = expires - datetime.now(UTC)
    assert timedelta(hours=11) < lifetime <= timedelta(hours=12)


def test_development_cookies_are_not_marked_secure_so_http_localhost_works(client, make_user):
    cookie = _session_cookie(login(client, make_user()))
    assert "Secure" not in cookie and "HttpOnly" in cookie


def test_login_waits_grow_exponentially_up_to_a_quarter_of_an_hour():
    assert [services.login_wait(n) for n in range(5)] == [None] * 5
    assert services.login_wait(5) == timedelta(seconds=30)
    assert services.login_wait(6) == timedelta(seconds=60)
    assert services.login_wait(7) == timedelta(seconds=120)
    assert services.login_wait(50) == timedelta(minutes=15)


HERE, ELSEWHERE = {"REMOTE_ADDR": "198.51.100.7"}, {"REMOTE_ADDR": "203.0.113.20"}


def _guess(client, email, password="guess", where=HERE):
    return client.post("/login", data={"email": email, "password": password},
                       environ_overrides=where)


def test_repeated_failures_from_one_address_make_it_wait_not_the_owner_elsewhere(app, make_user):
    user = make_user()
    guesser = app.test_client()
    for _ in range(services.LOGIN_FREE_FAILURES):
        response = _guess(guesser, user.email)
        assert response.status_code == 422
        assert "正しくありません" in response.get_data(as_text=True)
    # From there even the right password waits, with a message that says so...
    response = _guess(guesser, user.email, PASSWORD)
    assert response.status_code == 422
    assert "ログインの失敗が続いた" in response.get_data(as_text=True)
    assert "/account" not in response.headers.get("Location", "")
    # ...while the owner at home signs in as usual.
    owner = app.test_client()
    assert _guess(owner, user.email, PASSWORD, ELSEWHERE).status_code == 302
    assert owner.get("/account").status_code == 200

    throttle = db.session.scalar(select(SignInThrottle))
    assert throttle.failures == services.LOGIN_FREE_FAILURES
    assert user.email not in throttle.key and "198.51.100.7" not in throttle.key
    throttle.last_failed_at = utcnow() - services.login_wait(throttle.failures)  # the wait is over
    db.session.commit()
    assert _guess(guesser, user.email, PASSWORD).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(SignInThrottle)) == 0


def test_an_address_without_an_account_answers_exactly_like_one_with(app, make_user):
    user = make_user(email="real@example.jp")
    pages = {}
    for email in (user.email, "nobody@example.jp"):
        client = app.test_client()
        answers = [_guess(client, email) for _ in range(services.LOGIN_FREE_FAILURES + 1)]
        assert [answer.status_code for answer in answers] == [422] * len(answers)
        # Only the session's CSRF token and the page's CSP nonce may differ, and the address
        # typed, shown back.
        pages[email] = [re.sub(r'name="csrf_token" value="[^"]+"|nonce="[^"]+"', "",
                               answer.get_data(as_text=True).replace(email, "EMAIL"))
                        for answer in answers]
    assert pages[user.email] == pages["nobody@example.jp"]
    assert "ログインの失敗が続いた" in pages[user.email][-1]
    assert "このアカウント" not in pages[user.email][-1]


def test_a_failure_streak_from_long_ago_starts_again_and_old_streaks_are_dropped(app, make_user):
    user = make_user()
    client = app.test_client()
    for _ in range(services.LOGIN_FREE_FAILURES):
        _guess(client, user.email)
    _guess(client, "someone-else@example.jp", where=ELSEWHERE)
    long_ago = utcnow() - services.LOGIN_FORGET - timedelta(minutes=1)
    for throttle in db.session.scalars(select(SignInThrottle)):
        throttle.last_failed_at = long_ago
    db.session.commit()
    _guess(client, user.email)
    db.session.expire_all()
    (throttle,) = db.session.scalars(select(SignInThrottle)).all()  # the other one is gone
    assert throttle.failures == 1
    assert _guess(client, user.email, PASSWORD).status_code == 302


def test_a_password_reset_lifts_the_waits(app, make_user):
    user = make_user()
    for _ in range(services.LOGIN_FREE_FAILURES):
        assert services.authenticate(user.email, "guess", "198.51.100.7") is None
    with pytest.raises(services.AccountError):
        services.authenticate(user.email, PASSWORD, "198.51.100.7")
    services.change_password(user, NEW_PASSWORD)
    assert services.authenticate(user.email, NEW_PASSWORD, "198.51.100.7") is not None
