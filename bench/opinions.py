"""Opinion-map benchmark (civic.opinions.maths).

* On each Polis conversation in ../shared/data/polis/ (participants-votes.csv + comments.csv):
  the adjusted Rand index of civic's groups against the ``group-id`` Polis itself computed
  (over the participants Polis grouped; those civic leaves out count as a group of their own;
  ``ari_both_grouped`` is the same over the participants both grouped),
  k found vs Polis's k, and the seconds of the computation.
* On a synthetic conversation of N participants × M statements (default 20,000 × 500, 5 % of
  cells voted, three planted opinion groups): the seconds of a full recompute (groups,
  representative, consensus, divisive and uncertain statements) and the peak RSS of this process.

Goals: median ARI >= 0.9, min >= 0.7, k matching on all four; big recompute <= 5 s and <= 1 GB.
Last line is JSON.

Usage: python bench/opinions.py [N] [M] [SEED]
"""

from __future__ import annotations

import csv
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from civic.opinions import maths, polis_csv  # noqa: E402

POLIS = ROOT.parent / "shared" / "data" / "polis"


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def shared_conversation(folder: Path) -> dict:
    comments = polis_csv.read_comments(_rows(folder / "comments.csv"))
    conversation = polis_csv.read_participants_votes(_rows(folder / "participants-votes.csv"),
                                                     polis_csv.moderated_out(comments))
    started = time.perf_counter()
    grouping = maths.groups(conversation.matrix)
    seconds = time.perf_counter() - started
    ours = grouping.by_participant(conversation.matrix.participants)
    grouped = [p for p, g in conversation.groups.items() if g is not None]
    ari = adjusted_rand_score([conversation.groups[p] for p in grouped],
                              [-1 if ours[p] is None else ours[p] for p in grouped])
    both = [p for p in grouped if ours[p] is not None]
    ari_both = adjusted_rand_score([conversation.groups[p] for p in both], [ours[p] for p in both])
    polis_k = len({conversation.groups[p] for p in grouped})
    return {"conversation": folder.name, "participants": len(conversation.matrix.participants),
            "statements": len(conversation.matrix.statements), "ari": round(float(ari), 4),
            "ari_both_grouped": round(float(ari_both), 4),
            "polis_grouped_left_out": len(grouped) - len(both),
            "k": grouping.k, "polis_k": polis_k, "seconds": round(seconds, 3)}


def synthetic(n_participants: int, n_statements: int, seed: int,
              density: float = 0.05, n_groups: int = 3) -> tuple[maths.VoteMatrix, np.ndarray]:
    """Planted groups: each group agrees with a statement with its own probability."""
    rng = np.random.default_rng(seed)
    agree = rng.uniform(0.05, 0.95, size=(n_groups, n_statements))
    group = rng.integers(0, n_groups, size=n_participants)
    draw = rng.random((n_participants, n_statements), dtype=np.float32)
    votes = np.where(draw < agree[group], 1.0, -1.0)
    votes[rng.random((n_participants, n_statements), dtype=np.float32) < 0.15] = 0.0
    votes[rng.random((n_participants, n_statements), dtype=np.float32) >= density] = np.nan
    matrix = maths.VoteMatrix([str(i) for i in range(n_participants)],
                              [str(j) for j in range(n_statements)], votes)
    return matrix, group


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    folders = sorted(p for p in POLIS.iterdir() if (p / "participants-votes.csv").is_file()) \
        if POLIS.is_dir() else []
    results = []
    for folder in folders:
        result = shared_conversation(folder)
        results.append(result)
        print(f"{result['conversation']:<32} ARI {result['ari']:.3f} "
              f"(both grouped {result['ari_both_grouped']:.3f})  k {result['k']} "
              f"(Polis {result['polis_k']})  {result['seconds']:.3f} s")
    matrix, planted = synthetic(n, m, seed)
    started = time.perf_counter()
    grouping = maths.analyse(matrix).grouping
    big_seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    grouped = grouping.labels >= 0
    big_ari = adjusted_rand_score(planted[grouped], grouping.labels[grouped])
    print(f"synthetic {n} x {m}: full recompute {big_seconds:.2f} s, k {grouping.k}, "
          f"ARI against the planted groups {big_ari:.3f}, peak RSS {peak_mb:.0f} MB")
    aris = [r["ari"] for r in results]
    print(json.dumps({
        "min_ari": min(aris) if aris else None,
        "median_ari": round(statistics.median(aris), 4) if aris else None,
        "k_matches": sum(r["k"] == r["polis_k"] for r in results),
        "conversations": results,
        "big_participants": n, "big_statements": m, "big_k": grouping.k,
        "big_ari_planted": round(float(big_ari), 4),
        "big_seconds": round(big_seconds, 3), "big_peak_rss_mb": round(peak_mb, 1),
    }))


if __name__ == "__main__":
    main()
