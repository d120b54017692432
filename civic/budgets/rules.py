"""Participatory-budgeting voting rules, with machine-readable explanations.

Pure module (no Flask, no I/O): plain dataclasses in, plain dataclasses out.

Entry point::

    outcome = tally(election, rule=None, tie_break=DEFAULT_TIE_BREAK)

``rule`` defaults to ``election.meta["rule"]``. Supported rules:

``greedy``
    rank projects by score, fund each one that still fits, skip the others.
``greedy-no-skip``
    same ranking, but stop at the first project that does not fit.
``greedy-threshold``
    ``greedy`` restricted to projects whose score reaches the threshold
    (META ``min_project_score_threshold``). The threshold, when present in META,
    makes projects ineligible under *every* rule; ``greedy-threshold`` just
    documents that the city used one.
``equalshares``
    Method of Equal Shares (MES) with each voter's share = budget / voters.
``equalshares/add1``
    MES with Add1 completion: per-voter share starts at ``floor(budget/voters)``
    and grows by one currency unit until the next step would overspend the real
    budget (the last affordable outcome is kept) or every eligible supported
    project is funded. ``add1_exhaustive_stop=True`` additionally stops at the
    first exhaustive outcome (pabutools' variant). Steps at which no decision of
    the run can change are skipped (see ``_Mes.stable_until``), so the count does
    not grow with the size of the currency unit.
``equalshares/add1-comparison``
    ``equalshares/add1`` followed by the comparison step (as in Wieliczka 2023):
    the greedy outcome replaces MES only if strictly more voters prefer it
    (a voter prefers the outcome containing more of the projects they voted for;
    for points ballots, more of their points).

Scores: approval / choose-1 = number of approvals; cumulative / scoring = sum of
points; ordinal = the points column if the file has one, else META
``scoring_fn`` (default Borda: position k of a ranking gets ``L - k`` points,
``L`` = META ``max_length``, else the number of projects), or an explicit
``scoring_fn`` such as ``3,2,1``.

MES utilities: cost utilities for approval / choose-1 ballots (equal payments
per supporter; projects ranked by payment per unit of cost), the points for
cumulative / scoring / ordinal ballots.

Ties are broken by ``tie_break``, a sequence of criteria applied in order
(``min_cost``, ``max_cost``, ``max_votes``, ``min_votes``, ``max_score``, ``id``
(natural order of project ids), ``file_order``, or an explicit sequence of
project ids = priority list); file order is the implicit last resort. Every tie
that had to be broken is listed in ``Outcome.details["ties"]``.
"""

from __future__ import annotations

import gc
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "Ballot",
    "Election",
    "Outcome",
    "Project",
    "ProjectResult",
    "DEFAULT_TIE_BREAK",
    "REASONS",
    "RULES",
    "tally",
    "project_scores",
    "satisfaction_comparison",
]

Number = int | float
TieBreak = Sequence[str | Sequence[str]]

RULES = (
    "greedy",
    "greedy-no-skip",
    "greedy-threshold",
    "equalshares",
    "equalshares/add1",
    "equalshares/add1-comparison",
)

DEFAULT_TIE_BREAK: tuple[str, ...] = ("min_cost", "max_votes", "id")
TIE_CRITERIA = ("min_cost", "max_cost", "max_votes", "min_votes", "max_score", "id", "file_order")

# Reasons (machine-readable). Details keys for each are documented in docs/budgets.md.
FUNDED = "funded"
SKIPPED_DOES_NOT_FIT = "skipped_does_not_fit"
STOPPED_NO_SKIP = "stopped_no_skip"
BELOW_THRESHOLD = "below_threshold"
NO_VOTES = "no_votes"
MES_NOT_AFFORDABLE = "mes_not_affordable"
ADDED_BY_COMPLETION = "added_by_completion"
COMPARISON_CHOSE_GREEDY = "comparison_chose_greedy"
REASONS = frozenset(
    {
        FUNDED,
        SKIPPED_DOES_NOT_FIT,
        STOPPED_NO_SKIP,
        BELOW_THRESHOLD,
        NO_VOTES,
        MES_NOT_AFFORDABLE,
        ADDED_BY_COMPLETION,
        COMPARISON_CHOSE_GREEDY,
    }
)

APPROVAL_TYPES = frozenset({"approval", "choose-1"})
POINT_TYPES = frozenset({"cumulative", "scoring"})

# Relative tolerance under which two MES ratios count as tied (floating point).
RHO_TOLERANCE = 1e-9


# --------------------------------------------------------------------------- data


