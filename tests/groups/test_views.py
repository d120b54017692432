"""Local groups: the directory, contact details as the group allows, admins confirmed by staff,
activities and joint projects, and the network view."""

import pytest

from civic.extensions import db
from civic.groups.models import Group, GroupActivity, GroupMembership, GroupProject, GroupTheme
from tests.conftest import login


@pytest.fixture
def groups(make_area):
    north, south = make_area(name="本町地区"), make_area(name="青葉台地区")
    chonai = Group(slug="honcho-chonai", name="本町一丁目町会", area_id=north.id,
                   kind="neighbourhood", summary="防災訓練と夏祭り", meets="毎月第2土曜 10時",
                   how_to_join="会館で申し込み", contact_email="honcho@example.jp",
                   contact_visibility="verified")
    chonai.theme_rows = [GroupTheme(theme="disaster")]
    npo = Group(slug="aoba-kodomo", name="NPO法人あおばこども", area_id=south.id, kind="npo",
                contact_email="aoba@example.jp", contact_visibility="public")
    npo.theme_rows = [GroupTheme(theme="school"), GroupTheme(theme="welfare")]
    hidden = Group(slug="junbi", name="準備中の会", area_id=south.id, kind="circle",
                   published=False)
    db.session.add_all([chonai, npo, hidden])
    db.session.commit()
    return north, south, chonai, npo, hidden


def test_the_directory_filters_by_area_kind_and_theme(client, groups):
    north, south, *_ = groups
    page = client.get("/groups").text
    assert "本町一丁目町会" in page and "NPO法人あおばこども" in page and "準備中の会" not in page
    assert "本町一丁目町会" not in client.get(f"/groups?area={south.id}").text
    assert "NPO法人あおばこども" not in client.get("/groups?kind=neighbourhood").text
    page = client.get("/groups?theme=welfare").text
    assert "NPO法人あおばこども" in page and "本町一丁目町会" not in page
    assert client.get("/groups?area=x&kind=<b>&theme=zz").status_code == 200
    assert client.get("/groups/junbi").status_code == 404


def test_contact_details_are_shown_only_as_the_group_allows(client, make_user, groups):
    north, *_ = groups
    assert "aoba@example.jp" in client.get("/groups/aoba-kodomo").text  # public
    assert "honcho@example.jp" not in client.get("/groups/honcho-chonai").text  # verified only
    login(client, make_user())
    assert "honcho@example.jp" not in client.get("/groups/honcho-chonai").text
    client.post("/logout")
    login(client, make_user(area=north))
    assert "honcho@example.jp" in client.get("/groups/honcho-chonai").text


def test_a_resident_becomes_admin_only_once_staff_confirm(client, app, make_user, groups):
    from civic.audit.models import AuditEvent
    from civic.spaces.models import StaffArea

    north, south, chonai, *_ = groups
    resident = make_user()
    login(client, resident)
    assert client.post("/groups/honcho-chonai/admin-request", data={"message": ""}).status_code \
        == 422
    assert client.post("/groups/honcho-chonai/admin-request",
                       data={"message": "会長です"}).status_code == 302
    assert client.get("/groups/honcho-chonai/edit").status_code == 403  # not yet
    row = db.session.scalar(db.select(GroupMembership))
    assert (row.state, row.role) == ("requested", "admin")

    other_area_staff = make_user(roles=("staff",))
    db.session.add(StaffArea(user_id=other_area_staff.id, area_id=south.id))
    db.session.commit()
    staff_client = app.test_client()
    login(staff_client, other_area_staff)
    assert "会長です" not in staff_client.get("/staff/groups/requests").text
    assert staff_client.post(f"/staff/groups/requests/{row.id}",
                             data={"decision": "confirmed"}).status_code == 403
    staff_client = app.test_client()
    staff = make_user(roles=("staff",))
    login(staff_client, staff)
    assert "会長です" in staff_client.get("/staff/groups/requests").text
    assert staff_client.post(f"/staff/groups/requests/{row.id}",
                             data={"decision": "maybe"}).status_code == 422
    assert staff_client.post(f"/staff/groups/requests/{row.id}",
                             data={"decision": "confirmed"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupMembership, row.id).state == "confirmed"
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "group.admin_confirmed"))
    assert event.actor_id == staff.id and event.detail["user_id"] == resident.id

    # The confirmed admin edits the group (but not its area) and adds an activity.
    page = client.get("/groups/honcho-chonai/edit")
    assert page.status_code == 200 and 'name="slug"' not in page.text
    edited = client.post("/groups/honcho-chonai/edit", data={
        "name": "本町一丁目町会", "area": south.id, "kind": "neighbourhood", "themes": ["disaster"],
        "summary": "防災訓練・夏祭り・見守り", "description": "", "meets": "毎月第2土曜",
        "how_to_join": "", "contact_name": "", "contact_email": "", "contact_phone": "",
        "contact_url": "", "contact_visibility": "public", "published": "y"})
    assert edited.status_code == 422  # another area is no choice for an admin
    edited = client.post("/groups/honcho-chonai/edit", data={
        "name": "本町一丁目町会", "area": north.id, "kind": "neighbourhood",
        "themes": ["disaster", "elderly"], "summary": "防災訓練・夏祭り・見守り",
        "description": "", "meets": "毎月第2土曜", "how_to_join": "", "contact_name": "",
        "contact_email": "", "contact_phone": "", "contact_url": "",
        "contact_visibility": "public", "published": "y"})
    assert edited.status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, chonai.id).themes == ["disaster", "elderly"]
    bad = client.post("/groups/honcho-chonai/activities/new", data={
        "title": "防災訓練", "starts_at": "2027-03-08T10:00", "ends_at": "2027-03-08T09:00",
        "place": 0, "location": "本町公園"})
    assert bad.status_code == 422 and "防災訓練" in bad.text
    added = client.post("/groups/honcho-chonai/activities/new", data={
        "title": "防災訓練", "starts_at": "2027-03-08T10:00", "ends_at": "2027-03-08T12:00",
        "place": 0, "location": "本町公園", "partners": [groups[3].id]})
    assert added.status_code == 302
    activity = db.session.scalar(db.select(GroupActivity))
    assert activity.starts_at.hour == 1  # 10:00 in Tokyo, stored as UTC
    assert "防災訓練" in client.get("/groups/aoba-kodomo").text  # the partner's page lists it too

    # The admin changes the activity (the form shows it on the ward's clock) and then removes it.
    activity_id = activity.id
    edit = f"/groups/honcho-chonai/activities/{activity_id}/edit"
    form = client.get(edit).text
    assert 'value="2027-03-08T10:00"' in form and 'value="本町公園"' in form
    assert client.get(f"/groups/aoba-kodomo/activities/{activity.id}/edit").status_code in (403, 404)
    kept = client.post(edit, data={"title": "", "starts_at": "2027-03-08T10:00", "place": 0})
    assert kept.status_code == 422 and 'value="2027-03-08T10:00"' in kept.text
    assert client.post(edit, data={
        "title": "防災訓練（雨天決行）", "starts_at": "2027-03-08T09:30", "ends_at": "",
        "place": 0, "location": "本町小学校", "partners": []}).status_code == 302
    db.session.expire_all()
    changed = db.session.get(GroupActivity, activity.id)
    assert (changed.title, changed.starts_at.hour, changed.starts_at.minute, changed.ends_at,
            changed.location, changed.partner_rows) == ("防災訓練（雨天決行）", 0, 30, None,
                                                       "本町小学校", [])
    assert "防災訓練" not in client.get("/groups/aoba-kodomo").text  # no longer a partner
    remove = f"/groups/honcho-chonai/activities/{activity.id}/remove"
    assert "防災訓練（雨天決行）" in client.get(remove).text
    assert client.post(remove).status_code == 200  # a bare POST gets the confirmation page
    assert db.session.get(GroupActivity, activity.id) is not None
    assert client.post(remove, data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupActivity, activity_id) is None
    removed = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "group.activity_removed"))
    assert removed.detail["title"] == "防災訓練（雨天決行）"
    assert client.get(edit).status_code == 404


