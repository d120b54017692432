"""The mathematics of an opinion map (意見マップ), following Polis's published pipeline.

Polis (compdemocracy/polis, ``math/src/polismath/math/``) turns a participants × statements
vote matrix into groups of like-minded participants. The steps here are Polis's, in its order:

1. **Moderation** (``conversation.clj`` ``:rating-mat``): every cell of a moderated-out
   statement becomes 0 ("pass") for every participant, so it carries no information but still
   counts as seen.
2. **In conversation** (``:in-conv``): a participant is clustered once they voted on at least
   ``min(7, number of statements)`` statements, counted on the raw votes; when fewer than 15
   qualify, the most active participants fill up to 15.
3. **Imputation** (``:mat``): a missing vote is replaced by its statement's mean vote.
4. **PCA** (``pca.clj``): two principal components of the imputed matrix of *all* participants.
5. **Sparsity-aware projection** (``sparsity-aware-project-ptpt``): a participant's projection
   uses only the statements they saw and is scaled by ``sqrt(n_statements / n_seen)``, which
   pushes people who voted little out from the centre instead of leaving them in it.
6. **Base clusters** (``:base-clusters``, ``clusters.clj``): k-means with k = 100 on the
   projections of the participants in conversation, started from the first 100 distinct points.
7. **Groups** (``:group-clusterings``): k-means of the base-cluster centres weighted by their
   sizes for k = 2 … ``min(5, 2 + n_base // 12)``, scored by silhouette over the base-cluster
   centres; ``choose_k`` stands in for Polis's k-smoother.

Polis runs incrementally: each k-means starts from the previous run's clusters and k changes
only after four recomputes agree. A full recompute has no history, so the base clusters start
as Polis's first run does, the groups take the best of several k-means++ restarts, and k
prefers the smallest clearly good value (see ``choose_k``).

``representative_statements``, ``consensus_statements``, ``divisive_statements`` and
``uncertain_statements`` follow ``repness.clj`` and ``stats.clj``: proportions with a +1/+2
prior, one- and two-proportion z tests, significance at 90 % (z > 1.2816).

Votes are ``1`` agree, ``-1`` disagree, ``0`` pass and ``nan`` not seen — the Polis export
convention. Pure module: numpy and scikit-learn, no Flask, deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import sqrt

import numpy as np
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import pairwise_distances_argmin, silhouette_score
from threadpoolctl import threadpool_limits

IN_CONVERSATION_VOTES = 7
GREEDY_PARTICIPANTS = 15
BASE_K = 100
BASE_ITERATIONS = 100
GROUP_RESTARTS = 10
K_MARGIN = 0.05
MAX_K = 5
SAME_CENTRE = 0.01
Z_90 = 1.2816
MAX_REPRESENTATIVE = 5
UNCERTAIN_VOTES = 5


@dataclass
class VoteMatrix:
    """Who voted what: ``votes[i, j]`` is participant ``participants[i]`` on ``statements[j]``."""

    participants: list[str]
    statements: list[str]
    votes: np.ndarray
    moderated_out: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        expected = (len(self.participants), len(self.statements))
        if self.votes.shape != expected:
            raise ValueError(f"votes has shape {self.votes.shape}, expected {expected}")


@dataclass
class Projection:
    """The 2-D map: one point per participant, with the PCA that produced it."""

    points: np.ndarray
    centre: np.ndarray
    components: np.ndarray


@dataclass
class Grouping:
    """Groups of a conversation; ``labels[i]`` is -1 for a participant left out."""

    k: int
    labels: np.ndarray
    projection: Projection
    silhouettes: dict[int, float]

    def by_participant(self, participants: list[str]) -> dict[str, int | None]:
        return {p: (int(g) if g >= 0 else None) for p, g in zip(participants, self.labels, strict=True)}


@dataclass
class StatementStats:
    """Votes of one set of participants on one statement, with Polis's estimates."""

    agrees: int
    disagrees: int
    seen: int

    @property
    def passes(self) -> int:
        return self.seen - self.agrees - self.disagrees

    @property
    def p_agree(self) -> float:
        return (self.agrees + 1) / (self.seen + 2)

    @property
    def p_disagree(self) -> float:
        return (self.disagrees + 1) / (self.seen + 2)

    @property
    def z_agree(self) -> float:
        return prop_test(self.agrees, self.seen)

    @property
    def z_disagree(self) -> float:
        return prop_test(self.disagrees, self.seen)

    def percentages(self) -> dict[str, float]:
        """Share of agree / disagree / passed among the votes seen, in per cent."""
        if not self.seen:
            return {"agree": 0.0, "disagree": 0.0, "passed": 0.0}
        return {"agree": round(100 * self.agrees / self.seen, 1),
                "disagree": round(100 * self.disagrees / self.seen, 1),
                "passed": round(100 * self.passes / self.seen, 1)}


