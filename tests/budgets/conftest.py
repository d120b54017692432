import pytest

from civic.budgets.models import Budget, BudgetProject
from civic.extensions import db


@pytest.fixture
def make_budget(ctx, make_process):
    """A budget in a process with ballots open, with projects of the given costs."""

    def make(costs=(300, 400, 500), amount=1000, area=None, process=None, features=("ballots_open",),
             **fields):
        if process is None:
            process = make_process(area=area, features=features)
        budget = Budget(process_id=process.id, area_id=area.id if area else None,
                        title="地域予算", amount=amount, **fields)
        for n, cost in enumerate(costs, start=1):
            budget.projects.append(BudgetProject(code=str(n), position=n, title=f"事業{n}",
                                                 cost=cost))
        db.session.add(budget)
        db.session.commit()
        return budget

    return make


@pytest.fixture
def voter(make_user, make_area):
    area = make_area()
    return make_user(area=area)
