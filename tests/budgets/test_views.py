import re
import threading

from sqlalchemy import func, select

from civic.budgets import services
from civic.budgets.models import Ballot, Budget
from civic.extensions import db
from civic.jobs.models import Job
from civic.timeutil import ward_today
from tests.conftest import csrf_token_from, login, wait_for_job


def _ids(budget):
    return [p.id for p in budget.projects]


def test_budget_page_shows_bar_and_projects(client, make_budget, voter):
    budget = make_budget(costs=(300, 400))
    login(client, voter)
    html = client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    assert '<meter id="ballot-meter"' in html and "事業1" in html
    assert 'name="project"' in html and "js/ballot.js" in html


def test_ballot_instruction_is_printed_once(client, make_budget):
    budget = make_budget(description="予算の範囲内で、実施してほしい事業を選んでください。")
    html = client.get(f"/budgets/{budget.id}?lang=ja").get_data(as_text=True)
    assert html.count("予算の範囲内で、実施してほしい事業を選んでください。") == 1
    other = make_budget(description="公園と通学路の事業です。")
    html = client.get(f"/budgets/{other.id}?lang=ja").get_data(as_text=True)
    assert html.count("予算の範囲内で、実施してほしい事業を選んでください。") == 1


def test_unverified_resident_is_sent_to_verification(client, make_budget, make_user):
    budget = make_budget()
    person = make_user()
    login(client, person)
    html = client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    assert "/verify" in html and 'name="project"' not in html
    response = client.post(f"/budgets/{budget.id}/ballot", data={"project": _ids(budget)[0]})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Ballot)) == 0


def test_numbers_that_are_no_project_id_are_left_out_of_the_ballot(client, make_budget, voter):
    budget = make_budget()
    login(client, voter)
    first = _ids(budget)[0]
    response = client.post(f"/budgets/{budget.id}/ballot",
                           data={"project": [str(first), str(2**63), "9" * 400, "²", "x"]})
    assert response.status_code == 302
    ballot = db.session.scalars(select(Ballot)).one()
    assert [item.project_id for item in ballot.items] == [first]


