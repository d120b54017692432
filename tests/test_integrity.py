"""Counts that can be trusted: concurrent requests against a real server (threads, loopback).

Each test fires many requests at once through the live server (one thread per request, released
together by a barrier, each with a timeout) and then compares the database with what must hold:
one support per person, counters equal to the rows they count, ballots within their budget.
"""

import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from civic.extensions import db
from civic.proposals.models import Proposal, Support

TIMEOUT = 60


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _cookie(app, user) -> str:
    """A session cookie for ``user``, as the sign-in would set (the login form is rate limited
    per address, and what is tested here is what happens after it)."""
    serializer = app.session_interface.get_signing_serializer(app)
    return f"{app.config['SESSION_COOKIE_NAME']}=" + serializer.dumps(
        {"_user_id": user.get_id(), "_fresh": True})


def _post(url: str, cookie: str, data: dict) -> int:
    request = urllib.request.Request(url, data=urlencode(data).encode(), method="POST",
                                     headers={"Cookie": cookie})
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _all_at_once(calls) -> list[int]:
    """Run every ``call()`` in its own thread, released together; returns their statuses."""
    barrier = threading.Barrier(len(calls))
    statuses: list[int | None] = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=TIMEOUT)
        statuses[index] = call()

    threads = [threading.Thread(target=run, args=(i, call), daemon=True)
               for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    assert all(not thread.is_alive() for thread in threads), "a request never finished"
    return statuses


@pytest.fixture
def open_proposal(make_area, make_process, make_user):
    area = make_area()
    process = make_process(area=area, features=("proposals_open", "supports_open",
                                                "comments_open", "ballots_open"))
    proposal = Proposal(process_id=process.id, author_id=make_user(area=area).id,
                        title="川沿いのベンチ", body="ベンチを置きたい。", state="published")
    db.session.add(proposal)
    db.session.commit()
    return area, process, proposal


def test_a_hundred_simultaneous_supports_by_one_person_count_once(app, live_server, make_user,
                                                                  open_proposal):
    area, _process, proposal = open_proposal
    cookie = _cookie(app, make_user(area=area))
    url = f"{live_server}/proposals/{proposal.id}/support"
    statuses = _all_at_once([lambda: _post(url, cookie, {})] * 100)
    assert set(statuses) == {302}, statuses  # one "thank you", 99 "you already support this"
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Support)) == 1
    assert db.session.get(Proposal, proposal.id).support_count == 1


def test_counters_equal_their_rows_after_concurrent_supports_withdrawals_and_comments(
        app, live_server, make_user, open_proposal):
    area, _process, proposal = open_proposal
    people = [make_user(area=area) for _ in range(12)]
    cookies = [_cookie(app, person) for person in people]
    support = f"{live_server}/proposals/{proposal.id}/support"
    comment = f"{live_server}/comments/proposal/{proposal.id}"
    calls = []
    for index, cookie in enumerate(cookies):
        calls.append(lambda c=cookie: _post(support, c, {}))
        calls.append(lambda c=cookie: _post(support, c, {}))  # a double tap
        if index % 3 == 0:
            calls.append(lambda c=cookie: _post(support, c, {"withdraw": "1"}))
        calls.append(lambda c=cookie, i=index: _post(comment, c, {"comment-body": f"意見{i}"}))
    statuses = _all_at_once(calls)
    assert all(status < 500 for status in statuses), statuses
    db.session.expire_all()
    fresh = db.session.get(Proposal, proposal.id)
    rows = db.session.scalar(select(func.count()).select_from(Support)
                             .where(Support.proposal_id == proposal.id))
    assert fresh.support_count == rows
    from civic.comments.models import Comment

    comments = db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.target_type == "proposal", Comment.target_id == proposal.id))
    assert fresh.comment_count == comments == len(people)


def test_concurrent_ballot_changes_never_exceed_the_budget(app, live_server, make_user,
                                                           open_proposal):
    budgets = pytest.importorskip("civic.budgets.models",
                                  reason="the budgets package has not landed")
    area, process, _proposal = open_proposal
    budget = budgets.Budget(process_id=process.id, title="地域予算", amount=1_000_000,
                            voting_method="knapsack")
    db.session.add(budget)
    db.session.flush()
    projects = []
    for i in range(10):
        project = budgets.BudgetProject(budget_id=budget.id, code=f"p{i}", position=i,
                                        title=f"事業{i}", cost=300_000)
        db.session.add(project)
        projects.append(project)
    db.session.commit()
    voter = make_user(area=area)
    cookie = _cookie(app, voter)
    budget_id = budget.id
    add = f"{live_server}/budgets/{budget_id}/ballot/add"
    # Ten projects of 300,000 yen against 1,000,000: at most three fit, however they race.
    ids = [project.id for project in projects]
    statuses = _all_at_once([lambda p=p: _post(add, cookie, {"project": p}) for p in ids] * 2)
    assert all(status < 500 for status in statuses), statuses
    db.session.expire_all()
    ballots = db.session.scalars(select(budgets.Ballot).where(
        budgets.Ballot.budget_id == budget.id)).all()
    assert len(ballots) == 1
    items = db.session.scalars(select(budgets.BallotItem).where(
        budgets.BallotItem.ballot_id == ballots[0].id)).all()
    total = sum(db.session.get(budgets.BudgetProject, item.project_id).cost for item in items)
    assert total == ballots[0].total_cost <= budget.amount
    assert len({item.project_id for item in items}) == len(items) == 3
