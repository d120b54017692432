"""Benchmark: parse + tally every pabulib election in ``../shared/data/pabulib``.

For Wieliczka 2023 and Assen 2024 the same election is also computed with
``pabutools`` (bench-only dependency) and the winners are compared.

Usage::

    .venv/bin/python bench/pb_tally.py [--repeat N] [--no-pabutools] [--data DIR]

Human-readable lines first; the LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parents[1].parent / "shared/data/pabulib"
sys.path.insert(0, str(ROOT))

from civic.budgets import pabulib, rules  # noqa: E402

PABUTOOLS_FILES = ("Poland_Wieliczka_2023_Green_Budget.pb", "Netherlands_Assen_2024.pb")
GOALS = {"Poland_Wieliczka_2023_Green_Budget.pb": 0.5, "Poland_Krakow_2024.pb": 2.0}


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
        if path.name in GOALS:
            limit = GOALS[path.name]
            report["goals"][path.name] = {
                "limit_seconds": limit,
                "seconds": r["seconds"],
                "met": r["seconds"] <= limit,
            }
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
    report["all_matched"] = all(f["matched_selected"] for f in report["files"].values())
    report["total_seconds"] = round(sum(f["seconds"] for f in report["files"].values()), 3)
    matched = sum(f["matched_selected"] for f in report["files"].values())
    print(
        f"{matched}/{len(files)} elections reproduce their 'selected' column; "
        f"total parse+tally {report['total_seconds']:.2f}s"
    )
    for name, goal in report["goals"].items():
        print(f"goal {name}: {goal['seconds']:.3f}s <= {goal['limit_seconds']}s: {goal['met']}")
    print(json.dumps(report, sort_keys=True))
    return 0 if report["all_matched"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
