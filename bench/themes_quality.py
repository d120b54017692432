"""Quality benchmark for the themes pipeline: ARI / NMI against the gold ``theme`` column.

If the Flask app exists (civic/__init__.py defines create_app) the run goes through the
CLI, ``flask --app civic themes cluster INPUT.csv --text-column text --out OUT.json``;
otherwise (or if that command fails) civic.insights.pipeline.cluster is called directly
and the output says so.  Goal: ARI >= 0.7.

Then the small mixed surveys of tests/insights/mixed_corpus.py (300 answers on five subjects
that share words: ネット, 入れる, 知る, 児童館 …), five seeds, each alone and with a ward's
process texts added to the same run: ARI, themes found, answers outside their subject's theme,
and whether every broad label is made of nouns. Last line is JSON.

Usage: python bench/themes_quality.py [CSV]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "data" / "themes" / "civic_dev_10k.csv"


def has_cli() -> bool:
    init = ROOT / "civic" / "__init__.py"
    return init.exists() and "def create_app" in init.read_text(encoding="utf-8")


def via_cli(path: Path) -> tuple[dict, float] | None:
    flask = shutil.which("flask", path=str(Path(sys.executable).parent)) or shutil.which("flask")
    if not flask:
        return None
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "out.json"
        cmd = [flask, "--app", "civic", "themes", "cluster", str(path),
               "--text-column", "text", "--out", str(out)]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False)
        secs = time.perf_counter() - t0
        if p.returncode != 0 or not out.exists():
            print(f"CLI failed (exit {p.returncode}): {p.stderr.strip()[-500:]}")
            return None
        return json.loads(out.read_text(encoding="utf-8")), secs


def mixed_surveys(seeds=(7, 8, 9, 10, 11)) -> dict:
    from collections import Counter

    from civic.insights.pipeline import cluster
    from civic.insights.tokens import names_a_theme
    from tests.insights.mixed_corpus import PROCESS_TEXTS, make_mixed

    runs = []
    for seed in seeds:
        texts, gold = make_mixed(seed)
        alone, joined = cluster(texts), cluster(texts + PROCESS_TEXTS)
        broad = [t for t in alone.themes if t.parent is None]
        misplaced = 0
        for t in broad:
            subjects = Counter(g for g, a in zip(gold, alone.assignments, strict=True) if a == t.id)
            misplaced += sum(subjects.values()) - subjects.most_common(1)[0][1]
        runs.append({
            "seed": seed,
            "ari": round(adjusted_rand_score(gold, [a if a is not None else -1
                                                    for a in alone.assignments]), 4),
            "themes": len(broad),
            "themes_with_process_texts": sum(t.parent is None for t in joined.themes),
            "misplaced": misplaced,
            "noun_labels": all(all(names_a_theme(w) for w in t.label.split("・")) for t in broad),
        })
        print(f"mixed seed {seed}: ARI {runs[-1]['ari']:.3f}  themes {runs[-1]['themes']} "
              f"(+process texts {runs[-1]['themes_with_process_texts']})  misplaced "
              f"{misplaced}/{len(gold)}  labels: {' | '.join(t.label for t in broad)}")
    return {"runs": runs, "min_ari": min(r["ari"] for r in runs),
            "misplaced": sum(r["misplaced"] for r in runs),
            "stable_theme_count": all(abs(r["themes"] - r["themes_with_process_texts"]) <= 1
                                      for r in runs),
            "noun_labels": all(r["noun_labels"] for r in runs)}


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not path.exists():
        print(f"SKIP: {path} not found")
        print(json.dumps({"skipped": True}))
        return
    from civic.insights.csvio import read_texts

    texts, table = read_texts(path, "text")
    gold = table.column("theme")

    mode, data, secs = "direct", None, None
    if has_cli():
        got = via_cli(path)
        if got:
            mode, (data, secs) = "cli", got
    if data is None:
        print("note: flask CLI not available -> calling civic.insights.pipeline.cluster directly")
        from civic.insights.pipeline import cluster

        t0 = time.perf_counter()
        res = cluster(texts)
        secs = time.perf_counter() - t0
        data = res.to_dict()
    assign = data["assignments"]
    assert len(assign) == len(gold), "assignments must have one entry per input row"
    pred = [a if a is not None else -1 for a in assign]
    ari = adjusted_rand_score(gold, pred)
    nmi = normalized_mutual_info_score(gold, pred)
    broad = [t for t in data["themes"] if t["parent"] is None]
    print(f"mode: {mode}   rows: {len(gold)}   seconds: {secs:.1f}")
    print(f"broad themes: {len(broad)} (gold {len(set(gold))})   "
          f"set aside: {sum(a is None for a in assign)}")
    for t in broad:
        print(f"  [{t['id']:>2}] {t['size']:>5}  {t['label']}  {' '.join(t['keywords'][:6])}")
    print(f"ARI {ari:.3f}   NMI {nmi:.3f}   (goal ARI >= 0.7)")
    mixed = mixed_surveys()
    print(json.dumps({"mode": mode, "rows": len(gold), "seconds": round(secs, 2),
                      "ari": round(ari, 4), "nmi": round(nmi, 4), "broad_themes": len(broad),
                      "goal_met": ari >= 0.7,
                      "mixed": {k: v for k, v in mixed.items() if k != "runs"}},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
