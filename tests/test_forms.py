"""Numbers from forms stay within what their columns hold: beyond it, the form's message (422)
and nothing saved, on SQLite and PostgreSQL alike — never the database's overflow as a 500."""

import pytest
from sqlalchemy import func, select

from civic.budgets.models import Budget, BudgetProject
from civic.extensions import db
from civic.proposals.models import Proposal
from tests.conftest import login

INT_MAX, BIGINT_MAX = 2**31 - 1, 2**63 - 1
BUDGET = {"title": "予算", "area": 0, "voting_method": "knapsack", "rule": "greedy",
          "tie_break": "min_cost,max_votes,id", "min_percent": 0}


@pytest.fixture
def staff_client(client, make_user):
    login(client, make_user(roles=("staff",)))
    return client


def _count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("amount", [BIGINT_MAX + 1, 10**30, -BIGINT_MAX - 2])
def test_a_budget_beyond_its_column_is_refused(staff_client, make_process, amount):
    response = staff_client.post(f"/processes/{make_process().slug}/budgets/new",
                                 data={**BUDGET, "amount": amount})
    assert response.status_code == 422
    # Above the column "too large"; below it the field's own minimum speaks.
    assert ("この数は大きすぎます" in response.text) == (amount > 0)
    assert f'value="{amount}"' in response.text  # what was typed stays
    assert _count(Budget) == 0


def test_a_budget_as_large_as_its_column_is_kept(staff_client, make_process):
    response = staff_client.post(f"/processes/{make_process().slug}/budgets/new",
                                 data={**BUDGET, "amount": BIGINT_MAX})
    assert response.status_code == 302
    assert db.session.scalar(select(Budget.amount)) == BIGINT_MAX


@pytest.mark.parametrize("threshold", ["1e400", "Infinity", "-Infinity", "NaN", "sNaN"])
def test_a_threshold_that_no_float_holds_is_refused(staff_client, make_process, threshold):
    response = staff_client.post(f"/processes/{make_process().slug}/budgets/new", data={
        **BUDGET, "amount": 1000, "rule": "greedy-threshold", "threshold": threshold})
    assert response.status_code == 422
    assert _count(Budget) == 0


@pytest.mark.parametrize(("field", "value"), [("cost", BIGINT_MAX + 1), ("cost", 10**400),
                                              ("proposal_id", INT_MAX + 1),
                                              ("proposal_id", BIGINT_MAX + 1)])
def test_a_project_beyond_its_columns_is_refused(staff_client, make_process, field, value):
    budget = Budget(process_id=make_process().id, title="地域予算", amount=1000)
    db.session.add(budget)
    db.session.commit()
    data = {"title": "公園のベンチ", "cost": 300, "area": 0, field: value}
    response = staff_client.post(f"/budgets/{budget.id}/projects/new", data=data)
    assert response.status_code == 422
    assert _count(BudgetProject) == 0


@pytest.mark.parametrize("cost", [INT_MAX + 1, 10**12])
def test_a_residents_estimate_beyond_32_bits_is_kept(client, make_user, make_process, cost):
    """On PostgreSQL an ``integer`` column overflowed above 2^31 while the form allows 10^12."""
    process = make_process()
    login(client, make_user())
    response = client.post(f"/processes/{process.slug}/proposals/new", data={
        "title": "公園の整備", "body": "ベンチを置く", "area": 0, "estimated_cost": str(cost)})
    assert response.status_code == 302, response.text[:500]
    assert db.session.scalar(select(Proposal.estimated_cost)) == cost


def test_a_residents_estimate_beyond_the_form_is_refused(client, make_user, make_process):
    process = make_process()
    login(client, make_user())
    response = client.post(f"/processes/{process.slug}/proposals/new", data={
        "title": "公園の整備", "body": "ベンチを置く", "area": 0,
        "estimated_cost": str(BIGINT_MAX + 1)})
    assert response.status_code == 422
    assert _count(Proposal) == 0


def test_a_bound_beyond_its_column_is_a_mistake_in_the_form():
    from civic.forms import NumberRange

    with pytest.raises(ValueError, match="column"):
        NumberRange(min=0, max=INT_MAX + 1)
    assert NumberRange(min=0, max=INT_MAX + 1, limit=BIGINT_MAX).max == INT_MAX + 1
