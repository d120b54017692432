"""Benchmark: 無作為抽出 panels from synthetic pools (civic/sortition/selection.py).

Pools of 500, 2,000 and 5,000 people with 4 features (地区 5 values, 年代 6, 性別 2, 居住年数 3:
16 values), panels of 30, 60 and 100, quotas suggested from a register's proportions. The pool
leans older and towards two areas, as replies to invitations do, so the quotas bind.

For each case: the seconds to find the distribution, its smallest selection probability, and
``--draws`` seeded draws (seeds "1", "2", …): whether every draw met every quota, and how many
people's empirical frequency lies more than 3 standard errors from their probability. Even
with exact draws some people fall outside by chance: ``expected_outside_3se`` is how many, from
each person's binomial distribution (about 0.27 % of people when probabilities are large, more
when they are small, as the binomial's upper tail is then longer than the normal's).

Usage::

    .venv/bin/python bench/sortition.py [--draws N] [--algorithm maximin|nash] [--only POOL/PANEL]

Human-readable lines first; the LAST line is one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from civic.sortition import selection  # noqa: E402

POOLS = (500, 2000, 5000)
PANELS = (30, 60, 100)
GOAL = ((2000, 100), 10.0)
# Register shares and how much more (or less) likely each group is to reply and be available.
FEATURES = {
    "地区": {"川端地区": (0.25, 1.3), "桜台地区": (0.20, 1.2), "港南地区": (0.20, 0.9),
             "緑町地区": (0.20, 0.8), "北野地区": (0.15, 0.7)},
    "年代": {"18-29": (0.15, 0.5), "30代": (0.15, 0.7), "40代": (0.17, 0.9), "50代": (0.17, 1.0),
             "60代": (0.16, 1.3), "70代以上": (0.20, 1.5)},
    "性別": {"女性": (0.52, 1.0), "男性": (0.48, 1.1)},
    "居住年数": {"5年未満": (0.25, 0.7), "5-19年": (0.35, 1.0), "20年以上": (0.40, 1.3)},
}


def make_pool(size: int, rng: random.Random) -> dict[str, dict[str, str]]:
    pool = {}
    for number in range(1, size + 1):
        pool[f"p{number:05d}"] = {
            feature: rng.choices(list(values), [share * bias for share, bias in values.values()])[0]
            for feature, values in FEATURES.items()}
    return pool


def register_counts(population: int = 120_000) -> dict[str, dict[str, int]]:
    return {feature: {value: round(population * share) for value, (share, _) in values.items()}
            for feature, values in FEATURES.items()}


@functools.cache
def outside_chance(probability: float, draws: int) -> float:
    """P(|k/draws − p| > 3 standard errors) for k ~ Binomial(draws, p)."""
    error = math.sqrt(max(probability * (1 - probability), 1e-12) / draws)
    if probability <= 0 or probability >= 1:
        return 0.0
    total = 0.0
    for k in range(draws + 1):
        if abs(k / draws - probability) > 3 * error:
            total += math.exp(math.lgamma(draws + 1) - math.lgamma(k + 1)
                              - math.lgamma(draws - k + 1) + k * math.log(probability)
                              + (draws - k) * math.log(1 - probability))
    return total


def run_case(pool_size: int, panel: int, draws: int, algorithm: str) -> dict:
    pool = make_pool(pool_size, random.Random(pool_size))
    quotas = selection.suggest_quotas(register_counts(), panel, tolerance=0.15)
    started = time.perf_counter()
    distribution = selection.find_distribution(pool, quotas, panel, algorithm)
    seconds = time.perf_counter() - started
    frequency: Counter[str] = Counter()
    all_met = True
    for seed in range(1, draws + 1):
        drawn = selection.draw_panel(distribution, str(seed))
        all_met = all_met and len(drawn) == panel and selection.meets_quotas(pool, quotas, drawn)
        frequency.update(drawn)
    outside = 0
    worst = 0.0
    for person, probability in distribution.probabilities.items():
        error = math.sqrt(max(probability * (1 - probability), 1e-12) / draws)
        z = abs(frequency[person] / draws - probability) / error
        worst = max(worst, z)
        outside += z > 3
    return {"pool": pool_size, "panel": panel, "seconds": round(seconds, 3),
            "min_probability": round(distribution.min_probability, 5),
            "compositions": len(distribution.compositions), "draws": draws,
            "quotas_met_in_every_draw": all_met, "outside_3se": outside,
            "expected_outside_3se": round(sum(outside_chance(round(probability, 12), draws)
                                              for probability in
                                              distribution.probabilities.values()), 1),
            "max_z": round(worst, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--algorithm", choices=selection.ALGORITHMS, default="maximin")
    parser.add_argument("--only", help="one case, e.g. 2000/100")
    args = parser.parse_args()
    cases = [(pool, panel) for pool in POOLS for panel in PANELS]
    if args.only:
        cases = [tuple(int(part) for part in args.only.split("/"))]
    results = []
    for pool, panel in cases:
        result = run_case(pool, panel, args.draws, args.algorithm)
        results.append(result)
        print(f"{pool:>5} people, panel {panel:>3}: {result['seconds']:7.2f} s, "
              f"min probability {result['min_probability']:.4f} "
              f"({result['compositions']} compositions); {args.draws} draws: quotas met "
              f"{'always' if result['quotas_met_in_every_draw'] else 'NOT always'}, "
              f"{result['outside_3se']} outside 3 SE (≈{result['expected_outside_3se']} by "
              f"chance), max z {result['max_z']}", flush=True)
    goal_case = next((r for r in results if (r["pool"], r["panel"]) == GOAL[0]), None)
    print(json.dumps({
        "algorithm": args.algorithm,
        "seconds": {f"{r['pool']}/{r['panel']}": r["seconds"] for r in results},
        "min_probability": {f"{r['pool']}/{r['panel']}": r["min_probability"] for r in results},
        "quotas_met_in_every_draw": all(r["quotas_met_in_every_draw"] for r in results),
        "outside_3se": {f"{r['pool']}/{r['panel']}": r["outside_3se"] for r in results},
        "expected_outside_3se": {f"{r['pool']}/{r['panel']}": r["expected_outside_3se"]
                                 for r in results},
        "goal_2000_100_seconds": GOAL[1],
        "goal_met": None if goal_case is None else goal_case["seconds"] <= GOAL[1],
        "cases": results,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
