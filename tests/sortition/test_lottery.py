"""Lotteries end to end through the pages: register, invitations, letters, replies, quotas, the
committed draw (equal to the command line's), replacements, the panel's invitations, retention."""

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.sortition import selection, services
from civic.sortition.demo import synthetic_register
from civic.sortition.models import Invitation, Lottery, LotteryDraw, RegisterEntry, Reply
from civic.spaces.models import StaffArea
from civic.timeutil import ward_today
from tests.conftest import login

AREAS = ["本町地区", "青葉台地区", "川端地区"]


@pytest.fixture
def area(make_area):
    return make_area(name="本町地区", slug="honcho")


@pytest.fixture
def staff(make_user, area):
    user = make_user(email="staff-a@example.jp", roles=("staff",))
    db.session.add(StaffArea(user_id=user.id, area_id=area.id))
    db.session.commit()
    return user


@pytest.fixture
def lottery(staff, area, app):
    with app.test_request_context():
        lottery = services.create_lottery({
            "title": "区民討議会", "purpose": "まちの将来を話し合う", "letter_text": "ご参加ください。",
            "event_dates": "2月6日（土）\n2月20日（土）", "panel_size": 8, "retention_on": None,
            "area": area.id, "cafe": None,
            "extra_features": [{"name": "職業", "values": ["会社員", "その他"]}]}, staff)
    return lottery


def register_csv(count=400):
    return synthetic_register(count, AREAS, ward_today().year).encode()


def staff_client(app, staff):
    client = app.test_client()
    login(client, staff)
    return client


def reply_everyone(app, lottery, how_many, seed=1):
    """Replies through the service, with the register's own features."""
    import random

    rng = random.Random(seed)
    invitations = db.session.scalars(select(Invitation).where(
        Invitation.lottery_id == lottery.id).order_by(Invitation.number)).all()
    for invitation in invitations[:how_many]:
        entry = invitation.entry
        services.save_reply(lottery, invitation, {
            "accepted": True, "available_dates": [lottery.dates[0]], "name": f"名前{entry.id}",
            "contact": f"p{invitation.number}@example.jp", "age_band": entry.age_band,
            "gender": entry.gender, "area": entry.area,
            "extra": {"職業": rng.choice(["会社員", "その他"])}, "needs": [], "consent": True})


def upload(client, lottery, data, name="register.csv"):
    import io

    return client.post(f"/staff/lotteries/{lottery.id}/register",
                       data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


# Register --------------------------------------------------------------------------------------

def test_register_imports_utf8_and_cp932(app, ctx, staff, lottery):
    client = staff_client(app, staff)
    text = "id,birth_year,gender,area,household\nA1,1990,女性,本町地区,H1\nA2,1950,男性,本町地区,H1\n"
    response = upload(client, lottery, text.encode("cp932"))
    assert response.status_code == 303
    rows = db.session.scalars(select(RegisterEntry).order_by(RegisterEntry.resident_id)).all()
    assert [(r.resident_id, r.gender, r.area) for r in rows] == [
        ("A1", "女性", "本町地区"), ("A2", "男性", "本町地区")]
    assert rows[1].age_band == "70代以上"
    assert upload(client, lottery, ("\ufeff" + text).encode()).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 2


def test_other_columns_are_refused_by_name_and_nothing_is_imported(app, ctx, staff, lottery):
    client = staff_client(app, staff)
    response = upload(client, lottery,
                      "id,birth_year,gender,area,household,氏名,住所\nA1,1990,女性,本町,H1,山田,x\n"
                      .encode())
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "氏名, 住所" in page
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0


def test_a_broken_file_leaves_the_earlier_register_whole(app, ctx, staff, lottery):
    client = staff_client(app, staff)
    assert upload(client, lottery, register_csv(50)).status_code == 303
    broken = "id,birth_year,gender,area,household\nB1,1990,女性,本町,H1\nB2,,男性,本町,H2\n"
    response = upload(client, lottery, broken.encode())
    assert response.status_code == 422
    assert "3" in response.get_data(as_text=True)  # the line is named
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 50
    assert upload(client, lottery, b"\xff\xfe\x00garbage\x81").status_code == 422


# Invitations, letters, replies -----------------------------------------------------------------

def test_invitations_one_per_household_and_letters_with_codes(app, ctx, staff, lottery):
    client = staff_client(app, staff)
    upload(client, lottery, register_csv())
    response = client.post(f"/staff/lotteries/{lottery.id}/invitations",
                           data={"count": 60, "method": "stratified"})
    assert response.status_code == 303
    invitations = db.session.scalars(select(Invitation)).all()
    assert len(invitations) == 60
    households = {invitation.entry.household for invitation in invitations}
    assert len(households) == 60
    page = client.get(f"/staff/lotteries/{lottery.id}/letters").get_data(as_text=True)
    assert page.count('class="letter"') == 60 and "<svg" in page
    assert "区民討議会" in page and "2月6日（土）" in page
    code = re.search(r'class="code" translate="no">([A-Z0-9-]+)<', page).group(1)
    assert services.invitation_by_code(code) is not None
    # Only the hash is stored.
    assert not db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.code_hash == services.normalise_code(code)))


