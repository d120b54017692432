"""Scale benchmark for the themes pipeline (civic.insights).

Generates N (default 100,000) synthetic comments with make_corpus.py into a temp dir and
prints, in one run:
  * janome floor  -- tokenising every text with 2 processes, nothing else;
  * cold          -- end-to-end civic.insights.pipeline.cluster with an empty token cache;
  * re-cluster    -- the same call again with the cache from the cold run;
  * peak RSS      -- resource.getrusage, this process + largest child (MB).
Goals: cold <= 1.25x floor, re-cluster <= 5 s, RSS <= 2 GB.  Last line is JSON.

Usage: python bench/themes_scale.py [N] [SEED]
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GEN = ROOT.parent / "shared" / "data" / "themes" / "make_corpus.py"

_tk = None


def _init():
    global _tk
    from janome.tokenizer import Tokenizer

    _tk = Tokenizer()


def _tok(batch):
    return sum(1 for t in batch for _ in _tk.tokenize(t))


def janome_floor(texts, processes=2):
    t0 = time.perf_counter()
    size = 2000
    chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
    with mp.get_context("fork").Pool(processes, initializer=_init) as pool:
        n_tokens = sum(pool.imap(_tok, chunks))
    return time.perf_counter() - t0, n_tokens


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    if not GEN.exists():
        print(f"SKIP: generator not found at {GEN}")
        print(json.dumps({"skipped": True}))
        return
    from civic.insights.csvio import read_texts
    from civic.insights.pipeline import cluster
    from civic.insights.tokens import TokenCache

    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "corpus.csv"
        subprocess.run([sys.executable, str(GEN), str(n), str(seed), str(out)], check=True)
        texts, _ = read_texts(out, "text")
    print(f"rows: {len(texts)}  unique: {len(set(texts))}")

    floor, n_tok = janome_floor(texts)
    print(f"janome floor (all texts, 2 processes): {floor:.1f} s  ({n_tok} tokens)")

    cache = TokenCache()
    t0 = time.perf_counter()
    res = cluster(texts, cache=cache)
    cold = time.perf_counter() - t0
    st = res.stats
    print(f"cold end-to-end: {cold:.1f} s  (= {cold / floor:.2f}x floor; tokenise stage "
          f"{st['t_tokenise'] - st['t_units']:.1f} s; cached clauses {len(cache)})")
    broad = sum(1 for t in res.themes if t.parent is None)
    print(f"  items {st['items']}, groups {st['groups']}, fine {st['fine']}, broad {broad}, "
          f"set aside {len(res.set_aside)}")

    t0 = time.perf_counter()
    res2 = cluster(texts, cache=cache)
    warm = time.perf_counter() - t0
    same = res2.assignments == res.assignments
    print(f"re-cluster from cached tokens: {warm:.2f} s  (same assignments: {same})")

    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    rss_mb = (self_kb + child_kb) / 1024
    print(f"peak RSS: self {self_kb / 1024:.0f} MB + largest child {child_kb / 1024:.0f} MB "
          f"= {rss_mb:.0f} MB")
    ok = cold <= 1.25 * floor and warm <= 5 and rss_mb <= 2048
    print(json.dumps({
        "rows": len(texts), "floor_s": round(floor, 2), "cold_s": round(cold, 2),
        "cold_over_floor": round(cold / floor, 3), "recluster_s": round(warm, 2),
        "peak_rss_mb": round(rss_mb), "deterministic": same, "goals_met": ok,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
