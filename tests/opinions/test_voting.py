"""Voting one statement at a time, without JavaScript: forms, guests, the unique vote."""

import re

from sqlalchemy import func, select

from civic.extensions import db
from civic.opinions import services
from civic.opinions.models import OpinionParticipant, OpinionVote, Statement
from tests.conftest import login


def _statement_on(html: str) -> int:
    match = re.search(r"/statements/(\d+)/vote", html)
    assert match, "no vote form on the page"
    return int(match.group(1))


def test_a_resident_votes_through_every_statement_and_never_sees_one_twice(
        client, make_conversation, make_user, held_jobs):
    conversation = make_conversation()
    login(client, make_user())
    seen = []
    for left in (3, 2, 1):
        html = client.get(f"/opinions/{conversation.id}").get_data(as_text=True)
        assert int(re.search(r'id="left">\D*(\d+)', html).group(1)) == left
        statement_id = _statement_on(html)
        assert statement_id not in seen
        seen.append(statement_id)
        response = client.post(f"/opinions/{conversation.id}/statements/{statement_id}/vote",
                               data={"vote": "agree"})
        assert response.status_code == 302
    html = client.get(f"/opinions/{conversation.id}").get_data(as_text=True)
    assert "/vote" not in html
    assert db.session.scalar(select(func.count(OpinionVote.id))) == 3


def test_a_changed_mind_replaces_the_vote(client, make_conversation, make_user, held_jobs):
    conversation = make_conversation()
    login(client, make_user())
    statement = conversation.statements[0]
    url = f"/opinions/{conversation.id}/statements/{statement.id}/vote"
    client.post(url, data={"vote": "agree"})
    client.post(url, data={"vote": "disagree"})
    values = db.session.scalars(select(OpinionVote.value)).all()
    assert values == [-1]


def test_the_database_refuses_a_second_vote_row(make_conversation, make_user):
    import pytest
    from sqlalchemy.exc import IntegrityError

    conversation = make_conversation()
    participant = OpinionParticipant(conversation_id=conversation.id, user_id=make_user().id)
    db.session.add(participant)
    db.session.flush()
    statement = conversation.statements[0]
    for value in (1, 0):
        db.session.add(OpinionVote(conversation_id=conversation.id, statement_id=statement.id,
                                   participant_id=participant.id, value=value))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_bad_vote_value_is_not_counted(client, make_conversation, make_user):
    conversation = make_conversation()
    login(client, make_user())
    statement = conversation.statements[0]
    response = client.post(f"/opinions/{conversation.id}/statements/{statement.id}/vote",
                           data={"vote": "maybe"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(OpinionVote.id))) == 0


def test_guests_vote_with_a_signed_cookie_where_allowed(client, make_conversation, held_jobs):
    conversation = make_conversation(voters="guests")
    html = client.get(f"/opinions/{conversation.id}").get_data(as_text=True)
    first = _statement_on(html)
    assert client.post(f"/opinions/{conversation.id}/statements/{first}/vote",
                       data={"vote": "pass"}).status_code == 302
    second = _statement_on(client.get(f"/opinions/{conversation.id}").get_data(as_text=True))
    assert second != first
    client.post(f"/opinions/{conversation.id}/statements/{second}/vote", data={"vote": "agree"})
    # Both votes belong to the one guest participant the cookie names.
    assert db.session.scalar(select(func.count(OpinionParticipant.id))) == 1
    assert db.session.scalar(select(func.count(OpinionVote.id))) == 2


def test_guests_are_sent_to_sign_in_where_only_accounts_vote(client, make_conversation):
    conversation = make_conversation(voters="signed_in")
    html = client.get(f"/opinions/{conversation.id}").get_data(as_text=True)
    assert "/vote" not in html
    statement = conversation.statements[0]
    response = client.post(f"/opinions/{conversation.id}/statements/{statement.id}/vote",
                           data={"vote": "agree"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(OpinionVote.id))) == 0


def test_only_verified_residents_of_the_area_vote_where_required(
        client, make_conversation, make_user, make_area, make_process):
    here, elsewhere = make_area(), make_area()
    conversation = make_conversation(
        process=make_process(area=here, features=("opinions_open",)), voters="verified")
    statement = conversation.statements[0]
    url = f"/opinions/{conversation.id}/statements/{statement.id}/vote"
    login(client, make_user(area=elsewhere))
    assert client.post(url, data={"vote": "agree"}).status_code == 403
    client.post("/logout")
    login(client, make_user(area=here))
    assert client.post(url, data={"vote": "agree"}).status_code == 302
    assert db.session.scalar(select(func.count(OpinionVote.id))) == 1