@dataclass
class RepresentativeStatement:
    """A statement that sets a group apart (``repful_for`` is "agree" or "disagree")."""

    statement: str
    repful_for: str
    group: StatementStats
    others: StatementStats
    ratio: float
    ratio_z: float
    p_success: float
    p_z: float

    @property
    def metric(self) -> float:
        return self.ratio * self.ratio_z * self.p_success * self.p_z


# Statistics (stats.clj) --------------------------------------------------------------------------

def prop_test(successes: int, trials: int) -> float:
    """z of "more than half succeed", with Polis's +1 pseudo-counts."""
    successes, trials = successes + 1, trials + 1
    return 2 * sqrt(trials) * (successes / trials - 0.5)


def two_prop_test(successes_in: int, successes_out: int, trials_in: int, trials_out: int) -> float:
    """z of "the first proportion is larger than the second", with +1 pseudo-counts."""
    s1, s2, n1, n2 = successes_in + 1, successes_out + 1, trials_in + 1, trials_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    if pooled >= 1:
        return 0.0
    return (s1 / n1 - s2 / n2) / sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))


def significant(z: float) -> bool:
    return z > Z_90


# Map and groups --------------------------------------------------------------------------------

def rating_matrix(matrix: VoteMatrix) -> np.ndarray:
    """The votes with every moderated-out statement set to pass for everyone."""
    rated = matrix.votes.astype(float, copy=True)
    out = [j for j, s in enumerate(matrix.statements) if s in matrix.moderated_out]
    if out:
        rated[:, out] = 0.0
    return rated


def in_conversation(matrix: VoteMatrix) -> np.ndarray:
    """Boolean mask of the participants Polis clusters (enough votes, or the 15 most active)."""
    counts = np.sum(~np.isnan(matrix.votes), axis=1)
    # Polis only has rows for people who voted, so at least one vote is always needed.
    needed = max(1, min(IN_CONVERSATION_VOTES, len(matrix.statements)))
    mask = counts >= needed
    missing = GREEDY_PARTICIPANTS - int(mask.sum())
    if missing > 0:
        # Most votes first; ties keep the participants' order, as a stable sort does.
        candidates = [i for i in np.argsort(-counts, kind="stable") if not mask[i] and counts[i]]
        mask[candidates[:missing]] = True
    return mask


def column_means(rated: np.ndarray) -> np.ndarray:
    """Each statement's mean vote over the participants who saw it (0 when nobody did)."""
    seen = ~np.isnan(rated)
    counts = seen.sum(axis=0)
    sums = np.where(seen, rated, 0.0).sum(axis=0)
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)


def impute(rated: np.ndarray) -> np.ndarray:
    """Replace each missing vote by the mean of its statement's votes (Polis's ``:mat``)."""
    return np.where(np.isnan(rated), column_means(rated), rated)


