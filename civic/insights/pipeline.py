"""Two-level theme clustering of free-text answers (pure: no Flask, no I/O).

>>> res = cluster(texts, stopwords={"駐車場"}, cache=cache, progress=print)
>>> res.to_dict()   # {"themes": [...], "assignments": [...]}

Steps: normalise → set aside empty / no-content / other-language rows → exact dedupe →
split into clauses, drop built-in boilerplate clauses → tokenise distinct clauses (cached,
2 processes for big inputs) → learn corpus boilerplate (clauses and words that occur
whatever the answer is about) → near-dedupe (same content words) → TF-IDF → TruncatedSVD →
fine k-means (weighted by duplicate counts) → agglomerative merge of the fine centroids
into broad themes (count chosen by silhouette) → c-TF-IDF labels → diverse representatives.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .boilerplate import BUILTIN_STOPWORDS, generic_scores, is_builtin_boilerplate_unit
from .dedupe import UnionFind, group_exact, near_duplicate_pairs, signature_keys
from .normalize import classify, normalize
from .tokens import (
    TokenCache,
    is_predicate,
    names_a_theme,
    split_units,
    tokenize_units,
    unit_key,
)

Progress = Callable[[str, float], None]

UNIT_GENERIC_THRESHOLD = 0.6
TERM_GENERIC_THRESHOLD = 0.6
SVD_DIMS = 50
FINE_MAX = 40
FINE_N_INIT = 2
# Small surveys (a few hundred answers) cost milliseconds per k-means start, and one unlucky
# start there splits or merges whole subjects: try more.
FINE_N_INIT_SMALL, SMALL = 10, 2000
LINKAGE = "average"
SILHOUETTE_TOLERANCE = 0.05
BROAD_SELECTION = "centroids"
BROAD_REFINE = 3  # spherical k-means passes over broad themes after the merge
# Verbs and adjectives (入れる, 知る, 止める) are shared by every subject; at full weight two of
# them pull an answer into another theme (「保育園に入れない」 towards 「避難所に入れるか」).
PREDICATE_WEIGHT = 0.7


@dataclass
class Theme:
    id: int
    label: str
    keywords: list[str]
    size: int  # input rows (duplicates included)
    parent: int | None
    representatives: list[int]  # input row indexes
    items: int = 0  # distinct (deduplicated) answers

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "parent": self.parent,
            "representatives": list(self.representatives),
        }


@dataclass
class DuplicateGroup:
    rows: list[int]  # input row indexes, first one is the representative

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class Result:
    themes: list[Theme]
    assignments: list[int | None]  # broad theme id per input row (None = set aside)
    sub_assignments: list[int | None]  # sub-theme id per input row
    set_aside: dict[int, str]  # row -> "empty" | "no_content" | "language:xx"
    duplicates: list[DuplicateGroup]  # groups of ≥2 rows collapsed into one item
    coords: list[tuple[float, float] | None]  # 2-D map position per input row
    boilerplate: dict[str, list[str]] = field(default_factory=dict)  # learned this run
    stats: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "themes": [t.to_dict() for t in self.themes],
            "assignments": list(self.assignments),
        }

    def members(self, theme_id: int) -> list[int]:
        """Input rows of a broad theme or sub-theme."""
        col = self.assignments
        if any(t.id == theme_id and t.parent is not None for t in self.themes):
            col = self.sub_assignments
        return [i for i, a in enumerate(col) if a == theme_id]

    def theme_members(self, keys: Sequence[object] | None = None) -> dict[int, list]:
        """Theme id (broad and sub) → member rows, or ``keys[row]`` when ``keys`` is given
        (stable ids such as answer primary keys, for :mod:`civic.insights.carry`)."""
        out: dict[int, list] = {t.id: [] for t in self.themes}
        for col in (self.assignments, self.sub_assignments):
            for row, a in enumerate(col):
                if a is not None:
                    out[a].append(row if keys is None else keys[row])
        return out

    def set_aside_by_reason(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for row, reason in sorted(self.set_aside.items()):
            out.setdefault(reason, []).append(row)
        return out

    def duplicate_count(self) -> list[int]:
        """Per input row: how many rows share its (near-)duplicate group (1 = unique)."""
        counts = [1] * len(self.assignments)
        for g in self.duplicates:
            for r in g.rows:
                counts[r] = g.count
        return counts


def _noop(stage: str, frac: float) -> None:
    return None


def _csr_from_lists(rows: Sequence[Sequence[int]], n_cols: int) -> sp.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    indptr[1:] = np.cumsum([len(r) for r in rows])
    indices = np.fromiter((c for r in rows for c in r), dtype=np.int32, count=int(indptr[-1]))
    data = np.ones(len(indices), dtype=np.float64)
    M = sp.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))
    M.sum_duplicates()
    return M


def cluster(
    texts: Iterable[object],
    stopwords: Iterable[str] = (),
    cache: TokenCache | None = None,
    progress: Progress | None = None,
    *,
    n_themes: int | None = None,
    max_themes: int = 15,
    learn_boilerplate: bool = True,
    processes: int | None = None,
    random_state: int = 0,
) -> Result:
    """Cluster answers into broad themes and sub-themes.

    ``texts``: one answer per input row (``None``/non-str allowed).  ``stopwords``: extra
    words staff never want as themes.  ``cache``: a :class:`TokenCache` to reuse across
    runs.  ``progress(stage, fraction)`` is called as work proceeds.  ``n_themes`` fixes
    the number of broad themes (otherwise chosen in 2..``max_themes`` by silhouette).
    """
    t0 = time.perf_counter()
    prog = progress or _noop
    cache = cache if cache is not None else TokenCache()
    stats: dict[str, float] = {}
    raw = list(texts)
    n_rows = len(raw)

    # 1. normalise and set aside
    prog("normalise", 0.0)
    prep = cache.prep
    norm: list[str] = []
    set_aside: dict[int, str] = {}
    keep_rows: list[int] = []
    for i, t in enumerate(raw):
        key = t if isinstance(t, str) else str(t) if t is not None else ""
        hit = prep.get(key)
        if hit is None:
            s = normalize(key)
            hit = prep[key] = (s, classify(s))
        norm.append(hit[0])
        if hit[1] is None:
            keep_rows.append(i)
        else:
            set_aside[i] = hit[1]

    # 2. exact dedupe (on normalised text)
    _, groups = group_exact(norm[i] for i in keep_rows)
    item_rows = [[keep_rows[j] for j in g] for g in groups]
    item_text = [norm[rows[0]] for rows in item_rows]
    m = len(item_text)
    stats["t_normalise"] = time.perf_counter() - t0

    # 3. clauses; built-in boilerplate clauses never reach the tokenizer
    unit_id: dict[str, int] = {}
    unit_list: list[str] = []
    doc_units: list[list[int]] = []
    for txt in item_text:
        ids = []
        for u in split_units(txt):
            k = unit_id.get(u)
            if k is None:
                k = unit_id[u] = len(unit_list)
                unit_list.append(u)
            ids.append(k)
        doc_units.append(ids)
    builtin_bp = np.array([is_builtin_boilerplate_unit(u) for u in unit_list], dtype=bool)
    stats["t_units"] = time.perf_counter() - t0

    # 4. tokenise distinct clauses (cached)
    prog("tokenise", 0.0)
    to_tok = [u for u, bp in zip(unit_list, builtin_bp, strict=True) if not bp]
    tok_map = tokenize_units(
        to_tok, cache, processes=processes, progress=lambda f: prog("tokenise", f)
    )
    stats["t_tokenise"] = time.perf_counter() - t0

    # 5. unit × term and doc × unit matrices
    prog("vectorise", 0.0)
    stop = set(BUILTIN_STOPWORDS) | {normalize(w) for w in stopwords if normalize(w)}
    vocab: dict[str, int] = {}
    unit_terms: list[list[int]] = []
    for u, bp in zip(unit_list, builtin_bp, strict=True):
        if bp:
            unit_terms.append([])
            continue
        row = []
        for w in tok_map[unit_key(u)]:
            if w in stop:
                continue
            j = vocab.get(w)
            if j is None:
                j = vocab[w] = len(vocab)
            row.append(j)
        unit_terms.append(row)
    terms = np.array(list(vocab), dtype=object)
    V = len(terms)
    UT = _csr_from_lists(unit_terms, V)  # units × terms (counts)
    DU = _csr_from_lists(doc_units, len(unit_list))  # docs × units
    DU.data[:] = 1.0

    # 6. learn corpus boilerplate (clauses, then words)
    learned_units: list[str] = []
    learned_terms: list[str] = []
    if learn_boilerplate and m >= 30:
        X = (DU @ UT).tocsr()
        udf = np.asarray(DU.sum(axis=0)).ravel()
        cand = np.flatnonzero((udf >= max(5, 0.003 * m)) & ~builtin_bp)
        if len(cand):
            own = [UT.indices[UT.indptr[c] : UT.indptr[c + 1]] for c in cand]
            sc = generic_scores(DU, X, own, cand)
            drop = cand[sc >= UNIT_GENERIC_THRESHOLD]
            learned_units = [unit_list[c] for c in drop]
            if len(drop):
                keep = np.ones(len(unit_list))
                keep[drop] = 0.0
                DU = (DU @ sp.diags(keep)).tocsr()
                DU.eliminate_zeros()
        X = (DU @ UT).tocsr()
        tdf = np.asarray((X > 0).sum(axis=0)).ravel()
        cand = np.flatnonzero(tdf >= max(5, 0.01 * m))
        if len(cand):
            own = [_related_terms(terms, c) for c in cand]
            sc = generic_scores((X > 0).astype(np.float64), X, own, cand)
            drop = cand[sc >= TERM_GENERIC_THRESHOLD]
            learned_terms = [str(terms[c]) for c in drop]
            if len(drop):
                keep = np.ones(V)
                keep[drop] = 0.0
                UT = (UT @ sp.diags(keep)).tocsr()
                UT.eliminate_zeros()
    X = (DU @ UT).tocsr()
    X.eliminate_zeros()
    stats["t_boilerplate"] = time.perf_counter() - t0

    # 7. near-dedupe: same set of content words → one item
    has_content = np.diff(X.indptr) > 0
    for i in np.flatnonzero(~has_content):
        for r in item_rows[i]:
            set_aside[r] = "no_content"
    content_items = np.flatnonzero(has_content)
    sig = signature_keys(X[content_items])
    _, sgroups = group_exact(sig)
    grp_items = [[int(content_items[j]) for j in g] for g in sgroups]
    n = len(grp_items)
    G = X[[g[0] for g in grp_items]] if n else X[:0]
    weights = np.array([sum(len(item_rows[i]) for i in g) for g in grp_items], dtype=np.float64)

    assignments: list[int | None] = [None] * n_rows
    sub_assign: list[int | None] = [None] * n_rows
    coords: list[tuple[float, float] | None] = [None] * n_rows
    themes: list[Theme] = []
    dup_groups: list[list[int]] = []

    def group_rows(g: int) -> list[int]:
        return sorted(r for i in grp_items[g] for r in item_rows[i])

    if n == 0:
        stats["seconds"] = time.perf_counter() - t0
        return Result([], assignments, sub_assign, set_aside, [], coords,
                      {"units": learned_units, "terms": learned_terms}, stats)

    # 8. TF-IDF (+ SVD)
    prog("cluster", 0.0)
    T = _tfidf(G, min_df=2 if n >= 50 else 1,
               term_weights=np.array([PREDICATE_WEIGHT if is_predicate(str(t)) else 1.0
                                      for t in terms]))
    emb = _embed(T, random_state)
    stats["t_vectorise"] = time.perf_counter() - t0

    # 9. fine clusters, then broad themes
    fine = _fine_clusters(emb, weights, random_state)
    k_fine = int(fine.max()) + 1
    cent = np.vstack([np.average(emb[fine == c], axis=0, weights=weights[fine == c])
                      for c in range(k_fine)])
    broad_of_fine = _broad_from_fine(emb, weights, fine, cent, n_themes, max_themes, random_state)
    broad = broad_of_fine[fine]
    if BROAD_REFINE:
        fine, broad = _refine(emb, weights, fine, broad, cent, broad_of_fine, BROAD_REFINE)
        _, fine = np.unique(fine, return_inverse=True)  # drop emptied clusters
        k_fine = int(fine.max()) + 1
        first = np.unique(fine, return_index=True)[1]
        _, broad_of_fine = np.unique(broad[first], return_inverse=True)
        broad = broad_of_fine[fine]
    stats["t_cluster"] = time.perf_counter() - t0
    prog("label", 0.0)

    # 10. near-duplicates inside fine clusters (for counts & representatives)
    uf = UnionFind(n)
    blocks = [np.flatnonzero(fine == c) for c in range(k_fine)]
    for a, b in near_duplicate_pairs(T, blocks, threshold=0.9):
        uf.union(a, b)
    root = np.array([uf.find(i) for i in range(n)])
    _, near = group_exact(root.tolist())
    for g in near:
        rows = sorted(r for gi in g for r in group_rows(gi))
        if len(rows) > 1:
            dup_groups.append(rows)

    # 11. ids ordered by size; labels by c-TF-IDF
    n_broad = int(broad.max()) + 1
    bsize = np.bincount(broad, weights=weights, minlength=n_broad)
    border = np.argsort(-bsize, kind="stable")
    broad_id = {int(b): k + 1 for k, b in enumerate(border)}
    fsize = np.bincount(fine, weights=weights, minlength=k_fine)
    forder = sorted(range(k_fine), key=lambda c: (broad_id[int(broad_of_fine[c])], -fsize[c], c))
    fine_id = {c: n_broad + 1 + k for k, c in enumerate(forder)}

    bkw = _ctfidf(G, weights, broad, n_broad, terms)
    fkw = _ctfidf(G, weights, fine, k_fine, terms)
    for b in border:
        idx = np.flatnonzero(broad == b)
        themes.append(Theme(
            id=broad_id[int(b)], label=_label(bkw[b]), keywords=bkw[b][:8],
            size=int(bsize[b]), parent=None, items=int(len(idx)),
            representatives=_representatives(emb, T, idx, weights, root, grp_items, item_rows),
        ))
    for c in forder:
        idx = np.flatnonzero(fine == c)
        themes.append(Theme(
            id=fine_id[c], label=_label(fkw[c]), keywords=fkw[c][:8],
            size=int(fsize[c]), parent=broad_id[int(broad_of_fine[c])], items=int(len(idx)),
            representatives=_representatives(emb, T, idx, weights, root, grp_items, item_rows),
        ))

    # 12. per-row outputs and 2-D map
    xy = _project_2d(emb, weights, random_state)
    for g in range(n):
        b, f = broad_id[int(broad[g])], fine_id[int(fine[g])]
        p = (float(xy[g, 0]), float(xy[g, 1]))
        for r in group_rows(g):
            assignments[r], sub_assign[r], coords[r] = b, f, p
    stats.update(rows=n_rows, items=m, groups=n, fine=k_fine, broad=n_broad,
                 seconds=time.perf_counter() - t0)
    prog("done", 1.0)
    return Result(themes, assignments, sub_assign, set_aside,
                  [DuplicateGroup(r) for r in dup_groups], coords,
                  {"units": learned_units, "terms": learned_terms}, stats)


def _related_terms(terms: np.ndarray, c: int) -> np.ndarray:
    """Columns of words overlapping term ``c`` (itself, its compounds and its parts)."""
    w = terms[c]
    if len(w) < 2:
        return np.array([c])
    return np.flatnonzero([(w in t) or (t in w and len(t) >= 2) for t in terms])


def _tfidf(G: sp.csr_matrix, min_df: int, term_weights: np.ndarray | None = None) -> sp.csr_matrix:
    n = G.shape[0]
    B = G > 0
    df = np.asarray(B.sum(axis=0)).ravel()
    ok = (df >= min_df) & (df <= max(0.5 * n, min_df))
    idf = np.where(ok, np.log((1 + n) / (1 + df)) + 1.0, 0.0)
    if term_weights is not None:
        idf = idf * term_weights
    T = G.copy().astype(np.float64)
    T.data = 1.0 + np.log(T.data)
    T = (T @ sp.diags(idf)).tocsr()
    T.eliminate_zeros()
    norms = np.sqrt(np.asarray(T.multiply(T).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return (sp.diags(1.0 / norms) @ T).tocsr()


def _embed(T: sp.csr_matrix, random_state: int) -> np.ndarray:
    from sklearn.decomposition import TruncatedSVD

    n, v = T.shape
    d = min(SVD_DIMS, n - 1, v - 1)
    if d < 2:
        return T.toarray() if v <= 2000 else np.zeros((n, 1))
    svd = TruncatedSVD(n_components=d, algorithm="randomized", n_iter=4, random_state=random_state)
    E = svd.fit_transform(T.astype(np.float32)).astype(np.float64)
    norms = np.linalg.norm(E, axis=1)
    norms[norms == 0] = 1.0
    return E / norms[:, None]


def _fine_clusters(emb: np.ndarray, w: np.ndarray, random_state: int) -> np.ndarray:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    n = len(emb)
    k = int(min(n, max(2, min(FINE_MAX, round(math.sqrt(n / 2)) + 10))))
    if n <= k or n < 4:
        return np.arange(n) if n <= k else np.zeros(n, dtype=int)
    if n > 300_000:
        km = MiniBatchKMeans(n_clusters=k, random_state=random_state, batch_size=4096,
                             n_init=1, max_iter=50)
    else:
        starts = FINE_N_INIT_SMALL if n < SMALL else FINE_N_INIT if n < 20_000 else 1
        km = KMeans(n_clusters=k, random_state=random_state, n_init=starts, max_iter=100)
    lab = km.fit_predict(emb, sample_weight=w)
    _, lab = np.unique(lab, return_inverse=True)
    return lab


def _broad_from_fine(emb, w, fine, cent, n_themes, max_themes, random_state) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    k = len(cent)
    if k <= 2:
        return np.zeros(k, dtype=int) if k < 2 or n_themes == 1 else np.arange(k)
    cn = cent / np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-12)

    def cut(nb: int) -> np.ndarray:
        if LINKAGE == "ward":
            ag = AgglomerativeClustering(n_clusters=nb, linkage="ward")
        else:
            ag = AgglomerativeClustering(n_clusters=nb, metric="cosine", linkage=LINKAGE)
        return ag.fit_predict(cn)

    if n_themes:
        return cut(max(1, min(n_themes, k)))
    if BROAD_SELECTION == "centroids":
        # Silhouette of the fine centroids (weighted by cluster weight): asks whether the
        # *sub-themes* group well, so tight phrasings inside one theme do not count as
        # themes of their own (a singleton group scores 0).
        from sklearn.metrics import silhouette_samples

        cw = np.bincount(fine, weights=w, minlength=k)
        D = np.clip(1.0 - cn @ cn.T, 0.0, 2.0)
        np.fill_diagonal(D, 0.0)
        scores: list[tuple[int, float, np.ndarray]] = []
        for nb in range(2, min(max_themes, k - 1) + 1):
            lab = cut(nb)
            if len(np.unique(lab)) < 2:
                continue
            sv = silhouette_samples(D, lab, metric="precomputed")
            scores.append((nb, float(np.average(sv, weights=cw)), lab))
    else:
        rng = np.random.default_rng(random_state)
        n = len(emb)
        sample = np.sort(rng.choice(n, size=min(n, 2500), replace=False, p=w / w.sum())) \
            if n > 2500 else np.arange(n)
        scores = []
        es = emb[sample]
        D = np.clip(1.0 - es @ es.T, 0.0, 2.0)  # rows are unit vectors: cosine distance
        np.fill_diagonal(D, 0.0)
        for nb in range(2, min(max_themes, k - 1) + 1):
            lab = cut(nb)
            labels = lab[fine[sample]]
            if len(np.unique(labels)) < 2:
                continue
            scores.append((nb, float(silhouette_score(D, labels, metric="precomputed")), lab))
    if not scores:
        return np.zeros(k, dtype=int)
    # Fewest themes whose silhouette is within SILHOUETTE_TOLERANCE of the best.
    top = max(s for _, s, _ in scores)
    return next(lab for _, s, lab in scores if s >= top - SILHOUETTE_TOLERANCE * abs(top))


def _refine(emb, w, fine, broad, cent, broad_of_fine, passes):
    """Move items to the nearest broad centroid (a few spherical k-means passes started from
    the merged fine clusters), then to the nearest sub-theme inside their broad theme.
    Fine clusters that straddle two themes are split along the broad boundary this way."""
    nb = int(broad.max()) + 1
    for _ in range(passes):
        bc = np.vstack([
            np.average(emb[broad == b], axis=0, weights=w[broad == b]) if np.any(broad == b)
            else np.zeros(emb.shape[1]) for b in range(nb)])
        new = np.argmax(emb @ bc.T, axis=1)
        if np.array_equal(new, broad):
            break
        broad = new
    sims = emb @ cent.T  # items × fine centroids
    allowed = broad_of_fine[None, :] == broad[:, None]
    sims = np.where(allowed, sims, -np.inf)
    has = allowed.any(axis=1)
    fine = np.where(has, np.argmax(sims, axis=1), fine)
    broad = np.where(has, broad, broad_of_fine[fine])
    return fine, broad


def _ctfidf(G, w, labels, k, terms, top=10) -> list[list[str]]:
    """Class-based TF-IDF keywords per cluster (duplicate-weighted)."""
    Bw = sp.diags(w) @ (G > 0).astype(np.float64)
    ind = sp.csr_matrix((np.ones(len(labels)), (labels, np.arange(len(labels)))),
                        shape=(k, len(labels)))
    C = (ind @ Bw).toarray()  # classes × terms
    tf = C / np.maximum(C.sum(axis=1, keepdims=True), 1e-12)
    avg = C.sum() / max(k, 1)
    idf = np.log(1 + avg / np.maximum(C.sum(axis=0), 1e-12))
    S = tf * idf
    out = []
    for c in range(k):
        order = np.argsort(-S[c], kind="stable")
        words: list[str] = []
        for j in order:
            if S[c, j] <= 0 or len(words) >= top:
                break
            t = str(terms[j])
            # prefer compounds: skip words contained in (or containing) a chosen one
            if any(t in x or x in t for x in words):
                continue
            words.append(t)
        out.append(words)
    return out


def _label(words: list[str]) -> str:
    """Three keywords, nouns first (:func:`names_a_theme`); other keywords only fill up."""
    nouns = [w for w in words if names_a_theme(w)]
    chosen = (nouns + [w for w in words if w not in nouns])[:3] if len(nouns) < 2 else nouns[:3]
    return "・".join(chosen) if chosen else "(その他)"


def _representatives(emb, T, idx, w, root, grp_items, item_rows, n_rep=5) -> list[int]:
    """Up to ``n_rep`` rows close to the cluster centre, not near-copies of each other."""
    if len(idx) == 0:
        return []
    c = np.average(emb[idx], axis=0, weights=w[idx])
    sims = emb[idx] @ c
    order = idx[np.argsort(-sims, kind="stable")]
    chosen: list[int] = []
    seen_roots: set[int] = set()
    for g in order[: 200]:
        if root[g] in seen_roots:
            continue
        if chosen:
            s = T[chosen] @ T[g].T
            if s.nnz and s.max() >= 0.8:
                continue
        chosen.append(int(g))
        seen_roots.add(int(root[g]))
        if len(chosen) >= n_rep:
            break
    return [min(r for i in grp_items[g] for r in item_rows[i]) for g in chosen]


def _project_2d(emb: np.ndarray, w: np.ndarray, random_state: int) -> np.ndarray:
    if emb.shape[1] < 2 or len(emb) < 3:
        return np.zeros((len(emb), 2))
    mu = np.average(emb, axis=0, weights=w)
    Z = emb - mu
    C = (Z * w[:, None]).T @ Z  # weighted covariance (d × d, small)
    vals, vecs = np.linalg.eigh(C)
    xy = Z @ vecs[:, np.argsort(-vals)[:2]]
    for j in range(2):  # deterministic sign
        if xy[np.argmax(np.abs(xy[:, j])), j] < 0:
            xy[:, j] = -xy[:, j]
    return xy