def test_votes_stop_when_the_phase_switch_is_off(client, make_conversation, make_user,
                                                 make_process):
    conversation = make_conversation(process=make_process(features=("comments_open",)))
    login(client, make_user())
    html = client.get(f"/opinions/{conversation.id}").get_data(as_text=True)
    assert "/vote" not in html
    statement = conversation.statements[0]
    assert client.post(f"/opinions/{conversation.id}/statements/{statement.id}/vote",
                       data={"vote": "agree"}).status_code == 403


def test_a_participant_writes_a_statement_and_others_can_vote_on_it(
        client, make_conversation, make_user):
    conversation = make_conversation()
    login(client, make_user())
    response = client.post(f"/opinions/{conversation.id}/statements",
                           data={"body": "  子どもの遊び場を  残してほしい "})
    assert response.status_code == 302
    statement = db.session.scalar(select(Statement).where(Statement.is_seed.is_(False)))
    assert statement.body == "子どもの遊び場を 残してほしい" and not statement.is_hidden


def test_a_too_long_statement_comes_back_with_the_text_kept(client, make_conversation,
                                                            make_user):
    conversation = make_conversation(statement_length=20)
    login(client, make_user())
    text = "あ" * 25
    response = client.post(f"/opinions/{conversation.id}/statements", data={"body": text})
    assert response.status_code == 422
    assert text in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Statement.id)).where(
        Statement.is_seed.is_(False))) == 0


def test_pre_moderation_hides_a_statement_until_a_moderator_accepts_it(
        client, make_conversation, make_user):
    from civic.moderation import services as moderation
    from civic.moderation.models import ModerationItem

    conversation = make_conversation(moderation="pre", seeds=())
    login(client, make_user())
    client.post(f"/opinions/{conversation.id}/statements", data={"body": "川に桜並木を"})
    statement = db.session.scalar(select(Statement))
    assert statement.moderation_state == "awaiting"
    assert services.next_statement(conversation, None) == (None, 0)
    item = db.session.scalar(select(ModerationItem))
    assert (item.target_type, item.target_id, item.state) == ("opinion_statement", statement.id,
                                                              "pending")
    moderation.restore(make_user(roles=("moderator",)), item)
    db.session.expire_all()
    assert statement.moderation_state == "visible"
    assert services.next_statement(conversation, None)[0].id == statement.id


def test_next_statement_prefers_few_votes(make_conversation, make_user, held_jobs):
    conversation = make_conversation(seeds=("一", "二"))
    busy, quiet = conversation.statements
    for _ in range(12):
        participant, _token = services.join(conversation, None, None)
        db.session.commit()
        services.vote(conversation, participant, busy, 0)
    picks = set()
    for _ in range(30):
        participant, _token = services.join(conversation, make_user(), None)
        db.session.commit()
        picks.add(services.next_statement(conversation, participant)[0].id)
    assert quiet.id in picks


def test_guests_write_only_where_a_moderator_reads_first(client, make_conversation):
    open_door = make_conversation(voters="guests", moderation="post")
    assert client.post(f"/opinions/{open_door.id}/statements",
                       data={"body": "広告です"}).status_code in (302, 401, 403)
    assert db.session.scalar(select(func.count(Statement.id)).where(
        Statement.is_seed.is_(False))) == 0
    reviewed = make_conversation(voters="guests", moderation="pre", seeds=())
    assert client.post(f"/opinions/{reviewed.id}/statements",
                       data={"body": "川辺に桜を"}).status_code == 302
    statement = db.session.scalar(select(Statement).where(Statement.is_seed.is_(False)))
    assert statement.author_id is None and statement.moderation_state == "awaiting"


def test_the_moderation_queue_lists_statements_waiting_for_review(
        client, make_conversation, make_user):
    conversation = make_conversation(moderation="pre", seeds=())
    login(client, make_user())
    client.post(f"/opinions/{conversation.id}/statements", data={"body": "川に桜並木を"})
    client.post("/logout")
    login(client, make_user(roles=("moderator",)))
    html = client.get("/moderation").get_data(as_text=True)
    assert "川に桜並木を" in html


def test_staff_see_which_statements_wait_for_review(client, make_conversation, make_user):
    staff = make_user(roles=("staff",))
    conversation = make_conversation(moderation="pre", staff=staff)
    participant, _token = services.join(conversation, None, None)
    db.session.commit()
    services.write_statement(conversation, participant, None, "審査待ちの意見")
    login(client, staff)
    html = client.get(f"/opinions/{conversation.id}/edit").get_data(as_text=True)
    assert "審査待ちの意見" in html and "/moderation" in html
    assert "/export.zip" in html and "/themes" in html