def test_over_budget_keeps_selection_and_explains(client, make_budget, voter):
    budget = make_budget(costs=(600, 500, 100))
    a, b, c = _ids(budget)
    login(client, voter)
    client.post(f"/budgets/{budget.id}/ballot", data={"project": [a]})
    response = client.post(f"/budgets/{budget.id}/ballot", data={"project": [a, b], "lang": "en"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'role="alert"' in html
    assert re.search(rf'value="{b}"[^>]*checked', html) and re.search(rf'value="{a}"[^>]*checked', html)
    assert "1,100" in html  # the selection's cost, with the overrun
    assert 'class="ballot-bar is-over"' in html  # red without JavaScript too
    assert 'class="ballot-bar"' in client.get(f"/budgets/{budget.id}").get_data(as_text=True)
    db.session.expire_all()
    assert services.ballot_of(budget, voter).total_cost == 600


def test_add_endpoint_answers_json(client, make_budget, voter):
    budget = make_budget(costs=(600, 500))
    a, b = _ids(budget)
    login(client, voter)
    ok = client.post(f"/budgets/{budget.id}/ballot/add", data={"project": a},
                     headers={"Accept": "application/json"})
    assert ok.status_code == 200 and ok.json["remaining"] == 400
    refused = client.post(f"/budgets/{budget.id}/ballot/add", data={"project": b},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 422 and refused.json["error"] and refused.json["total_cost"] == 600
    gone = client.post(f"/budgets/{budget.id}/ballot/remove", data={"project": a},
                       headers={"Accept": "application/json"})
    assert gone.json["total_cost"] == 0


def test_review_checkout_and_receipt_shown_once(client, make_budget, voter):
    budget = make_budget()
    login(client, voter)
    response = client.post(f"/budgets/{budget.id}/ballot",
                           data={"project": [_ids(budget)[0]], "next": "review"})
    assert response.headers["Location"].endswith(f"/budgets/{budget.id}/ballot/review")
    assert "事業1" in client.get(response.headers["Location"]).get_data(as_text=True)
    response = client.post(f"/budgets/{budget.id}/ballot/checkout")
    assert response.status_code == 302
    html = client.get(f"/budgets/{budget.id}/receipt").get_data(as_text=True)
    code = re.search(r'id="receipt-code">([A-Z0-9-]+)<', html).group(1)
    assert services.check_receipt(budget, code) is not None
    assert code not in client.get(f"/budgets/{budget.id}/receipt").get_data(as_text=True)
    again = client.post(f"/budgets/{budget.id}/ballot/checkout")
    assert again.status_code == 422


def test_many_requests_at_once_never_overrun(app, make_budget, voter):
    budget = make_budget(costs=[250] * 8, amount=1000)
    budget_id, ids = budget.id, _ids(budget)
    clients = [app.test_client() for _ in ids]
    for c in clients:
        login(c, voter)
    barrier = threading.Barrier(len(ids))
    statuses = []

    def add(c, pid):
        barrier.wait()
        statuses.append(c.post(f"/budgets/{budget_id}/ballot/add", data={"project": pid},
                               headers={"Accept": "application/json"}).status_code)

    threads = [threading.Thread(target=add, args=(c, pid)) for c, pid in zip(clients, ids, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 4 + [422] * 4
    db.session.expire_all()
    ballot = db.session.scalar(select(Ballot))
    assert ballot.total_cost == 1000 and ballot.project_count == 4


def _results_budget(make_budget, make_user, make_area):
    area = make_area()
    budget = make_budget(costs=(600, 500, 400, 50), features=("ballots_open", "results_published"))
    a, b, c, _d = _ids(budget)
    for picks in ([a], [a], [b, c], [a]):
        person = make_user(area=area)
        services.set_selection(budget, person, dict.fromkeys(picks), ward_today())
        services.checkout(budget, person, ward_today())
    return budget


def _counted_results(client, budget, query="?lang=en"):
    """The results page: first 集計中 while a job counts, then the stored results."""
    first = client.get(f"/budgets/{budget.id}/results{query}")
    assert first.status_code == 200 and first.headers["Refresh"] == "5"
    assert 'class="counting"' in first.get_data(as_text=True)
    wait_for_job(services.count_job(budget).id)
    return client.get(f"/budgets/{budget.id}/results{query}").get_data(as_text=True)


def test_results_page_explains_every_project(client, make_budget, make_user, make_area):
    budget = _results_budget(make_budget, make_user, make_area)
    html = _counted_results(client, budget)
    reasons = re.findall(r'data-reason="([a-z_]+)"', html)
    assert reasons == ["funded", "funded", "skipped_does_not_fit", "no_votes"]
    assert 'class="chart-label">事業1<' in html and "funded-line" in html and "<text" not in html
    assert "Not funded: it costs ¥500" in html
    assert 'class="counting"' not in html
    assert services.current_result(budget).selected == ["1", "3"]


def test_chart_labels_get_furigana(client, make_budget, make_user, make_area):
    budget = _results_budget(make_budget, make_user, make_area)
    _counted_results(client, budget, query="")
    client.post("/furigana", data={"furigana": "on", "next": "/"})
    html = client.get(f"/budgets/{budget.id}/results").get_data(as_text=True)
    label = re.search(r'<span class="chart-label">(.*?)</span>', html).group(1)
    assert "<ruby>事業<rt>じぎょう</rt></ruby>" in label


def test_results_are_counted_once_and_kept(client, make_budget, make_user, make_area):
    budget = _results_budget(make_budget, make_user, make_area)
    _counted_results(client, budget)
    computed = services.current_result(budget).computed_at
    again = client.get(f"/budgets/{budget.id}/results")
    assert "Refresh" not in again.headers
    db.session.expire_all()
    assert services.current_result(budget).computed_at == computed
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1


def test_results_page_names_the_tied_projects(client, make_budget, make_user, make_area):
    area = make_area()
    budget = make_budget(costs=(500, 500, 100), features=("ballots_open", "results_published"))
    a, b, _c = _ids(budget)
    for picks in ([a], [b]):
        person = make_user(area=area)
        services.set_selection(budget, person, dict.fromkeys(picks), ward_today())
        services.checkout(budget, person, ward_today())
    html = _counted_results(client, budget)
    assert "“事業1” and “事業2” had the same score; the lower project number came first: “事業1”." in html


def test_staff_count_again(client, make_budget, make_user, make_area):
    budget = _results_budget(make_budget, make_user, make_area)
    _counted_results(client, budget)
    first = services.count_job(budget).id
    login(client, make_user(roles=("staff",)))
    page = client.get(f"/budgets/{budget.id}/results").get_data(as_text=True)
    response = client.post(f"/budgets/{budget.id}/results/recount",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    again = wait_for_job(services.count_job(budget).id)
    assert again.id != first and again.status == "done"


def test_results_hidden_until_published(client, make_budget):
    budget = make_budget()
    assert client.get(f"/budgets/{budget.id}/results").status_code == 404


def test_receipt_check_on_results_page(client, make_budget, make_user, make_area):
    budget = _results_budget(make_budget, make_user, make_area)
    person = make_user(area=make_area())
    services.set_selection(budget, person, {_ids(budget)[3]: None}, ward_today())
    code = services.checkout(budget, person, ward_today())
    _counted_results(client, budget)
    html = client.post(f"/budgets/{budget.id}/receipt/check", data={"code": code}).get_data(
        as_text=True)
    assert "This receipt belongs to a ballot that was counted." in html
    bad = client.post(f"/budgets/{budget.id}/receipt/check", data={"code": "XXXX-XXXX-XXXX"})
    assert bad.status_code == 200


def test_staff_create_budget_and_project(client, make_process, make_user):
    staff = make_user(roles=("staff",))
    process = make_process()
    login(client, staff)
    response = client.post(f"/processes/{process.slug}/budgets/new", data={
        "title": "予算", "area": 0, "amount": 1000, "voting_method": "knapsack", "rule": "greedy",
        "tie_break": "min_cost,max_votes,id", "min_percent": 0})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    budget = db.session.scalar(select(Budget))
    response = client.post(f"/budgets/{budget.id}/projects/new",
                           data={"title": "公園のベンチ", "cost": 300, "area": 0})
    assert response.status_code == 302
    bad = client.post(f"/budgets/{budget.id}/projects/new",
                      data={"title": "", "cost": -1, "area": 0, "proposal_id": 99})
    assert bad.status_code == 422
    invalid = client.post(f"/processes/{process.slug}/budgets/new", data={
        "title": "x", "area": 0, "amount": 10, "voting_method": "knapsack",
        "rule": "greedy-threshold", "tie_break": "id"})
    assert invalid.status_code == 422


def test_residents_cannot_manage(client, make_budget, voter):
    budget = make_budget()
    login(client, voter)
    assert client.get(f"/budgets/{budget.id}/edit").status_code == 403


def test_process_page_links_budget(client, make_budget):
    budget = make_budget()
    html = client.get(f"/processes/{budget.process.slug}").get_data(as_text=True)
    assert f"/budgets/{budget.id}" in html


def test_project_page_has_comments(client, make_budget):
    budget = make_budget(features=("ballots_open", "comments_open"))
    html = client.get(f"/budgets/{budget.id}/projects/{_ids(budget)[0]}").get_data(as_text=True)
    assert 'id="comments"' in html