@dataclass
class Project:
    id: str
    cost: Number
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Ballot:
    """One voter's ballot.

    ``projects``: approved ids (approval), ranking best-first (ordinal), or the
    ids that got points (cumulative / scoring; ``points`` aligned with it).
    """

    voter_id: str
    projects: tuple[str, ...]
    points: tuple[Number, ...] | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Election:
    projects: list[Project]
    ballots: list[Ballot]
    budget: Number
    vote_type: str = "approval"
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def rule(self) -> str | None:
        return self.meta.get("rule")

    def project(self, project_id: str) -> Project:
        for p in self.projects:
            if p.id == project_id:
                return p
        raise KeyError(project_id)


@dataclass
class ProjectResult:
    project_id: str
    name: str
    cost: Number
    score: Number
    votes: int
    selected: bool
    reason: str
    rank: int
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    rule: str
    vote_type: str
    budget: Number
    selected: list[str]
    """The funded line, in the order the rule funded the projects."""
    results: list[ProjectResult]
    """One entry per project: funded ones in funding order, then the rest by rank."""
    total_cost: Number
    tie_break: tuple[Any, ...]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def remaining(self) -> Number:
        return self.budget - self.total_cost

    @property
    def selected_set(self) -> frozenset[str]:
        return frozenset(self.selected)

    def result_for(self, project_id: str) -> ProjectResult:
        for r in self.results:
            if r.project_id == project_id:
                return r
        raise KeyError(project_id)

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable representation."""
        out = asdict(self)
        out["remaining"] = self.remaining
        out["tie_break"] = [list(c) if not isinstance(c, str) else c for c in self.tie_break]
        return out


# ------------------------------------------------------------------ preparation


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    parts = re.split(r"(\d+)", text)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p != "")


def _ordinal_points(election: Election) -> list[float] | None:
    """Points by rank position for ordinal ballots without a points column."""
    fn = election.meta.get("scoring_fn", "").strip()
    if fn and fn.lower() not in ("borda", "borda count"):
        try:
            return [float(x) for x in fn.split(",")]
        except ValueError:
            raise ValueError(f"unsupported scoring_fn {fn!r}") from None
    length = election.meta.get("max_length", "").strip()
    try:
        top = int(float(length)) if length else len(election.projects)
    except ValueError:
        top = len(election.projects)
    longest = max((len(b.projects) for b in election.ballots), default=0)
    top = max(top, longest)
    return [float(top - k) for k in range(top)]


@dataclass
class _Data:
    ids: list[str]
    index: dict[str, int]
    costs: list[Number]
    scores: list[Number]
    votes: list[int]
    # ballots grouped by identical content: per group, (project indices, weights)
    group_projects: list[tuple[int, ...]]
    group_weights: list[tuple[float, ...]]
    multiplicity: np.ndarray
    n_voters: int


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause cyclic GC while building many small objects (re-enabled afterwards)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _prepare(election: Election) -> _Data:
    with _gc_paused():
        return _prepare_data(election)


def _prepare_data(election: Election) -> _Data:
    ids = [p.id for p in election.projects]
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError("duplicate project ids")
    vote_type = election.vote_type
    ordinal_points = None
    if vote_type == "ordinal" and any(b.points is None for b in election.ballots):
        ordinal_points = _ordinal_points(election)
    raw: dict[tuple[tuple[str, ...], tuple[Number, ...] | None], list[Any]] = {}
    for ballot in election.ballots:  # identical ballots share one group
        key = (ballot.projects, ballot.points)
        entry = raw.get(key)
        if entry is None:
            raw[key] = [ballot, 1]
        else:
            entry[1] += 1
    scores = [0.0] * len(ids)
    votes = [0] * len(ids)
    group_projects: list[tuple[int, ...]] = []
    group_weights: list[tuple[float, ...]] = []
    counts: list[int] = []
    approval = vote_type in APPROVAL_TYPES
    for ballot, count in raw.values():
        try:
            idx = tuple([index[pid] for pid in ballot.projects])
        except KeyError as exc:
            raise ValueError(f"ballot {ballot.voter_id!r} names unknown project {exc}") from None
        if len(set(idx)) != len(idx):
            if not approval:
                raise ValueError(f"ballot {ballot.voter_id!r} lists a project twice")
            idx = tuple(dict.fromkeys(idx))
        if approval:
            weights: tuple[float, ...] = (1.0,) * len(idx)
        elif ballot.points is not None:
            if len(ballot.points) != len(idx):
                raise ValueError(f"ballot {ballot.voter_id!r}: projects and points differ in length")
            weights = tuple([float(w) for w in ballot.points])
        elif vote_type == "ordinal":
            assert ordinal_points is not None
            top = len(ordinal_points)
            weights = tuple([ordinal_points[k] if k < top else 0.0 for k in range(len(idx))])
        else:
            raise ValueError(f"ballot {ballot.voter_id!r} has no points ({vote_type} vote)")
        if 0.0 in weights:
            kept = [(i, w) for i, w in zip(idx, weights, strict=True) if w]
            idx = tuple(i for i, _ in kept)
            weights = tuple(w for _, w in kept)
        for i, w in zip(idx, weights, strict=True):
            scores[i] += w * count
            votes[i] += count
        group_projects.append(idx)
        group_weights.append(weights)
        counts.append(count)
    return _Data(
        ids=ids,
        index=index,
        costs=[p.cost for p in election.projects],
        scores=[int(s) if float(s).is_integer() else s for s in scores],
        votes=votes,
        group_projects=group_projects,
        group_weights=group_weights,
        multiplicity=np.asarray(counts, dtype=np.float64),
        n_voters=len(election.ballots),
    )


def project_scores(election: Election) -> dict[str, tuple[Number, int]]:
    """``{project_id: (score, votes)}`` as the greedy rules see them."""
    data = _prepare(election)
    return {pid: (data.scores[i], data.votes[i]) for i, pid in enumerate(data.ids)}


# ----------------------------------------------------------------- tie breaking


class _TieBreaker:
    def __init__(self, data: _Data, tie_break: TieBreak) -> None:
        criteria: list[str | tuple[str, ...]] = []
        for crit in tie_break:
            if isinstance(crit, str):
                if crit not in TIE_CRITERIA:
                    raise ValueError(f"unknown tie-breaking criterion {crit!r}")
                criteria.append(crit)
            else:
                criteria.append(tuple(crit))
        self.criteria = tuple(criteria)
        self.data = data
        n = len(data.ids)
        keys = [tuple(self._component(c, i) for c in self.criteria) + (i,) for i in range(n)]
        self.keys = keys
        order = sorted(range(n), key=keys.__getitem__)
        self.rank = [0] * n
        for pos, i in enumerate(order):
            self.rank[i] = pos

    def _component(self, crit: str | tuple[str, ...], i: int) -> Any:
        d = self.data
        if not isinstance(crit, str):
            return crit.index(d.ids[i]) if d.ids[i] in crit else len(crit)
        return {
            "min_cost": lambda: d.costs[i],
            "max_cost": lambda: -d.costs[i],
            "max_votes": lambda: -d.votes[i],
            "min_votes": lambda: d.votes[i],
            "max_score": lambda: -d.scores[i],
            "id": lambda: _natural_key(d.ids[i]),
            "file_order": lambda: i,
        }[crit]()

    def order(self, projects: Iterable[int]) -> list[int]:
        return sorted(projects, key=self.rank.__getitem__)

    def describe(self, tied: Sequence[int], context: str) -> dict[str, Any]:
        ordered = self.order(tied)
        a, b = self.keys[ordered[0]], self.keys[ordered[1]]
        decided_by = "file_order"
        for crit, ka, kb in zip(self.criteria, a, b, strict=False):
            if ka != kb:
                decided_by = crit if isinstance(crit, str) else "explicit_order"
                break
        return {
            "context": context,
            "projects": [self.data.ids[i] for i in ordered],
            "winner": self.data.ids[ordered[0]],
            "decided_by": decided_by,
        }


# ----------------------------------------------------------------------- greedy


def _fits(cost: Number, remaining: Number, budget: Number) -> bool:
    if isinstance(cost, int) and isinstance(remaining, int):
        return cost <= remaining
    return cost <= remaining + 1e-9 * max(1.0, float(budget))


def _greedy(
    data: _Data,
    budget: Number,
    scores: Sequence[Number],
    *,
    skip: bool,
    threshold: Number | None,
    tb: _TieBreaker,
    ties: list[dict[str, Any]],
) -> tuple[list[int], dict[int, tuple[str, dict[str, Any]]], list[int]]:
    """Returns (selected in order, {project: (reason, details)}, ranking)."""
    n = len(data.ids)
    ranking = sorted(range(n), key=lambda i: (-scores[i], tb.rank[i]))
    start = 0
    while start < n:
        end = start
        while end + 1 < n and scores[ranking[end + 1]] == scores[ranking[start]]:
            end += 1
        if end > start and scores[ranking[start]] > 0:
            ties.append(
                tb.describe(ranking[start : end + 1], f"greedy ranking, score {scores[ranking[start]]}")
            )
        start = end + 1
    remaining: Number = budget
    selected: list[int] = []
    why: dict[int, tuple[str, dict[str, Any]]] = {}
    stopped_at: str | None = None
    for i in ranking:
        cost = data.costs[i]
        if threshold is not None and scores[i] < threshold:
            why[i] = (BELOW_THRESHOLD, {"threshold": threshold})
        elif scores[i] <= 0:
            why[i] = (NO_VOTES, {})
        elif stopped_at is not None:
            why[i] = (STOPPED_NO_SKIP, {"stopped_at": stopped_at, "remaining_budget": remaining})
        elif _fits(cost, remaining, budget):
            why[i] = (FUNDED, {"remaining_before": remaining, "remaining_after": remaining - cost})
            remaining = remaining - cost
            selected.append(i)
        elif skip:
            why[i] = (
                SKIPPED_DOES_NOT_FIT,
                {"remaining_budget": remaining, "shortfall": cost - remaining},
            )
        else:
            stopped_at = data.ids[i]
            why[i] = (
                STOPPED_NO_SKIP,
                {"stopped_at": stopped_at, "remaining_budget": remaining, "does_not_fit": True},
            )
    return selected, why, ranking


# ----------------------------------------------------------- method of equal shares


@dataclass
class _MesProject:
    i: int
    cost: float
    groups: np.ndarray  # supporter group indices
    util: np.ndarray  # utility of one voter of each supporter group
    mult: np.ndarray  # multiplicity of each supporter group
    mult_util: np.ndarray
    total_util: float


@dataclass
class _MesResult:
    per_voter: float
    selected: list[int]
    cost: float
    info: dict[int, dict[str, Any]]
    ties: list[dict[str, Any]]
    evaluations: int = 0
    """How many times a project's rho was looked at: the run's cost, to weigh against
    ``stable_until``'s."""


