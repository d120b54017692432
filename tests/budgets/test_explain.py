"""Reasons on the results page: shares in residents' terms, with amounts that add up."""

from types import SimpleNamespace

from civic.budgets import explain

BUDGET = SimpleNamespace(currency="JPY")
OUTCOME = {"details": {"per_voter_budget": 454545.4545, "ties": []}}


def not_affordable(money: float) -> dict:
    return {"project_id": "5", "cost": 1_500_000, "votes": 11, "score": 11,
            "reason": "mes_not_affordable",
            "details": {"round": 3, "supporters_money": money, "cost": 1_500_000.0, "rho": None}}


def test_what_supporters_lacked_and_had_add_up_to_the_cost(app):
    with app.test_request_context("/?lang=ja"):
        text = explain.sentence(not_affordable(1_499_999.6), OUTCOME, BUDGET)
        assert ("この事業に投票した11人の持ち分は合わせて 1,499,999円 で、"
                "事業費 1,500,000円 に 1円 足りませんでした") in text
        assert "1人 454,545円" in text
        # never "had 1,500,000円, less than 1,500,000円" however close the money came
        assert "1,499,999円" in explain.sentence(not_affordable(1_499_999.999_999), OUTCOME, BUDGET)
        far = explain.sentence(not_affordable(1_234_567.2), OUTCOME, BUDGET)
        assert "1,234,567円" in far and "265,433円 足りません" in far


def test_each_paid_at_most_is_rounded_up(app):
    result = {"project_id": "1", "cost": 1_000_000, "votes": 3, "score": 3, "reason": "funded",
              "details": {"round": 1, "rho": 1e-6, "max_payment": 333_333.333}}
    with app.test_request_context("/?lang=en"):
        text = explain.sentence(result, OUTCOME, BUDGET)
    assert "The 3 people who voted for it paid its cost of ¥1,000,000 together" in text
    assert "each at most ¥333,334" in text


def test_ties_name_their_projects(app):
    outcome = {"details": {"ties": [
        {"context": "greedy ranking, score 4", "projects": ["2", "7"], "winner": "2",
         "decided_by": "min_cost"},
        {"context": "equal shares round 2", "projects": ["3", "4", "9"], "winner": "9",
         "decided_by": "explicit_order"}]}}
    projects = {code: SimpleNamespace(title=f"事業{code}") for code in ("2", "3", "4", "7", "9")}
    with app.test_request_context("/?lang=en"):
        first, second = explain.ties(outcome, projects)
    assert first == "“事業2” and “事業7” had the same score; the lower cost came first: “事業2”."
    assert second.startswith("“事業3”, “事業4”, and “事業9” would have cost their voters the same")
    assert second.endswith("the budget's priority list decided: “事業9”.")
    with app.test_request_context("/?lang=ja"):
        assert explain.ties(outcome, projects)[0].startswith("「事業2」、「事業7」 は同じ得点でした")
