"""Display names cannot pass for someone else: no invisible characters, NFKC, no staff member's or
office's name; staff and moderators carry a badge that comes from their roles."""

import pytest
from sqlalchemy import select

from civic.accounts import names
from civic.accounts.models import User
from civic.comments import services as comments
from civic.extensions import db
from tests.conftest import PASSWORD, login

INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202b", "\u202c",
             "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\x07"]


@pytest.mark.parametrize("char", INVISIBLE)
def test_zero_width_bidi_and_control_characters_are_invisible(char):
    assert names.has_invisible(f"山田{char}花子")


def test_ordinary_names_are_not():
    for name in ("山田 花子", "Nguyễn Văn An", "김민준", "ｽｽﾞｷ", "佐藤・健", "🌸さくら"):
        assert not names.has_invisible(name)


def test_names_are_normalised_and_folded_before_comparing():
    assert names.normalise(" ＹＡＭＡＤＡ　ｽｽﾞｷ ") == "YAMADA スズキ"
    assert names.collides("区民協働課・田中", ["区民協働課 田中"])
    assert names.collides("ｸﾐﾝ  TANAKA", ["クミン tanaka"])
    assert not names.collides("区民協働課 田中さん", ["区民協働課 田中"])
    assert names.office_in("区 役 所 広報", ["区役所"]) == "区役所"
    assert names.office_in("山田", ["区役所"]) is None


def _register(client, name):
    return client.post("/register", data={"email": "new@example.jp", "display_name": name,
                                           "password": PASSWORD, "confirm": PASSWORD,
                                           "locale": "ja"})


def test_registration_refuses_invisible_characters_and_keeps_what_was_typed(client, ctx):
    response = _register(client, "山田\u202e花子")
    assert response.status_code == 422
    assert "見えない文字" in response.get_data(as_text=True)
    assert db.session.scalar(select(User)) is None


def test_registration_stores_the_nfkc_form(client, ctx):
    assert _register(client, "ﾔﾏﾀﾞ　ＨＡＮＡＫＯ").status_code == 302
    assert db.session.scalar(select(User.display_name)) == "ヤマダ HANAKO"


def test_a_staff_members_name_is_refused_however_it_is_written(client, make_user):
    make_user(roles=("staff",), name="区民協働課 田中")
    make_user(roles=("moderator",), name="Moderator Ken")
    for name in ("区民協働課・田中", "区民協働課田中", "moderator ken", "ＭＯＤＥＲＡＴＯＲ－ＫＥＮ"):
        response = _register(client, name)
        assert response.status_code == 422, name
        assert "区職員の名前に近すぎます" in response.get_data(as_text=True)
    assert _register(client, "田中").status_code == 302


def test_office_names_are_for_staff_only(app, make_user):
    resident = make_user(name="山田")
    client = app.test_client()
    login(client, resident)
    response = client.post("/account", data={"display_name": "区役所 広報", "locale": "ja"})
    assert response.status_code == 200 and "区役所" in response.get_data(as_text=True)
    assert "区の職員だけ" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, resident.id).display_name == "山田"

    staff = make_user(roles=("staff",), name="広報")
    staff_client = app.test_client()
    login(staff_client, staff)
    assert staff_client.post("/account", data={"display_name": "区役所 広報係",
                                               "locale": "ja"}).status_code == 302
    # Staff keep their own name when they save the profile again.
    assert staff_client.post("/account", data={"display_name": "区役所 広報係",
                                               "locale": "ja"}).status_code == 302


def test_a_resident_cannot_rename_themselves_after_a_moderator(app, make_user):
    make_user(roles=("moderator",), name="見守り担当")
    client = app.test_client()
    login(client, make_user())
    response = client.post("/account", data={"display_name": "見守り 担当", "locale": "ja"})
    assert "区職員の名前に近すぎます" in response.get_data(as_text=True)


def test_staff_and_moderators_carry_a_badge_residents_do_not(client, make_user, make_area,
                                                             make_process, make_proposal):
    area = make_area()
    process = make_process(area=area, features=("proposals_open", "comments_open"))
    resident = make_user(area=area, name="住民A")
    proposal = make_proposal(process, resident)
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert 'badge official' not in page  # also renders (and caches) the page

    staff = make_user(roles=("staff",), name="区民協働課 田中")
    moderator = make_user(roles=("moderator",), name="見守り担当")
    comments.add(staff, "proposal", proposal.id, "ご提案ありがとうございます。")
    comments.add(moderator, "proposal", proposal.id, "ルールを守りましょう。")
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '区民協働課 田中 <span class="badge official">区職員</span>' in page
    assert '見守り担当 <span class="badge official">モデレーター</span>' in page
    assert page.count("badge official") == 2

    resident.grant("staff")  # a role change alone shows in cached pages too
    db.session.commit()
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert '住民A <span class="badge official">区職員</span>' in page
