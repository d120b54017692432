"""Sign-up confirms the address before the account takes part, and never tells who is registered."""

import re

from sqlalchemy import func, select

from civic.accounts import services
from civic.accounts.models import User
from civic.extensions import db
from civic.jobs.models import DONE, Job
from civic.proposals.models import Proposal
from tests.conftest import PASSWORD, login


def _register(client, email, name="花子", password="long enough pw"):
    return client.post("/register", data={"email": email, "display_name": name,
                                          "password": password, "confirm": password,
                                          "locale": "ja"}, follow_redirects=True)


def _answer(response, email) -> str:
    page = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]+"|nonce="[^"]+"', "", page)


def test_a_new_address_gets_a_confirmation_link_from_the_queue(client, ctx, outbox, held_jobs):
    response = _register(client, "hanako@example.jp")
    assert "確認のためのリンクをお送りしました" in response.get_data(as_text=True)
    assert outbox == [] and len(held_jobs) == 1  # the request only queued the mail
    user = db.session.scalar(select(User))
    assert not user.is_confirmed

    held_jobs.run()
    (to, subject, body), = outbox
    assert to == "hanako@example.jp" and "メールアドレスの確認" in subject
    link = outbox.link("/account/confirm/")
    assert db.session.scalar(select(Job)).status == DONE
    assert link not in str(db.session.scalar(select(Job)).params)  # no working link at rest

    page = client.get(link)
    assert page.status_code == 200 and "hanako@example.jp" in page.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed  # opening the link alone does not
    assert client.post(link).status_code == 302
    db.session.expire_all()
    confirmed_at = db.session.get(User, user.id).email_confirmed_at
    assert confirmed_at is not None
    # Confirming again is harmless and keeps the first date.
    assert client.post(link).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).email_confirmed_at == confirmed_at


def test_a_taken_address_answers_the_same_and_the_owner_is_told(app, ctx, make_user, outbox,
                                                                 held_jobs):
    owner = make_user(email="taken@example.jp", locale="en")
    new = _register(app.test_client(), "fresh@example.jp")
    taken = _register(app.test_client(), "taken@example.jp", name="なりすまし",
                      password="attacker password")
    assert new.status_code == taken.status_code == 200
    assert new.request.path == taken.request.path == "/login"
    assert _answer(new, "fresh@example.jp") == _answer(taken, "taken@example.jp")
    assert len(held_jobs) == 2

    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    db.session.expire_all()
    unchanged = db.session.get(User, owner.id)
    assert unchanged.check_password(PASSWORD) and unchanged.display_name != "なりすまし"

    held_jobs.run()
    to, subject, body = outbox[-1]
    assert to == "taken@example.jp"
    assert "tried to register" in subject  # in the owner's own language
    assert "already has an account" in body and "/password/reset/" in body


def test_an_unconfirmed_account_reads_but_cannot_post(client, make_user, make_process):
    process = make_process(features=("proposals_open", "comments_open"))
    user = make_user(confirmed=False)
    login(client, user)
    page = client.get(f"/processes/{process.slug}")
    assert page.status_code == 200
    assert "メールアドレスを確認してください" in page.get_data(as_text=True)
    proposal = {"title": "ベンチを増やす", "body": "公園に", "area": 0}

    refused = client.post(f"/processes/{process.slug}/proposals/new", data=proposal)
    assert refused.status_code == 403
    assert "確認" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None
    # A script asking for JSON (the ballot's checkboxes) gets the reason to show.
    script = client.post(f"/processes/{process.slug}/proposals/new", data=proposal,
                         headers={"Accept": "application/json"})
    assert script.status_code == 403 and not script.get_json()["ok"]
    assert "確認" in script.get_json()["error"]
    # Looking after the account itself still works.
    assert client.post("/account", data={"display_name": "新しい名前", "locale": "ja"}
                       ).status_code == 302

    services.confirm_email(db.session.get(User, user.id))
    assert client.post(f"/processes/{process.slug}/proposals/new", data=proposal
                       ).status_code == 302
    assert db.session.scalar(select(Proposal)) is not None
    assert "メールアドレスを確認してください" not in client.get("/").get_data(as_text=True)


def test_the_link_can_be_sent_again(client, make_user, outbox, held_jobs):
    user = make_user(confirmed=False)
    login(client, user)
    assert client.post("/account/confirm/resend", data={"next": "/processes"}
                       ).headers["Location"] == "/processes"
    held_jobs.run()
    assert outbox[-1][0] == user.email
    assert client.post(outbox.link("/account/confirm/")).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed

    follow = client.post("/account/confirm/resend", follow_redirects=True)
    assert "すでに確認" in follow.get_data(as_text=True) and len(outbox) == 1


def test_a_bad_or_stale_link_confirms_nothing(app, client, make_user):
    user = make_user(confirmed=False)
    token = services.confirmation_token(user)
    for bad in ("not-a-token", token[:-2] + "xx"):
        response = client.post(f"/account/confirm/{bad}")
        assert response.status_code == 302 and response.headers["Location"] == "/"
    app.config["CIVIC_EMAIL_CONFIRM_MAX_AGE"] = -1
    try:
        assert services.user_for_confirmation_token(token) is None
    finally:
        app.config["CIVIC_EMAIL_CONFIRM_MAX_AGE"] = 3 * 24 * 3600
    db.session.expire_all()
    assert not db.session.get(User, user.id).is_confirmed


def test_a_password_reset_by_mail_confirms_the_address(client, make_user):
    user = make_user(confirmed=False)
    path = f"/password/reset/{services.reset_token(user)}"
    assert client.post(path, data={"password": "a brand new pw", "confirm": "a brand new pw"}
                       ).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).is_confirmed


def test_demo_accounts_count_as_confirmed(app, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    assert all(user.is_confirmed for user in db.session.scalars(select(User)))


def test_two_registrations_of_one_address_at_once_make_one_account(app, ctx, make_user, held_jobs,
                                                                   monkeypatch):
    # The other registration commits between this one's look-up and its insert.
    first = make_user(email="race@example.jp")
    real_lookup, calls = services.find_user_by_email, []

    def late_lookup(email):
        calls.append(email)
        return None if len(calls) == 1 else real_lookup(email)

    monkeypatch.setattr(services, "find_user_by_email", late_lookup)
    with app.test_request_context():
        services.sign_up("race@example.jp", "long enough pw", "二人目", "ja")
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
    job = db.session.get(Job, held_jobs[0])
    assert job.params["message"] == services.ALREADY_REGISTERED
    assert job.params["user_id"] == first.id
