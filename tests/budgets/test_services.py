import threading

import pytest
from sqlalchemy import func, select

from civic.budgets import services
from civic.budgets.models import Ballot, BallotItem, Budget, BudgetResult
from civic.extensions import db
from civic.timeutil import ward_today
from tests.conftest import wait_for_job


def _ids(budget):
    return [p.id for p in budget.projects]


def test_knapsack_refuses_overrun_with_message(make_budget, voter):
    budget = make_budget(costs=(600, 500, 100))
    a, b, c = _ids(budget)
    today = ward_today()
    services.add_project(budget, voter, a, today)
    with pytest.raises(services.BallotError) as err:
        services.add_project(budget, voter, b, today)
    assert "1,100" in str(err.value) or "1100" in str(err.value)
    services.add_project(budget, voter, c, today)
    ballot = services.ballot_of(budget, voter)
    assert ballot.total_cost == 700 and ballot.project_count == 2


def test_knapsack_minimum_share_needed_to_check_out(make_budget, voter):
    budget = make_budget(costs=(100, 800), min_percent=50)
    small, big = _ids(budget)
    services.add_project(budget, voter, small, ward_today())
    with pytest.raises(services.BallotError):
        services.checkout(budget, voter, ward_today())
    services.add_project(budget, voter, big, ward_today())
    assert services.checkout(budget, voter, ward_today())


def test_a_change_writes_only_its_project_and_the_others_keep_their_place(make_budget, voter):
    budget = make_budget(costs=(100, 200, 300, 400), amount=2000)
    a, b, c, d = _ids(budget)
    today = ward_today()
    for project in (a, b, c):
        services.add_project(budget, voter, project, today)
    rows = {i.project_id: i.id for i in services.ballot_of(budget, voter).items}
    services.remove_project(budget, voter, b, today)
    services.add_project(budget, voter, d, today)
    ballot = services.ballot_of(budget, voter)
    assert [i.project_id for i in ballot.items] == [a, c, d]
    assert {i.project_id: i.id for i in ballot.items if i.project_id != d} == {
        a: rows[a], c: rows[c]}  # rows kept, not deleted and inserted again
    assert (ballot.total_cost, ballot.project_count) == (800, 3)


def test_a_refused_first_change_leaves_no_empty_ballot(make_budget, voter):
    budget = make_budget(costs=(2000,), amount=1000)
    with pytest.raises(services.BallotError):
        services.add_project(budget, voter, _ids(budget)[0], ward_today())
    assert services.ballot_of(budget, voter) is None


def test_approval_counts_projects_not_cost(make_budget, voter):
    budget = make_budget(costs=(900, 900, 900), amount=1000, voting_method="approval",
                         min_projects=2, max_projects=2)
    a, b, c = _ids(budget)
    services.set_selection(budget, voter, {a: None}, ward_today())
    with pytest.raises(services.BallotError):
        services.checkout(budget, voter, ward_today())
    services.add_project(budget, voter, b, ward_today())
    with pytest.raises(services.BallotError):
        services.add_project(budget, voter, c, ward_today())
    assert services.checkout(budget, voter, ward_today())


def test_cumulative_spreads_points(make_budget, voter):
    budget = make_budget(voting_method="cumulative", points=5)
    a, b, c = _ids(budget)
    with pytest.raises(services.BallotError):
        services.set_selection(budget, voter, {a: 4, b: 2}, ward_today())
    with pytest.raises(services.BallotError):
        services.set_selection(budget, voter, {a: -1}, ward_today())
    services.set_selection(budget, voter, {a: 3, b: 2}, ward_today())
    ballot = services.ballot_of(budget, voter)
    assert ballot.total_points == 5
    services.checkout(budget, voter, ward_today())
    election = services.election(budget)
    assert election.vote_type == "cumulative"
    assert election.ballots[0].projects == ("1", "2") and election.ballots[0].points == (3, 2)


def test_only_verified_residents_of_the_area(make_budget, make_user, make_area):
    area, other = make_area(), make_area()
    budget = make_budget(area=area)
    (project,) = _ids(budget)[:1]
    for person, problem in ((make_user(), "verify"), (make_user(area=other), "other_area")):
        assert services.vote_problem(person, budget, ward_today()) == problem
        with pytest.raises(services.BallotError):
            services.add_project(budget, person, project, ward_today())
    assert services.vote_problem(make_user(area=area), budget, ward_today()) is None


