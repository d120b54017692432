import re

import pytest
from sqlalchemy import select

from civic.comments import services as comments
from civic.extensions import db
from civic.notifications import services
from civic.notifications.milestones import is_milestone
from civic.notifications.models import Notification
from civic.proposals import services as proposals
from civic.proposals.models import ProposalSettings
from tests.conftest import login, make_app

FEATURES = ("proposals_open", "supports_open", "comments_open")


def _of(user):
    db.session.expire_all()
    return [(n.kind, n.data) for n in db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))]


def test_milestones_are_round_numbers_and_the_threshold():
    hits = [n for n in range(1, 6000) if is_milestone(n)]
    assert hits == [10, 50, 100, 200, 500, 1000, 2000, 5000]
    assert is_milestone(30, threshold=30) and not is_milestone(30)
    assert not is_milestone(0)


def test_a_comment_on_my_proposal_and_a_reply_to_my_comment(ctx, make_user, make_process,
                                                              make_proposal):
    process = make_process(features=FEATURES)
    author, neighbour, third = make_user(), make_user(), make_user()
    proposal = make_proposal(process, author)

    first = comments.add(neighbour, "proposal", proposal.id, "賛成です", "for")
    assert _of(author) == [("comment", {})]
    # A reply to the neighbour tells the neighbour, and the proposer once (as a comment).
    comments.add(third, "proposal", proposal.id, "私も", None, first.id)
    assert _of(neighbour) == [("reply", {})]
    assert [kind for kind, _ in _of(author)] == ["comment", "comment"]
    # The proposer replying to the neighbour tells only the neighbour; nobody hears of themselves.
    own = comments.add(author, "proposal", proposal.id, "ありがとうございます", None, first.id)
    assert len(_of(author)) == 2 and len(_of(neighbour)) == 2
    # A reply to the proposer's own comment is one notification (a reply), not two.
    comments.add(neighbour, "proposal", proposal.id, "どういたしまして", None, own.id)
    assert _of(author)[-1] == ("reply", {}) and len(_of(author)) == 3
    link = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).first()
    assert (link.endpoint, link.url_values, link.subject) == (
        "comments.show", {"comment_id": first.id}, proposal.title)


def test_support_milestones_are_told_once_each(ctx, make_user, make_area, make_process,
                                               make_proposal):
    area = make_area()
    process = make_process(area=area, features=FEATURES)
    author = make_user(area=area)
    proposal = make_proposal(process, author)
    people = [make_user(area=area) for _ in range(11)]
    for person in people[:10]:
        proposals.support(person, proposal)
    assert _of(author) == [("milestone", {"count": 10})]
    proposals.withdraw_support(people[0], proposal)
    proposals.support(people[10], proposal)  # back to 10
    assert _of(author) == [("milestone", {"count": 10})]


def test_reaching_the_threshold_tells_the_count_and_the_move_to_review(
        ctx, make_user, make_area, make_process, make_proposal):
    area = make_area()
    process = make_process(area=area, features=FEATURES)
    db.session.add(ProposalSettings(process_id=process.id, support_threshold=3, criteria=[],
                                    categories=[]))
    db.session.commit()
    author = make_user(area=area)
    proposal = make_proposal(process, author)
    for _ in range(3):
        proposals.support(make_user(area=area), proposal)
    assert _of(author) == [("milestone", {"count": 3}), ("state", {"state": "evaluation"})]


@pytest.mark.parametrize(("state", "step", "kind"), [
    ("submitted", "consult", "state"), ("consultation", "publish", "state"),
    ("published", "evaluate", "state"), ("evaluation", "accept", "answer"),
    ("evaluation", "reject", "answer"), ("accepted", "start", "state"),
])
def test_staff_steps_tell_the_proposer(ctx, make_user, make_process, make_proposal, state, step,
                                       kind):
    process = make_process(features=FEATURES)
    author, staff = make_user(), make_user(roles=("staff",))
    proposal = make_proposal(process, author, state=state)
    proposals.take_step(staff, proposal, step, "理由")
    assert _of(author) == [(kind, {"state": proposal.state})]
    assert _of(staff) == []


