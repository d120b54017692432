"""Staff scope (docs/security.md): 地域担当職員 run their own areas' processes, city-wide staff
(no area assignment) every process; nobody but its author sees a draft."""

import pytest
from sqlalchemy import func, select

from civic.accounts.models import ResidencyCode
from civic.budgets.models import Budget
from civic.extensions import db
from civic.insights.models import Analysis
from civic.spaces.models import Process, StaffArea
from tests.conftest import login


@pytest.fixture
def ward(app, make_user, make_area, make_process, make_proposal):
    """Areas A and B with a process each and a city-wide one; staff of A, of B and city-wide."""
    area_a, area_b = make_area(name="本町地区"), make_area(name="青葉台地区")
    author = make_user(area=area_a)
    people = {"city": make_user(roles=("staff",)), "a": make_user(roles=("staff",)),
              "b": make_user(roles=("staff",)), "resident": make_user(area=area_a),
              "author": author}
    for who, area in (("a", area_a), ("b", area_b)):
        db.session.add(StaffArea(user_id=people[who].id, area_id=area.id))
    db.session.commit()
    processes = {"a": make_process(title="本町の提案", area=area_a),
                 "b": make_process(title="青葉台の提案", area=area_b),
                 "city": make_process(title="全区の提案")}
    proposals = {where: {state: make_proposal(process, author, title=f"{where}-{state}の提案",
                                              state=state).id
                         for state in ("draft", "submitted", "consultation", "published")}
                 for where, process in processes.items()}
    clients = {}
    for who, user in people.items():
        clients[who] = app.test_client()
        login(clients[who], user)
    return {"areas": (area_a, area_b), "people": people, "processes": processes,
            "proposals": proposals, "clients": clients}


def test_area_staff_run_their_areas_processes_only(ward):
    a, city = ward["clients"]["a"], ward["clients"]["city"]
    processes = ward["processes"]
    for where, process in processes.items():
        expected = 200 if where == "a" else 403
        assert a.get(f"/staff/processes/{process.slug}/edit").status_code == expected, where
        assert a.get(f"/staff/processes/{process.slug}/proposals").status_code == expected
        assert a.get(f"/processes/{process.slug}/budgets/new").status_code == expected
        assert city.get(f"/staff/processes/{process.slug}/edit").status_code == 200
    home = a.get("/staff").text
    assert "本町の提案" in home and "青葉台の提案" not in home and "全区の提案" not in home
    assert a.get("/staff/areas").status_code == 403
    assert city.get("/staff/areas").status_code == 200


def test_area_staff_create_processes_and_budgets_for_their_areas_only(ward):
    area_a, area_b = ward["areas"]
    a = ward["clients"]["a"]
    form = a.get("/staff/processes/new").text
    assert "本町地区" in form and "青葉台地区" not in form
    for area_id in (area_b.id, 0):  # another area, the whole city
        response = a.post("/staff/processes/new", data={"title": "よその提案", "area": area_id})
        assert response.status_code == 200  # the form again, with "not a valid choice"
    assert db.session.scalar(select(Process).where(Process.title == "よその提案")) is None
    created = a.post("/staff/processes/new", data={"title": "本町の新しい提案", "area": area_a.id})
    assert created.status_code == 302
    own = ward["processes"]["a"]
    refused = a.post(f"/processes/{own.slug}/budgets/new",
                     data={"title": "予算", "amount": 1000, "rule": "greedy", "area": area_b.id})
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Budget)) == 0


def test_residency_codes_for_an_area_come_from_its_staff_or_city_wide_staff(ward):
    area_a, area_b = ward["areas"]
    a, city = ward["clients"]["a"], ward["clients"]["city"]
    data = {"count": 2, "kind": "letter", "days": 30}
    assert a.post("/staff/codes", data={**data, "area": area_b.id}).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(ResidencyCode)) == 0
    assert a.post("/staff/codes", data={**data, "area": area_a.id}).status_code == 200
    assert city.post("/staff/codes", data={**data, "area": area_b.id}).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(ResidencyCode)) == 4
    page = a.get("/staff/codes").text
    assert "本町地区" in page and "青葉台地区" not in page  # neither as a choice nor a batch
    assert ward["clients"]["resident"].get("/staff/codes").status_code == 403


