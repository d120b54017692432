"""Reporting asks the permission the content's own page uses: nobody learns about, or helps hide,
what they cannot see."""

import pytest
from sqlalchemy import func, select

from civic.comments import services as comments
from civic.comments.models import Comment
from civic.extensions import db
from civic.moderation import services as moderation
from civic.moderation.models import ModerationItem, Report
from civic.proposals.models import Proposal
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")


def _client(app, user):
    client = app.test_client()
    login(client, user)
    return client


def _reports() -> int:
    return db.session.scalar(select(func.count()).select_from(Report))


def test_a_proposal_in_prior_consultation_cannot_be_reported_by_a_resident(
        app, make_user, make_process, make_proposal):
    author = make_user()
    proposal = make_proposal(make_process(features=FEATURES), author, title="相談中の秘密の提案",
                             state="consultation")
    resident = _client(app, make_user())
    assert resident.get(f"/proposals/{proposal.id}").status_code == 404
    page = resident.get(f"/report/proposal/{proposal.id}")
    assert page.status_code == 404 and "相談中の秘密の提案" not in page.text
    assert resident.post(f"/report/proposal/{proposal.id}",
                         data={"reason": "spam"}).status_code == 404
    assert _reports() == 0
    # The staff who run the process see it, and may report it.
    staff = _client(app, make_user(roles=("staff",)))
    assert "相談中の秘密の提案" in staff.get(f"/report/proposal/{proposal.id}").text


def test_the_text_of_a_comment_a_moderator_hid_stays_hidden_on_the_report_page(
        app, make_user, make_process, make_proposal):
    proposal = make_proposal(make_process(features=FEATURES), make_user())
    comment = comments.add(make_user(), "proposal", proposal.id, "090-1234-5678 に電話して")
    moderator_user = make_user(roles=("moderator",))
    moderation.hide_content(moderator_user, "comment", comment.id, "個人情報")
    resident = _client(app, make_user())
    page = resident.get(f"/report/comment/{comment.id}")
    assert page.status_code == 404 and "090-1234-5678" not in page.text
    assert resident.post(f"/report/comment/{comment.id}", data={"reason": "spam"}).status_code == 404
    assert _reports() == 0
    # Moderators still read it, on the report page and in the queue.
    moderator = _client(app, moderator_user)
    assert "090-1234-5678" in moderator.get(f"/report/comment/{comment.id}").text
    assert "090-1234-5678" in moderator.get("/moderation?state=hidden").text


def test_reports_of_people_who_cannot_see_the_content_do_not_count_towards_hiding_it(
        app, make_user, make_process, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "CIVIC_MODERATION_HIDE_AFTER", 2)
    author = make_user()
    proposal = make_proposal(make_process(features=FEATURES), author, state="draft")
    comment = comments.add(author, "proposal", make_proposal(
        make_process(features=FEATURES), author).id, "下書きへのコメント")
    # A comment on something its readers cannot see (the site never takes one on a draft).
    db.session.execute(db.update(Comment).where(Comment.id == comment.id)
                       .values(target_id=proposal.id))
    db.session.commit()
    for reporter in (make_user(), make_user(), make_user(roles=("staff",))):
        for kind, target_id in (("proposal", proposal.id), ("comment", comment.id)):
            assert _client(app, reporter).post(f"/report/{kind}/{target_id}",
                                               data={"reason": "spam"}).status_code == 404
            with pytest.raises(LookupError):
                moderation.report(reporter, kind, target_id, "spam")
    assert db.session.scalar(select(func.count()).select_from(ModerationItem)) == 0
    db.session.expire_all()
    assert not db.session.get(Proposal, proposal.id).is_hidden
    assert not db.session.get(Comment, comment.id).is_hidden


def test_once_hidden_only_those_who_still_see_it_report_it(
        app, make_user, make_process, make_proposal, monkeypatch):
    monkeypatch.setitem(app.config, "CIVIC_MODERATION_HIDE_AFTER", 2)
    proposal = make_proposal(make_process(features=FEATURES), make_user())
    comment = comments.add(make_user(), "proposal", proposal.id, "広告です")
    for _ in range(2):
        assert _client(app, make_user()).post(f"/report/comment/{comment.id}",
                                              data={"reason": "spam"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Comment, comment.id).is_hidden
    assert _client(app, make_user()).post(f"/report/comment/{comment.id}",
                                          data={"reason": "spam"}).status_code == 404
    assert _client(app, make_user(roles=("moderator",))).post(
        f"/report/comment/{comment.id}", data={"reason": "spam"}).status_code == 302
    item = db.session.scalar(select(ModerationItem))
    assert item.report_count == 3