class _Mes:
    """MES over grouped ballots (identical ballots share one budget entry)."""

    def __init__(self, data: _Data, eligible: Sequence[bool], cost_utility: bool) -> None:
        self.data = data
        n_groups = len(data.group_projects)
        per_project_groups: list[list[int]] = [[] for _ in data.ids]
        per_project_w: list[list[float]] = [[] for _ in data.ids]
        for g in range(n_groups):
            for i, w in zip(data.group_projects[g], data.group_weights[g], strict=True):
                if w > 0:  # (scoring ballots may hold negative points: no support)
                    per_project_groups[i].append(g)
                    per_project_w[i].append(w)
        self.mult = data.multiplicity
        self.projects: list[_MesProject] = []
        self.free: list[int] = []  # zero-cost projects with supporters
        self.unsupported: list[int] = []
        for i in range(len(data.ids)):
            if not eligible[i]:
                continue
            if not per_project_groups[i]:
                self.unsupported.append(i)
                continue
            cost = float(data.costs[i])
            if cost <= 0:
                self.free.append(i)
                continue
            groups = np.asarray(per_project_groups[i], dtype=np.int64)
            w = np.asarray(per_project_w[i], dtype=np.float64)
            util = np.full(len(w), cost) if cost_utility else w
            mult = self.mult[groups]
            mult_util = mult * util
            self.projects.append(_MesProject(i, cost, groups, util, mult, mult_util, float(mult_util.sum())))
        self.n_groups = n_groups

    def run(self, per_voter: float, tb: _TieBreaker, details: bool = False) -> _MesResult:
        budget = np.full(self.n_groups, float(per_voter))
        bound = {p.i: p.cost / p.total_util for p in self.projects}
        remaining = {p.i: p for p in self.projects}
        selected: list[int] = list(self.free)
        info: dict[int, dict[str, Any]] = {}
        for i in self.free:
            info[i] = {"round": 0, "rho": 0.0, "zero_cost": True}
        ties: list[dict[str, Any]] = []
        spent = 0.0
        round_no = 0
        evaluations = 0
        while remaining:
            round_no += 1
            best_rho = math.inf
            cands: list[tuple[float, int]] = []
            for i in sorted(remaining, key=bound.__getitem__):
                if bound[i] > best_rho * (1 + RHO_TOLERANCE):
                    break
                p = remaining[i]
                evaluations += 1
                bs = budget[p.groups]
                money = float(p.mult @ bs)
                if money < p.cost * (1 - 1e-12):
                    del remaining[i]
                    if details:
                        info[i] = {
                            "round": round_no,
                            "supporters_money": money,
                            "cost": p.cost,
                            "rho": None,
                        }
                    continue
                rho = self._rho(p, bs)
                if rho is None:  # affordable only up to rounding noise
                    del remaining[i]
                    if details:
                        info[i] = {
                            "round": round_no,
                            "supporters_money": money,
                            "cost": p.cost,
                            "rho": None,
                        }
                    continue
                bound[i] = rho
                if rho < best_rho:
                    best_rho = rho
                cands.append((rho, i))
            if not cands:
                break
            tied = [i for rho, i in cands if rho <= best_rho * (1 + RHO_TOLERANCE)]
            if len(tied) > 1:
                ties.append(tb.describe(tied, f"equal shares round {round_no}"))
                chosen = tb.order(tied)[0]
            else:
                chosen = tied[0]
            p = remaining.pop(chosen)
            rho = bound[chosen]
            bs = budget[p.groups]
            pay = np.minimum(bs, rho * p.util)
            budget[p.groups] = bs - pay
            spent += p.cost
            selected.append(chosen)
            if details:
                info[chosen] = {
                    "round": round_no,
                    "rho": rho,
                    "supporters_money": float(p.mult @ bs),
                    "cost": p.cost,
                    "max_payment": float(pay.max()),
                }
        return _MesResult(per_voter, selected, spent, info, ties, evaluations)

    def stable_until(
        self, per_voter: float, result: _MesResult, tb: _TieBreaker, horizon: float = math.inf
    ) -> tuple[float, int]:
        """The per-voter budget from which ``run`` may decide differently than ``result``.

        Along one run every voter group's remaining money is an affine function of the
        per-voter budget ``b`` (it starts at ``b``; a group pays either all it has or
        ``rho`` times its utility, and ``rho`` is affine in ``b`` while the set of groups
        that pay all they have stays the same). Each decision of the run — is a project
        affordable, which groups pay all they have, which ratios count as tied — compares
        two such functions, so it holds until the first ``b`` at which one comparison
        changes sign. This replays ``result``'s rounds and returns that smallest ``b``
        (``math.inf`` when no decision ever changes; ``per_voter`` itself when a decision
        is on its edge already), with how many projects it priced. It gives up as soon as
        a decision may change before ``horizon`` (the next step: nothing to skip then).
        """
        b = float(per_voter)
        limit = math.inf
        evaluations = 0
        # money of each group = level + slope * b
        level = np.zeros(self.n_groups)
        slope = np.ones(self.n_groups)
        remaining = {p.i: p for p in self.projects}

        def first_sign_change(value_level: np.ndarray, value_slope: np.ndarray) -> float:
            # value(b') = value_level + value_slope * b': the first b' >= b at which its sign
            # differs from its sign at b (exactly 0 counts as positive)
            moving = (value_slope != 0) & ((value_level + value_slope * b >= 0) ^ (value_slope > 0))
            if not moving.any():
                return math.inf
            roots = np.divide(-value_level, value_slope, out=np.full(moving.shape, math.inf), where=moving)
            return max(b, float(roots.min()))

        def sign_change(value_level: float, value_slope: float) -> float:
            """``first_sign_change`` of a single value."""
            if value_slope == 0 or (value_level + value_slope * b >= 0) == (value_slope > 0):
                return math.inf
            return max(b, -value_level / value_slope)

        def price(p: _MesProject) -> tuple[float, float, np.ndarray] | None:
            """``p``'s rho as level + slope * b and the groups paying all they have, or None
            when ``p`` is unaffordable; lowers ``limit`` to where either may change."""
            nonlocal limit, evaluations
            evaluations += 1
            g_level, g_slope = level[p.groups], slope[p.groups]
            money_level = float(p.mult @ g_level) - p.cost * (1 - 1e-12)
            money_slope = float(p.mult @ g_slope)
            limit = min(limit, sign_change(money_level, money_slope))
            if money_level + money_slope * b < 0:
                return None
            bs = g_level + g_slope * b
            rho = self._rho(p, bs)
            if rho is None:  # affordable only up to rounding noise: on the edge already
                limit = b
                return None
            capped = bs - rho * p.util < 0
            free_util = float(p.mult_util[~capped].sum())
            if free_util <= 0:
                limit = b
                return None
            r_level = (p.cost - float(p.mult[capped] @ g_level[capped])) / free_util
            r_slope = -float(p.mult[capped] @ g_slope[capped]) / free_util
            limit = min(limit, first_sign_change(g_level - r_level * p.util, g_slope - r_slope * p.util))
            return r_level, r_slope, capped

        for chosen in [i for i in result.selected if i not in self.free]:
            if limit < horizon:
                return limit, evaluations
            p = remaining.pop(chosen)
            priced = price(p)
            if priced is None:
                return b, evaluations
            c_level, c_slope, capped = priced
            # A project whose lowest possible rho (cost / total utility, all supporters rich)
            # is above the chosen one's rho beyond the tie tolerance can be neither chosen nor
            # tied, whatever its supporters have left; only the others need their exact rho.
            others = list(remaining.values())
            lowest = np.array([q.cost / q.total_util for q in others])
            far_level = lowest - (1 + RHO_TOLERANCE) * c_level
            far_slope = np.full(len(others), -(1 + RHO_TOLERANCE) * c_slope)
            far = far_level + far_slope * b > 0
            limit = min(limit, first_sign_change(far_level[far], far_slope[far]))
            ids, rho_level, rho_slope = [chosen], [c_level], [c_slope]
            for q, is_far in zip(others, far, strict=True):
                if is_far:
                    continue
                if limit < horizon:
                    return limit, evaluations
                q_priced = price(q)
                if q_priced is None:
                    # unaffordable now, and with less money in later rounds for the rest of the run
                    del remaining[q.i]
                    continue
                ids.append(q.i)
                rho_level.append(q_priced[0])
                rho_slope.append(q_priced[1])
            if len(ids) > 1:
                # tied: rho_p <= (1 + tolerance) * rho_q against every other candidate q
                rl, rs = np.asarray(rho_level), np.asarray(rho_slope)
                gap_level = (1 + RHO_TOLERANCE) * rl[None, :] - rl[:, None]
                gap_slope = (1 + RHO_TOLERANCE) * rs[None, :] - rs[:, None]
                off_diagonal = ~np.eye(len(ids), dtype=bool)
                limit = min(limit, first_sign_change(gap_level[off_diagonal], gap_slope[off_diagonal]))
                rho_now = rl + rs * b
                tied = [i for i, r in zip(ids, rho_now, strict=True)
                        if r <= rho_now.min() * (1 + RHO_TOLERANCE)]
                if tb.order(tied)[0] != chosen:  # the replay disagrees with the run
                    return b, evaluations
            g = p.groups
            new_level = level[g] - c_level * p.util
            new_slope = slope[g] - c_slope * p.util
            new_level[capped] = 0.0
            new_slope[capped] = 0.0
            level[g] = new_level
            slope[g] = new_slope
        for q in remaining.values():  # after the last round nothing may become affordable
            if price(q) is not None:
                return b, evaluations
        return limit, evaluations

    @staticmethod
    def _rho(p: _MesProject, bs: np.ndarray) -> float | None:
        """Smallest rho with sum_i min(budget_i, rho * u_i) >= cost (None: not affordable)."""
        rho0 = p.cost / p.total_util
        ratio = bs / p.util
        if ratio.min() >= rho0:
            return rho0
        order = ratio.argsort(kind="stable")
        r = ratio[order]
        mb = (p.mult * bs)[order]
        mu = p.mult_util[order]
        paid_before = mb.cumsum() - mb
        util_from = mu[::-1].cumsum()[::-1]
        rhos = (p.cost - paid_before) / util_from
        ok = rhos <= r * (1 + 1e-12)
        j = int(ok.argmax())
        if not ok[j]:
            return None
        return float(rhos[j])