def test_my_own_steps_and_reports_tell_nobody_but_staff_reports_tell_me(
        ctx, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author, staff = make_user(), make_user(roles=("staff",))
    proposal = make_proposal(process, author, state="draft")
    proposals.take_step(author, proposal, "submit")
    proposals.take_step(author, proposal, "withdraw")
    running = make_proposal(process, author, state="in_progress")
    proposals.add_update(author, running, "interim", 50, "半分")
    assert _of(author) == []
    proposals.add_update(staff, running, "final", 100, "完了")
    assert _of(author) == [("state", {"state": "completed"})]


def test_bell_list_open_and_mark_read(client, make_user, make_process, make_proposal):
    process = make_process(features=FEATURES)
    author, neighbour = make_user(), make_user()
    proposal = make_proposal(process, author, title="学童保育の定員")
    for body in ("一つ目", "二つ目", "三つ目"):
        comments.add(neighbour, "proposal", proposal.id, body)
    mine = db.session.scalars(select(Notification).order_by(Notification.id)).all()

    login(client, author)
    page = client.get("/").text
    assert re.search(r'href="/notifications"[^>]*>.*<span class="count"[^>]*>3</span>', page)
    listing = client.get("/notifications").text
    assert listing.count("さんが「学童保育の定員」にコメントしました") == 3 or \
        listing.count("学童保育の定員") == 3
    assert f'action="/notifications/{mine[0].id}/open"' in listing
    # Looking at a notification (a prefetch, a link preview) marks nothing; the button does.
    shown = client.get(f"/notifications/{mine[0].id}")
    assert shown.status_code == 200 and "学童保育の定員" in shown.text
    assert shown.headers["Cache-Control"] == "no-store"
    assert services.unread_count(author) == 3
    opened = client.post(f"/notifications/{mine[0].id}/open")
    assert opened.status_code == 302 and opened.location == f"/comments/{mine[0].url_values['comment_id']}"
    assert services.unread_count(author) == 2
    assert client.post(f"/notifications/{mine[1].id}/read").status_code == 302
    assert services.unread_count(author) == 1
    client.post("/notifications/read")
    assert services.unread_count(author) == 0
    assert 'class="count"' not in client.get("/").text

    # Someone else's notification is not there for me; guests are sent to log in.
    other = type(client)(client.application)
    login(other, neighbour)
    assert other.get(f"/notifications/{mine[0].id}").status_code == 404
    assert other.post(f"/notifications/{mine[0].id}/open").status_code == 404
    assert other.post(f"/notifications/{mine[0].id}/read").status_code == 404
    assert type(client)(client.application).get("/notifications").status_code == 302


def test_email_digest_for_those_who_opt_in(app, database_url, client, make_user, make_process, make_proposal,
                                           monkeypatch):
    process = make_process(features=FEATURES)
    author, quiet, neighbour = make_user(), make_user(), make_user()
    proposal = make_proposal(process, author, title="学童保育の定員")
    other = make_proposal(process, quiet, title="静かな提案")
    login(client, author)
    assert 'name="email_digest"' in client.get("/account").text
    client.post("/notifications/preferences", data={"email_digest": "y"})
    comments.add(neighbour, "proposal", proposal.id, "賛成です")
    comments.add(neighbour, "proposal", other.id, "賛成です")

    sent = []
    monkeypatch.setattr("civic.mail.send", lambda to, subject, body: sent.append((to, subject, body)))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["notifications", "send-digest"]).exit_code != 0  # no base URL
    assert sent == []
    public = make_app(database_url, CIVIC_BASE_URL="https://civic.example.jp")
    runner = public.test_cli_runner()
    with public.app_context():
        result = runner.invoke(args=["notifications", "send-digest"])
    assert result.exit_code == 0, result.output
    assert [to for to, _s, _b in sent] == [author.email]
    subject, body = sent[0][1:]
    assert "1" in subject and "学童保育の定員" in body
    assert "https://civic.example.jp/comments/" in body and "&#" not in body
    # Nothing new: nothing sent; a new one: only that one.
    with public.app_context():
        runner.invoke(args=["notifications", "send-digest"])
    assert len(sent) == 1
    comments.add(neighbour, "proposal", proposal.id, "もう一つ")
    with public.app_context():
        runner.invoke(args=["notifications", "send-digest"])
    assert len(sent) == 2 and sent[1][2].count("https://civic.example.jp/comments/") == 1
