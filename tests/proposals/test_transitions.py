"""Every lifecycle step from every state by every kind of person, through the web.

The expectation is written from the transition table (``lifecycle.STEPS``: sources, target, who),
not from ``lifecycle.allowed``, so a change to either shows up here.
"""

import pytest
from sqlalchemy import select

from civic.audit.models import AuditEvent
from civic.extensions import db
from civic.proposals import lifecycle
from civic.proposals.models import Proposal
from tests.conftest import login

FEATURES = ("proposals_open", "supports_open", "comments_open")
PEOPLE = ("author", "staff", "neighbour", "guest")
REPORTS = {"interim_report": "interim", "final_report": "final"}


def _may(name: str, state: str, who: str) -> bool:
    step = lifecycle.STEPS[name]
    if state not in step.sources:
        return False
    if name in REPORTS:  # the ward co-signs: staff may file reports for the proposer
        return who in ("author", "staff")
    return who == {"author": "author", "staff": "staff"}[step.by]


def _refusal(state: str, who: str) -> set[int]:
    if who == "guest":
        return {302}  # to the login page
    if who == "neighbour" and state not in lifecycle.PUBLIC_STATES:
        return {404}  # someone else's unpublished proposal does not exist for them
    if who == "staff" and state == "draft":
        return {404}  # a draft is its author's alone, staff see it from its submission on
    return {403}


@pytest.fixture
def people(app, make_user, make_process):
    process = make_process(features=FEATURES)
    users = {"author": make_user(), "staff": make_user(roles=("staff",)),
             "neighbour": make_user()}
    clients = {"guest": app.test_client()}
    for who, user in users.items():
        clients[who] = app.test_client()
        login(clients[who], user)
    return process, users, clients


def _request(client, name: str, proposal: Proposal):
    if name in REPORTS:
        return client.post(f"/proposals/{proposal.id}/updates/new", data={
            "kind": REPORTS[name], "progress": "50", "body": "報告です"})
    return client.post(f"/proposals/{proposal.id}/steps/{name}", data={"answer": "理由を添えて"})


@pytest.mark.parametrize("name", list(lifecycle.STEPS))
def test_every_step_from_every_state_by_everyone(people, make_proposal, name):
    process, users, clients = people
    step = lifecycle.STEPS[name]
    for state in lifecycle.STATES:
        for who in PEOPLE:
            proposal = make_proposal(process, users["author"], state=state)
            response = _request(clients[who], name, proposal)
            db.session.expire_all()
            now = db.session.get(Proposal, proposal.id).state
            events = db.session.scalars(select(AuditEvent).where(
                AuditEvent.target_type == "proposal", AuditEvent.target_id == proposal.id,
                AuditEvent.action == f"proposal.{name}")).all()
            where = f"{name} from {state} by {who}: {response.status_code}"
            if _may(name, state, who):
                assert response.status_code == 302, where
                assert now == step.target, where
                assert [e.actor_id for e in events] == [users[who].id], where
            else:
                # Reports are a form: a state the form is open in but the step is not answers 422.
                allowed = _refusal(state, who) | ({422} if name in REPORTS else set())
                assert response.status_code in allowed, where
                assert now == state and events == [], where


def test_report_steps_are_not_taken_bare(people, make_proposal):
    process, users, clients = people
    proposal = make_proposal(process, users["author"], state="in_progress")
    for name in REPORTS:
        assert clients["author"].post(f"/proposals/{proposal.id}/steps/{name}").status_code == 404
    assert clients["staff"].post(f"/proposals/{proposal.id}/steps/nonsense").status_code == 404
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state == "in_progress"


@pytest.mark.parametrize("state", lifecycle.STATES)
def test_withdraw_is_the_proposers_until_the_answer(people, make_proposal, state):
    process, users, clients = people
    proposal = make_proposal(process, users["author"], state=state)
    response = clients["author"].post(f"/proposals/{proposal.id}/steps/withdraw")
    db.session.expire_all()
    now = db.session.get(Proposal, proposal.id).state
    open_states = ("draft", "submitted", "consultation", "published", "evaluation")
    assert now == ("withdrawn" if state in open_states else state), state
    assert response.status_code == (302 if state in open_states else 403), state
    # The page offers the button exactly when it works.
    if now != "withdrawn" or state == "withdrawn":
        page = clients["author"].get(f"/proposals/{proposal.id}").text
        assert f"/proposals/{proposal.id}/steps/withdraw" not in page


def test_the_page_offers_exactly_the_allowed_steps(people, make_proposal):
    process, users, clients = people
    for state in lifecycle.STATES:
        proposal = make_proposal(process, users["author"], state=state)
        for who in ("author", "staff"):
            page = clients[who].get(f"/proposals/{proposal.id}").text
            offered = {name for name in lifecycle.STEPS
                       if f"/proposals/{proposal.id}/steps/{name}\"" in page}
            expected = {name for name in lifecycle.STEPS
                        if name not in REPORTS and _may(name, state, who)}
            assert offered == expected, (state, who)