# -------------------------------------------------------------------- main API


def _threshold(election: Election, rule: str, threshold: Number | None) -> Number | None:
    if threshold is not None:
        return threshold
    raw = election.meta.get("min_project_score_threshold", "").strip()
    if raw:
        value = float(raw)
        return int(value) if value.is_integer() else value
    if rule == "greedy-threshold":
        raise ValueError("greedy-threshold needs META min_project_score_threshold (or threshold=)")
    return None


def _satisfaction(data: _Data, selected: Iterable[int]) -> np.ndarray:
    chosen = set(selected)
    return np.asarray(
        [
            sum(w for i, w in zip(g, ws, strict=True) if i in chosen)
            for g, ws in zip(data.group_projects, data.group_weights, strict=True)
        ],
        dtype=np.float64,
    )


def satisfaction_comparison(
    election: Election, first: Iterable[str], second: Iterable[str]
) -> tuple[int, int]:
    """How many voters prefer ``first`` / ``second`` (more approved projects, or more points)."""
    data = _prepare(election)
    a = _satisfaction(data, (data.index[p] for p in first))
    b = _satisfaction(data, (data.index[p] for p in second))
    return int(data.multiplicity[a > b].sum()), int(data.multiplicity[b > a].sum())


def tally(
    election: Election,
    rule: str | None = None,
    tie_break: TieBreak = DEFAULT_TIE_BREAK,
    *,
    threshold: Number | None = None,
    add1_integral: bool = True,
    add1_increment: Number = 1,
    add1_exhaustive_stop: bool = False,
    comparison: str = "satisfaction",
) -> Outcome:
    """Count ``election`` with ``rule`` (default: ``election.meta['rule']``) and explain it.

    ``threshold`` overrides META ``min_project_score_threshold``.
    ``add1_integral``: Add1 starts from ``floor(budget / voters)`` per voter
    (equalshares.net default) instead of the exact share.
    ``add1_exhaustive_stop``: also stop Add1 as soon as the outcome is exhaustive
    (pabutools / current equalshares.net default). Off by default because the
    official Wieliczka 2023 result needs the share raised until the next step
    would overspend.
    ``comparison``: ``satisfaction`` (more funded approved projects / points) or
    ``exclusion`` (at least one funded approved project) for the comparison step.
    """
    rule = (rule or election.rule or "").strip()
    if rule not in RULES:
        raise ValueError(f"unknown or missing rule {rule!r}; expected one of {', '.join(RULES)}")
    if comparison not in ("satisfaction", "exclusion"):
        raise ValueError(f"unknown comparison {comparison!r}")
    data = _prepare(election)
    tb = _TieBreaker(data, tie_break)
    limit = _threshold(election, rule, threshold)
    budget = election.budget
    ties: list[dict[str, Any]] = []
    details: dict[str, Any] = {"threshold": limit, "voters": data.n_voters, "ties": ties}

    if rule.startswith("greedy"):
        selected, why, ranking = _greedy(
            data,
            budget,
            data.scores,
            skip=rule != "greedy-no-skip",
            threshold=limit,
            tb=tb,
            ties=ties,
        )
        return _outcome(election, rule, data, tb, selected, why, ranking, details)

    eligible = [limit is None or data.scores[i] >= limit for i in range(len(data.ids))]
    cost_utility = election.vote_type in APPROVAL_TYPES
    mes = _Mes(data, eligible, cost_utility)
    n = max(data.n_voters, 1)
    exact_share = float(budget) / n
    base = mes.run(exact_share, tb, details=True)
    if rule == "equalshares":
        final = base
        details["per_voter_budget"] = exact_share
    else:
        final, steps, runs = _add1(
            data, mes, tb, budget, eligible, add1_integral, add1_increment, add1_exhaustive_stop
        )
        details["per_voter_budget"] = final.per_voter
        details["initial_per_voter_budget"] = exact_share
        details["add1_steps"] = steps
        details["add1_runs"] = runs
    ties.extend(final.ties)
    details["utility"] = "cost" if cost_utility else "points"
    why: dict[int, tuple[str, dict[str, Any]]] = {}
    base_set = set(base.selected)
    for i in range(len(data.ids)):
        if limit is not None and not eligible[i]:
            why[i] = (BELOW_THRESHOLD, {"threshold": limit})
        elif i in mes.unsupported or data.votes[i] == 0:
            why[i] = (NO_VOTES, {})
        elif i in final.selected:
            info = dict(final.info.get(i, {}))
            if i in base_set or rule == "equalshares":
                why[i] = (FUNDED, info)
            else:
                info["per_voter_budget_needed"] = final.per_voter
                why[i] = (ADDED_BY_COMPLETION, info)
        else:
            info = dict(final.info.get(i, {}))
            if i in base_set:
                info["selected_without_completion"] = True
            why[i] = (MES_NOT_AFFORDABLE, info)
    selected = final.selected

    if rule == "equalshares/add1-comparison":
        g_ties: list[dict[str, Any]] = []
        g_scores = data.votes if election.vote_type in APPROVAL_TYPES else data.scores
        g_selected, g_why, _ = _greedy(data, budget, g_scores, skip=True, threshold=limit, tb=tb, ties=g_ties)
        sat_mes = _satisfaction(data, selected)
        sat_greedy = _satisfaction(data, g_selected)
        if comparison == "exclusion":
            sat_mes, sat_greedy = (sat_mes > 0).astype(float), (sat_greedy > 0).astype(float)
        prefers_mes = int(data.multiplicity[sat_mes > sat_greedy].sum())
        prefers_greedy = int(data.multiplicity[sat_greedy > sat_mes].sum())
        chose_greedy = prefers_greedy > prefers_mes
        details["comparison"] = {
            "measure": comparison,
            "prefers_mes": prefers_mes,
            "prefers_greedy": prefers_greedy,
            "chosen": "greedy" if chose_greedy else "mes",
            "greedy_selected": [data.ids[i] for i in g_selected],
            "mes_selected": [data.ids[i] for i in selected],
        }
        if chose_greedy:
            ties.extend(g_ties)
            mes_set = set(selected)
            for i in range(len(data.ids)):
                reason, info = g_why[i]
                info = dict(info, funded_by_mes=i in mes_set)
                if reason == FUNDED:
                    reason = COMPARISON_CHOSE_GREEDY
                why[i] = (reason, info)
            selected = g_selected
    ranking = sorted(range(len(data.ids)), key=lambda i: (-data.scores[i], tb.rank[i]))
    return _outcome(election, rule, data, tb, selected, why, ranking, details)