def project(matrix: VoteMatrix, random_state: int = 0) -> Projection:
    """Participants on the plane of the first two principal components, sparsity-scaled."""
    rated = rating_matrix(matrix)
    n_participants, n_statements = rated.shape
    components = np.zeros((2, n_statements))
    if n_participants == 0 or n_statements == 0:
        return Projection(np.zeros((n_participants, 2)), np.zeros(n_statements), components)
    centre = column_means(rated)
    seen = ~np.isnan(rated)
    # After imputation with the column mean, a missing vote minus the centre is exactly 0: the
    # centred matrix is as sparse as the votes, and PCA of it is PCA of the imputed matrix.
    rows, columns = np.nonzero(seen)
    centred = sparse.csr_matrix((rated[rows, columns] - centre[columns], (rows, columns)),
                                shape=rated.shape)
    centred.eliminate_zeros()
    if centred.nnz:
        # The covariance is only statements × statements, and its eigenvectors are exact.
        n_components = min(2, n_participants, n_statements)
        pca = PCA(n_components=n_components, svd_solver="covariance_eigh",
                  random_state=random_state)
        components[:n_components] = pca.fit(centred).components_
    # Polis's projection skips unseen statements, which the zeros of the centred matrix do.
    points = np.asarray(centred @ components.T)
    points *= np.sqrt(n_statements / np.maximum(seen.sum(axis=1), 1))[:, None]
    return Projection(points, centre, components)


def _first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]].copy()


