"""Counting answers into results, and cross-tables (pure: plain data in, plain data out).

The counts are additive: ``add`` folds one answer into a stored aggregate, so an answer costs
one small update and the results page reads one row, however many answers there are.
"""

from collections.abc import Iterable, Mapping

from civic.surveys.answers import OTHER, is_question, scale_range


def empty(items: Iterable) -> dict:
    agg: dict = {"total": 0, "questions": {}}
    for q in items:
        if not is_question(q):
            continue
        entry: dict = {"answered": 0}
        if q.kind in ("single", "multiple", "dropdown"):
            entry["counts"] = [0] * len(q.options)
            entry["other"] = 0
        elif q.kind == "scale":
            entry["counts"] = {str(v): 0 for v in scale_range(q)}
        elif q.kind == "matrix":
            entry["counts"] = [{str(v): 0 for v in scale_range(q)} for _row in q.rows]
        elif q.kind == "ranking":
            entry["rank_sum"] = [0] * len(q.options)
            entry["ranked"] = [0] * len(q.options)
            entry["first"] = [0] * len(q.options)
        elif q.kind == "number":
            entry.update(sum=0, min=None, max=None)
        elif q.kind == "date":
            entry.update(min=None, max=None)
        agg["questions"][str(q.id)] = entry
    return agg


def add(agg: dict, items: Iterable, answers: Mapping[str, object]) -> dict:
    """Fold one answer into ``agg`` (in place, also returned)."""
    agg["total"] += 1
    for q in items:
        if not is_question(q):
            continue
        value = answers.get(str(q.id))
        entry = agg["questions"].get(str(q.id))
        if value is None or entry is None:
            continue
        entry["answered"] += 1
        if q.kind in ("single", "dropdown", "multiple"):
            for choice in value if isinstance(value, list) else [value]:
                if choice == OTHER:
                    entry["other"] += 1
                elif 0 <= choice < len(entry["counts"]):
                    entry["counts"][choice] += 1
        elif q.kind == "scale":
            key = str(value)
            if key in entry["counts"]:
                entry["counts"][key] += 1
        elif q.kind == "matrix":
            for row, v in zip(entry["counts"], value, strict=False):
                if v is not None and str(v) in row:
                    row[str(v)] += 1
        elif q.kind == "ranking":
            for rank, option in enumerate(value, start=1):
                if 0 <= option < len(entry["ranked"]):
                    entry["rank_sum"][option] += rank
                    entry["ranked"][option] += 1
                    if rank == 1:
                        entry["first"][option] += 1
        elif q.kind == "number":
            entry["sum"] += value
            entry["min"] = value if entry["min"] is None else min(entry["min"], value)
            entry["max"] = value if entry["max"] is None else max(entry["max"], value)
        elif q.kind == "date":
            entry["min"] = value if entry["min"] is None else min(entry["min"], value)
            entry["max"] = value if entry["max"] is None else max(entry["max"], value)
    return agg


def count(items: Iterable, all_answers: Iterable[Mapping[str, object]]) -> dict:
    items = list(items)
    agg = empty(items)
    for answers in all_answers:
        add(agg, items, answers)
    return agg


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def shown(items: Iterable, agg: dict) -> list[dict]:
    """What the results page and the exports show for each question: labels, counts, percents.

    Percentages of choices are of the people who answered the question (multiple choice can
    add up to more than 100).
    """
    out = []
    for q in items:
        if not is_question(q):
            continue
        entry = agg["questions"].get(str(q.id))
        if entry is None:
            continue
        answered = entry["answered"]
        view: dict = {"id": q.id, "kind": q.kind, "label": q.label, "answered": answered,
                      "bars": [], "matrix": [], "scale": []}
        if q.kind in ("single", "multiple", "dropdown"):
            labels = list(q.options) + (["\x00other"] if q.has_other else [])
            counts = list(entry["counts"]) + ([entry["other"]] if q.has_other else [])
            view["bars"] = [{"label": label, "count": n, "percent": percent(n, answered)}
                            for label, n in zip(labels, counts, strict=False)]
        elif q.kind == "scale":
            view["bars"] = [{"label": value, "count": n, "percent": percent(n, answered)}
                            for value, n in entry["counts"].items()]
            total = sum(int(v) * n for v, n in entry["counts"].items())
            view["mean"] = round(total / answered, 2) if answered else None
        elif q.kind == "matrix":
            view["scale"] = [str(v) for v in scale_range(q)]
            for label, row in zip(q.rows, entry["counts"], strict=False):
                row_total = sum(row.values())
                view["matrix"].append({"label": label, "cells": [
                    {"count": row[v], "percent": percent(row[v], row_total)}
                    for v in view["scale"]]})
        elif q.kind == "ranking":
            view["bars"] = sorted(
                ({"label": label, "count": entry["first"][n],
                  "percent": percent(entry["first"][n], answered),
                  "mean_rank": (round(entry["rank_sum"][n] / entry["ranked"][n], 2)
                                if entry["ranked"][n] else None)}
                 for n, label in enumerate(q.options)),
                key=lambda bar: (bar["mean_rank"] is None, bar["mean_rank"] or 0))
        elif q.kind == "number":
            view["mean"] = round(entry["sum"] / answered, 2) if answered else None
            view["min"], view["max"] = entry["min"], entry["max"]
        elif q.kind == "date":
            view["min"], view["max"] = entry["min"], entry["max"]
        out.append(view)
    return out


def crosstab(rows_q, cols_q, all_answers: Iterable[Mapping[str, object]]) -> dict:
    """How the answers to choice question ``rows_q`` spread over those to ``cols_q``.

    ``cells[r][c]``: people who chose option r of the first and option c of the second (for
    multiple choice a person counts in every option chosen); the last row/column is 「その他」
    when the question has one.
    """
    def keys(q):
        return list(range(len(q.options))) + ([OTHER] if q.has_other else [])

    row_keys, col_keys = keys(rows_q), keys(cols_q)
    cells = {r: {c: 0 for c in col_keys} for r in row_keys}
    for answers in all_answers:
        a, b = answers.get(str(rows_q.id)), answers.get(str(cols_q.id))
        if a is None or b is None:
            continue
        for r in a if isinstance(a, list) else [a]:
            for c in b if isinstance(b, list) else [b]:
                if r in cells and c in cells[r]:
                    cells[r][c] += 1
    return {"rows": row_keys, "cols": col_keys,
            "cells": [[cells[r][c] for c in col_keys] for r in row_keys],
            "row_totals": [sum(cells[r].values()) for r in row_keys]}
