"""Area pages end to end: importing the karte, the public page, the comparison, the vision."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from civic.areas.models import AreaFact, AreaVision, GoalLink, VisionGoal
from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.groups.models import Group, GroupActivity
from civic.spaces.models import StaffArea
from civic.timeutil import utcnow
from tests.conftest import login

KARTE = ("地区名,年,人口,世帯数,老年人口,男0-9歳,女0-9歳,男10-19歳,女10-19歳,町会加入率(%)\n"
         "本町地区,2023,12000,6000,2900,500,480,520,510,55.0\n"
         "本町地区,2024,12345,6200,3000,510,490,515,505,54.2\n"
         "honcho-b,2024,8000,4000,2400,,,,,\n")


@pytest.fixture
def ward(make_area, make_user):
    area = make_area(name="本町地区", slug="honcho")
    other = make_area(name="青葉台地区", slug="honcho-b")
    city = make_user(roles=("staff",), name="区民協働課の人", locale="en")
    local = make_user(roles=("staff",), name="本町の担当")
    elsewhere = make_user(roles=("staff",))
    db.session.add_all([StaffArea(user_id=local.id, area_id=area.id),
                        StaffArea(user_id=elsewhere.id, area_id=other.id)])
    db.session.commit()
    return {"area": area, "other": other, "city": city, "local": local, "elsewhere": elsewhere}


def _import(client, text, encoding="utf-8", source="住民基本台帳"):
    return client.post("/staff/areas/facts/import", data={
        "file": (io.BytesIO(text.encode(encoding)), "karte.csv"), "source": source,
        "as_of": "2024-01-01"}, content_type="multipart/form-data")


def test_city_staff_import_a_ward_csv_and_the_area_page_shows_it(client, ward):
    login(client, ward["city"])
    response = _import(client, KARTE, encoding="cp932")
    assert response.status_code == 302, response.text
    assert db.session.scalar(select(func.count()).select_from(AreaFact)) > 10
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "areas.facts_imported")).one()
    assert event.detail["rows"] == 3 and event.detail["years"] == [2023, 2024]
    client.post("/logout")
    page = client.get("/areas/honcho").text
    assert "12,345" in page and "住民基本台帳" in page
    assert "町会加入率(%)" in page and "54.2" in page  # an extra fact, kept as published
    assert page.count("<svg") >= 2  # the pyramid and the trends
    assert "本町の担当" in page  # 地域担当職員


def test_a_broken_file_imports_nothing_and_says_why(client, ward):
    login(client, ward["city"])
    bad = KARTE + "どこか地区,2024,1,1,1,,,,,\n本町地区,2022,たくさん,1,1,,,,,\n"
    response = _import(client, bad)
    assert response.status_code == 422
    assert "Line 5: There is no area “どこか地区”" in response.text
    assert "Line 6: 人口: “たくさん” is not a number" in response.text
    assert db.session.scalar(select(func.count()).select_from(AreaFact)) == 0
    assert _import(client, "").status_code == 422
    assert _import(client, "\x00\x01\x02").status_code == 422
    assert db.session.scalar(select(func.count()).select_from(AreaFact)) == 0


def test_a_second_import_replaces_the_same_figures_only(client, ward):
    login(client, ward["city"])
    _import(client, KARTE)
    _import(client, "地区コード,年,人口\nhoncho,2024,13000\n")
    facts = {(f.year, f.key): f.value for f in db.session.scalars(
        select(AreaFact).where(AreaFact.area_id == ward["area"].id))}
    assert facts[(2024, "population")] == 13000
    assert facts[(2024, "households")] == 6200
    assert facts[(2023, "population")] == 12000


def test_area_staff_import_their_own_areas_only(client, ward, make_user):
    login(client, ward["local"])
    refused = _import(client, KARTE)  # holds a row of 青葉台地区, not theirs
    assert refused.status_code == 422
    assert "青葉台地区" in refused.text and "Line 4" not in refused.text  # in Japanese
    assert "4行目" in refused.text or "4 行目" in refused.text
    assert db.session.scalar(select(func.count()).select_from(AreaFact)) == 0  # all or nothing
    own = "\n".join(KARTE.splitlines()[:3]) + "\n"
    assert _import(client, own).status_code == 302
    assert {f.area_id for f in db.session.scalars(select(AreaFact))} == {ward["area"].id}
    client.post("/logout")
    login(client, make_user())
    assert client.get("/staff/areas/facts/import").status_code == 403


def test_the_comparison_shows_the_latest_year_of_each_area(client, ward):
    login(client, ward["city"])
    _import(client, KARTE)
    client.post("/logout")
    page = client.get("/areas/compare").text
    assert "12,345" in page and "8,000" in page and "12,000" not in page
    only = client.get("/areas/compare?area=honcho-b").text
    assert "8,000" in only and "12,345" not in only


def test_the_area_page_is_cached_until_its_data_changes(client, ward):
    first = client.get("/areas/honcho").text
    assert "この地区の数値はまだ公開されていません" in first
    login(client, ward["city"])
    _import(client, KARTE)
    client.post("/logout")
    assert "12,345" in client.get("/areas/honcho").text
    assert client.get("/areas/nowhere").status_code == 404


def test_area_staff_keep_the_vision_with_goals_linked_to_proposals_and_activities(
        client, ward, make_user, make_process, make_proposal):
    area = ward["area"]
    author = make_user(area=area)
    process = make_process(area=area)
    done = make_proposal(process, author, title="公園のベンチ", state="completed")
    half = make_proposal(process, author, title="見守りの輪", state="in_progress", progress=50)
    draft = make_proposal(process, author, title="下書き", state="draft")
    group = Group(slug="honcho-chokai", name="本町町会", area_id=area.id, kind="neighbourhood",
                  published=True)
    db.session.add(group)
    db.session.flush()
    activity = GroupActivity(group_id=group.id, title="防災訓練",
                             starts_at=utcnow() - timedelta(days=3))
    db.session.add(activity)
    db.session.commit()

    login(client, ward["elsewhere"])
    assert client.get("/staff/areas/honcho/vision").status_code == 403
    client.post("/logout")
    login(client, ward["local"])
    assert client.post("/staff/areas/honcho/vision", data={"title": ""}).status_code == 422
    assert client.post("/staff/areas/honcho/vision", data={
        "title": "みんなで支え合うまち", "body": "一段落目\n\n二段落目"}).status_code == 302
    response = client.post("/staff/areas/honcho/vision/goals",
                           data={"title": "安心して暮らせる", "target": "2030年までに"})
    goal = db.session.scalar(select(VisionGoal))
    assert response.status_code == 302
    for data in ({"proposal": done.id, "activity": 0}, {"proposal": half.id, "activity": 0},
                 {"proposal": 0, "activity": activity.id}):
        assert client.post(f"/staff/goals/{goal.id}/links", data=data).status_code == 302
    # A draft is not a choice; the same proposal twice is refused; one of each at once too.
    assert client.post(f"/staff/goals/{goal.id}/links",
                       data={"proposal": draft.id, "activity": 0}).status_code == 422
    assert client.post(f"/staff/goals/{goal.id}/links",
                       data={"proposal": done.id, "activity": 0}).status_code == 422
    assert client.post(f"/staff/goals/{goal.id}/links",
                       data={"proposal": half.id, "activity": activity.id}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(GoalLink)) == 3
    client.post("/logout")

    page = client.get("/areas/honcho").text
    assert "みんなで支え合うまち" in page and "二段落目" in page
    assert 'value="83"' in page  # (100 + 50 + 100) / 3: the activity has taken place
    assert "公園のベンチ" in page and "防災訓練" in page and "本町町会" in page
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"area.vision_created", "area.goal_added", "area.goal_linked"} <= actions

    login(client, ward["city"])
    link = db.session.scalar(select(GoalLink).where(GoalLink.activity_id == activity.id))
    assert client.post(f"/staff/goal-links/{link.id}/delete").status_code == 302
    assert 'value="75"' in client.get("/areas/honcho").text
    assert client.post(f"/staff/goals/{goal.id}/delete").status_code == 200  # asks first
    assert client.post(f"/staff/goals/{goal.id}/delete", data={"confirm": "yes"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(VisionGoal)) == 0
    assert db.session.scalar(select(AreaVision.title)) == "みんなで支え合うまち"


def test_goals_need_a_vision_first(client, ward):
    login(client, ward["local"])
    response = client.post("/staff/areas/honcho/vision/goals", data={"title": "目標"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(VisionGoal)) == 0


def test_area_page_lists_open_processes_accepted_proposals_and_cafes(
        client, ward, make_user, make_process, make_proposal):
    area = ward["area"]
    process = make_process(title="本町の未来を考える", area=area)
    make_process(title="非公開の準備", area=area, published=False)
    make_proposal(process, make_user(), title="花壇づくり", state="accepted")
    make_proposal(process, make_user(), title="まだ審査中", state="evaluation")
    page = client.get("/areas/honcho").text
    assert "本町の未来を考える" in page and "非公開の準備" not in page
    assert "花壇づくり" in page and "まだ審査中" not in page
    assert client.get("/areas").status_code == 200


def test_the_area_page_shows_the_next_meetings_and_open_needs_at_every_view(client, ward):
    from civic.matching.models import Need
    from civic.meetings.models import Meeting

    area = ward["area"]
    group = Group(slug="honcho-bosai", name="本町防災会", area_id=area.id, kind="disaster",
                  published=True)
    db.session.add(group)
    db.session.flush()
    assert "防災講習会" not in client.get("/areas/honcho").text  # cached from here on
    soon = utcnow() + timedelta(days=3)
    db.session.add_all([
        Meeting(group_id=group.id, area_id=area.id, title="防災講習会", starts_at=soon,
                ends_at=soon + timedelta(hours=2)),
        Meeting(group_id=group.id, area_id=area.id, title="終わった会",
                starts_at=utcnow() - timedelta(days=3),
                ends_at=utcnow() - timedelta(days=3) + timedelta(hours=1)),
        Need(group_id=group.id, area_id=area.id, title="避難所の受付係", people_needed=3)])
    db.session.commit()
    page = client.get("/areas/honcho").text
    assert "防災講習会" in page and "終わった会" not in page
    assert "避難所の受付係" in page
    assert "/meetings/areas/honcho.ics" in page


def test_process_pages_and_the_menu_link_the_area_page(client, ward, make_process):
    process = make_process(title="本町の未来", area=ward["area"])
    assert 'href="/areas/honcho"' in client.get(f"/processes/{process.slug}").text
    assert 'href="/areas/honcho"' in client.get("/").text
    assert 'href="/areas"' in client.get("/processes").text
