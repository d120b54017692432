"""Two-step sign-in: enrolment with a QR code, the code step at sign-in, replay and guessing
protection, recovery codes, turning it off, and administrators required to use it in production."""

import re
import time

import pyotp
from sqlalchemy import func, select

from civic.accounts import mfa, services
from civic.accounts.models import RecoveryCode, SignInThrottle, TotpFactor
from civic.audit.models import AuditEvent
from civic.config import Config, ProductionConfig
from civic.extensions import db
from tests.conftest import PASSWORD, login, make_app


def _enrolled(user) -> pyotp.TOTP:
    """Turn two-step sign-in on for ``user`` with the previous step's code, so the current one
    is still unused; returns the app's generator."""
    secret = mfa.new_secret()
    totp = pyotp.TOTP(secret)
    mfa.enrol(user, secret, totp.at(time.time() - 30))
    return totp


def _password_step(client, user, next_url=None):
    path = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(path, data={"email": user.email, "password": PASSWORD})


def test_enrolment_shows_a_qr_code_and_the_key_then_recovery_codes_once(client, make_user):
    user = make_user(roles=("staff",))
    login(client, user)
    page = client.get("/account/mfa")
    assert page.headers["Cache-Control"] == "no-store"
    html = page.get_data(as_text=True)
    assert "<svg" in html and "二段階認証" in html
    with client.session_transaction() as session:
        secret = session["mfa_setup"]
    assert " ".join(re.findall(".{4}", secret)) in html  # the key, to type it in by hand
    assert client.get("/account/mfa").get_data(as_text=True).count(secret[:4]) >= 1  # same key

    wrong = client.post("/account/mfa", data={"code": "000000"})
    assert wrong.status_code == 422 and "コードが違います" in wrong.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0

    done = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and done.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"[A-Z0-9]{5}-[A-Z0-9]{5}", done.get_data(as_text=True))
    assert len(set(codes)) == mfa.RECOVERY_CODE_COUNT
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == mfa.RECOVERY_CODE_COUNT
    assert not any(code.replace("-", "") in h for code in codes for h in stored)  # hashed only
    assert db.session.scalar(select(TotpFactor.secret)) == secret
    assert db.session.scalar(select(AuditEvent.action)) == "accounts.mfa_enabled"
    status = client.get("/account/mfa").get_data(as_text=True)
    main = status.split("<main", 1)[1].split("</main>", 1)[0]  # the header has icons of its own
    assert "二段階認証を無効にする" in main and "<svg" not in main  # no QR code any more


