"""Quality check on the shared synthetic dev corpus (skipped when /work/shared is absent)."""

import csv
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV = SHARED / "data" / "themes" / "civic_dev_10k.csv"


@pytest.mark.skipif(not DEV.exists(), reason=f"shared dev corpus not found at {DEV}")
def test_dev_corpus_subset_quality():
    from civic.insights.pipeline import cluster

    with open(DEV, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))[:3000]
    res = cluster([r["text"] for r in rows], processes=1)
    gold = [r["theme"] for r in rows]
    assert adjusted_rand_score(gold, [a if a is not None else -1 for a in res.assignments]) >= 0.75
    boiler = ("在住", "会社員", "お願い", "実現", "立場", "検討")
    for t in res.themes:
        assert not any(b in kw for kw in t.keywords for b in boiler), t.keywords
