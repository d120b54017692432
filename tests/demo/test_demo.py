from sqlalchemy import func, select

from civic.accounts.models import ROLES, User
from civic.extensions import db
from civic.spaces.models import Area, Process
from civic.timeutil import ward_today


def test_demo_ward_has_areas_processes_in_different_phases_and_every_role(app, ctx):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "demo-password" in result.output
    assert 4 <= db.session.scalar(select(func.count()).select_from(Area)) <= 7
    today = ward_today()
    processes = db.session.scalars(select(Process).where(Process.published.is_(True))).all()
    phases = {process.current_phase(today).title for process in processes}
    assert len(processes) >= 2 and len(phases) >= 2
    roles = set().union(*(user.roles for user in db.session.scalars(select(User))))
    assert roles == set(ROLES)
    assert any(user.residency for user in db.session.scalars(select(User)))


def test_loading_again_does_not_duplicate(app, ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    users = db.session.scalar(select(func.count()).select_from(User))
    again = runner.invoke(args=["demo", "load", "--if-empty"])
    assert again.exit_code == 0 and "not loaded again" in again.output
    refused = runner.invoke(args=["demo", "load"])
    assert refused.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == users


def test_production_refuses_the_demo_ward(app, ctx):
    app.config["CIVIC_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
    finally:
        app.config["CIVIC_ENV"] = "development"
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_every_demo_page_renders(app, client, ctx):
    app.test_cli_runner().invoke(args=["demo", "load"])
    for process in db.session.scalars(select(Process)):
        assert client.get(f"/processes/{process.slug}").status_code == 200
    client.post("/login", data={"email": "admin@example.jp", "password": "demo-password"})
    for url in ("/", "/processes", "/staff", "/staff/areas", "/staff/codes", "/admin/users",
                "/account", "/verify"):
        assert client.get(url).status_code == 200, url


def test_reset_replaces_everything_with_a_fresh_demo_ward(app, ctx, make_user):
    runner = app.test_cli_runner()
    runner.invoke(args=["demo", "load"])
    make_user(email="someone@example.org")
    users = db.session.scalar(select(func.count()).select_from(User))
    unconfirmed = runner.invoke(args=["demo", "reset"], input="n\n")
    assert unconfirmed.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(User)) == users
    result = runner.invoke(args=["demo", "reset", "--yes"])
    assert result.exit_code == 0, result.output
    assert "demo-password" in result.output and "Unused residency codes" in result.output
    db.session.expire_all()
    emails = set(db.session.scalars(select(User.email)))
    assert "someone@example.org" not in emails and "resident@example.jp" in emails
    assert len(emails) == users - 1
    assert db.session.scalar(select(func.count()).select_from(Area)) == 5


def test_production_refuses_to_reset(app, ctx, make_user):
    make_user(email="keep@example.org")
    app.config["CIVIC_ENV"] = "production"
    try:
        result = app.test_cli_runner().invoke(args=["demo", "reset", "--yes"])
    finally:
        app.config["CIVIC_ENV"] = "development"
    assert result.exit_code != 0 and "production" in result.output
    assert db.session.scalar(select(User.email)) == "keep@example.org"


def test_the_demo_ward_has_25_groups_and_40_places_inside_the_map(app, ctx):
    from civic.groups.models import Group, GroupActivityPartner, GroupProject
    from civic.places.models import Place

    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    places = db.session.scalars(select(Place)).all()
    assert len(places) == 40 and db.session.scalar(select(func.count()).select_from(Group)) == 25
    south, west, north, east = app.config["CIVIC_MAP_BOUNDS"]
    assert all(south <= p.lat <= north and west <= p.lon <= east for p in places)
    areas = db.session.scalars(select(Area)).all()
    assert {p.area_id for p in places} == {a.id for a in areas}
    assert db.session.scalar(select(func.count()).select_from(GroupProject)) >= 2
    assert db.session.scalar(select(func.count()).select_from(GroupActivityPartner)) >= 10
