"""Publishing a café's harvest: who may, what becomes public, and the public page."""

import pytest
from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.cafe import services
from civic.cafe.models import Cafe
from civic.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, login, make_app


@pytest.fixture
def finished_cafe(make_user, make_cafe):
    """A finished café of two people (one guest, one with an account) with notes, and its
    facilitator."""
    def make(process=None):
        facilitator = make_user(roles=("facilitator",))
        cafe = make_cafe(facilitator=facilitator, process=process)
        member = make_user(email="member.secret@example.jp", name="会員の名前")
        services.join(cafe, user=member)
        services.join(cafe, guest_name="ゲストの名前")
        services.start(cafe, facilitator)
        for person in services.participants(cafe):
            services.add_note(cafe, person, f"川沿いのメモ{person.id}")
        services.mark_key(services.all_notes(cafe)[0], True)
        services.finish(cafe, facilitator)
        return db.session.get(Cafe, cafe.id), facilitator

    return make


def _events(action):
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_a_facilitator_publishes_the_harvest_and_withdraws_it(app, client, finished_cafe):
    cafe, facilitator = finished_cafe()
    public = f"/cafes/{cafe.id}/harvest/published"
    anonymous = app.test_client()
    assert anonymous.get(public).status_code == 404
    login(client, facilitator)
    assert "/harvest/publish" in client.get(f"/cafes/{cafe.id}/harvest").text
    preview = client.get(public)
    assert preview.status_code == 200 and "プレビュー" in preview.text
    confirm = client.get(f"/cafes/{cafe.id}/harvest/publish").text
    assert "テーブルで書かれたすべてのメモ" in confirm and "公開API" in confirm
    # A bare POST (no confirmation) only shows the page again.
    assert client.post(f"/cafes/{cafe.id}/harvest/publish").status_code == 200
    assert db.session.get(Cafe, cafe.id).harvest_published_at is None

    answer = client.post(f"/cafes/{cafe.id}/harvest/publish", data={"confirm": "yes"})
    assert answer.status_code == 303 and answer.location.endswith(public)
    [event] = _events("cafe.harvest_published")
    assert event.actor_id == facilitator.id and event.target_id == cafe.id
    assert event.detail == {"notes": 2}

    page = anonymous.get(public).text
    assert "川沿いのメモ" in page and "今の暮らしは？" in page and cafe.title in page
    for private in ("会員の名前", "ゲストの名前", "member.secret", cafe.join_code):
        assert private not in page, private
    process_page = anonymous.get(f"/processes/{cafe.process.slug}").text
    assert public in process_page and f"/cafes/{cafe.id}/harvest\"" not in process_page

    assert client.post(f"/cafes/{cafe.id}/harvest/withdraw").status_code == 303
    assert anonymous.get(public).status_code == 404
    assert len(_events("cafe.harvest_withdrawn")) == 1
    assert public not in anonymous.get(f"/processes/{cafe.process.slug}").text


def test_a_cafe_still_on_cannot_be_published(client, make_user, seated_cafe):
    cafe, _guests = seated_cafe()
    staff = make_user(roles=("staff",))
    login(client, staff)
    assert "/harvest/publish" not in client.get(f"/cafes/{cafe.id}/harvest").text
    answer = client.post(f"/cafes/{cafe.id}/harvest/publish", data={"confirm": "yes"})
    assert answer.status_code == 303
    assert db.session.get(Cafe, cafe.id).harvest_published_at is None
    assert _events("cafe.harvest_published") == []


def test_residents_and_other_facilitators_cannot_publish(app, make_user, finished_cafe):
    cafe, _facilitator = finished_cafe()
    anonymous = app.test_client()
    assert anonymous.post(f"/cafes/{cafe.id}/harvest/publish",
                          data={"confirm": "yes"}).status_code == 302  # to the sign-in page
    for person in (make_user(), make_user(roles=("facilitator",))):
        client = app.test_client()
        login(client, person)
        assert client.get(f"/cafes/{cafe.id}/harvest/publish").status_code == 403
        assert client.post(f"/cafes/{cafe.id}/harvest/publish",
                           data={"confirm": "yes"}).status_code == 403
        assert client.get(f"/cafes/{cafe.id}/harvest/published").status_code == 404
    assert db.session.get(Cafe, cafe.id).harvest_published_at is None
    services.publish_harvest(cafe, None)
    client = app.test_client()
    login(client, make_user())
    assert client.post(f"/cafes/{cafe.id}/harvest/withdraw").status_code == 403
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).harvest_published_at is not None


def test_a_harvest_in_an_unpublished_process_stays_private(app, client, make_process,
                                                           finished_cafe):
    cafe, facilitator = finished_cafe(process=make_process(published=False,
                                                           features=("cafe_open",)))
    services.publish_harvest(cafe, facilitator)
    assert app.test_client().get(f"/cafes/{cafe.id}/harvest/published").status_code == 404
    login(client, facilitator)
    page = client.get(f"/cafes/{cafe.id}/harvest/published")
    assert page.status_code == 200 and "参加プロセスが公開されるまで" in page.text


def test_publishing_needs_the_form_token(database_url, ctx, finished_cafe):
    cafe, facilitator = finished_cafe()
    client = make_app(database_url, WTF_CSRF_ENABLED=True).test_client()
    token = csrf_token_from(client.get("/login").text)
    client.post("/login", data={"email": facilitator.email, "password": PASSWORD,
                                "csrf_token": token})
    url = f"/cafes/{cafe.id}/harvest/publish"
    assert client.post(url, data={"confirm": "yes"}).status_code == 400
    assert db.session.get(Cafe, cafe.id).harvest_published_at is None
    token = csrf_token_from(client.get(url).text)
    assert client.post(url, data={"confirm": "yes", "csrf_token": token}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Cafe, cafe.id).harvest_published_at is not None
    withdraw = f"/cafes/{cafe.id}/harvest/withdraw"
    assert client.post(withdraw).status_code == 400
    assert client.post(withdraw, data={"csrf_token": token}).status_code == 303
