"""New passwords must be hard to guess: zxcvbn score 3 or more, and never the person's own details."""

import pytest
from sqlalchemy import select

from civic.accounts import passwords, services
from civic.accounts.models import User
from civic.extensions import db
from tests.conftest import PASSWORD, login

TOO_EASY = "パスワードが推測されやすすぎます"


@pytest.mark.parametrize("password", ["password1234", "qwertyuiop", "1234567890", "iloveyou12",
                                      "demo-password"])
def test_common_passwords_score_below_the_minimum(password):
    assert passwords.strength(password) < passwords.MIN_SCORE


@pytest.mark.parametrize("password", [PASSWORD, "kumo sora umi 2026", "a brand new passphrase"])
def test_a_few_unrelated_words_are_strong_enough(password):
    assert passwords.strength(password) >= passwords.MIN_SCORE


def test_the_persons_own_details_score_zero_whatever_their_length():
    personal = passwords.personal_words("hanako.yamada.1987@example.jp", "山田 花子 from 本町")
    assert passwords.strength("hanako.yamada.1987@example.jp", personal) == 0
    assert passwords.strength("Hanako.Yamada.1987", personal) == 0  # the name part, any case
    assert passwords.strength("山田花子from本町", personal) == 0  # spaces do not matter
    assert passwords.strength("correct horse battery", personal) >= passwords.MIN_SCORE


def _register(client, password, email="hanako@example.jp", name="花子"):
    return client.post("/register", data={"email": email, "display_name": name,
                                           "password": password, "confirm": password,
                                           "locale": "ja"})


def test_registration_refuses_a_common_password_with_a_helpful_translated_message(client, ctx):
    response = _register(client, "password1234")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert TOO_EASY in page and "強さ 1 / 4" in page
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0
    assert _register(client, PASSWORD).status_code == 302


def test_registration_refuses_the_email_address_or_the_name_as_password(client, ctx):
    response = _register(client, "hanako.tanaka.garden@example.jp",
                         email="hanako.tanaka.garden@example.jp")
    assert "メールアドレスや名前をパスワードにすることはできません" in response.get_data(as_text=True)
    response = _register(client, "本町の山田花子さんです", name="本町の山田 花子さんです")
    assert response.status_code == 422
    assert "メールアドレスや名前をパスワードにすることはできません" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(User)) == 0


def test_a_password_change_applies_the_same_rules(app, make_user):
    user = make_user(name="本町の山田花子さんです")
    client = app.test_client()
    login(client, user)
    for weak in ("password1234", "本町の山田花子さんです"):
        response = client.post("/account/password", data={
            "pw-current": PASSWORD, "pw-password": weak, "pw-confirm": weak})
        assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)


def test_a_password_reset_applies_the_same_rules(client, make_user):
    user = make_user(email="kenji.watanabe.home@example.jp")
    path = f"/password/reset/{services.reset_token(user)}"
    response = client.post(path, data={"password": "kenji.watanabe.home",
                                       "confirm": "kenji.watanabe.home"})
    assert "メールアドレスや名前をパスワードにすることはできません" in response.get_data(as_text=True)
    response = client.post(path, data={"password": "iloveyou12345", "confirm": "iloveyou12345"})
    assert TOO_EASY in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).check_password(PASSWORD)
    assert client.post(path, data={"password": "kumo sora umi 2026",
                                   "confirm": "kumo sora umi 2026"}).status_code == 302


def test_a_short_password_gets_one_message_not_two(client, ctx):
    page = _register(client, "abc").get_data(as_text=True)
    assert "10文字以上" in page and TOO_EASY not in page


def test_create_admin_refuses_an_easy_password(app, ctx):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "boss@example.jp",
                                                "--password", "password1234"])
    assert result.exit_code != 0 and "too easy to guess" in result.output
    assert services.find_user_by_email("boss@example.jp") is None
