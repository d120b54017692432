"""Sessions end on the server, cookies are locked down, and guessing a password backs off."""

from datetime import UTC, datetime, timedelta

from civic.accounts import services
from civic.accounts.models import User
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


def test_login_waits_grow_exponentially_up_to_an_hour():
    assert [services.login_wait(n) for n in range(5)] == [None] * 5
    assert services.login_wait(5) == timedelta(seconds=30)
    assert services.login_wait(6) == timedelta(seconds=60)
    assert services.login_wait(7) == timedelta(seconds=120)
    assert services.login_wait(50) == timedelta(hours=1)


def test_repeated_failed_logins_lock_the_account_for_a_while(client, make_user):
    user = make_user()
    for _ in range(services.LOGIN_FREE_FAILURES):
        response = client.post("/login", data={"email": user.email, "password": "guess"})
        assert response.status_code == 422
        assert "正しくありません" in response.get_data(as_text=True)
    # Now even the right password waits, with a message that says so.
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 422
    assert "ログインの失敗が続いた" in response.get_data(as_text=True)
    db.session.expire_all()
    locked = db.session.get(User, user.id)
    assert locked.failed_logins == services.LOGIN_FREE_FAILURES and locked.locked_until > utcnow()

    locked.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
    db.session.commit()
    login(client, user)
    db.session.expire_all()
    assert db.session.get(User, user.id).failed_logins == 0


def test_a_password_reset_lifts_the_lock(app, make_user):
    user = make_user()
    user.failed_logins, user.locked_until = 9, utcnow() + timedelta(hours=1)
    db.session.commit()
    services.change_password(user, NEW_PASSWORD)
    assert services.authenticate(user.email, NEW_PASSWORD) is not None
