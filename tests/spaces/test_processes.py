from datetime import timedelta

from sqlalchemy import select

from civic.extensions import db
from civic.spaces.models import Phase, Process
from civic.timeutil import ward_today
from tests.conftest import login


def _phases(today):
    day = timedelta(days=1)
    return [
        Phase(position=0, title="募集", starts_on=today - 10 * day, ends_on=today - 1 * day,
              proposals_open=True),
        Phase(position=1, title="投票", starts_on=today, ends_on=today + 5 * day,
              ballots_open=True),
        Phase(position=2, title="結果", starts_on=today + 6 * day, ends_on=today + 30 * day,
              results_published=True),
    ]


def test_the_current_phase_follows_the_dates_and_switches_features(ctx):
    today = ward_today()
    process = Process(slug="p", title="t", published=True, phases=_phases(today))
    assert process.current_phase(today).title == "投票"
    assert process.is_open("ballots_open", today)
    assert not process.is_open("proposals_open", today)
    assert process.current_phase(today - timedelta(days=3)).title == "募集"
    assert process.current_phase(today + timedelta(days=100)) is None
    assert process.has_ended(today + timedelta(days=100))


def test_staff_can_move_a_process_to_another_phase_and_back_to_the_dates(client, make_user, ctx):
    today = ward_today()
    process = Process(slug="budget", title="地域予算", published=True, phases=_phases(today))
    db.session.add(process)
    db.session.commit()
    staff = make_user(roles=("staff",))
    login(client, staff)
    results = process.phases[2]
    assert client.post("/staff/processes/budget/phase", data={"phase": results.id}
                       ).status_code == 302
    db.session.expire_all()
    assert process.current_phase(today).title == "結果"
    assert process.is_open("results_published", today)
    client.post("/staff/processes/budget/phase", data={"phase": 0})
    db.session.expire_all()
    assert process.current_phase(today).title == "投票"


def test_residents_cannot_manage_processes(client, make_user, make_process):
    process = make_process()
    login(client, make_user())
    assert client.get("/staff/processes/new").status_code == 403
    assert client.post(f"/staff/processes/{process.slug}/phase", data={"phase": 0}
                       ).status_code == 403
    assert client.get("/staff").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_for_staff_pages(client, ctx):
    response = client.get("/staff/processes/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unpublished_processes_are_hidden_from_residents(client, make_user, make_process):
    draft = make_process(published=False, title="準備中のプロセス")
    assert client.get(f"/processes/{draft.slug}").status_code == 404
    assert "準備中のプロセス" not in client.get("/").get_data(as_text=True)
    login(client, make_user())
    assert client.get(f"/processes/{draft.slug}").status_code == 404
    client.post("/logout")
    login(client, make_user(roles=("staff",)))
    assert client.get(f"/processes/{draft.slug}").status_code == 200


def test_staff_create_a_process_with_phases(client, make_user, make_area, ctx):
    area = make_area(name="港南地区")
    login(client, make_user(roles=("staff",)))
    response = client.post("/staff/processes/new", data={
        "title": "港南 みらい会議", "slug": "", "summary": "湾岸の将来", "description": "説明",
        "area": area.id, "published": "y",
    })
    assert response.status_code == 302
    process = db.session.scalar(select(Process))
    assert process.area_id == area.id and process.slug
    today = ward_today()
    bad = client.post(f"/staff/processes/{process.slug}/phases/new", data={
        "title": "意見募集", "starts_on": today.isoformat(),
        "ends_on": (today - timedelta(days=1)).isoformat(), "comments_open": "y",
    })
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "終了日は開始日より後の日付にしてください。" in page and 'value="意見募集"' in page
    ok = client.post(f"/staff/processes/{process.slug}/phases/new", data={
        "title": "意見募集", "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(), "comments_open": "y",
    })
    assert ok.status_code == 302
    db.session.expire_all()
    phase = process.current_phase(today)
    assert phase.title == "意見募集" and phase.open_features() == ["comments_open"]
    home = client.get("/").get_data(as_text=True)
    assert "港南 みらい会議" in home and "コメントする" in home


def test_home_lists_my_area_first_and_says_what_i_can_do(client, make_user, make_area,
                                                         make_process):
    north, south = make_area(name="北地区"), make_area(name="南地区")
    make_process(title="全区のプロセス")
    make_process(title="北のプロセス", area=north, features=("ballots_open",))
    make_process(title="南のプロセス", area=south)
    make_process(title="終わったプロセス", starts=-30, ends=-2)
    login(client, make_user(area=south))
    page = client.get("/").get_data(as_text=True)
    assert page.index("南のプロセス") < page.index("全区のプロセス") < page.index("北のプロセス")
    assert "終わったプロセス" not in page
    assert "予算に投票する" in page and "あなたの地区" in page


def test_processes_can_be_filtered_by_area(client, make_area, make_process):
    north, south = make_area(name="北地区"), make_area(name="南地区")
    make_process(title="北のプロセス", area=north)
    make_process(title="南のプロセス", area=south)
    page = client.get(f"/processes?area={north.id}").get_data(as_text=True)
    assert "北のプロセス" in page and "南のプロセス" not in page


def test_staff_add_areas_with_unique_names(client, make_user, ctx):
    login(client, make_user(roles=("staff",)))
    assert client.post("/staff/areas", data={"name": "本町地区", "slug": "honcho"}
                       ).status_code == 302
    again = client.post("/staff/areas", data={"name": "本町", "slug": "honcho"})
    assert "このURL用の名前はすでに使われています。" in again.get_data(as_text=True)
    bad = client.post("/staff/areas", data={"name": "X", "slug": "本町"})
    assert "半角の英小文字" in bad.get_data(as_text=True)
