"""Not accepted and withdrawn proposals take no more comments, unless the process says so."""

from sqlalchemy import func, select

from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import ProposalSettings
from tests.conftest import login

FEATURES = ("supports_open", "comments_open")


def test_a_rejected_proposal_refuses_comments_and_says_why(client, make_user, make_process,
                                                           make_proposal):
    process = make_process(features=FEATURES)
    rejected = make_proposal(process, make_user(), state="rejected")
    accepted = make_proposal(process, make_user(), state="accepted")
    login(client, make_user(locale="en"))
    assert client.post(f"/comments/proposal/{rejected.id}",
                       data={"comment-body": "まだ言いたい"}).status_code == 403
    assert client.post(f"/comments/proposal/{accepted.id}",
                       data={"comment-body": "おめでとう"}).status_code == 302
    page = client.get(f"/proposals/{rejected.id}").text
    assert "it takes no more comments" in page
    assert 'name="comment-body"' not in page
    other = client.get(f"/proposals/{accepted.id}").text
    assert "it takes no more comments" not in other and 'name="comment-body"' in other
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1


def test_staff_keep_comments_open_on_closed_proposals_per_process(client, make_user,
                                                                 make_process, make_proposal):
    process = make_process(features=FEATURES)
    rejected = make_proposal(process, make_user(), state="rejected")
    login(client, make_user(roles=("staff",)))
    form = client.get(f"/staff/processes/{process.slug}/proposals").text
    assert 'name="comments_on_closed"' in form and "checked" not in form.split(
        'name="comments_on_closed"')[1].split(">")[0]
    saved = client.post(f"/staff/processes/{process.slug}/proposals", data={
        "kind": "citizen", "criteria": "公益性", "comments_on_closed": "y"})
    assert saved.status_code == 302
    assert db.session.scalar(select(ProposalSettings.comments_on_closed)) is True
    resident = type(client)(client.application)
    login(resident, make_user())
    assert resident.post(f"/comments/proposal/{rejected.id}",
                         data={"comment-body": "続けましょう"}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
