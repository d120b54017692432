"""Benchmark: world-café seating plans vs. a random reshuffle baseline.

For each case (people / tables / rounds) prints repeated pairs, revisits,
distinct encounters per traveller (mean / min), the counting lower bound and
seconds, for our plan (seed 0) and for a random reshuffle with fixed hosts
(mean over BASELINE_SEEDS seeds).  The last line is one JSON object.

Run: .venv/bin/python bench/cafe_rotation.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

try:
    from civic.cafe.rotation import lower_bound, plan, random_reshuffle_plan, score
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from civic.cafe.rotation import lower_bound, plan, random_reshuffle_plan, score

CASES = [
    # people, tables, rounds, mode
    (24, 6, 3, "classic"),
    (40, 8, 4, "classic"),
    (100, 20, 4, "classic"),
    (200, 40, 5, "classic"),
    (20, 4, 6, "classic"),  # rounds > tables: revisits unavoidable
    (30, 6, 6, "classic"),  # no affine design in Z_6: local search only
    (30, 6, 6, "topic"),
    (36, 6, 5, "classic"),
]
BASELINE_SEEDS = 10


def run_case(n: int, t: int, r: int, mode: str) -> dict:
    t0 = time.perf_counter()
    p = plan(n, t, r, seed=0, mode=mode)
    seconds = time.perf_counter() - t0
    q = score(p)
    lb = lower_bound(n, t, r)
    base = [score(random_reshuffle_plan(n, t, r, seed=s)) for s in range(BASELINE_SEEDS)]

    def mean(xs: list[float]) -> float:
        return round(sum(xs) / len(xs), 2)

    return {
        "people": n,
        "tables": t,
        "rounds": r,
        "mode": mode,
        "repeated_pairs": q.repeated_pairs,
        "revisits": q.revisits,
        "distinct_mean": round(q.mean_distinct_encounters, 2),
        "distinct_min": q.min_distinct_encounters,
        "lb_repeated_pairs": lb.repeated_pairs,
        "lb_revisits": lb.revisits,
        "iterations": p.iterations,
        "seconds": round(seconds, 4),
        "baseline_repeated_pairs": mean([b.repeated_pairs for b in base]),
        "baseline_revisits": mean([b.revisits for b in base]),
        "baseline_distinct_mean": mean([b.mean_distinct_encounters for b in base]),
        "baseline_distinct_min": mean([b.min_distinct_encounters for b in base]),
    }


def main() -> None:
    results = [run_case(*case) for case in CASES]
    head = (
        f"{'case':>16} {'rep':>4} {'rev':>4} {'dist mean/min':>14} {'LB rep/rev':>11} "
        f"{'sec':>7} | {'rand rep':>8} {'rand rev':>8} {'rand dist':>12}"
    )
    print(head)
    print("-" * len(head))
    for c in results:
        name = f"{c['people']}/{c['tables']}/{c['rounds']} {c['mode'][:5]}"
        print(
            f"{name:>16} {c['repeated_pairs']:>4} {c['revisits']:>4} "
            f"{c['distinct_mean']:>8.2f}/{c['distinct_min']:<5} "
            f"{c['lb_repeated_pairs']:>5}/{c['lb_revisits']:<5} {c['seconds']:>7.3f} | "
            f"{c['baseline_repeated_pairs']:>8.1f} {c['baseline_revisits']:>8.1f} "
            f"{c['baseline_distinct_mean']:>6.2f}/{c['baseline_distinct_min']:<5.1f}"
        )
    print(json.dumps({"cafe_rotation": results}, separators=(",", ":")))


if __name__ == "__main__":
    main()
