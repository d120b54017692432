"""Budgets in the API: projects always, results only as the public results page shows them."""


def test_lists_public_budgets_with_projects(client, budgets):
    items = client.get("/api/v1/budgets").json["items"]
    assert [b["title"] for b in items] == ["公開予算", "投票中予算"]
    published, voting = items
    assert [(p["code"], p["cost"]) for p in published["projects"]] == [
        ("1", 600), ("2", 500), ("3", 400)]
    assert voting["results"] is None  # counted (a staff preview) but not published


def test_published_results_carry_the_rule_and_every_score(client, budgets):
    answer = client.get(f"/api/v1/budgets/{budgets.published.id}")
    assert answer.status_code == 200
    results = answer.json["results"]
    assert results["rule"] == budgets.published.rule and results["voters"] == 3
    scores = {p["code"]: (p["score"], p["selected"]) for p in results["projects"]}
    # Project 1 and 3 have two approvals each and fit together (1000 yen); 2 has one.
    assert scores == {"1": (2, True), "3": (2, True), "2": (1, False)}
    assert results["selected"] == ["3", "1"] or results["selected"] == ["1", "3"]


def test_results_wait_for_a_recount_after_a_change(client, budgets):
    from civic.extensions import db

    budgets.published.ballot_version += 1  # a ballot changed: the stored count is stale
    db.session.commit()
    assert client.get(f"/api/v1/budgets/{budgets.published.id}").json["results"] is None


def test_unpublished_process_and_missing_budget_are_not_found(client, budgets):
    assert client.get(f"/api/v1/budgets/{budgets.hidden.id}").status_code == 404
    answer = client.get("/api/v1/budgets/999999")
    assert answer.status_code == 404 and answer.mimetype == "application/problem+json"
    assert client.get("/api/v1/budgets?process_id=0").status_code == 400
    by_process = client.get(f"/api/v1/budgets?process_id={budgets.voting.process_id}").json
    assert [b["id"] for b in by_process["items"]] == [budgets.voting.id]