def test_city_wide_budget_takes_any_verified_resident(make_budget, voter):
    budget = make_budget()
    assert services.vote_problem(voter, budget, ward_today()) is None


def test_closed_phase_refuses_ballots(make_budget, voter):
    budget = make_budget(features=("results_published",))
    with pytest.raises(services.BallotError):
        services.add_project(budget, voter, _ids(budget)[0], ward_today())


def test_checkout_gives_receipt_stored_as_hash(make_budget, voter):
    budget = make_budget()
    services.add_project(budget, voter, _ids(budget)[0], ward_today())
    code = services.checkout(budget, voter, ward_today())
    ballot = services.ballot_of(budget, voter)
    assert ballot.is_checked_out and code not in (ballot.receipt_hash or "")
    assert services.check_receipt(budget, code).id == ballot.id
    assert services.check_receipt(budget, code.lower().replace("-", "")).id == ballot.id
    assert services.check_receipt(budget, "AAAA-BBBB-CCCC") is None
    with pytest.raises(services.BallotError):
        services.add_project(budget, voter, _ids(budget)[1], ward_today())
    db.session.expire_all()
    assert db.session.get(Budget, budget.id).ballot_count == 1


def test_reopen_only_when_changes_allowed(make_budget, voter):
    fixed = make_budget()
    services.add_project(fixed, voter, _ids(fixed)[0], ward_today())
    services.checkout(fixed, voter, ward_today())
    with pytest.raises(services.BallotError):
        services.reopen(fixed, voter, ward_today())
    open_ = make_budget(allow_changes=True)
    services.add_project(open_, voter, _ids(open_)[0], ward_today())
    services.checkout(open_, voter, ward_today())
    services.reopen(open_, voter, ward_today())
    services.add_project(open_, voter, _ids(open_)[1], ward_today())
    services.checkout(open_, voter, ward_today())
    db.session.expire_all()
    assert db.session.get(Budget, open_.id).ballot_count == 1


def test_result_is_counted_once_and_again_only_when_ballots_change(make_budget, make_user,
                                                                     make_area):
    area = make_area()
    budget = make_budget(costs=(600, 500, 400), rule="greedy")
    a, b, c = _ids(budget)
    for picks in ([a], [a], [b, c]):
        person = make_user(area=area)
        services.set_selection(budget, person, dict.fromkeys(picks), ward_today())
        services.checkout(budget, person, ward_today())
    db.session.expire_all()
    budget = db.session.get(Budget, budget.id)
    assert services.current_result(budget) is None
    job = wait_for_job(services.request_count(budget).id)
    assert job.status == "done" and job.result["selected"] == ["1", "3"]
    stored = services.current_result(budget)
    assert stored.selected == ["1", "3"] and stored.rule == "greedy"
    assert stored.scores == {"1": 2, "2": 1, "3": 1}
    reasons = {r["project_id"]: r["reason"] for r in stored.outcome["results"]}
    assert reasons == {"1": "funded", "2": "skipped_does_not_fit", "3": "funded"}
    assert services.request_count(budget) is None  # kept: nothing to count
    person = make_user(area=area)
    services.set_selection(budget, person, {b: None}, ward_today())
    services.checkout(budget, person, ward_today())
    db.session.expire_all()
    budget = db.session.get(Budget, budget.id)
    assert services.current_result(budget) is None
    wait_for_job(services.request_count(budget).id)
    assert services.current_result(budget).scores["2"] == 2
    assert db.session.scalar(select(func.count()).select_from(BudgetResult)) == 1


def test_a_failed_count_is_not_retried_by_visits_but_staff_can_count_again(make_budget, make_user):
    budget = make_budget(rule="greedy-threshold")  # no threshold: the count fails
    failed = wait_for_job(services.request_count(budget).id)
    assert failed.status == "failed" and "threshold" in failed.error
    assert services.request_count(budget).id == failed.id
    budget.threshold = 0
    db.session.commit()
    again = wait_for_job(services.request_count(budget, make_user(roles=("staff",)), again=True).id)
    assert again.id != failed.id and again.status == "done"
    assert services.current_result(budget) is not None


