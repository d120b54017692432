from sqlalchemy import select

from civic.extensions import db
from civic.matching import services
from civic.notifications.models import Notification


def _need(group, admin, **data):
    return services.create_need(group, {"title": "子ども食堂の配膳", "skills": "料理",
                                        "slots": ["sat-am"], "people_needed": 1, **data}, admin)


def _kinds(user):
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id)))


def test_a_person_gets_ranked_needs_with_reasons(make_user, make_area, make_group):
    area = make_area()
    admin, person = make_user(), make_user()
    group = make_group(area=area, admin=admin)
    far = _need(make_group(admin=admin), admin, title="遠く")
    near = _need(group, admin)
    _need(group, admin, title="手話", skills="手話")
    services.save_offer(person, {"skills": "料理、ＰＣ", "slots": ["sat-am", "sun-pm"],
                                 "area_id": area.id, "active": True})
    ranked = services.suggestions_for(person)
    assert [n.id for n, _s in ranked] == [near.id, far.id]
    assert [(r.kind, r.value) for r in ranked[0][1].reasons] == [
        ("area", None), ("slot", "sat-am"), ("skill", "料理")]


def test_nothing_about_a_person_reaches_the_group_before_they_accept(
        make_user, make_group, client):
    admin, person = make_user(), make_user(name="山田花子")
    group = make_group(admin=admin)
    need = _need(group, admin)
    services.save_offer(person, {"skills": "料理", "slots": ["sat-am"], "active": True,
                                 "note": "土曜の朝なら"})
    assert services.fitting_count(need) == 1
    assert services.responses(need) == []
    assert services.invite_fitting(need, admin) == 1
    assert "match_invited" in _kinds(person)
    assert _kinds(admin) == []
    from tests.conftest import login

    login(client, admin)
    page = client.get(f"/matching/needs/{need.id}/responses").get_data(as_text=True)
    assert "山田花子" not in page and "土曜の朝なら" not in page and person.email not in page

    services.accept(need, person, "よろしく")
    assert "match_accepted" in _kinds(admin)
    page = client.get(f"/matching/needs/{need.id}/responses").get_data(as_text=True)
    assert "山田花子" in page and "よろしく" in page


def test_the_group_confirms_up_to_the_people_needed(make_user, make_group):
    admin, first, second = make_user(), make_user(), make_user()
    need = _need(make_group(admin=admin), admin, skills="")
    one, two = services.accept(need, first), services.accept(need, second)
    services.decide(one, True, admin)
    assert "match_confirmed" in _kinds(first)
    try:
        services.decide(two, True, admin)
    except services.MatchingError as error:
        assert str(error) == "enough"
    else:
        raise AssertionError("confirmed more people than needed")
    db.session.rollback()
    services.decide(two, False, admin)
    assert "match_declined" in _kinds(second)


def test_open_needs_of_an_area_for_the_area_page(make_user, make_area, make_group):
    area, admin = make_area(), make_user()
    mine = _need(make_group(area=area, admin=admin), admin)
    _need(make_group(admin=admin), admin)
    closed = _need(make_group(area=area, admin=admin), admin)
    services.close_need(closed, admin)
    assert [n.id for n in services.open_needs_in_area(area.id)] == [mine.id]
