"""Café pages: who may run the console, joining on a phone, the table view, notes, harvest."""

from datetime import datetime

from sqlalchemy import select

from civic.cafe import services
from civic.cafe.models import Cafe, CafeFacilitator, CafeNote, CafeParticipant
from civic.extensions import db
from tests.conftest import login

FORM = {"title": "まちの未来", "purpose": "", "mode": "classic", "questions": "一つ目\n二つ目",
        "round_count": "2", "round_minutes": "15", "table_size": "4", "table_lines": ""}


def test_only_facilitators_and_staff_create_cafes(client, make_user, make_process):
    process = make_process(features=("cafe_open",))
    resident = make_user()
    login(client, resident)
    assert client.get(f"/processes/{process.slug}/cafes/new").status_code == 403
    client.post("/logout")
    login(client, make_user(roles=("facilitator",)))
    assert client.get(f"/processes/{process.slug}/cafes/new").status_code == 200
    bad = client.post(f"/processes/{process.slug}/cafes/new", data={**FORM, "questions": "一つ目"})
    assert bad.status_code == 422 and "一つ目" in bad.get_data(as_text=True)
    response = client.post(f"/processes/{process.slug}/cafes/new", data=FORM)
    assert response.status_code == 302
    cafe = db.session.scalar(select(Cafe))
    assert [r.question for r in cafe.rounds] == ["一つ目", "二つ目"]
    page = client.get(f"/processes/{process.slug}").get_data(as_text=True)
    assert f"/cafe/{cafe.join_code}" in page and f"/cafes/{cafe.id}/console" in page


def test_console_only_for_the_cafes_own_facilitators_and_admins(client, make_user, make_cafe):
    owner = make_user(roles=("facilitator",))
    cafe = make_cafe(facilitator=owner)
    linked = make_user(roles=("facilitator",))
    db.session.add(CafeFacilitator(cafe_id=cafe.id, user_id=linked.id))
    db.session.commit()
    url = f"/cafes/{cafe.id}/console"
    assert client.get(url).status_code == 302  # to the login page
    for user, status in ((make_user(roles=("facilitator",)), 403), (make_user(roles=("staff",)), 403),
                         (make_user(), 403), (owner, 200), (linked, 200),
                         (make_user(roles=("admin",)), 200)):
        login(client, user)
        assert client.get(url).status_code == status, user.roles
        assert client.post(f"/cafes/{cafe.id}/console/start").status_code in (status, 303)
        client.post("/logout")


def test_participants_cannot_use_the_console(client, make_user, make_cafe):
    cafe = make_cafe()
    resident = make_user()
    login(client, resident)
    client.post(f"/cafe/{cafe.join_code}", data={"as_user": "1"})
    assert client.get(f"/cafes/{cafe.id}/console").status_code == 403
    assert client.post(f"/cafes/{cafe.id}/console/start").status_code == 403
    assert client.get(f"/cafes/{cafe.id}/console.json").status_code == 403
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).state == "open"


def test_join_as_guest_then_see_my_table(app, make_cafe):
    cafe = make_cafe()
    phones = [app.test_client() for _ in range(4)]
    for i, phone in enumerate(phones):
        assert phone.get(f"/cafe/{cafe.join_code}").status_code == 200
        response = phone.post(f"/cafe/{cafe.join_code}", data={"display_name": f"ゲスト{i}"})
        assert response.status_code == 303 and response.location.endswith("/me")
    page = phones[0].get(f"/cafe/{cafe.join_code}/me").get_data(as_text=True)
    assert "ゲスト0" in page and "js/cafe.js" in page
    assert f'href="/cafe/{cafe.join_code}/me"' in page  # the no-JavaScript refresh
    services.start(db.session.get(Cafe, cafe.id), None)
    page = phones[1].get(f"/cafe/{cafe.join_code}/me").get_data(as_text=True)
    assert "ゲスト1" in page and "今の暮らしは？" in page and 'role="timer"' in page
    state = phones[1].get(f"/cafe/{cafe.join_code}/state.json").get_json()
    assert state["state"] == "running" and state["round"] == 1 and state["table"] in (1, 2)
    assert 0 < state["remaining"] <= 20 * 60 and state["version"]
    # A stranger without a seat gets the join page, not someone else's table.
    stranger = app.test_client()
    assert stranger.get(f"/cafe/{cafe.join_code}/me").status_code == 302
    assert stranger.get(f"/cafe/{cafe.join_code}/state.json").status_code == 403