def _add1(
    data: _Data,
    mes: _Mes,
    tb: _TieBreaker,
    budget: Number,
    eligible: Sequence[bool],
    integral: bool,
    increment: Number,
    exhaustive_stop: bool,
) -> tuple[_MesResult, int, int]:
    """Add1 completion: ``(final run, one-unit steps taken, MES runs needed)``."""
    n = max(data.n_voters, 1)
    share = float(math.floor(budget / n)) if integral else float(budget) / n
    candidates = [
        i for i in range(len(data.ids)) if eligible[i] and data.votes[i] > 0 and i not in mes.unsupported
    ]
    slack = 1e-9 * max(1.0, float(budget))

    def exhaustive(result: _MesResult) -> bool:
        chosen = set(result.selected)
        left = float(budget) - result.cost
        return all(i in chosen or data.costs[i] > left + slack for i in candidates)

    # The literal definition runs MES at share, share + increment, share + 2 * increment, ...
    # The outcome can only change where ``stable_until`` says a decision may change, so the
    # steps before that are skipped. With many voters the decisions change at almost every
    # step and looking ahead costs dozens of runs, so it is paid for like a ski rental: a
    # look-ahead that skipped nothing is tried again only once the one-unit steps taken since
    # cost as much as it did, and then twice as much, and so on.
    steps = 0
    current = mes.run(share, tb)
    runs = 1
    stepped = 0  # evaluations spent on one-unit steps since the last look-ahead
    patience = 0  # evaluations to spend on one-unit steps before looking ahead again
    while len(current.selected) < len(candidates):  # selected is a subset of candidates
        if exhaustive_stop and exhaustive(current):
            break
        nxt_steps = steps + 1
        if stepped >= patience:
            at = share + steps * increment
            until, cost = mes.stable_until(at, current, tb, horizon=at + increment)
            if math.isfinite(until):
                # 1e-6: a change exactly at a step must not be skipped for a rounding error
                nxt_steps = max(nxt_steps, math.ceil((until - share) / increment - 1e-6))
            patience = 0 if nxt_steps > steps + 1 else max(cost, 2 * patience)
            stepped = 0
        nxt = mes.run(share + nxt_steps * increment, tb)
        runs += 1
        stepped += nxt.evaluations
        if nxt.cost > float(budget) + slack:
            steps = nxt_steps - 1  # up to there the outcome is still ``current``
            break
        steps, current = nxt_steps, nxt
    # final run with explanation details
    return mes.run(share + steps * increment, tb, details=True), steps, runs


def _outcome(
    election: Election,
    rule: str,
    data: _Data,
    tb: _TieBreaker,
    selected: list[int],
    why: Mapping[int, tuple[str, dict[str, Any]]],
    ranking: list[int],
    details: dict[str, Any],
) -> Outcome:
    rank_of = {i: r + 1 for r, i in enumerate(ranking)}
    chosen = set(selected)
    order = list(selected) + [i for i in ranking if i not in chosen]
    results = []
    for i in order:
        reason, info = why[i]
        p = election.projects[i]
        results.append(
            ProjectResult(
                project_id=p.id,
                name=p.name,
                cost=p.cost,
                score=data.scores[i],
                votes=data.votes[i],
                selected=i in chosen,
                reason=reason,
                rank=rank_of[i],
                details=info,
            )
        )
    total = sum((data.costs[i] for i in selected), 0)
    return Outcome(
        rule=rule,
        vote_type=election.vote_type,
        budget=election.budget,
        selected=[data.ids[i] for i in selected],
        results=results,
        total_cost=total,
        tie_break=tuple(tb.criteria),
        details=details,
    )
