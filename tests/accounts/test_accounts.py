import json
from datetime import timedelta

from sqlalchemy import select

from civic.accounts import services
from civic.accounts.models import ResidencyCode, User
from civic.audit.models import AuditEvent
from civic.extensions import db
from tests.conftest import PASSWORD, login


def test_registration_creates_an_unconfirmed_resident_who_then_logs_in(client, ctx, held_jobs):
    response = client.post("/register", data={
        "email": "Hanako@Example.JP ", "display_name": "花子", "password": "long enough pw",
        "confirm": "long enough pw", "locale": "en",
    })
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    user = db.session.scalar(select(User))
    assert user.email == "hanako@example.jp"
    assert user.roles == {"resident"}
    assert user.locale == "en"
    assert user.password_hash != "long enough pw"
    assert not user.is_confirmed
    assert client.get("/account").status_code == 302  # registering does not sign in
    login(client, user, "long enough pw")
    assert client.get("/account").status_code == 200


def test_bad_registration_keeps_what_was_typed_and_explains_each_field(client, ctx, make_user):
    make_user(email="taken@example.jp")
    response = client.post("/register", data={
        "email": "taken@example.jp", "display_name": "山田 太郎", "password": "short",
        "confirm": "different", "locale": "ja",
    })
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="taken@example.jp"' in page
    assert 'value="山田 太郎"' in page
    assert "すでに登録" not in page  # whether an address has an account is never said
    assert "パスワードが一致しません。" in page
    assert 'aria-invalid="true"' in page and 'id="password-error"' in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 1


def test_login_with_wrong_password_is_refused_without_saying_which_part(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong password"})
    assert response.status_code == 422
    assert "メールアドレスまたはパスワードが正しくありません。" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_logout_revokes_the_session_on_the_server(app, make_user):
    user = make_user()
    client = app.test_client()
    login(client, user)
    stolen = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 302  # back to the login page


def test_password_reset_by_mailed_link_is_single_use(app, client, make_user, outbox, held_jobs):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user)
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    assert outbox == [] and len(held_jobs) == 1  # the request only queues the mail
    held_jobs.run()
    (to, _subject, body), = outbox
    assert to == user.email
    path = outbox.link("/password/reset/")
    assert client.post(path, data={"password": "a brand new pw", "confirm": "a brand new pw"}
                       ).status_code == 302
    assert client.post("/login", data={"email": user.email, "password": "a brand new pw"}
                       ).status_code == 302
    assert other_device.get("/account").status_code == 302  # old sessions end with the change
    again = app.test_client().get(path)
    assert again.status_code == 302 and "/password/forgot" in again.headers["Location"]


def test_forgot_password_answers_the_same_for_unknown_addresses(client, ctx, outbox, held_jobs):
    response = client.post("/password/forgot", data={"email": "nobody@example.jp"},
                           follow_redirects=True)
    assert "パスワード再設定用のリンクを送信しました" in response.get_data(as_text=True)
    assert len(held_jobs) == 1  # queued just the same, so the answer takes as long
    held_jobs.run()
    assert outbox == []


def test_mail_without_smtp_is_printed_to_the_console(app, client, make_user, capsys, held_jobs):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    assert "/password/reset/" not in capsys.readouterr().err
    held_jobs.run()
    err = capsys.readouterr().err
    assert f"To: {user.email}" in err and "/password/reset/" in err


def test_profile_update_and_data_download(client, make_user, make_area):
    area = make_area(name="青葉台地区")
    user = make_user(area=area, name="山本")
    login(client, user)
    response = client.post("/account", data={"display_name": "山本 一郎", "locale": "en"})
    assert response.status_code == 302
    data = client.get("/account/data.json")
    assert data.headers["Content-Disposition"].startswith("attachment")
    exported = json.loads(data.get_data(as_text=True))
    assert exported["account"]["display_name"] == "山本 一郎"
    assert exported["account"]["locale"] == "en"
    assert exported["residency"]["area"] == "青葉台地区"


def test_deleting_an_account_removes_personal_data_but_keeps_the_row(client, make_user, make_area):
    user = make_user(area=make_area(), roles=("moderator",), name="消える人")
    login(client, user)
    wrong = client.post("/account/delete", data={"password": "not it"})
    assert "パスワードが正しくありません。" in wrong.get_data(as_text=True)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    gone = db.session.get(User, user.id)
    assert gone.is_deleted and gone.display_name == "" and "消える人" not in gone.email
    assert gone.roles == set() and gone.residency is None
    assert client.get("/account").status_code == 302
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}
                       ).status_code == 422


def test_create_admin_command(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "boss@example.jp",
                                 "--password", "a very good password"])
    assert result.exit_code == 0, result.output
    boss = services.find_user_by_email("boss@example.jp")
    assert boss.roles == {"resident", "admin"} and boss.is_confirmed
    weak = runner.invoke(args=["users", "create-admin", "x@example.jp", "--password", "short"])
    assert weak.exit_code != 0 and services.find_user_by_email("x@example.jp") is None