def _drawn_invitations(app, staff, lottery, count=60):
    client = staff_client(app, staff)
    upload(client, lottery, register_csv())
    client.post(f"/staff/lotteries/{lottery.id}/invitations",
                data={"count": count, "method": "simple"})
    db.session.refresh(lottery)
    return client


def test_reply_by_code_works_once(app, ctx, staff, lottery):
    _drawn_invitations(app, staff, lottery)
    with app.test_request_context():
        code = services.reply_code(lottery, 1)
    resident = app.test_client()
    start = resident.post("/reply", data={"code": services.format_code(code).lower()})
    assert start.status_code == 303
    form = resident.get(start.headers["Location"])
    assert form.status_code == 200 and "区民討議会" in form.get_data(as_text=True)
    incomplete = resident.post(f"/reply/{code}", data={"accepted": "yes", "name": "山田"})
    assert incomplete.status_code == 422 and 'value="山田"' in incomplete.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 0
    done = resident.post(f"/reply/{code}", data={
        "accepted": "yes", "available_dates": ["2月6日（土）"], "name": "山田",
        "contact": "yamada@example.jp", "age_band": "30代", "gender": "女性", "area": "本町地区",
        "extra_0": "会社員", "needs": ["childcare"], "consent": "y"})
    assert done.status_code == 200
    reply = db.session.scalar(select(Reply))
    assert reply.accepted and reply.needs == ["childcare"] and reply.extra == {"職業": "会社員"}
    again = resident.post(f"/reply/{code}", data={"accepted": "no"})
    assert "コードは1回だけ使えます" in again.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Reply)) == 1
    assert resident.get("/reply/AAAABBBBCCCC").status_code == 404


def test_staff_enter_a_paper_reply(app, ctx, staff, lottery):
    client = _drawn_invitations(app, staff, lottery)
    response = client.post(f"/staff/lotteries/{lottery.id}/replies/new",
                           data={"letter": 5, "accepted": "no"})
    assert response.status_code == 303
    reply = db.session.scalar(select(Reply))
    assert not reply.accepted and reply.entered_by_id == staff.id
    assert client.post(f"/staff/lotteries/{lottery.id}/replies/new",
                       data={"letter": 5, "accepted": "no"}).status_code == 422


# The panel -------------------------------------------------------------------------------------

def _ready(app, staff, lottery, replies=40):
    client = _drawn_invitations(app, staff, lottery)
    reply_everyone(app, lottery, replies)
    page = client.get(f"/staff/lotteries/{lottery.id}/quotas")
    assert page.status_code == 200
    return client


def _save_suggested_quotas(client, lottery):
    rows = services.suggested_quotas(lottery)
    pool = [reply.values(lottery) for reply in services.pool_replies(lottery)]
    data = {"confirm": "yes"}
    for index, quota in enumerate(rows):
        have = sum(1 for person in pool if person[quota.feature] == quota.value)
        data[f"min-{index}"] = str(min(quota.min, have))
        data[f"max-{index}"] = str(max(quota.max, 1))
    response = client.post(f"/staff/lotteries/{lottery.id}/quotas", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)