def test_sign_in_asks_for_the_code_before_any_session_exists(app, make_user):
    user = make_user()
    totp = _enrolled(user)
    client = app.test_client()
    response = _password_step(client, user, next_url="/notifications")
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert client.get("/account").status_code == 302  # not signed in yet
    page = client.get("/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page

    done = client.post("/login/code", data={"code": totp.now()})
    assert done.status_code == 302 and done.location.endswith("/notifications")
    assert client.get("/account").status_code == 200


def test_a_code_works_only_once(app, make_user):
    user = make_user()
    totp = _enrolled(user)
    first = app.test_client()
    _password_step(first, user)
    code = totp.now()
    assert first.post("/login/code", data={"code": code}).status_code == 302

    second = app.test_client()  # someone who saw the code over the shoulder
    _password_step(second, user)
    replay = second.post("/login/code", data={"code": code})
    assert replay.status_code == 422
    assert "コードが違うか、すでに使われています" in replay.get_data(as_text=True)
    assert second.get("/account").status_code == 302
    assert second.post("/login/code", data={"code": totp.at(time.time() + 30)}
                       ).status_code == 302  # the next step's code still works


def test_a_recovery_code_signs_in_once(app, make_user):
    user = make_user()
    secret = mfa.new_secret()
    codes = mfa.enrol(user, secret, pyotp.TOTP(secret).at(time.time() - 30))
    client = app.test_client()
    _password_step(client, user)
    assert client.post("/login/code", data={"code": codes[3].lower()}).status_code == 302
    assert mfa.recovery_codes_left(user) == mfa.RECOVERY_CODE_COUNT - 1

    again = app.test_client()
    _password_step(again, user)
    assert again.post("/login/code", data={"code": codes[3]}).status_code == 422
    assert again.post("/login/code", data={"code": codes[4]}).status_code == 302


def test_the_code_step_expires(app, make_user):
    user = make_user()
    totp = _enrolled(user)
    client = app.test_client()
    _password_step(client, user)
    with client.session_transaction() as session:
        session["mfa_pending"] = {**session["mfa_pending"], "until": int(time.time()) - 1}
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.status_code == 302 and response.location.endswith("/login")
    assert client.get("/account").status_code == 302


def test_guessing_codes_waits_like_passwords_and_the_password_does_not_reset_the_count(app,
                                                                                      make_user):
    user = make_user()
    totp = _enrolled(user)
    client = app.test_client()
    _password_step(client, user)
    for _ in range(services.LOGIN_FREE_FAILURES):
        assert client.post("/login/code", data={"code": "123456"}).status_code == 422
    refused = client.post("/login/code", data={"code": totp.now()})
    assert refused.status_code == 422 and "ログインの失敗が続いた" in refused.get_data(as_text=True)
    again = app.test_client()
    assert _password_step(again, user).status_code == 422  # the right password waits too
    db.session.expire_all()
    assert _failures(user) == services.LOGIN_FREE_FAILURES


def _failures(user) -> int:
    """Failed sign-ins in a row counted for this person's address from the test client."""
    return sum(db.session.scalars(select(SignInThrottle.failures)))


def test_a_full_sign_in_clears_the_failures(app, make_user):
    user = make_user()
    totp = _enrolled(user)
    client = app.test_client()
    _password_step(client, user)
    client.post("/login/code", data={"code": "123456"})
    assert client.post("/login/code", data={"code": totp.now()}).status_code == 302
    db.session.expire_all()
    assert _failures(user) == 0


def _signed_in_with_two_step(app, user):
    totp = _enrolled(user)
    client = app.test_client()
    _password_step(client, user)
    assert client.post("/login/code", data={"code": totp.now()}).status_code == 302
    return client, totp


def test_turning_it_off_needs_the_password_and_a_code(app, make_user):
    user = make_user(roles=("moderator",))
    client, totp = _signed_in_with_two_step(app, user)
    later = totp.at(time.time() + 30)

    no_password = client.post("/account/mfa/disable", data={"off-password": "not it",
                                                             "off-code": later})
    assert no_password.status_code == 422
    assert "パスワードが正しくありません" in no_password.get_data(as_text=True)
    no_code = client.post("/account/mfa/disable", data={"off-password": PASSWORD,
                                                         "off-code": "000000"})
    assert no_code.status_code == 422 and mfa.is_enrolled(user)

    off = client.post("/account/mfa/disable", data={"off-password": PASSWORD, "off-code": later})
    assert off.status_code == 302 and off.location.endswith("/account")
    assert not mfa.is_enrolled(user)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0
    assert "accounts.mfa_disabled" in db.session.scalars(select(AuditEvent.action)).all()
    login(app.test_client(), user)  # the password alone is enough again


def test_new_recovery_codes_replace_the_old_ones(app, make_user):
    user = make_user()
    secret = mfa.new_secret()
    old = mfa.enrol(user, secret, pyotp.TOTP(secret).at(time.time() - 30))
    client = app.test_client()
    _password_step(client, user)
    assert client.post("/login/code", data={"code": old[0]}).status_code == 302
    page = client.get("/account/mfa").get_data(as_text=True)
    assert "未使用の復旧コード：9個" in page

    refused = client.post("/account/mfa/recovery-codes", data={"renew-password": "not it",
                                                               "renew-code": old[1]})
    assert refused.status_code == 422 and mfa.recovery_codes_left(user) == 9
    response = client.post("/account/mfa/recovery-codes", data={"renew-password": PASSWORD,
                                                                "renew-code": old[1]})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = re.findall(r"[A-Z0-9]{5}-[A-Z0-9]{5}", response.get_data(as_text=True))
    assert len(set(new)) == mfa.RECOVERY_CODE_COUNT and not set(new) & set(old)
    assert mfa.recovery_codes_left(user) == mfa.RECOVERY_CODE_COUNT
    again = app.test_client()
    _password_step(again, user)
    assert again.post("/login/code", data={"code": old[2]}).status_code == 422
    assert again.post("/login/code", data={"code": new[0]}).status_code == 302


def test_the_account_page_urges_staff_and_moderators(client, make_user):
    login(client, make_user(roles=("moderator",)))
    page = client.get("/account").get_data(as_text=True)
    assert "二段階認証で" in page and 'href="/account/mfa"' in page
    resident = make_user()
    other = client.application.test_client()
    login(other, resident)
    assert "二段階認証で" not in other.get("/account").get_data(as_text=True)


def test_signing_in_without_it_reminds_staff_but_not_residents(app, make_user):
    staff = app.test_client()
    login(staff, make_user(roles=("staff",)))
    assert "二段階認証で" in staff.get("/").get_data(as_text=True)
    resident = app.test_client()
    login(resident, make_user())
    assert "二段階認証で" not in resident.get("/").get_data(as_text=True)


def test_deleting_the_account_forgets_the_factor(client, make_user):
    user = make_user()
    _enrolled(user)
    services.delete_account(user)
    assert db.session.scalar(select(func.count()).select_from(TotpFactor)) == 0
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_production_requires_administrators_to_enrol_dev_and_tests_do_not():
    assert ProductionConfig.CIVIC_MFA_REQUIRED_FOR_ADMINS is True
    assert Config.CIVIC_MFA_REQUIRED_FOR_ADMINS is False


def test_an_administrator_without_two_step_sign_in_can_only_enrol(database_url, app, make_user):
    strict = make_app(database_url, CIVIC_MFA_REQUIRED_FOR_ADMINS=True)
    admin = make_user(roles=("admin",))
    client = strict.test_client()
    login(client, admin)
    for path in ("/", "/admin/users", "/account"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/account/mfa"), path
    assert client.get("/account/mfa").status_code == 200
    with client.session_transaction() as session:
        secret = session["mfa_setup"]
    assert client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert client.get("/admin/users").status_code == 200

    resident = strict.test_client()
    login(resident, make_user())
    assert resident.get("/account").status_code == 200  # others are not held up
    # Where the requirement is off (development, tests) administrators go anywhere.
    relaxed = app.test_client()
    login(relaxed, make_user(roles=("admin",)))
    assert relaxed.get("/admin/users").status_code == 200
