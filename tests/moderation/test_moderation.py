from sqlalchemy import select

from civic.comments import services as comments
from civic.comments.models import Comment
from civic.extensions import db
from civic.moderation.models import ModerationItem
from civic.proposals.models import Proposal
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")


def _client(client, user):
    fresh = type(client)(client.application)
    login(fresh, user)
    return fresh


def test_three_reports_hide_content_until_a_moderator_restores_it(
        client, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process(features=FEATURES), make_user())
    author = make_user()
    comment = comments.add(author, "proposal", proposal.id, "広告です：格安！")
    reporters = [make_user() for _ in range(3)]
    for n, reporter in enumerate(reporters):
        c = _client(client, reporter)
        c.post(f"/report/comment/{comment.id}", data={"reason": "spam"})
        c.post(f"/report/comment/{comment.id}", data={"reason": "spam"})  # twice counts once
        db.session.expire_all()
        assert db.session.get(Comment, comment.id).is_hidden == (n == 2)
    item = db.session.scalar(select(ModerationItem))
    assert item.report_count == 3 and item.state == "hidden"
    public = client.get(f"/proposals/{proposal.id}").text
    assert "格安" not in public
    own = _client(client, author).get(f"/proposals/{proposal.id}").text
    assert "格安" in own and ("モデレーター" in own or "moderator" in own)

    assert _client(client, reporters[0]).get("/moderation").status_code == 403
    moderator = _client(client, make_user(roles=("moderator",)))
    assert "格安" in moderator.get("/moderation?state=hidden").text
    moderator.post(f"/moderation/{item.id}/restore")
    db.session.expire_all()
    assert not db.session.get(Comment, comment.id).is_hidden
    _client(client, make_user()).post(f"/report/comment/{comment.id}", data={"reason": "spam"})
    db.session.expire_all()
    assert not db.session.get(Comment, comment.id).is_hidden  # a moderator decided already


def test_moderator_hides_with_a_reason_the_author_reads_and_blocks_the_author(
        client, make_user, make_process, make_proposal):
    author = make_user()
    proposal = make_proposal(make_process(features=FEATURES), author)
    _client(client, make_user()).post(f"/report/proposal/{proposal.id}",
                                      data={"reason": "offensive", "details": "差別的"})
    item = db.session.scalar(select(ModerationItem))
    moderator = _client(client, make_user(roles=("moderator",)))
    moderator.post(f"/moderation/{item.id}/hide", data={"reason": "差別的な表現のため"})
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).is_hidden
    assert client.get(f"/proposals/{proposal.id}").status_code == 404
    own = _client(client, author)
    assert "差別的な表現のため" in own.get(f"/proposals/{proposal.id}").text

    moderator.post(f"/moderation/users/{author.id}/block", data={"reason": "繰り返しの違反"})
    assert own.post(f"/comments/proposal/{proposal.id}",
                    data={"comment-body": "まだ書ける？"}).status_code in (403, 404)
    other = make_proposal(proposal.process, make_user())
    assert own.post(f"/comments/proposal/{other.id}",
                    data={"comment-body": "まだ書ける？"}).status_code == 403
    moderator.post(f"/moderation/users/{author.id}/unblock")
    assert own.post(f"/comments/proposal/{other.id}",
                    data={"comment-body": "書けます"}).status_code == 302


def test_nobody_reports_their_own_content(client, make_user, make_process, make_proposal):
    author = make_user()
    proposal = make_proposal(make_process(features=FEATURES), author)
    assert _client(client, author).post(f"/report/proposal/{proposal.id}",
                                        data={"reason": "spam"}).status_code == 403
