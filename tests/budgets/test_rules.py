"""Voting rules on small hand-made elections (answers worked out by hand in comments)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets.rules import (
    ADDED_BY_COMPLETION,
    BELOW_THRESHOLD,
    COMPARISON_CHOSE_GREEDY,
    FUNDED,
    MES_NOT_AFFORDABLE,
    NO_VOTES,
    REASONS,
    SKIPPED_DOES_NOT_FIT,
    STOPPED_NO_SKIP,
    Ballot,
    Election,
    Project,
    project_scores,
    satisfaction_comparison,
    tally,
)


def election(
    budget: int,
    costs: dict[str, int],
    votes: Sequence[str | dict[str, int]],
    *,
    vote_type: str = "approval",
    rule: str | None = None,
    **meta: str,
) -> Election:
    """``votes``: "A,B" approval strings / rankings, or {project: points} dicts."""
    ballots = []
    for n, vote in enumerate(votes, start=1):
        if isinstance(vote, dict):
            ballots.append(Ballot(str(n), tuple(vote), tuple(vote.values())))
        else:
            ballots.append(Ballot(str(n), tuple(v for v in vote.split(",") if v)))
    m = {"budget": str(budget), "vote_type": vote_type, **meta}
    if rule:
        m["rule"] = rule
    return Election(
        projects=[Project(pid, cost, name=f"Project {pid}") for pid, cost in costs.items()],
        ballots=ballots,
        budget=budget,
        vote_type=vote_type,
        meta=m,
    )


def reason(outcome, pid):
    return outcome.result_for(pid).reason


# ------------------------------------------------------------------ greedy rules

# Scores: A=5, B=4, C=3, D=1. Budget 10.
# greedy: A (10->4), B cost 5 > 4 skipped (shortfall 1), C (4->0), D cost 1 > 0 skipped.
GREEDY_COSTS = {"A": 6, "B": 5, "C": 4, "D": 1}
GREEDY_VOTES = ["A,B,C,D"] + ["A,B,C"] * 2 + ["A,B"] + ["A"]


def test_greedy_skips_what_does_not_fit() -> None:
    out = tally(election(10, GREEDY_COSTS, GREEDY_VOTES), "greedy")
    assert out.selected == ["A", "C"]
    assert out.total_cost == 10 and out.remaining == 0
    assert reason(out, "B") == SKIPPED_DOES_NOT_FIT
    assert out.result_for("B").details == {"remaining_budget": 4, "shortfall": 1}
    assert out.result_for("A").details == {"remaining_before": 10, "remaining_after": 4}
    assert reason(out, "D") == SKIPPED_DOES_NOT_FIT
    assert [r.score for r in out.results] == [5, 3, 4, 1]  # funded first, then by rank
    assert [r.rank for r in out.results] == [1, 3, 2, 4]


def test_greedy_no_skip_stops_at_first_misfit() -> None:
    out = tally(election(10, GREEDY_COSTS, GREEDY_VOTES), "greedy-no-skip")
    assert out.selected == ["A"]
    b = out.result_for("B")
    assert b.reason == STOPPED_NO_SKIP
    assert b.details == {"stopped_at": "B", "remaining_budget": 4, "does_not_fit": True}
    # C would fit (4 <= 4) but the rule has stopped.
    assert reason(out, "C") == STOPPED_NO_SKIP
    assert out.result_for("C").details["stopped_at"] == "B"


def test_greedy_threshold_uses_meta_threshold() -> None:
    e = election(10, GREEDY_COSTS, GREEDY_VOTES, min_project_score_threshold="4")
    out = tally(e, "greedy-threshold")
    # C (score 3) is not eligible, so after A (rem 4) B does not fit and nothing else is eligible.
    assert out.selected == ["A"]
    assert reason(out, "C") == BELOW_THRESHOLD
    assert out.result_for("C").details == {"threshold": 4}
    assert reason(out, "D") == BELOW_THRESHOLD
    # a project exactly at the threshold is eligible
    out = tally(e, "greedy-threshold", threshold=3)
    assert out.selected == ["A", "C"]


def test_greedy_threshold_without_threshold_is_an_error() -> None:
    with pytest.raises(ValueError, match="min_project_score_threshold"):
        tally(election(10, GREEDY_COSTS, GREEDY_VOTES), "greedy-threshold")


def test_rule_defaults_to_meta_and_unknown_rule_raises() -> None:
    e = election(10, GREEDY_COSTS, GREEDY_VOTES, rule="greedy-no-skip")
    assert tally(e).rule == "greedy-no-skip"
    with pytest.raises(ValueError, match="unknown or missing rule"):
        tally(e, "borda-magic")
    with pytest.raises(ValueError):
        tally(election(10, GREEDY_COSTS, GREEDY_VOTES))  # no rule anywhere


def test_project_without_votes_is_not_funded() -> None:
    out = tally(election(100, {"A": 10, "Z": 1}, ["A"]), "greedy")
    assert out.selected == ["A"]
    assert reason(out, "Z") == NO_VOTES


# Tie: P and Q both have 2 votes; only one fits after R.
TIE_COSTS = {"R": 5, "P": 4, "Q": 3}
TIE_VOTES = ["R,P,Q", "R,P,Q", "R"]


def test_greedy_tie_default_prefers_lower_cost() -> None:
    out = tally(election(9, TIE_COSTS, TIE_VOTES), "greedy")
    # R (9->4), then P/Q tied on 2 votes: cheaper Q first (4->1), P skipped.
    assert out.selected == ["R", "Q"]
    assert out.details["ties"] == [
        {
            "context": "greedy ranking, score 2",
            "projects": ["Q", "P"],
            "winner": "Q",
            "decided_by": "min_cost",
        }
    ]


def test_greedy_tie_break_is_configurable() -> None:
    e = election(9, TIE_COSTS, TIE_VOTES)
    assert tally(e, "greedy", tie_break=("max_cost",)).selected == ["R", "P"]
    explicit = tally(e, "greedy", tie_break=(["P", "Q"],))
    assert explicit.selected == ["R", "P"]
    assert explicit.details["ties"][0]["decided_by"] == "explicit_order"
    by_id = tally(e, "greedy", tie_break=("id",))
    assert by_id.selected == ["R", "P"]  # "P" < "Q"
    with pytest.raises(ValueError, match="tie-breaking"):
        tally(e, "greedy", tie_break=("coin_flip",))


def test_id_tie_break_is_natural_order() -> None:
    e = election(5, {"10": 5, "9": 5}, ["10,9"])
    assert tally(e, "greedy", tie_break=("id",)).selected == ["9"]


def test_cumulative_scores_are_point_sums() -> None:
    e = election(
        10,
        {"A": 6, "B": 6},
        [{"A": 3}, {"A": 1, "B": 2}, {"B": 3}],
        vote_type="cumulative",
    )
    assert project_scores(e) == {"A": (4, 2), "B": (5, 2)}
    out = tally(e, "greedy")
    assert out.selected == ["B"]  # B has more points although both have 2 voters


def test_ordinal_default_borda_uses_max_length() -> None:
    # max_length 3: first 3 points, second 2, third 1.
    e = election(
        10,
        {"A": 5, "B": 5, "C": 5},
        ["C,A,B", "A,B", "B,C,A", "A"],
        vote_type="ordinal",
        max_length="3",
    )
    # A: 2+3+1+3 = 9, B: 1+2+3 = 6, C: 3+2 = 5
    assert project_scores(e) == {"A": (9, 4), "B": (6, 3), "C": (5, 2)}
    assert tally(e, "greedy").selected == ["A", "B"]


def test_ordinal_explicit_scoring_fn_and_points_column() -> None:
    e = election(
        5,
        {"A": 5, "B": 5},
        ["A,B", "A,B", "B"],
        vote_type="ordinal",
        scoring_fn="1,5",
    )
    # A: 1+1 = 2 ; B: 5+5+1 = 11 (explicit points per position)
    assert project_scores(e) == {"A": (2, 2), "B": (11, 3)}
    assert tally(e, "greedy").selected == ["B"]
    # a points column (as in Krakow 2022) overrides scoring_fn
    with_points = election(5, {"A": 5, "B": 5}, [{"A": 3, "B": 2}], vote_type="ordinal")
    assert project_scores(with_points) == {"A": (3, 1), "B": (2, 1)}


# ------------------------------------------------------------- equal shares


def test_mes_poor_supporter_pays_what_they_have() -> None:
    # 4 voters, budget 40 -> 10 each. X (27) by v1,v2,v3; Y (11) by v1,v4.
    # Round 1: X 9 each, rho 9/27=1/3 ; Y 5.5 each, rho 1/2 -> X. v1..v3 keep 1.
    # Round 2: Y: v1 can only pay 1, v4 pays 10 -> rho = 10/11 (per unit of cost).
    e = election(40, {"X": 27, "Y": 11}, ["X,Y", "X", "X", "Y"])
    out = tally(e, "equalshares")
    assert out.selected == ["X", "Y"]
    y = out.result_for("Y").details
    assert y["round"] == 2
    assert y["rho"] == pytest.approx(10 / 11)
    assert y["max_payment"] == pytest.approx(10)
    assert y["supporters_money"] == pytest.approx(11)
    assert out.result_for("X").details["rho"] == pytest.approx(1 / 3)
    assert out.details["per_voter_budget"] == 10


def test_mes_unaffordable_reason_reports_money() -> None:
    # v1..v3 approve A (60) and C (30), v4 approves B (20). Budget 100 -> 25 each.
    # Round 1: A and C tie at rho 1/3 (3 supporters each, cost utilities).
    # Default tie-break (lower cost): C, each of v1..v3 pays 10 and keeps 15.
    # Round 2: A has 45 < 60 -> not affordable; B: v4 pays 20 (rho 1).
    e = election(100, {"A": 60, "B": 20, "C": 30}, ["A,C"] * 3 + ["B"])
    out = tally(e, "equalshares")
    assert out.selected == ["C", "B"]
    a = out.result_for("A")
    assert a.reason == MES_NOT_AFFORDABLE
    assert a.details["supporters_money"] == pytest.approx(45)
    assert a.details["cost"] == 60
    assert out.details["ties"][0]["projects"] == ["C", "A"]
    assert out.details["ties"][0]["decided_by"] == "min_cost"
    # the other way round: A first (v1..v3 keep 5), then C is unaffordable (15 < 30)
    other = tally(e, "equalshares", tie_break=("max_cost",))
    assert other.selected == ["A", "B"]
    assert other.result_for("C").details["supporters_money"] == pytest.approx(15)


# v1,v2 -> A (60); v3 -> B (30); v4 -> C (40). Budget 100, 4 voters, 25 each.
# Base MES: nothing affordable (A 50<60, B 25<30, C 25<40).
# Add1: A and B become affordable at 30 per voter ({A, B} = 90); C needs 40 per voter,
# and at 40 the outcome {A, B, C} = 130 overspends, so the share stops at 39.
ADD1 = dict(budget=100, costs={"A": 60, "B": 30, "C": 40}, votes=["A", "A", "B", "C"])


def test_add1_raises_share_until_next_step_overspends() -> None:
    e = election(ADD1["budget"], ADD1["costs"], ADD1["votes"])
    assert tally(e, "equalshares").selected == []
    out = tally(e, "equalshares/add1")
    assert out.selected == ["A", "B"]
    assert out.details["per_voter_budget"] == 39
    assert out.details["initial_per_voter_budget"] == 25
    assert reason(out, "A") == ADDED_BY_COMPLETION
    assert reason(out, "B") == ADDED_BY_COMPLETION
    c = out.result_for("C")
    assert c.reason == MES_NOT_AFFORDABLE
    assert c.details["supporters_money"] == pytest.approx(39)


def test_add1_exhaustive_stop_variant() -> None:
    e = election(ADD1["budget"], ADD1["costs"], ADD1["votes"])
    out = tally(e, "equalshares/add1", add1_exhaustive_stop=True)
    # {A, B} at 30 per voter leaves 10 < 40: exhaustive, stop there.
    assert out.selected == ["A", "B"]
    assert out.details["per_voter_budget"] == 30


def test_add1_integral_start() -> None:
    # budget 101 / 4 voters = 25.25. Integral start: 25, 26, ... 39 (40 overspends).
    e = election(101, ADD1["costs"], ADD1["votes"])
    assert tally(e, "equalshares/add1").details["per_voter_budget"] == 39
    exact = tally(e, "equalshares/add1", add1_integral=False)
    assert exact.details["per_voter_budget"] == pytest.approx(39.25)
    assert exact.selected == ["A", "B"]


def test_add1_stops_when_everything_is_funded() -> None:
    e = election(1000, {"A": 10, "B": 20, "F": 0}, ["A,F", "B", ""])
    out = tally(e, "equalshares/add1")
    assert sorted(out.selected) == ["A", "B", "F"]
    assert out.result_for("F").details["zero_cost"] is True


def test_comparison_keeps_mes_when_more_voters_prefer_it() -> None:
    # v1..v3 approve A (100); v4..v7 approve one of B, C, D, E (10 each). Budget 100, 7 voters.
    # MES+add1: B..E (1 voter each, rho 1); A needs 34 per voter, and at 34 A+B..E = 140
    # overspends, so MES = {B, C, D, E}. Greedy by votes: A (3 votes) uses everything.
    # 4 voters prefer MES, 3 prefer greedy -> keep MES.
    e = election(
        100,
        {"A": 100, "B": 10, "C": 10, "D": 10, "E": 10},
        ["A"] * 3 + ["B", "C", "D", "E"],
    )
    out = tally(e, "equalshares/add1-comparison")
    assert out.selected == ["B", "C", "D", "E"]
    comp = out.details["comparison"]
    assert comp["prefers_mes"] == 4 and comp["prefers_greedy"] == 3
    assert comp["chosen"] == "mes"
    assert comp["greedy_selected"] == ["A"]
    assert out.details["per_voter_budget"] == 33
    assert satisfaction_comparison(e, ["B", "C", "D", "E"], ["A"]) == (4, 3)


def test_comparison_switches_to_greedy_when_majority_prefers_it() -> None:
    # v1..v3 approve A (100); v4, v5 approve B and C (40 each). Budget 100, 5 voters (20 each).
    # MES: B (v4, v5 pay 20 each); C then unaffordable; A needs 34 per voter, at which
    # A+B = 140 overspends -> MES = {B} with share 33. Greedy by votes: {A}.
    # 3 voters prefer greedy, 2 prefer MES -> greedy wins.
    e = election(100, {"A": 100, "B": 40, "C": 40}, ["A"] * 3 + ["B,C"] * 2)
    out = tally(e, "equalshares/add1-comparison")
    assert out.selected == ["A"]
    assert reason(out, "A") == COMPARISON_CHOSE_GREEDY
    assert out.result_for("A").details["funded_by_mes"] is False
    assert reason(out, "B") == SKIPPED_DOES_NOT_FIT
    assert out.details["comparison"] | {"greedy_selected": None, "mes_selected": None} == {
        "measure": "satisfaction",
        "prefers_mes": 2,
        "prefers_greedy": 3,
        "chosen": "greedy",
        "greedy_selected": None,
        "mes_selected": None,
    }
    assert out.details["comparison"]["mes_selected"] == ["B"]
    # plain add1 keeps the MES outcome
    assert tally(e, "equalshares/add1").selected == ["B"]


def test_comparison_tie_keeps_mes() -> None:
    # Same outcome under both: nobody prefers either, MES is kept.
    e = election(ADD1["budget"], ADD1["costs"], ADD1["votes"])
    out = tally(e, "equalshares/add1-comparison")
    assert out.details["comparison"]["chosen"] == "mes"
    assert out.details["comparison"]["prefers_mes"] == 0
    assert reason(out, "A") == ADDED_BY_COMPLETION


def test_mes_cumulative_uses_points_as_utilities() -> None:
    # Budget 10, 2 voters -> 5 each. v1: A 3, B 1; v2: B 4. A, B cost 5.
    # A: rho 5/3 (v1 pays 5). B: total utility 5, rho 1 (v1 pays 1, v2 pays 4) -> B first.
    # Then v1 has 4 < 5 for A -> not affordable.
    e = election(10, {"A": 5, "B": 5}, [{"A": 3, "B": 1}, {"B": 4}], vote_type="cumulative")
    out = tally(e, "equalshares")
    assert out.selected == ["B"]
    assert out.result_for("B").details["rho"] == pytest.approx(1)
    assert out.result_for("A").details["supporters_money"] == pytest.approx(4)
    assert out.details["utility"] == "points"
    assert tally(e, "greedy").selected == ["B", "A"]


def test_mes_threshold_makes_projects_ineligible() -> None:
    e = election(100, {"A": 10, "B": 10}, ["A,B", "A"], min_project_score_threshold="2")
    out = tally(e, "equalshares")
    assert out.selected == ["A"]
    assert reason(out, "B") == BELOW_THRESHOLD


def _natural(pid: str) -> tuple[int, str]:
    return (int(pid), "") if pid.isdigit() else (10**9, pid)


def reference_mes(costs: dict[str, int], votes: list[str], share: Fraction) -> list[str]:
    """Exact (Fraction) MES with cost utilities, written from the definition.

    Ties: lower cost, then more approvals, then lower id (the default tie-break).
    """
    budget = {i: Fraction(share) for i in range(len(votes))}
    approvers = {p: [i for i, v in enumerate(votes) if p in v.split(",")] for p in costs}
    order = sorted(costs, key=lambda p: (costs[p], -len(approvers[p]), _natural(p)))
    chosen: list[str] = []
    while True:
        best = None
        for p in order:
            if p in chosen or not approvers[p] or costs[p] == 0:
                continue
            if sum(budget[i] for i in approvers[p]) < costs[p]:
                continue
            # smallest equal payment with sum(min(budget, payment)) == cost
            money = sorted(budget[i] for i in approvers[p])
            for k in range(len(money)):
                pay = (Fraction(costs[p]) - sum(money[:k])) / (len(money) - k)
                if pay <= money[k]:
                    break
            rho = Fraction(pay) / costs[p]
            if best is None or rho < best[0]:
                best = (rho, p, pay)
        if best is None:
            return chosen
        _, p, pay = best
        chosen.append(p)
        for i in approvers[p]:
            budget[i] -= min(budget[i], pay)


def reference_add1(costs: dict[str, int], votes: list[str], total: int) -> list[str]:
    supported = {p for p in costs if any(p in v.split(",") for v in votes)}
    share = Fraction(total // len(votes))
    current = reference_mes(costs, votes, share)
    while len(current) < len(supported):
        nxt = reference_mes(costs, votes, share + 1)
        if sum(costs[p] for p in nxt) > total:
            break
        share, current = share + 1, nxt
    return current


def test_mes_matches_exact_rational_reference() -> None:
    costs = {"A": 70, "B": 45, "C": 30, "D": 25, "E": 12}
    votes = ["A,B", "A,C", "A,B,D", "C,D,E", "B", "E", "A,E", "C", "B,C,D", ""]
    e = election(150, costs, votes)
    assert tally(e, "equalshares").selected == reference_mes(costs, votes, Fraction(150, 10))
    add1 = tally(e, "equalshares/add1")
    assert add1.selected == reference_add1(costs, votes, 150)
    assert add1.selected == reference_mes(costs, votes, Fraction(add1.details["per_voter_budget"]))


@st.composite
def small_approval(draw) -> tuple[dict[str, int], list[str], int]:
    names = [str(i) for i in range(1, draw(st.integers(1, 6)) + 1)]
    costs = {p: draw(st.integers(1, 60)) for p in names}
    votes = [
        ",".join(draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names))))
        for _ in range(draw(st.integers(1, 8)))
    ]
    return costs, votes, draw(st.integers(5, 150))


@settings(max_examples=200, deadline=None)
@given(small_approval())
def test_mes_and_add1_agree_with_exact_reference(case) -> None:
    costs, votes, total = case
    e = election(total, costs, votes)
    share = Fraction(total, len(votes))
    assert tally(e, "equalshares").selected == reference_mes(costs, votes, share)
    out = tally(e, "equalshares/add1")
    assert out.selected == reference_add1(costs, votes, total)
    assert out.total_cost <= total


# ------------------------------------------------------------- explanations


def test_every_project_is_explained_and_outcome_is_json() -> None:
    e = election(
        100,
        {"A": 100, "B": 40, "C": 40, "Z": 5},
        ["A"] * 3 + ["B,C"] * 2,
        min_project_score_threshold="1",
    )
    for rule in (
        "greedy",
        "greedy-no-skip",
        "greedy-threshold",
        "equalshares",
        "equalshares/add1",
        "equalshares/add1-comparison",
    ):
        out = tally(e, rule)
        assert sorted(r.project_id for r in out.results) == ["A", "B", "C", "Z"]
        assert all(r.reason in REASONS for r in out.results)
        assert all(r.selected == (r.project_id in out.selected) for r in out.results)
        assert all(
            r.reason in (FUNDED, ADDED_BY_COMPLETION, COMPARISON_CHOSE_GREEDY)
            for r in out.results
            if r.selected
        )
        assert out.total_cost == sum(e.project(p).cost for p in out.selected) <= e.budget
        assert json.loads(json.dumps(out.as_dict()))["rule"] == rule
        assert out.result_for("Z").reason == BELOW_THRESHOLD


def reference_mes_points(costs: dict[str, int], ballots: list[dict[str, int]], share: Fraction) -> list[str]:
    """Exact MES with the points as utilities (cumulative ballots)."""
    budget = [Fraction(share)] * len(ballots)
    supporters = {p: [i for i, b in enumerate(ballots) if b.get(p, 0) > 0] for p in costs}
    order = sorted(costs, key=lambda p: (costs[p], -len(supporters[p]), _natural(p)))
    chosen: list[str] = []
    while True:
        best = None
        for p in order:
            if p in chosen or not supporters[p]:
                continue
            if sum(budget[i] for i in supporters[p]) < costs[p]:
                continue
            by_ratio = sorted(supporters[p], key=lambda i: budget[i] / ballots[i][p])
            paid = Fraction(0)
            for k, i in enumerate(by_ratio):
                rest = sum(ballots[j][p] for j in by_ratio[k:])
                rho = (costs[p] - paid) / rest
                if rho * ballots[i][p] <= budget[i]:
                    break
                paid += budget[i]
            if best is None or rho < best[0]:
                best = (rho, p)
        if best is None:
            return chosen
        rho, p = best
        chosen.append(p)
        for i in supporters[p]:
            budget[i] -= min(budget[i], rho * ballots[i][p])


@st.composite
def small_cumulative(draw) -> tuple[dict[str, int], list[dict[str, int]], int]:
    names = [str(i) for i in range(1, draw(st.integers(1, 5)) + 1)]
    costs = {p: draw(st.integers(1, 60)) for p in names}
    ballots = [
        {p: draw(st.integers(1, 5)) for p in draw(st.lists(st.sampled_from(names), unique=True))}
        for _ in range(draw(st.integers(1, 7)))
    ]
    return costs, ballots, draw(st.integers(5, 150))


@settings(max_examples=200, deadline=None)
@given(small_cumulative())
def test_mes_with_points_agrees_with_exact_reference(case) -> None:
    costs, ballots, total = case
    e = election(total, costs, ballots, vote_type="cumulative")
    expected = reference_mes_points(costs, ballots, Fraction(total, len(ballots)))
    assert tally(e, "equalshares").selected == expected