def test_moving_a_process_into_its_results_phase_starts_the_count(make_budget, make_user):
    from civic.spaces import services as spaces
    from civic.spaces.models import Phase

    budget = make_budget(rule="greedy")
    process = budget.process
    results = Phase(position=1, title="結果", starts_on=ward_today(), ends_on=ward_today(),
                    results_published=True)
    process.phases.append(results)
    db.session.commit()
    assert services.count_job(budget) is None
    spaces.pin_phase(process, results.id, make_user(roles=("staff",)))
    job = wait_for_job(services.count_job(budget).id)
    assert job.status == "done" and services.current_result(budget) is not None


def _threads(n, fn):
    errors = []

    def run(i):
        try:
            fn(i)
        except Exception as exc:  # noqa: BLE001 - collected and checked below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_adds_never_exceed_the_budget(app, make_budget, voter):
    budget = make_budget(costs=[300] * 10, amount=1000)
    budget_id, project_ids, user_id = budget.id, _ids(budget), voter.id
    barrier = threading.Barrier(10)

    def add(i):
        with app.app_context():
            from civic.accounts.models import User

            person = db.session.get(User, user_id)
            b = db.session.get(Budget, budget_id)
            barrier.wait()
            try:
                services.add_project(b, person, project_ids[i], ward_today())
            except services.BallotError:
                pass
            finally:
                db.session.remove()

    assert _threads(10, add) == []
    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot).where(Ballot.budget_id == budget_id))
    items = db.session.scalar(select(func.count()).select_from(BallotItem)
                              .where(BallotItem.ballot_id == ballot.id))
    assert items == 3 and ballot.total_cost == 900 and ballot.project_count == 3


def test_one_ballot_per_resident_under_concurrent_checkout(app, make_budget, voter):
    budget = make_budget()
    services.add_project(budget, voter, _ids(budget)[0], ward_today())
    budget_id, user_id = budget.id, voter.id
    barrier = threading.Barrier(8)
    codes = []

    def check_out(_i):
        with app.app_context():
            from civic.accounts.models import User

            person = db.session.get(User, user_id)
            b = db.session.get(Budget, budget_id)
            barrier.wait()
            try:
                codes.append(services.checkout(b, person, ward_today()))
            except services.BallotError:
                pass
            finally:
                db.session.remove()

    assert _threads(8, check_out) == []
    assert len(codes) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert db.session.get(Budget, budget_id).ballot_count == 1


def test_concurrent_first_changes_create_one_ballot(app, make_budget, voter):
    budget = make_budget(costs=[10] * 6)
    budget_id, project_ids, user_id = budget.id, _ids(budget), voter.id
    barrier = threading.Barrier(6)

    def add(i):
        with app.app_context():
            from civic.accounts.models import User

            person = db.session.get(User, user_id)
            b = db.session.get(Budget, budget_id)
            barrier.wait()
            try:
                services.add_project(b, person, project_ids[i], ward_today())
            finally:
                db.session.remove()

    assert _threads(6, add) == []
    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot))
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 1
    assert ballot.project_count == 6 and ballot.total_cost == 60


def test_database_refuses_a_ballot_over_budget(make_budget, voter):
    from sqlalchemy.exc import IntegrityError

    budget = make_budget()
    services.add_project(budget, voter, _ids(budget)[0], ward_today())
    ballot = services.ballot_of(budget, voter)
    ballot.total_cost = budget.amount + 1
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_demo_budget_counts(app, ctx):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    budget = db.session.scalar(select(Budget).join(Budget.process).where(
        Budget.process.has(slug="aobadai-budget-2026")))
    assert len(budget.projects) == 8 and budget.ballot_count == 10
    services.count(budget.id)
    outcome = services.current_result(budget).outcome
    assert outcome["selected"] and outcome["total_cost"] <= budget.amount
    # ¥5,000,000 among 10 voters: tens of thousands of one-yen steps, a few runs of Equal Shares
    assert outcome["details"]["add1_steps"] > 10_000 and outcome["details"]["add1_runs"] < 50
