"""Carry manual theme edits (rename, merge, split) forward across re-runs (pure).

Themes are compared by their members -- stable row keys the app chooses (answer ids or
text hashes) -- using Jaccard overlap, with keyword overlap as a weak tie-breaker.  An
optimal one-to-one matching (Hungarian) is made; new themes without a good match get
``None``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import numpy as np


def jaccard(a: set, b: set) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def match_themes(
    old: Mapping[Hashable, Iterable[Hashable]],
    new: Mapping[Hashable, Iterable[Hashable]],
    min_jaccard: float = 0.3,
    old_keywords: Mapping[Hashable, Iterable[str]] | None = None,
    new_keywords: Mapping[Hashable, Iterable[str]] | None = None,
) -> dict[Hashable, Hashable | None]:
    """Map each new theme id to the previous theme id it continues (or ``None``).

    ``old``/``new``: theme id → member keys.  A pair is accepted when member Jaccard
    ≥ ``min_jaccard``; keyword Jaccard adds at most 0.1 to break near-ties.
    """
    from scipy.optimize import linear_sum_assignment

    old_ids, new_ids = list(old), list(new)
    result: dict[Hashable, Hashable | None] = {n: None for n in new_ids}
    if not old_ids or not new_ids:
        return result
    o_sets = [set(old[i]) for i in old_ids]
    n_sets = [set(new[i]) for i in new_ids]
    okw = [set(old_keywords.get(i, ())) if old_keywords else set() for i in old_ids]
    nkw = [set(new_keywords.get(i, ())) if new_keywords else set() for i in new_ids]
    S = np.zeros((len(new_ids), len(old_ids)))
    J = np.zeros_like(S)
    for a, ns in enumerate(n_sets):
        for b, os_ in enumerate(o_sets):
            J[a, b] = jaccard(ns, os_)
            S[a, b] = J[a, b] + 0.1 * jaccard(nkw[a], okw[b])
    rows, cols = linear_sum_assignment(-S)
    for a, b in zip(rows, cols, strict=True):
        if J[a, b] >= min_jaccard:
            result[new_ids[a]] = old_ids[b]
    return result


def carry_labels(
    old_themes: Iterable[Mapping],
    new_themes: Iterable[Mapping],
    min_jaccard: float = 0.3,
) -> list[dict]:
    """Copy labels from matching previous themes onto new ones.

    Each theme is a mapping with ``id``, ``label``, ``members`` (row keys) and optionally
    ``keywords``.  Returns copies of ``new_themes`` with ``label`` replaced where matched
    and ``previous_id`` set (``None`` if no match).  Merges made by staff are just old
    themes with the union of members; splits are several old themes -- both are matched
    the same way.
    """
    old_list, new_list = list(old_themes), list(new_themes)
    old_by = {t["id"]: t for t in old_list}
    mapping = match_themes(
        {t["id"]: t.get("members", ()) for t in old_list},
        {t["id"]: t.get("members", ()) for t in new_list},
        min_jaccard=min_jaccard,
        old_keywords={t["id"]: t.get("keywords", ()) for t in old_list},
        new_keywords={t["id"]: t.get("keywords", ()) for t in new_list},
    )
    out = []
    for t in new_list:
        c = dict(t)
        prev = mapping.get(t["id"])
        c["previous_id"] = prev
        if prev is not None:
            c["label"] = old_by[prev]["label"]
        out.append(c)
    return out


def carry_forward(
    old_themes: Iterable[Mapping], result, keys: Sequence[Hashable], min_jaccard: float = 0.3
) -> list[dict]:
    """Theme dicts of a new :class:`~civic.insights.pipeline.Result` with labels carried
    over from ``old_themes`` (each with ``id``, ``label``, ``members`` as row keys, and
    optionally ``parent``).  Broad themes are matched against old broad themes, sub-themes
    against old sub-themes.  ``keys[row]`` is the stable key of each input row."""
    members = result.theme_members(keys)
    new = [{**t.to_dict(), "members": members[t.id]} for t in result.themes]
    old = list(old_themes)
    out: list[dict] = []
    for level in (True, False):
        o = [t for t in old if (t.get("parent") is None) == level]
        n = [t for t in new if (t["parent"] is None) == level]
        out.extend(carry_labels(o, n, min_jaccard=min_jaccard))
    order = {t["id"]: i for i, t in enumerate(new)}
    return sorted(out, key=lambda t: order[t["id"]])