def kmeans(points: np.ndarray, k: int, max_iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """Polis's k-means: start from the first k distinct points, drop clusters left empty.

    Returns the centres and each point's cluster index. Written out rather than taken from
    scikit-learn because Polis drops empty clusters where scikit-learn re-seeds them, which
    changes how many base clusters there are and so which k is allowed.
    """
    centres = _first_distinct(points, k)
    for _ in range(max_iterations + 1):
        labels = _nearest(points, centres)
        used = np.unique(labels)
        totals = np.zeros((len(centres), points.shape[1]))
        np.add.at(totals, labels, points)
        mass = np.bincount(labels, minlength=len(centres))
        new = totals[used] / mass[used, None]
        converged = (len(used) == len(centres)
                     and np.all(np.linalg.norm(new - centres, axis=1) < SAME_CENTRE))
        centres = new
        if converged:
            break
    # As in Polis, the members are those of the last step, so no cluster is empty.
    return centres, np.searchsorted(used, labels)


def _nearest(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    return pairwise_distances_argmin(points, centres)


def groups(matrix: VoteMatrix, random_state: int = 0) -> Grouping:
    """Project, build the base clusters, then choose the groups and k by silhouette."""
    # These are many small computations: OpenMP and BLAS threads cost more in start-up and
    # contention with the web server than they save.
    with threadpool_limits(limits=1):
        return _groups(matrix, random_state)


def _groups(matrix: VoteMatrix, random_state: int) -> Grouping:
    projection = project(matrix, random_state)
    mask = in_conversation(matrix)
    labels = np.full(len(matrix.participants), -1)
    if mask.sum() < 2:
        return Grouping(1 if mask.any() else 0, np.where(mask, 0, -1), projection, {})
    points = projection.points[mask]
    base_centres, base_of = kmeans(points, BASE_K, BASE_ITERATIONS)
    base_sizes = np.bincount(base_of, minlength=len(base_centres)).astype(float)
    max_k = min(MAX_K, 2 + len(base_centres) // 12, len(_first_distinct(base_centres, MAX_K)))
    clusterings, silhouettes = {}, {}
    for k in range(2, max_k + 1):
        # Polis refines each k from its previous run's groups; without that history, restarts
        # of k-means++ find the well-separated groups that the history converges to.
        group_of = KMeans(k, n_init=GROUP_RESTARTS, random_state=random_state).fit_predict(
            base_centres, sample_weight=base_sizes)
        n_groups = len(np.unique(group_of))
        if n_groups > 1:
            clusterings[k] = group_of
            # Every base cluster a group of its own: Polis scores singletons 0.
            silhouettes[k] = (float(silhouette_score(base_centres, group_of))
                              if n_groups < len(base_centres) else 0.0)
    if not clusterings:
        labels[mask] = 0
        return Grouping(1, labels, projection, silhouettes)
    best_k = choose_k(silhouettes)
    best_group_of = clusterings[best_k]
    _, best_group_of = np.unique(best_group_of, return_inverse=True)
    labels[mask] = best_group_of[base_of]
    return Grouping(int(best_group_of.max()) + 1, labels, projection, silhouettes)


def choose_k(silhouettes: dict[int, float]) -> int:
    """The smallest k whose silhouette is within ``K_MARGIN`` of the best one.

    Polis's k-smoother keeps the k it has until another k has had the best silhouette in
    ``group-k-buffer`` (4) recomputes in a row, so a conversation keeps the few groups it found
    early unless more groups fit clearly better. A single recompute has no such history: the
    smallest k stands in for the incumbent, and a larger k must beat it by a clear margin.
    """
    best = max(silhouettes.values())
    return min(k for k, s in silhouettes.items() if s >= best - K_MARGIN)


# What each group thinks (repness.clj) ------------------------------------------------------------

def statement_stats(votes: np.ndarray) -> list[StatementStats]:
    """Per statement (column) counts of agree, disagree and seen among the given rows."""
    agrees = np.sum(votes == 1, axis=0)
    disagrees = np.sum(votes == -1, axis=0)
    seen = np.sum(~np.isnan(votes), axis=0)
    return [StatementStats(int(a), int(d), int(s)) for a, d, s in zip(agrees, disagrees, seen, strict=True)]


def _group_stats(matrix: VoteMatrix, grouping: Grouping) -> list[list[StatementStats]]:
    rated = rating_matrix(matrix)
    return [statement_stats(rated[grouping.labels == g]) for g in range(grouping.k)]


def _compare(statement: str, own: StatementStats, others: StatementStats,
             side: str) -> RepresentativeStatement:
    """How much more the group agrees (or disagrees, by ``side``) than everybody else."""
    if side == "agree":
        mine, theirs, p, z = own.agrees, others.agrees, own.p_agree, own.z_agree
    else:
        mine, theirs, p, z = own.disagrees, others.disagrees, own.p_disagree, own.z_disagree
    ratio = p / ((theirs + 1) / (others.seen + 2))
    return RepresentativeStatement(statement, side, own, others, ratio,
                                   two_prop_test(mine, theirs, own.seen, others.seen), p, z)


def _more_representative(agree: RepresentativeStatement,
                         disagree: RepresentativeStatement) -> RepresentativeStatement:
    return agree if agree.ratio_z > disagree.ratio_z else disagree


def _passes(agree: RepresentativeStatement, disagree: RepresentativeStatement) -> bool:
    return any(significant(r.ratio_z) and significant(r.p_z) for r in (agree, disagree))


def representative_statements(matrix: VoteMatrix, grouping: Grouping
                              ) -> dict[int, list[RepresentativeStatement]]:
    """Up to five statements per group that the group agrees (or disagrees) with more than the rest.

    A statement qualifies when both the group's own proportion and its ratio to the others are
    significant; the best "agree" statement always leads, agrees come before disagrees, and a
    group with no qualifying statement still gets its best one (``select-rep-comments``).
    """
    per_group = _group_stats(matrix, grouping)
    chosen: dict[int, list[RepresentativeStatement]] = {}
    for g in range(grouping.k):
        sufficient, best, best_agree = [], None, None
        for j, statement in enumerate(matrix.statements):
            if statement in matrix.moderated_out:
                continue
            own = per_group[g][j]
            others = StatementStats(*(sum(getattr(per_group[h][j], f) for h in range(grouping.k)
                                          if h != g) for f in ("agrees", "disagrees", "seen")))
            agree = _compare(statement, own, others, "agree")
            disagree = _compare(statement, own, others, "disagree")
            rep = _more_representative(agree, disagree)
            if _passes(agree, disagree):
                sufficient.append(rep)
            if not sufficient and (best is None or rep.ratio_z > best.ratio_z):
                best = rep
            if _beats_best_agree(agree, best_agree):
                best_agree = agree
        if not sufficient:
            chosen[g] = [best_agree] if best_agree else ([best] if best else [])
            continue
        ranked = sorted((r for r in sufficient if not best_agree or r.statement != best_agree.statement),
                        key=lambda r: -r.metric)
        top = ([best_agree] if best_agree else []) + ranked
        top = top[:MAX_REPRESENTATIVE]
        chosen[g] = ([r for r in top if r.repful_for == "agree"]
                     + [r for r in top if r.repful_for == "disagree"])
    return chosen


def _beats_best_agree(candidate: RepresentativeStatement,
                      best: RepresentativeStatement | None) -> bool:
    if candidate.group.agrees == 0 and candidate.group.disagrees == 0:
        return False
    if best is not None and best.ratio > 1.0:
        return candidate.metric > best.metric
    if best is not None:
        return candidate.p_success * candidate.p_z > best.p_success * best.p_z
    return significant(candidate.p_z) or (candidate.ratio > 1.0 and candidate.p_success > 0.5)


@dataclass
class ConversationStatement:
    """A statement with how each group voted on it."""

    statement: str
    groups: list[StatementStats]
    score: float


def _statements_by_group(matrix: VoteMatrix, grouping: Grouping):
    per_group = _group_stats(matrix, grouping)
    for j, statement in enumerate(matrix.statements):
        if statement not in matrix.moderated_out:
            yield statement, [per_group[g][j] for g in range(grouping.k)]


def consensus_statements(matrix: VoteMatrix, grouping: Grouping) -> list[ConversationStatement]:
    """Statements that every group agrees with, significantly; most consensual first.

    The score is Polis's group-aware consensus: the product over groups of the probability
    of agreement, so one sceptical group pulls a statement down.
    """
    found = []
    for statement, stats in _statements_by_group(matrix, grouping):
        if stats and all(s.p_agree > 0.5 and significant(s.z_agree) for s in stats):
            found.append(ConversationStatement(statement, stats,
                                               float(np.prod([s.p_agree for s in stats]))))
    return sorted(found, key=lambda c: -c.score)


def divisive_statements(matrix: VoteMatrix, grouping: Grouping) -> list[ConversationStatement]:
    """Statements that one group significantly agrees with and another significantly rejects.

    The score is the widest gap between two groups' agreement probabilities.
    """
    found = []
    for statement, stats in _statements_by_group(matrix, grouping):
        agreeing = [s for s in stats if s.p_agree > 0.5 and significant(s.z_agree)]
        rejecting = [s for s in stats if s.p_disagree > 0.5 and significant(s.z_disagree)]
        if agreeing and rejecting:
            gap = max(s.p_agree for s in stats) - min(s.p_agree for s in stats)
            found.append(ConversationStatement(statement, stats, float(gap)))
    return sorted(found, key=lambda c: -c.score)


def uncertain_statements(matrix: VoteMatrix, grouping: Grouping) -> list[ConversationStatement]:
    """Statements some group has not yet seen often enough to say anything (fewest votes first)."""
    found = []
    for statement, stats in _statements_by_group(matrix, grouping):
        fewest = min((s.seen for s in stats), default=0)
        if fewest < UNCERTAIN_VOTES:
            found.append(ConversationStatement(statement, stats, float(fewest)))
    return sorted(found, key=lambda c: c.score)


@dataclass
class Analysis:
    """Everything an opinion map shows, from one full recompute."""

    grouping: Grouping
    representative: dict[int, list[RepresentativeStatement]]
    consensus: list[ConversationStatement]
    divisive: list[ConversationStatement]
    uncertain: list[ConversationStatement]


def analyse(matrix: VoteMatrix, random_state: int = 0) -> Analysis:
    grouping = groups(matrix, random_state)
    return Analysis(grouping, representative_statements(matrix, grouping),
                    consensus_statements(matrix, grouping), divisive_statements(matrix, grouping),
                    uncertain_statements(matrix, grouping))