def test_only_admins_grant_roles_and_the_change_is_audited(client, make_user, make_area):
    area = make_area()
    admin = make_user(roles=("admin",))
    someone = make_user()
    login(client, someone)
    assert client.get(f"/admin/users/{someone.id}").status_code == 403
    client.post("/logout")
    login(client, admin)
    assert someone.display_name in client.get("/admin/users").get_data(as_text=True)
    response = client.post(f"/admin/users/{someone.id}",
                           data={"roles": ["staff", "facilitator"], "areas": [str(area.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, someone.id).roles == {"resident", "staff", "facilitator"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "users.roles_changed"))
    assert event.actor_id == admin.id and event.target_id == someone.id
    own = client.post(f"/admin/users/{admin.id}", data={"roles": ["staff"]})
    assert "自分自身の管理者権限は外せません。" in own.get_data(as_text=True)
    assert "admin" in db.session.get(User, admin.id).roles


def test_staff_issue_codes_and_a_resident_redeems_one_exactly_once(client, make_user, make_area):
    area = make_area(name="川端地区")
    staff = make_user(roles=("staff",))
    resident = make_user()
    login(client, resident)
    assert client.get("/staff/codes").status_code == 403
    client.post("/logout")
    login(client, staff)
    sheet = client.post("/staff/codes", data={"area": area.id, "count": 3, "kind": "event",
                                              "days": 30}).get_data(as_text=True)
    qr_codes = sheet.split('<main', 1)[1].count("<svg")  # the header has icons of its own
    assert sheet.count('class="code"') == 3 and qr_codes == 3
    codes = [line.split(">")[1].split("<")[0] for line in sheet.splitlines()
             if 'class="code"' in line]
    assert all(len(code) == 14 for code in codes)
    assert db.session.scalar(select(db.func.count()).select_from(ResidencyCode)) == 3
    assert codes[0].replace("-", "") not in str(db.session.scalars(
        select(ResidencyCode.code_hash)).all())
    client.post("/logout")

    login(client, resident)
    # Typed as people type on phones: full-width, lower case, with spaces.
    typed = codes[0].lower().replace("-", " ").translate(
        {ord(c): ord(c) + 0xFEE0 for c in "abcdefghijklmnopqrstuvwxyz0123456789"})
    response = client.post("/verify", data={"code": typed})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, resident.id).residency.area_id == area.id
    again = client.post("/verify", data={"code": codes[0]})
    assert again.status_code == 422
    assert "このコードはすでに使用されています。" in again.get_data(as_text=True)


def test_expired_and_unknown_codes_are_refused_with_the_reason(client, make_user, make_area):
    area = make_area()
    staff = make_user(roles=("staff",))
    resident = make_user()
    _batch, (code,) = services.issue_codes(area, 1, "letter", 1, staff)
    row = db.session.scalar(select(ResidencyCode))
    row.expires_at = row.issued_at - timedelta(days=1)
    db.session.commit()
    login(client, resident)
    expired = client.post("/verify", data={"code": code}).get_data(as_text=True)
    assert "有効期限が切れています" in expired and f'value="{code}"' in expired
    unknown = client.post("/verify", data={"code": "AAAA-BBBB-CCCC"}).get_data(as_text=True)
    assert "このコードは無効です。" in unknown
    db.session.expire_all()
    assert db.session.get(User, resident.id).residency is None


def test_a_qr_code_link_fills_in_the_code(client, make_user):
    login(client, make_user())
    page = client.get("/verify?code=ABCDEFGHJKMN").get_data(as_text=True)
    assert 'value="ABCDEFGHJKMN"' in page


def test_demo_accounts_are_refused_by_the_production_config(app, ctx, make_user):
    user = make_user()
    user.is_demo = True
    db.session.commit()
    assert services.authenticate(user.email, PASSWORD, "192.0.2.1") is not None
    app.config["CIVIC_ENV"] = "production"
    try:
        assert services.authenticate(user.email, PASSWORD, "192.0.2.1") is None
    finally:
        app.config["CIVIC_ENV"] = "development"


def test_a_code_entered_by_many_people_at_once_verifies_exactly_one(app, make_user, make_area):
    import threading

    area = make_area()
    staff = make_user(roles=("staff",))
    people = [make_user() for _ in range(8)]
    _batch, (code,) = services.issue_codes(area, 1, "letter", 30, staff)
    outcomes = []
    start = threading.Barrier(len(people))

    def redeem(user_id):
        with app.app_context():
            user = db.session.get(User, user_id)
            start.wait()
            try:
                services.redeem_code(user, code)
                outcomes.append("ok")
            except services.AccountError:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=redeem, args=(p.id,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] + ["refused"] * (len(people) - 1)
    db.session.expire_all()
    from civic.accounts.models import Residency

    assert db.session.scalar(select(db.func.count()).select_from(Residency)) == 1