def test_area_staff_see_and_answer_submitted_proposals_of_their_areas_only(ward):
    a = ward["clients"]["a"]
    for where, ids in ward["proposals"].items():
        expected = 200 if where == "a" else 404
        for state in ("submitted", "consultation"):
            assert a.get(f"/proposals/{ids[state]}").status_code == expected, (where, state)
        assert a.get(f"/proposals/{ids['consultation']}/consultation").status_code == expected
        published = a.get(f"/proposals/{ids['published']}/consultation").status_code
        assert published == (200 if where == "a" else 403)
        step = a.post(f"/proposals/{ids['submitted']}/steps/publish")
        assert step.status_code == (302 if where == "a" else 404)


def test_nobody_but_the_author_sees_a_draft(ward):
    clients = ward["clients"]
    draft = ward["proposals"]["a"]["draft"]
    slug = ward["processes"]["a"].slug
    assert clients["author"].get(f"/proposals/{draft}").status_code == 200
    for who in ("city", "a", "b", "resident"):
        assert clients[who].get(f"/proposals/{draft}").status_code == 404, who
        assert clients[who].get(f"/report/proposal/{draft}").status_code == 404, who
        listing = clients[who].get(f"/processes/{slug}/proposals?state=draft").text
        assert "a-draftの提案" not in listing, who
        found = clients[who].get("/proposals/search?q=ベンチ").text
        assert "a-publishedの提案" in found and "a-draftの提案" not in found, who
    # Staff see a proposal from its submission on, in the list filtered by state too.
    submitted = clients["city"].get(f"/processes/{slug}/proposals?state=submitted").text
    assert "a-submittedの提案" in submitted
    assert "a-submittedの提案" not in clients["b"].get(
        f"/processes/{slug}/proposals?state=submitted").text


def test_search_shows_hidden_proposals_only_to_the_staff_of_their_process(ward):
    from civic.moderation import services as moderation
    from civic.proposals.models import Proposal

    moderator = ward["people"]["city"]
    for where in ("a", "b"):
        moderation.hide_content(moderator, "proposal", ward["proposals"][where]["published"], "")
    found = {who: ward["clients"][who].get("/proposals/search?q=ベンチ").text
             for who in ("a", "city", "resident")}
    assert "a-publishedの提案" in found["a"] and "b-publishedの提案" not in found["a"]
    assert "a-publishedの提案" in found["city"] and "b-publishedの提案" in found["city"]
    assert "a-publishedの提案" not in found["resident"]
    assert "b-publishedの提案" not in found["resident"]
    assert "city-publishedの提案" in found["resident"]
    assert db.session.get(Proposal, ward["proposals"]["a"]["published"]).is_hidden


def test_themes_of_a_process_are_its_staff_s(ward):
    a, b = ward["clients"]["a"], ward["clients"]["b"]
    own = ward["processes"]["a"]
    created = a.post("/staff/themes", data={"title": "本町の声", "process_id": own.id})
    assert created.status_code == 302
    analysis = db.session.scalar(select(Analysis))
    assert a.get(f"/staff/themes/{analysis.id}").status_code == 200
    assert b.get(f"/staff/themes/{analysis.id}").status_code == 403
    assert "本町の声" not in b.get("/staff/themes").text
    other = ward["processes"]["b"]
    assert a.post("/staff/themes", data={"title": "よその声", "process_id": other.id}
                  ).status_code == 422


def test_the_demo_area_staff_runs_aobadai_and_not_the_city_wide_process(app, client, ctx):
    app.test_cli_runner().invoke(args=["demo", "load"])
    client.post("/login", data={"email": "aobadai.staff@example.jp", "password": "demo-password"})
    assert client.get("/staff/processes/aobadai-budget-2026/edit").status_code == 200
    assert client.get("/staff/processes/kyodo-2026/edit").status_code == 403
    assert client.get("/staff/processes/kawabata-cafe/edit").status_code == 403
    city = app.test_client()
    city.post("/login", data={"email": "staff@example.jp", "password": "demo-password"})
    for slug in ("aobadai-budget-2026", "kyodo-2026", "kawabata-cafe"):
        assert city.get(f"/staff/processes/{slug}/edit").status_code == 200, slug


def test_the_roles_page_tells_the_admin_what_an_area_assignment_does(ward, app, make_user):
    admin = app.test_client()
    login(admin, make_user(roles=("admin",)))
    page = admin.get(f"/admin/users/{ward['people']['a'].id}").text
    assert "担当地区のない職員は区全体を扱います" in page
