from civic.extensions import db
from civic.matching import services
from tests.conftest import login


def test_offer_suggestion_accept_confirm_through_the_pages(app, client, make_user, make_group):
    admin, person = make_user(), make_user(name="佐藤")
    group = make_group(admin=admin)
    group_client = app.test_client()
    login(group_client, admin)
    response = group_client.post(f"/groups/{group.slug}/needs/new", data={
        "title": "防災訓練の通訳", "languages": "ベトナム語", "slots": ["sun-am"],
        "people_needed": "2"})
    assert response.status_code == 302
    need = services.needs_of_group(group)[0]

    login(client, person)
    assert client.post("/matching/offer", data={"skills": "", "languages": "ベトナム語, 英語",
                                                "slots": ["sun-am"], "area_id": "0",
                                                "active": "y"}).status_code == 302
    page = client.get("/matching/").get_data(as_text=True)
    assert "防災訓練の通訳" in page and "ベトナム語" in page
    client.post(f"/matching/needs/{need.id}/accept", data={"message": "できます"})
    answer = services.response_of(need, person)
    assert answer.state == "accepted"
    group_client.post(f"/matching/responses/{answer.id}", data={"decision": "confirm"})
    db.session.expire_all()
    assert services.response_of(need, person).state == "confirmed"


def test_a_stranger_cannot_post_needs_for_a_group(client, make_user, make_group):
    group = make_group(admin=make_user())
    login(client, make_user())
    assert client.get(f"/groups/{group.slug}/needs/new").status_code == 403
