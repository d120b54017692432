"""Benchmark: parse + tally every pabulib election in ``../shared/data/pabulib``.

For Wieliczka 2023 and Assen 2024 the same election is also computed with
``pabutools`` (bench-only dependency) and the winners are compared.

Then small made-up elections with few voters and large budgets (the demo's 青葉台
budget among them): Add1 completion raises every share one currency unit at a time,
so these are the elections whose count would grow with the size of the unit.

Goal: every election within 1 s, Wieliczka 2023 within 0.5 s.

Usage::

    .venv/bin/python bench/pb_tally.py [--repeat N] [--no-pabutools] [--data DIR]

Human-readable lines first; the LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[1].parent / "shared/data/pabulib"
sys.path.insert(0, str(ROOT))

from civic.budgets import pabulib, rules  # noqa: E402

PABUTOOLS_FILES = ("Poland_Wieliczka_2023_Green_Budget.pb", "Netherlands_Assen_2024.pb")
GOAL_SECONDS = 1.0
GOALS = {"Poland_Wieliczka_2023_Green_Budget.pb": 0.5}

# The demo's 青葉台 budget: ¥5,000,000, eight projects, eleven ballots (ten paper ones and a
# resident's online ballot).
AOBADAI_COSTS = (1_200_000, 800_000, 600_000, 900_000, 1_500_000, 400_000, 700_000, 300_000)
AOBADAI_BALLOTS = ((0, 1, 3), (0, 4), (1, 2, 5, 7), (0, 1, 2), (4, 6), (3, 5, 7, 2), (0, 3, 6),
                   (1, 4), (2, 6, 7), (0, 1, 5), (4, 5))


def small_elections() -> dict[str, rules.Election]:
    """Few voters, large budgets: the demo's budget, and seeded random ones up to ¥1 billion."""
    def election(costs, ballots, budget, vote_type="approval", points=None):
        projects = [rules.Project(str(i + 1), cost) for i, cost in enumerate(costs)]
        made = [rules.Ballot(str(n), tuple(str(i + 1) for i in picks),
                             tuple(points[n]) if points else None)
                for n, picks in enumerate(ballots)]
        return rules.Election(projects, made, budget, vote_type, {"rule": "equalshares/add1"})

    out = {"aobadai_demo_5M_yen_11_voters": election(AOBADAI_COSTS, AOBADAI_BALLOTS, 5_000_000)}
    rng = random.Random(2026)
    for voters, n_projects, budget, vote_type in ((5, 6, 10_000_000, "approval"),
                                                  (20, 15, 50_000_000, "approval"),
                                                  (40, 25, 1_000_000_000, "approval"),
                                                  (12, 10, 30_000_000, "cumulative")):
        costs = [rng.randrange(1, 40) * budget // 100 for _ in range(n_projects)]
        ballots = [rng.sample(range(n_projects), rng.randint(1, n_projects // 2 + 1))
                   for _ in range(voters)]
        points = [[rng.randint(1, 5) for _ in b] for b in ballots] if vote_type == "cumulative" else None
        name = f"random_{vote_type}_{budget:_}_yen_{voters}_voters_{n_projects}_projects"
        out[name] = election(costs, ballots, budget, vote_type, points)
    return out


def small(name: str, election: rules.Election, repeat: int) -> dict[str, Any]:
    best = None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        outcome = rules.tally(election)
        seconds = time.perf_counter() - t0
        best = seconds if best is None else min(best, seconds)
    return {
        "rule": outcome.rule,
        "seconds": round(best, 4),
        "voters": len(election.ballots),
        "projects": len(election.projects),
        "budget": election.budget,
        "add1_steps": outcome.details["add1_steps"],
        "add1_runs": outcome.details["add1_runs"],
        "within_budget": outcome.total_cost <= election.budget,
    }


def ours(path: Path, repeat: int) -> dict[str, Any]:
    best: tuple[float, float] | None = None
    outcome = None
    election = None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        election = pabulib.parse(path)
        t1 = time.perf_counter()
        outcome = rules.tally(election)
        t2 = time.perf_counter()
        if best is None or (t2 - t0) < sum(best):
            best = (t1 - t0, t2 - t1)
    assert best is not None and outcome is not None and election is not None
    official = {p.id for p in election.projects if p.extra.get("selected") == "1"}
    return {
        "rule": outcome.rule,
        "seconds": round(sum(best), 4),
        "parse_seconds": round(best[0], 4),
        "tally_seconds": round(best[1], 4),
        "matched_selected": set(outcome.selected) == official,
        "winners": sorted(outcome.selected),
        "voters": len(election.ballots),
        "projects": len(election.projects),
    }


def with_pabutools(path: Path, rule: str) -> tuple[set[str], float]:
    """The same count with pabutools: Add1 = raise the budget by one unit per voter until
    the outcome would overspend (exhaustive_stop=False), then the popularity comparison
    against greedy by approvals (cardinality satisfaction)."""
    from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
        popularity_comparison,
    )

    t0 = time.perf_counter()
    instance, profile = parse_pabulib(str(path))
    mes = exhaustion_by_budget_increase(
        instance,
        profile,
        rule=method_of_equal_shares,
        rule_params={"sat_class": Cost_Sat},
        budget_step=profile.num_ballots(),
        exhaustive_stop=False,
    )
    winners = mes
    if rule.endswith("comparison"):
        greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
        best = popularity_comparison(
            instance,
            profile,
            Cardinality_Sat,
            [lambda *a, **k: mes, lambda *a, **k: greedy],
        )
        winners = best[0] if len(best) == 1 else mes  # a tie keeps MES
    seconds = time.perf_counter() - t0
    return {str(p.name) for p in winners}, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per file (best is kept)")
    parser.add_argument("--no-pabutools", action="store_true", help="skip the pabutools runs")
    parser.add_argument("--data", type=Path, default=DATA, help="directory of .pb files")
    args = parser.parse_args(argv)

    files = sorted(args.data.glob("*.pb"))
    if not files:
        print(f"no .pb files in {args.data}")
        print(json.dumps({"error": f"no .pb files in {args.data}"}))
        return 1
    report: dict[str, Any] = {"data": str(args.data), "files": {}, "pabutools": {}, "goals": {}}
    for path in files:
        r = ours(path, args.repeat)
        report["files"][path.name] = {k: v for k, v in r.items() if k != "winners"}
        mark = "OK " if r["matched_selected"] else "MISMATCH"
        print(
            f"{mark} {path.name:58} {r['rule']:28} parse {r['parse_seconds']:7.3f}s "
            f"tally {r['tally_seconds']:7.3f}s  ({r['voters']} voters, {r['projects']} projects)"
        )
        limit = GOALS.get(path.name, GOAL_SECONDS)
        report["goals"][path.name] = {"limit_seconds": limit, "seconds": r["seconds"],
                                      "met": r["seconds"] <= limit}
        if path.name in PABUTOOLS_FILES and not args.no_pabutools:
            try:
                theirs, seconds = with_pabutools(path, r["rule"])
            except ImportError as exc:
                print(f"    pabutools not available ({exc}); pip install pabutools")
                report["pabutools"][path.name] = {"error": str(exc)}
                continue
            same = theirs == set(r["winners"])
            ratio = seconds / r["seconds"] if r["seconds"] else None
            report["pabutools"][path.name] = {
                "seconds": round(seconds, 3),
                "ours_seconds": r["seconds"],
                "same_winners": same,
                "speed_ratio": round(ratio, 1) if ratio else None,
            }
            print(
                f"    pabutools: {seconds:.2f}s, same winners: {same}, "
                f"ours is {ratio:.0f}x faster"
                + (
                    ""
                    if same
                    else f" (only ours: {sorted(set(r['winners']) - theirs)}, "
                    f"only pabutools: {sorted(theirs - set(r['winners']))})"
                )
            )
    report["small_elections"] = {}
    for name, election in small_elections().items():
        r = small(name, election, args.repeat)
        report["small_elections"][name] = r
        report["goals"][name] = {"limit_seconds": GOAL_SECONDS, "seconds": r["seconds"],
                                 "met": r["seconds"] <= GOAL_SECONDS}
        print(f"    {name:58} {r['rule']:28} tally {r['seconds']:7.3f}s  "
              f"({r['add1_steps']:,} one-unit steps in {r['add1_runs']} runs)")
    report["all_goals_met"] = all(g["met"] for g in report["goals"].values())
    report["all_matched"] = all(f["matched_selected"] for f in report["files"].values())
    report["total_seconds"] = round(sum(f["seconds"] for f in report["files"].values()), 3)
    matched = sum(f["matched_selected"] for f in report["files"].values())
    print(
        f"{matched}/{len(files)} elections reproduce their 'selected' column; "
        f"total parse+tally {report['total_seconds']:.2f}s"
    )
    missed = {name: goal for name, goal in report["goals"].items() if not goal["met"]}
    print(f"goals: {len(report['goals']) - len(missed)}/{len(report['goals'])} elections within "
          f"their limit (Wieliczka 2023 {GOALS['Poland_Wieliczka_2023_Green_Budget.pb']} s, "
          f"others {GOAL_SECONDS} s)")
    for name, goal in missed.items():
        print(f"missed {name}: {goal['seconds']:.3f}s > {goal['limit_seconds']}s")
    print(json.dumps(report, sort_keys=True))
    return 0 if report["all_matched"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
