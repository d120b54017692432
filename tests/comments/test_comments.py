from datetime import timedelta

from sqlalchemy import select

from civic.comments import services
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import Proposal
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")


def _setup(make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    return make_proposal(process, make_user())


def test_threads_nest_three_levels_with_stance_and_counter(
        client, make_user, make_process, make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    alice, bob = make_user(), make_user()
    login(client, alice)
    url = f"/comments/proposal/{proposal.id}"
    posted = client.post(url, data={"comment-body": "賛成です", "comment-stance": "for"})
    top = db.session.scalar(select(Comment))
    assert posted.status_code == 302
    assert posted.location.endswith(f"/proposals/{proposal.id}#comment-{top.id}")
    other = type(client)(client.application)
    login(other, bob)
    other.post(f"{url}?parent={top.id}", data={f"reply{top.id}-body": "なぜですか"})
    second = db.session.scalar(select(Comment).where(Comment.parent_id == top.id))
    client.post(f"{url}?parent={second.id}", data={f"reply{second.id}-body": "子どもが多いので"})
    third = db.session.scalar(select(Comment).where(Comment.parent_id == second.id))
    assert (top.depth, second.depth, third.depth) == (0, 1, 2)
    assert third.root_id == top.id
    too_deep = other.post(f"{url}?parent={third.id}", data={f"reply{third.id}-body": "四段目"})
    assert too_deep.status_code == 422 and "四段目" in too_deep.text
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).comment_count == 3
    page = client.get(f"/proposals/{proposal.id}").text
    assert "賛成" in page and "子どもが多いので" in page


def test_empty_comment_is_refused_with_422(client, make_user, make_process, make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    login(client, make_user())
    response = client.post(f"/comments/proposal/{proposal.id}", data={"comment-body": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(Comment)) is None


def test_pagination_twenty_top_level_with_their_replies(ctx, make_user, make_process,
                                                        make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    user = make_user()
    tops = [services.add(user, "proposal", proposal.id, f"意見{i}") for i in range(25)]
    services.add(user, "proposal", proposal.id, "返信", parent_id=tops[21].id)
    first = services.thread_page("proposal", proposal.id, "oldest", 1)
    second = services.thread_page("proposal", proposal.id, "oldest", 2)
    assert (len(first.threads), len(second.threads), first.pages, first.total) == (20, 5, 2, 25)
    assert [c.body for c in second.children(second.threads[1])] == ["返信"]
    newest = services.thread_page("proposal", proposal.id, "newest", 1)
    assert newest.threads[0].body == "意見24"


def test_votes_one_per_person_and_sort_by_support(client, make_user, make_process,
                                                  make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    author, voter = make_user(), make_user()
    first = services.add(author, "proposal", proposal.id, "一つ目")
    second = services.add(author, "proposal", proposal.id, "二つ目")
    login(client, voter)
    client.post(f"/comments/{second.id}/vote", data={"value": "up"})
    client.post(f"/comments/{second.id}/vote", data={"value": "up"})  # same again: taken back
    client.post(f"/comments/{second.id}/vote", data={"value": "up"})
    client.post(f"/comments/{first.id}/vote", data={"value": "down"})
    db.session.expire_all()
    assert (db.session.get(Comment, second.id).up_count,
            db.session.get(Comment, first.id).down_count) == (1, 1)
    ordered = services.thread_page("proposal", proposal.id, "supported").threads
    assert [c.body for c in ordered] == ["二つ目", "一つ目"]
    # Nobody votes on their own comment.
    mine = type(client)(client.application)
    login(mine, author)
    assert mine.post(f"/comments/{first.id}/vote", data={"value": "up"}).status_code == 403


def test_edit_within_window_only_and_only_by_the_author(client, app, make_user, make_process,
                                                        make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    author, other = make_user(), make_user()
    comment = services.add(author, "proposal", proposal.id, "最初")
    login(client, author)
    assert client.post(f"/comments/{comment.id}/edit", data={"edit-body": "直した"}
                       ).status_code == 302
    stranger = type(client)(client.application)
    login(stranger, other)
    assert stranger.post(f"/comments/{comment.id}/edit", data={"edit-body": "乗っ取り"}
                         ).status_code == 403
    assert stranger.post(f"/comments/{comment.id}/delete").status_code == 403
    db.session.expire_all()
    stored = db.session.get(Comment, comment.id)
    assert stored.body == "直した" and stored.edited_at is not None
    stored.created_at -= timedelta(minutes=16)
    db.session.commit()
    assert client.post(f"/comments/{comment.id}/edit", data={"edit-body": "遅い"}
                       ).status_code == 403


def test_deleting_leaves_a_placeholder_and_keeps_replies(client, make_user, make_process,
                                                         make_proposal):
    proposal = _setup(make_user, make_process, make_proposal)
    author, other = make_user(), make_user()
    top = services.add(author, "proposal", proposal.id, "消す予定の意見")
    services.add(other, "proposal", proposal.id, "その返信", parent_id=top.id)
    login(client, author)
    client.post(f"/comments/{top.id}/delete")
    page = client.get(f"/proposals/{proposal.id}").text
    assert "消す予定の意見" not in page and "その返信" in page
    assert "このコメントは削除されました" in page or "This comment was deleted." in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).comment_count == 1


def test_comments_closed_or_draft_targets_refuse(client, make_user, make_process,
                                                 make_proposal):
    closed = make_process(features=("supports_open",))
    proposal = make_proposal(closed, make_user())
    draft = make_proposal(make_process(features=FEATURES), make_user(), state="draft")
    login(client, make_user())
    assert client.post(f"/comments/proposal/{proposal.id}",
                       data={"comment-body": "x"}).status_code == 403
    assert client.post(f"/comments/proposal/{draft.id}",
                       data={"comment-body": "x"}).status_code == 404
    assert client.post("/comments/nothing/1", data={"comment-body": "x"}).status_code == 404
