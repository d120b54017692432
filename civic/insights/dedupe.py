"""Exact and near-duplicate grouping (pure)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp


def group_exact(keys: Iterable[Hashable]) -> tuple[list[int], list[list[int]]]:
    """Group positions with equal keys, in first-seen order.

    Returns ``(group_of_position, positions_of_group)``.
    """
    index: dict[Hashable, int] = {}
    groups: list[list[int]] = []
    of: list[int] = []
    for i, k in enumerate(keys):
        g = index.get(k)
        if g is None:
            g = index[k] = len(groups)
            groups.append([])
        groups[g].append(i)
        of.append(g)
    return of, groups


def signature_keys(X: sp.csr_matrix) -> list[tuple[int, ...]]:
    """Set of term columns per row: rows with the same content words are near-duplicates
    (they differ only in particles, punctuation, greetings or word order)."""
    X = sp.csr_matrix(X)
    X.sort_indices()
    ip, ix = X.indptr, X.indices
    return [tuple(ix[ip[i] : ip[i + 1]].tolist()) for i in range(X.shape[0])]


class UnionFind:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, a: int) -> int:
        p = self.p
        while p[a] != a:
            p[a] = p[p[a]]
            a = p[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.p[rb] = ra
            else:
                self.p[ra] = rb


def near_duplicate_pairs(
    V: sp.csr_matrix, blocks: Sequence[np.ndarray], threshold: float = 0.9, max_block: int = 4000
) -> list[tuple[int, int]]:
    """Pairs of rows (within the same block, e.g. a fine cluster) whose cosine similarity
    is at least ``threshold``.  ``V`` rows must be L2-normalised.  Blocks larger than
    ``max_block`` are split into consecutive chunks to bound memory."""
    pairs: list[tuple[int, int]] = []
    for block in blocks:
        block = np.asarray(block)
        for s in range(0, len(block), max_block):
            idx = block[s : s + max_block]
            if len(idx) < 2:
                continue
            sub = V[idx]
            S = (sub @ sub.T).tocoo()
            m = (S.data >= threshold) & (S.row < S.col)
            pairs.extend(zip(idx[S.row[m]].tolist(), idx[S.col[m]].tolist(), strict=True))
    return pairs