def test_commitment_is_public_before_the_draw_and_the_app_panel_is_the_clis(
        app, ctx, staff, lottery, tmp_path):
    client = _ready(app, staff, lottery)
    _save_suggested_quotas(client, lottery)
    assert client.post(f"/staff/lotteries/{lottery.id}/commit",
                       data={"algorithm": "maximin"}).status_code == 303
    draw = db.session.scalar(select(LotteryDraw))
    public = app.test_client().get(f"/lotteries/{lottery.id}").get_data(as_text=True)
    assert draw.commitment in public and draw.pool_sha256 in public
    assert draw.secret not in public
    assert client.post(f"/staff/lotteries/{lottery.id}/draw",
                       data={"digits": "271828"}).status_code == 303
    db.session.expire_all()
    draw = db.session.scalar(select(LotteryDraw))
    assert draw.seed == f"{draw.secret}-271828"
    assert services.sha256(draw.secret) == draw.commitment
    public = app.test_client().get(f"/lotteries/{lottery.id}").get_data(as_text=True)
    assert draw.seed in public and all(person in public for person in draw.selected)
    assert "名前" not in public and "@example.jp" not in public  # nobody is named
    # Anyone re-runs the draw from the published files and seed.
    files = {}
    for name in ("pool", "features"):
        response = app.test_client().get(f"/lotteries/{lottery.id}/{name}.csv")
        files[name] = tmp_path / f"{name}.csv"
        files[name].write_bytes(response.data)
        assert services.sha256(response.get_data(as_text=True)) == getattr(draw, f"{name}_sha256")
    result = app.test_cli_runner().invoke(args=[
        "sortition", "select", "--people", str(files["pool"]), "--features",
        str(files["features"]), "--size", str(draw.size), "--seed", draw.seed, "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["selected"] == draw.selected
    assert out["min_probability"] == pytest.approx(draw.min_probability, abs=1e-6)
    assert selection.meets_quotas(*_pool_quotas(draw), draw.selected)
    staff_page = client.get(f"/staff/lotteries/{lottery.id}").get_data(as_text=True)
    assert f"{draw.min_probability:.4f}" in staff_page


def _pool_quotas(draw):
    quotas = selection.read_quotas(draw.features_csv)
    return selection.read_pool(draw.pool_csv, selection.features_of(quotas)), quotas


def test_infeasible_quotas_are_explained_by_name(app, ctx, staff, lottery):
    client = _ready(app, staff, lottery, replies=20)
    rows = services.suggested_quotas(lottery)
    honcho = sum(1 for reply in services.pool_replies(lottery) if reply.area == "本町地区")
    data = {"confirm": "yes"}
    for index, quota in enumerate(rows):
        wanted = honcho + 1 if quota.value == "本町地区" else 0
        data[f"min-{index}"], data[f"max-{index}"] = str(wanted), str(max(wanted, 8))
    assert client.post(f"/staff/lotteries/{lottery.id}/quotas", data=data).status_code == 303
    response = client.post(f"/staff/lotteries/{lottery.id}/commit", data={"algorithm": "maximin"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f"候補者の中に 地区 本町地区 の人が足りません：最小は {honcho + 1} 人" in page
    assert db.session.scalar(select(func.count()).select_from(LotteryDraw)) == 0


def test_replacement_keeps_the_quotas_and_is_recorded(app, ctx, staff, lottery):
    client = _ready(app, staff, lottery)
    _save_suggested_quotas(client, lottery)
    client.post(f"/staff/lotteries/{lottery.id}/commit", data={"algorithm": "maximin"})
    client.post(f"/staff/lotteries/{lottery.id}/draw", data={"digits": ""})
    draw = db.session.scalar(select(LotteryDraw))
    dropped = draw.panel[0]
    response = client.post(f"/staff/lotteries/{lottery.id}/replace",
                           data={"dropped": dropped, "reason": "体調不良"})
    assert response.status_code == 303
    db.session.expire_all()
    draw = db.session.scalar(select(LotteryDraw))
    assert dropped not in draw.panel and len(draw.panel) == draw.size
    assert draw.replacements[0].reason == "体調不良"
    assert selection.meets_quotas(*_pool_quotas(draw), draw.panel)


def test_the_panel_is_invited_and_the_facilitator_sees_it(app, ctx, staff, lottery, make_user,
                                                         make_process):
    from civic.cafe import services as cafe_services
    from civic.notifications.models import Notification

    facilitator = make_user(roles=("facilitator",))
    process = make_process(features=("cafe_open",))
    cafe = cafe_services.create_cafe(process, {
        "title": "川沿いの10年後", "purpose": "", "mode": "classic", "questions": "",
        "round_count": 1, "round_minutes": 20, "table_size": 3, "table_lines": "",
        "verification_required": False}, facilitator)
    lottery.event_type, lottery.event_id = "cafe", cafe.id
    db.session.commit()
    client = _ready(app, staff, lottery)
    member = make_user()
    first = db.session.scalar(select(Reply).order_by(Reply.id))
    first.user_id = member.id
    db.session.commit()
    _save_suggested_quotas(client, lottery)
    client.post(f"/staff/lotteries/{lottery.id}/commit", data={"algorithm": "nash"})
    client.post(f"/staff/lotteries/{lottery.id}/draw", data={})
    draw = db.session.scalar(select(LotteryDraw))
    assert draw.algorithm == "nash"
    response = client.post(f"/staff/lotteries/{lottery.id}/invite-panel", data={"confirm": "yes"})
    assert response.status_code == 303
    members = services.panel_replies(lottery)
    notified = db.session.scalars(select(Notification).where(Notification.kind == "panel")).all()
    assert [n.user_id for n in notified] == ([member.id] if first in members else [])
    fac = app.test_client()
    login(fac, facilitator)
    console = fac.get(f"/cafes/{cafe.id}/console").get_data(as_text=True)
    assert all(reply.name in console for reply in members)


# Privacy and retention -------------------------------------------------------------------------

def test_only_the_lotterys_staff_see_the_register_and_replies(app, ctx, staff, lottery,
                                                             make_user, make_area):
    _drawn_invitations(app, staff, lottery)
    reply_everyone(app, lottery, 5)
    other_area = make_area()
    other = make_user(roles=("staff",))
    db.session.add(StaffArea(user_id=other.id, area_id=other_area.id))
    db.session.commit()
    client = staff_client(app, other)
    for path in ("", "/replies", "/letters", "/quotas"):
        assert client.get(f"/staff/lotteries/{lottery.id}{path}").status_code == 403
    resident = make_user()
    reply = db.session.scalar(select(Reply))
    reply.user_id = resident.id
    db.session.commit()
    stranger = make_user()
    stranger_client = app.test_client()
    login(stranger_client, stranger)
    data = stranger_client.get("/account/data.json").get_data(as_text=True)
    assert reply.contact not in data
    own = app.test_client()
    login(own, resident)
    assert reply.contact in own.get("/account/data.json").get_data(as_text=True)


def test_retention_deletes_the_register_and_replies_and_is_audited(app, ctx, staff, lottery):
    _drawn_invitations(app, staff, lottery)
    reply_everyone(app, lottery, 5)
    lottery = db.session.get(Lottery, lottery.id)
    lottery.retention_on = ward_today() + timedelta(days=1)
    db.session.commit()
    assert services.purge_expired() == []
    lottery.retention_on = ward_today()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["lotteries", "purge"])
    assert result.exit_code == 0, result.output
    for model in (RegisterEntry, Invitation, Reply):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "lottery.personal_data_deleted"))
    assert event.detail["register_entry"] == 400 and event.detail["reply"] == 5
    assert db.session.get(Lottery, lottery.id).personal_data_deleted_at is not None


def test_a_drawn_panel_sets_the_default_retention_date(app, ctx, staff, lottery):
    client = _ready(app, staff, lottery)
    _save_suggested_quotas(client, lottery)
    client.post(f"/staff/lotteries/{lottery.id}/commit", data={"algorithm": "maximin"})
    client.post(f"/staff/lotteries/{lottery.id}/draw", data={})
    db.session.expire_all()
    assert db.session.get(Lottery, lottery.id).retention_on == ward_today() + timedelta(days=90)


def test_neither_the_api_nor_staff_exports_carry_lottery_data(app, ctx, staff, lottery):
    _drawn_invitations(app, staff, lottery)
    reply_everyone(app, lottery, 3)
    contact = db.session.scalar(select(Reply.contact))
    anyone = app.test_client()
    spec = anyone.get("/api/v1/openapi.json").get_data(as_text=True).lower()
    assert "lottery" not in spec and "register" not in spec
    for path in ("/api/v1/areas", "/api/v1/processes", "/api/v1/proposals"):
        assert contact not in anyone.get(path).get_data(as_text=True)
    public = anyone.get(f"/lotteries/{lottery.id}").get_data(as_text=True)
    assert contact not in public and "名前" not in public


def test_the_purge_job_deletes_what_is_due(app, ctx, staff, lottery, held_jobs):
    from civic.jobs import services as jobs

    _drawn_invitations(app, staff, lottery)
    lottery = db.session.get(Lottery, lottery.id)
    lottery.retention_on = ward_today() - timedelta(days=1)
    db.session.commit()
    job = jobs.enqueue(services.PURGE_JOB)
    held_jobs.run()
    db.session.expire_all()
    assert jobs.status(job.id).result == {"lotteries": [lottery.id]}
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