def test_empty_guest_name_is_refused_with_the_form_again(client, make_cafe):
    cafe = make_cafe()
    response = client.post(f"/cafe/{cafe.join_code}", data={"display_name": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(CafeParticipant)) is None


def test_guest_names_follow_the_display_name_rules(client, make_cafe, make_user):
    make_user(roles=("staff",), name="区民協働課 田中")
    cafe = make_cafe()
    for name in ("区民協働課・田中", "区役所の人", "ゲスト\u200b"):
        response = client.post(f"/cafe/{cafe.join_code}", data={"display_name": name})
        assert response.status_code == 422, name
    assert db.session.scalar(select(CafeParticipant)) is None
    assert client.post(f"/cafe/{cafe.join_code}", data={"display_name": "ｹﾞｽﾄ"}).status_code == 303
    assert db.session.scalar(select(CafeParticipant.display_name)) == "ゲスト"


def test_join_as_user_and_verification_rule(client, make_user, make_area, make_process,
                                            make_cafe):
    area = make_area()
    process = make_process(area=area, features=("cafe_open",))
    cafe = make_cafe(process=process, verification_required=True)
    unverified = make_user()
    login(client, unverified)
    refused = client.post(f"/cafe/{cafe.join_code}", data={"as_user": "1"})
    assert refused.status_code == 403 and "/verify" in refused.get_data(as_text=True)
    client.post("/logout")
    resident = make_user(area=area, name="川端の住民")
    login(client, resident)
    response = client.post(f"/cafe/{cafe.join_code}", data={"as_user": "1"})
    assert response.status_code == 303
    client.post(f"/cafe/{cafe.join_code}", data={"as_user": "1"})  # twice: still one person
    people = db.session.scalars(select(CafeParticipant)).all()
    assert [(p.user_id, p.display_name) for p in people] == [(resident.id, "川端の住民")]


def test_joining_needs_the_cafe_phase(client, make_process, make_cafe):
    cafe = make_cafe(process=make_process(features=("comments_open",)))
    response = client.post(f"/cafe/{cafe.join_code}", data={"display_name": "早い人"})
    assert response.status_code == 403
    assert db.session.scalar(select(CafeParticipant)) is None


def test_notes_posted_on_the_phone_reach_the_next_rounds_travellers(app, make_user, make_cafe):
    owner = make_user(roles=("facilitator",))
    cafe = make_cafe(facilitator=owner, table_size=2)
    phones = {}
    for i in range(4):
        phone = app.test_client()
        phone.post(f"/cafe/{cafe.join_code}", data={"display_name": f"p{i}"})
        phones[i] = phone
    console = app.test_client()
    login(console, owner)
    assert console.post(f"/cafes/{cafe.id}/console/start").status_code == 303
    too_long = phones[2].post(f"/cafe/{cafe.join_code}/notes", data={"body": "あ" * 281})
    assert too_long.status_code == 422
    assert phones[2].post(f"/cafe/{cafe.join_code}/notes",
                          data={"body": "川の見える図書館"}).status_code == 303
    note = db.session.scalar(select(CafeNote))

    def table_of(i):
        return phones[i].get(f"/cafe/{cafe.join_code}/state.json").get_json()["table"]

    before = {i: table_of(i) for i in phones}
    assert console.post(f"/cafes/{cafe.id}/console/end").status_code == 303
    assert console.post(f"/cafes/{cafe.id}/console/next").status_code == 303
    newcomers = [i for i in phones if table_of(i) == before[2] and before[i] != before[2]]
    assert newcomers
    for i in newcomers:
        page = phones[i].get(f"/cafe/{cafe.join_code}/me").get_data(as_text=True)
        assert "川の見える図書館" in page
    # The host of that table marks it as a key idea; a traveller may not.
    host_id = note.table.host_id
    host_phone = next(phones[i] for i in phones
                      if db.session.scalar(select(CafeParticipant.display_name)
                                           .where(CafeParticipant.id == host_id)) == f"p{i}")
    assert phones[2].post(f"/cafe/{cafe.join_code}/notes/{note.id}/key",
                          data={"key": "1"}).status_code in (303, 403)
    assert host_phone.post(f"/cafe/{cafe.join_code}/notes/{note.id}/key",
                           data={"key": "1"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(CafeNote, note.id).is_key
    harvest = console.get(f"/cafes/{cafe.id}/harvest").get_data(as_text=True)
    assert "川の見える図書館" in harvest
    csv = console.get(f"/cafes/{cafe.id}/harvest.csv")
    assert csv.mimetype == "text/csv" and csv.data.startswith("\ufeff".encode())
    assert "川の見える図書館" in csv.data.decode("utf-8-sig")


def test_console_controls_and_qr(client, make_user, make_cafe):
    owner = make_user(roles=("facilitator",))
    cafe = make_cafe(facilitator=owner)
    for i in range(5):
        services.join(cafe, guest_name=f"g{i}")
    login(client, owner)
    qr = client.get(f"/cafes/{cafe.id}/qr.svg")
    assert qr.mimetype == "image/svg+xml" and b'xmlns="http://www.w3.org/2000/svg"' in qr.data
    for action in ("start", "pause", "resume"):
        assert client.post(f"/cafes/{cafe.id}/console/{action}").status_code == 303
    client.post(f"/cafes/{cafe.id}/console/extend", data={"minutes": "5"})
    client.post(f"/cafes/{cafe.id}/console/broadcast", data={"message": "あと5分です"})
    wrong = client.post(f"/cafes/{cafe.id}/console/next", follow_redirects=True)
    assert wrong.status_code == 200
    page = client.get(f"/cafes/{cafe.id}/console").get_data(as_text=True)
    assert "あと5分です" in page and "g4" in page
    state = client.get(f"/cafes/{cafe.id}/console.json").get_json()
    assert state["state"] == "running" and state["remaining"] > 20 * 60
    person = services.participants(db.session.get(Cafe, cafe.id))[-1]
    assert client.post(f"/cafes/{cafe.id}/console/left",
                       data={"participant": str(person.id)}).status_code == 303
    db.session.expire_all()
    assert db.session.get(CafeParticipant, person.id).left_at is not None
    assert client.post(f"/cafes/{cafe.id}/console/unknown").status_code == 404


def test_demo_cafe_can_be_started_by_the_demo_facilitator(app, client, ctx):
    app.test_cli_runner().invoke(args=["demo", "load"])
    cafe = db.session.scalar(select(Cafe))
    assert cafe.process.slug == "kawabata-cafe"
    client.post("/login", data={"email": "facilitator@example.jp", "password": "demo-password"})
    assert client.get(f"/cafes/{cafe.id}/console").status_code == 200
    assert client.post(f"/cafes/{cafe.id}/console/start").status_code == 303
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).state == "running"
    assert client.get("/processes/kawabata-cafe").status_code == 200


def _phones(app, cafe, count):
    phones = {}
    for i in range(count):
        phone = app.test_client()
        phone.post(f"/cafe/{cafe.join_code}", data={"display_name": f"p{i}"})
        phones[f"p{i}"] = phone
    return phones


def _time_up_notice(page: str) -> str:
    start = page.index('class="notice cafe-time-up"')
    return page[start:page.index("</p>", start)]


def test_a_round_whose_time_is_up_says_so_on_the_phone_and_the_console(app, client, make_user,
                                                                       make_cafe):
    owner = make_user(roles=("facilitator",), locale="en")
    cafe = make_cafe(facilitator=owner)
    phones = _phones(app, cafe, 3)
    services.start(db.session.get(Cafe, cafe.id), None)
    login(client, owner)
    phone_page = phones["p0"].get(f"/cafe/{cafe.join_code}/me?lang=en").get_data(as_text=True)
    assert " hidden>" in _time_up_notice(phone_page)  # there for cafe.js, not shown yet
    live = db.session.get(Cafe, cafe.id).live_round
    live.ends_at = live.started_at  # the clock has run out; the round is still on
    db.session.commit()
    phone_page = phones["p0"].get(f"/cafe/{cafe.join_code}/me?lang=en").get_data(as_text=True)
    notice = _time_up_notice(phone_page)
    assert " hidden" not in notice and "the facilitator will end the round" in notice
    console_notice = _time_up_notice(client.get(f"/cafes/{cafe.id}/console?lang=en").get_data(as_text=True))
    assert " hidden" not in console_notice and "or extend it" in console_notice


def test_in_the_break_hosts_are_told_to_stay_and_travellers_where_to_go(app, make_cafe):
    cafe = make_cafe(table_size=2)
    phones = _phones(app, cafe, 4)
    cafe = db.session.get(Cafe, cafe.id)
    services.start(cafe, None)
    services.end_round(db.session.get(Cafe, cafe.id), None)
    cafe = db.session.get(Cafe, cafe.id)
    assert cafe.state == "break"
    next_round = cafe.round(2)
    hosts = {t.host_id for t in cafe.tables}
    told = {"host": 0, "traveller": 0}
    for person in services.participants(cafe):
        page = phones[person.display_name].get(f"/cafe/{cafe.join_code}/me?lang=en").get_data(as_text=True)
        upcoming = services.seat_of(person, next_round)
        if person.id in hosts:
            assert f"stay at table {upcoming.number} and welcome the newcomers" in page
            assert "go to table" not in page
            told["host"] += 1
        elif upcoming.id != services.seat_of(person, cafe.round(1)).id:
            assert f"Next round: go to table {upcoming.number}." in page
            told["traveller"] += 1
    assert told["host"] == 2 and told["traveller"] >= 1


def test_the_broadcast_goes_away_when_the_cafe_ends(app, client, make_user, make_cafe):
    owner = make_user(roles=("facilitator",))
    cafe = make_cafe(facilitator=owner, round_count=1)
    phones = _phones(app, cafe, 2)
    login(client, owner)
    client.post(f"/cafes/{cafe.id}/console/start")
    client.post(f"/cafes/{cafe.id}/console/broadcast", data={"message": "あと5分です"})
    me = f"/cafe/{cafe.join_code}/me?lang=en"
    assert "あと5分です" in phones["p0"].get(me).get_data(as_text=True)
    client.post(f"/cafes/{cafe.id}/console/end")  # the last round: the café has ended
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).state == "finished"
    page = phones["p0"].get(me).get_data(as_text=True)
    assert "あと5分です" not in page and "The café has ended" in page
    console = client.get(f"/cafes/{cafe.id}/console?lang=en").get_data(as_text=True)
    assert "あと5分です" not in console and "/console/broadcast" not in console


def test_the_harvest_csv_has_one_charset_and_ward_times_with_the_offset(app, client, make_user,
                                                                        make_cafe):
    owner = make_user(roles=("facilitator",))
    cafe = make_cafe(facilitator=owner)
    phones = _phones(app, cafe, 3)
    services.start(db.session.get(Cafe, cafe.id), None)
    phones["p1"].post(f"/cafe/{cafe.join_code}/notes", data={"body": "夜の川辺"})
    note = db.session.scalar(select(CafeNote))
    note.created_at = datetime(2026, 12, 2, 10, 5, 0)  # UTC
    db.session.commit()
    login(client, owner)
    response = client.get(f"/cafes/{cafe.id}/harvest.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    row = response.data.decode("utf-8-sig").splitlines()[1]
    assert row.endswith(",2026-12-02T19:05:00+09:00")  # CIVIC_TIMEZONE is Asia/Tokyo
