"""A small public world for the API, beside the private and hidden things it must never show."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from civic.budgets import services as budget_services
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetProject
from civic.comments.models import Comment
from civic.extensions import db
from civic.proposals.models import ProgressUpdate
from civic.timeutil import utcnow


def comment_on(proposal, author, body, **extra):
    comment = Comment(target_type="proposal", target_id=proposal.id, author_id=author.id,
                      body=body, **extra)
    db.session.add(comment)
    db.session.commit()
    return comment


def budget_in(process, title, costs, votes=()):
    """A budget with projects of ``costs`` and checked-out ballots choosing ``votes`` (project
    positions, from 1), counted as the job counts it."""
    budget = Budget(process_id=process.id, title=title, amount=1000)
    for n, cost in enumerate(costs, start=1):
        budget.projects.append(BudgetProject(code=str(n), position=n, title=f"{title}の事業{n}",
                                             cost=cost))
    db.session.add(budget)
    db.session.flush()
    for n, chosen in enumerate(votes, start=1):
        ballot = Ballot(budget_id=budget.id, voter_code=f"voter-secret-{n}", state="checked_out",
                        total_cost=sum(costs[i - 1] for i in chosen), project_count=len(chosen))
        ballot.items = [BallotItem(project_id=budget.projects[i - 1].id, position=k)
                        for k, i in enumerate(chosen)]
        db.session.add(ballot)
    db.session.commit()
    budget_services.count(budget.id)
    return budget


@pytest.fixture
def budgets(world, make_process):
    """A budget whose results are published, one still voting (counted: a staff preview), and
    one in an unpublished process."""
    done = make_process(title="結果公表プロセス", features=("results_published",))
    voting = make_process(title="投票中プロセス", features=("ballots_open",))
    hidden = make_process(title="非公開予算プロセス", published=False,
                          features=("results_published",))
    return SimpleNamespace(
        published=budget_in(done, "公開予算", (600, 500, 400), [(1,), (1, 3), (2, 3)]),
        voting=budget_in(voting, "投票中予算", (300, 400), [(1,), (2,)]),
        hidden=budget_in(hidden, "非公開予算の秘密", (100,), [(1,)]))


@pytest.fixture
def world(make_user, make_area, make_process, make_proposal):
    area = make_area(name="中央地区", slug="chuo")
    author = make_user(email="hanako.secret@example.jp", name="花子", area=area)
    process = make_process(title="公開プロセス", area=area)
    published = make_proposal(process, author, title="公園のベンチ", published_at=utcnow(),
                              support_count=3, comment_count=1)
    accepted = make_proposal(process, author, title="図書館の朝開館", state="in_progress",
                             published_at=utcnow() - timedelta(days=30),
                             answered_at=utcnow() - timedelta(days=10),
                             answer="予算の範囲で実施します。")
    db.session.add(ProgressUpdate(proposal_id=accepted.id, author_id=author.id, kind="update",
                                  progress=40, body="開館時間を延長しました。"))
    db.session.commit()
    comment = comment_on(published, author, "賛成です。ベンチがほしい。", stance="for")
    return SimpleNamespace(area=area, author=author, process=process, published=published,
                           accepted=accepted, comment=comment)