def test_staff_tie_accepted_proposals_to_groups_and_see_the_network(
        client, make_user, make_process, make_proposal, groups):
    _north, _south, chonai, npo, _hidden = groups
    process = make_process()
    author = make_user()
    accepted = make_proposal(process, author, title="川沿いの見守り", state="accepted")
    draft = make_proposal(process, author, title="まだ下書き", state="draft")
    login(client, make_user(roles=("staff",)))
    page = client.get("/staff/groups/honcho-chonai/projects").text
    assert "川沿いの見守り" in page and "まだ下書き" not in page
    assert client.post("/staff/groups/honcho-chonai/projects",
                       data={"proposal": draft.id}).status_code == 422
    for slug in ("honcho-chonai", "aoba-kodomo"):
        assert client.post(f"/staff/groups/{slug}/projects",
                           data={"proposal": accepted.id, "role": "見守り"}).status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(GroupProject)) == 2
    assert "川沿いの見守り" in client.get("/groups/aoba-kodomo").text
    network = client.get("/staff/groups/network").text
    assert "<svg" in network and network.count("<line ") == 1
    assert "本町一丁目町会" in network and "NPO法人あおばこども" in network
    # Per theme: only the school/welfare NPO is in 学校, so nobody is linked there.
    assert "<line " not in client.get("/staff/groups/network?theme=school").text


def test_residents_do_not_see_staff_pages(client, make_user, groups):
    login(client, make_user())
    for url in ("/staff/groups/network", "/staff/groups/requests", "/staff/groups/new",
                "/staff/groups/honcho-chonai/projects"):
        assert client.get(url).status_code == 403, url


def test_staff_remove_an_admin_after_confirming_it(client, make_user, groups):
    from civic.audit.models import AuditEvent

    _north, _south, chonai, *_ = groups
    admin = make_user()
    row = GroupMembership(group_id=chonai.id, user_id=admin.id, state="confirmed")
    db.session.add(row)
    db.session.commit()
    login(client, make_user(roles=("staff",)))
    assert f"/staff/groups/admins/{row.id}/revoke" in client.get("/groups/honcho-chonai").text
    assert client.post(f"/staff/groups/admins/{row.id}/revoke").status_code == 200  # the page
    assert db.session.get(GroupMembership, row.id).state == "confirmed"
    assert client.post(f"/staff/groups/admins/{row.id}/revoke",
                       data={"confirm": "yes"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(GroupMembership, row.id).state == "revoked"
    assert db.session.scalar(db.select(AuditEvent.action).where(
        AuditEvent.action == "group.admin_revoked")) == "group.admin_revoked"
    client.post("/logout")
    login(client, admin)
    assert client.get("/groups/honcho-chonai/edit").status_code == 403
