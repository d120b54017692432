"""World-café seating: who sits at which table in which round.

Pure module (no Flask, no I/O).  Plain data in, plain data out.

Model
-----
* ``tables`` tables, ``rounds`` rounds.  Every table has one *host* who
  stays at that table in every round; everybody else is a *traveller* and
  may move between rounds.
* In every round every present person sits at exactly one table and table
  sizes (host included) differ by at most one.
* Quality is measured by

  - **repeated pairs**: for every pair of people, the number of rounds in
    which they share a table beyond the first one (a pair that sits together
    in three rounds contributes 2).  Host–traveller pairs count too.
  - **revisits**: for every traveller and table, the number of rounds they
    sit at that table beyond the first one.  Hosts never count as revisiting
    their own table.

  The optimiser minimises ``repeated_pairs + revisit_weight * revisits``.
  ``mode="classic"`` uses weight 1, ``mode="topic"`` (every table has its own
  question, so travellers should see as many *tables* as possible) uses
  weight 4; an explicit ``revisit_weight`` overrides the mode.

Algorithm
---------
1. Initial plans.  For a fresh plan an affine ("Kirkman-like") rotation:
   traveller seat ``(home table t0, slot j)`` sits in round ``r`` at table
   ``t0 + m_j * e_r`` computed in the ring Z_T, or in the field GF(T) when T
   is a prime power.  When the multipliers ``m_j``, their differences and the
   round differences are all non-zero-divisors for the rounds used, this has
   zero repeated pairs and zero revisits.  Rounds beyond the T-th (where the
   rotation would repeat itself) are filled greedily.  A greedy, history-aware plan (each
   traveller in turn picks the cheapest table with room) is also built; the
   cheaper of the two is kept.
2. Simulated annealing over moves that keep hosts fixed and sizes balanced:
   swap two travellers between tables of one round, or move a traveller from
   a table of size s+1 to a table of size s.  The search is bounded by an
   *iteration count* (never wall-clock), so results depend only on the input
   and the seed; it stops early once the cost reaches the lower bound.

Lower bound (:func:`lower_bound`)
---------------------------------
A counting bound, valid for every balanced seating with the given hosts, but
not always achievable (e.g. where no resolvable design exists, as in the
social-golfer problem):

* a traveller who has ``F`` rounds still to sit and ``u`` tables never
  visited revisits at least ``max(0, F - u)`` times;
* on a hosted table the traveller meets the host, so every seat at a table
  whose host they already met is a repeated pair: at least
  ``max(0, F - f)`` host repeats where ``f`` is the number of tables whose
  host they have not met (with no history: ``max(0, R - T)``, so with all
  tables hosted ``repeated_pairs >= revisits``);
* traveller–traveller pairs: the number of traveller–traveller
  co-occurrences in a round is fixed by the table sizes (``sum C(n_t, 2)``);
  at most one co-occurrence per pair that has never met is "new", so
  ``repeats >= co-occurrences - fresh pairs``.

Host leaving (:func:`replan`)
-----------------------------
A facilitator expects every table to keep a host who welcomes newcomers and
summarises the conversation so far.  So when a host is absent we *promote* a
present traveller to host that table for the remaining rounds: preferably
someone who sat at that table in the most recent round (then the one with
most visits to it, then the first listed); failing that, whoever visited it
most recently; failing that, any present traveller.  Only when nobody is
left to promote (every present person already hosts) does the table stay
host-less.  Pass ``promote=False`` to keep such tables host-less instead
(their seats are then filled by travellers like any other seat).
"""

from __future__ import annotations

import math
import random
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

PersonId = Hashable
Seating = list[list[PersonId]]
"""One round: ``seating[t]`` lists the people at table ``t`` (host first)."""

Mode = Literal["classic", "topic"]
REVISIT_WEIGHTS: dict[str, float] = {"classic": 1.0, "topic": 4.0}

_EPS = 1e-9


# ---------------------------------------------------------------------------
# Public data types


@dataclass
class Plan:
    """A seating plan.

    ``hosts[t]`` sits at table ``t`` in every round (``None``: host-less
    table, only possible after :func:`replan`).  ``rounds[r][t]`` lists the
    people at table ``t`` in round ``r``, host first.
    """

    hosts: list[PersonId | None]
    rounds: list[Seating]
    revisit_weight: float = 1.0
    promoted: dict[int, PersonId] = field(default_factory=dict)
    """Tables whose absent host was replaced (table -> new host), replan only."""
    iterations: int = 0
    """Local-search iterations actually used."""

    def to_dict(self) -> dict[str, list]:
        return {
            "hosts": list(self.hosts),
            "rounds": [[list(table) for table in rnd] for rnd in self.rounds],
        }


@dataclass(frozen=True)
class Quality:
    repeated_pairs: int
    revisits: int
    distinct_encounters: dict[PersonId, int]
    """Per traveller: number of distinct people met (hosts included)."""
    mean_distinct_encounters: float
    min_distinct_encounters: int
    cost: float
    """``repeated_pairs + revisit_weight * revisits``."""


@dataclass(frozen=True)
class LowerBound:
    repeated_pairs: int
    """Lower bound on repeated pairs (host repeats + traveller repeats)."""
    revisits: int
    host_pair_repeats: int
    traveller_pair_repeats: int

    def cost(self, revisit_weight: float = 1.0) -> float:
        return self.repeated_pairs + revisit_weight * self.revisits


# ---------------------------------------------------------------------------
# Scoring


def _host_sets(hosts: Sequence[object] | Mapping[int, object], tables: int) -> list[set]:
    """Normalise hosts: per table a set of people exempt from revisits.

    An entry may be a person id, ``None`` or a set/frozenset of ids (a table
    whose host changed, e.g. history before and after a promotion).
    """
    out: list[set] = [set() for _ in range(tables)]
    items = hosts.items() if isinstance(hosts, Mapping) else enumerate(hosts)
    for t, h in items:
        if t >= tables:
            continue
        if h is None:
            continue
        if isinstance(h, (set, frozenset)):
            out[t] |= h
        else:
            out[t].add(h)
    return out


def score(
    plan: Plan | Sequence[Sequence[Sequence[PersonId]]],
    hosts: Sequence[object] | Mapping[int, object] | None = None,
    *,
    revisit_weight: float | None = None,
) -> Quality:
    """Measure repeated pairs, revisits and encounters of a plan.

    ``plan`` is a :class:`Plan` or a list of rounds (then give ``hosts``).
    """
    if isinstance(plan, Plan):
        rounds = plan.rounds
        if hosts is None:
            hosts = plan.hosts
        if revisit_weight is None:
            revisit_weight = plan.revisit_weight
    else:
        rounds = plan
    if revisit_weight is None:
        revisit_weight = 1.0
    tables = max((len(r) for r in rounds), default=0)
    host_sets = _host_sets(hosts or [], tables)
    all_hosts = set().union(*host_sets) if host_sets else set()

    pair_count: dict[tuple[int, int], int] = {}
    index: dict[PersonId, int] = {}
    visits: dict[tuple[PersonId, int], int] = {}
    met: dict[PersonId, set[PersonId]] = {}
    revisits = 0
    for rnd in rounds:
        for t, table in enumerate(rnd):
            ids = []
            for p in table:
                if p not in index:
                    index[p] = len(index)
                ids.append(index[p])
                met.setdefault(p, set())
                if p not in host_sets[t]:
                    k = visits.get((p, t), 0)
                    if k:
                        revisits += 1
                    visits[(p, t)] = k + 1
            for i, p in enumerate(table):
                met[p].update(q for q in table if q != p)
                for j in range(i + 1, len(table)):
                    a, b = ids[i], ids[j]
                    key = (a, b) if a < b else (b, a)
                    pair_count[key] = pair_count.get(key, 0) + 1
    repeated = sum(c - 1 for c in pair_count.values() if c > 1)
    distinct = {p: len(s) for p, s in met.items() if p not in all_hosts}
    values = list(distinct.values())
    return Quality(
        repeated_pairs=repeated,
        revisits=revisits,
        distinct_encounters=distinct,
        mean_distinct_encounters=(sum(values) / len(values)) if values else 0.0,
        min_distinct_encounters=min(values) if values else 0,
        cost=repeated + revisit_weight * revisits,
    )


# ---------------------------------------------------------------------------
# Internal optimisation state


class _State:
    """Future rounds of a plan over people indexed 0..P-1 (present people).

    ``cnt[a][b]`` counts co-occurrences of a and b (history + planned future),
    ``vis[x][t]`` counts seats of traveller x at table t (history + future).
    ``tabs[r][t]`` lists the travellers (not the host) at table t in future
    round r and ``pos[r][x]`` is x's table.
    """

    def __init__(
        self,
        n: int,
        tables: int,
        rounds: int,
        host: list[int],
        weight: float,
        cnt: list[list[int]] | None = None,
        vis: list[list[int]] | None = None,
    ) -> None:
        self.n = n
        self.T = tables
        self.R = rounds
        self.host = host  # per table: person index or -1
        self.w = weight
        self.cnt = cnt if cnt is not None else [[0] * n for _ in range(n)]
        self.vis = vis if vis is not None else [[0] * tables for _ in range(n)]
        is_host = [False] * n
        for h in host:
            if h >= 0:
                is_host[h] = True
        self.travellers = [x for x in range(n) if not is_host[x]]
        self.tabs: list[list[list[int]]] = [[[] for _ in range(tables)] for _ in range(rounds)]
        self.pos: list[list[int]] = [[-1] * n for _ in range(rounds)]
        self.base, self.extra = divmod(n, tables) if tables else (0, 0)
        self.cost = 0.0  # future cost added on top of history

    # -- seat bookkeeping -------------------------------------------------

    def _members(self, r: int, t: int) -> list[int]:
        h = self.host[t]
        return self.tabs[r][t] + [h] if h >= 0 else self.tabs[r][t]

    def size(self, r: int, t: int) -> int:
        return len(self.tabs[r][t]) + (1 if self.host[t] >= 0 else 0)

    def join_cost(self, r: int, x: int, t: int, skip: int = -1) -> float:
        """Cost added by seating x at t in round r (ignoring ``skip``)."""
        c = 0.0
        row = self.cnt[x]
        for z in self.tabs[r][t]:
            if z != skip and row[z] >= 1:
                c += 1
        h = self.host[t]
        if h >= 0 and row[h] >= 1:
            c += 1
        if self.vis[x][t] >= 1:
            c += self.w
        return c

    def leave_gain(self, r: int, x: int, t: int) -> float:
        """Cost removed by taking x away from t in round r."""
        c = 0.0
        row = self.cnt[x]
        for z in self.tabs[r][t]:
            if z != x and row[z] >= 2:
                c += 1
        h = self.host[t]
        if h >= 0 and row[h] >= 2:
            c += 1
        if self.vis[x][t] >= 2:
            c += self.w
        return c

    def seat(self, r: int, x: int, t: int) -> None:
        self.cost += self.join_cost(r, x, t)
        row = self.cnt[x]
        for z in self._members(r, t):
            row[z] += 1
            self.cnt[z][x] += 1
        self.vis[x][t] += 1
        self.tabs[r][t].append(x)
        self.pos[r][x] = t

    def unseat(self, r: int, x: int) -> None:
        t = self.pos[r][x]
        self.cost -= self.leave_gain(r, x, t)
        self.tabs[r][t].remove(x)
        row = self.cnt[x]
        for z in self._members(r, t):
            row[z] -= 1
            self.cnt[z][x] -= 1
        self.vis[x][t] -= 1
        self.pos[r][x] = -1

    def snapshot(self) -> list[list[list[int]]]:
        return [[list(tab) for tab in rnd] for rnd in self.tabs]

    def conflicted(self) -> list[tuple[int, int]]:
        """Seats (round, traveller) involved in a repeat or a revisit."""
        out = []
        for r in range(self.R):
            pr = self.pos[r]
            for x in self.travellers:
                t = pr[x]
                if self.vis[x][t] >= 2:
                    out.append((r, x))
                    continue
                row = self.cnt[x]
                h = self.host[t]
                if (h >= 0 and row[h] >= 2) or any(row[z] >= 2 for z in self.tabs[r][t] if z != x):
                    out.append((r, x))
        return out


# ---------------------------------------------------------------------------
# Lower bound


def _comb2(k: int) -> int:
    return k * (k - 1) // 2 if k > 1 else 0


def _min_traveller_cooccurrences(n: int, tables: int, host: list[int]) -> int:
    """Minimum over balanced size assignments of sum_t C(travellers_t, 2)."""
    base, extra = divmod(n, tables)
    hosted = sum(1 for h in host if h >= 0)
    hostless = tables - hosted
    best = None
    lo = max(0, extra - hostless)
    hi = min(extra, hosted)
    if base == 0:
        lo = hi = hosted  # hosted tables need room for their host
    for b_h in range(lo, hi + 1):
        b_f = extra - b_h
        if b_f < 0 or b_f > hostless:
            continue
        v = (
            b_h * _comb2(base)
            + (hosted - b_h) * _comb2(base - 1)
            + b_f * _comb2(base + 1)
            + (hostless - b_f) * _comb2(base)
        )
        best = v if best is None else min(best, v)
    return best or 0


def _bound(st: _State) -> LowerBound:
    """Lower bound on the cost *added* by the future rounds of ``st``.

    ``st`` must hold the history counts only (no future seat placed yet).
    """
    F, T = st.R, st.T
    if F == 0 or T == 0:
        return LowerBound(0, 0, 0, 0)
    all_hosted = all(h >= 0 for h in st.host)
    rev = 0
    host_rep = 0
    for x in st.travellers:
        unvisited = sum(1 for t in range(T) if st.vis[x][t] == 0)
        rev += max(0, F - unvisited)
        if all_hosted:
            fresh = sum(1 for h in st.host if st.cnt[x][h] == 0)
            host_rep += max(0, F - fresh)
    trav = st.travellers
    fresh_pairs = 0
    for i, a in enumerate(trav):
        row = st.cnt[a]
        for b in trav[i + 1 :]:
            if row[b] == 0:
                fresh_pairs += 1
    cooc = F * _min_traveller_cooccurrences(st.n, T, st.host)
    tt_rep = max(0, cooc - fresh_pairs)
    return LowerBound(host_rep + tt_rep, rev, host_rep, tt_rep)


def lower_bound(
    people: int | Sequence[PersonId],
    tables: int,
    rounds: int,
) -> LowerBound:
    """Counting lower bound for a fresh plan with every table hosted.

    See the module docstring for the argument.  Valid, not always tight.
    """
    n = people if isinstance(people, int) else len(people)
    _check(n, tables, rounds)
    st = _State(n, tables, rounds, list(range(tables)), 1.0)
    return _bound(st)


# ---------------------------------------------------------------------------
# Affine construction helpers


def _prime_power(q: int) -> tuple[int, int] | None:
    if q < 2:
        return None
    for p in range(2, q + 1):
        if q % p == 0:
            n, v = 0, q
            while v % p == 0:
                v //= p
                n += 1
            return (p, n) if v == 1 else None
    return None


class _Ring:
    """Z_T or GF(p^n): elements are ints 0..T-1 (base-p digits = coefficients)."""

    def __init__(self, size: int) -> None:
        self.size = size
        pp = _prime_power(size)
        if pp is None or pp[1] == 1 or size > 256:
            self.add = lambda a, b: (a + b) % size
            self.sub = lambda a, b: (a - b) % size
            self.mul = lambda a, b: (a * b) % size
            return
        p, n = pp
        poly = _irreducible(p, n)
        mul_table = [[0] * size for _ in range(size)]
        for a in range(size):
            for b in range(a, size):
                v = _gf_mul(a, b, p, n, poly)
                mul_table[a][b] = mul_table[b][a] = v
        self.add = lambda a, b: _digits_op(a, b, p, n, 1)
        self.sub = lambda a, b: _digits_op(a, b, p, n, -1)
        self.mul = lambda a, b: mul_table[a][b]

    def good(self, x: int, rounds: int) -> bool:
        """x * d != 0 for every round difference d = 1..rounds-1 (d < size)."""
        return all(self.mul(x, d) != 0 for d in range(1, min(rounds, self.size)))


def _to_digits(a: int, p: int, n: int) -> list[int]:
    out = []
    for _ in range(n):
        out.append(a % p)
        a //= p
    return out


def _from_digits(d: Sequence[int], p: int) -> int:
    v = 0
    for c in reversed(d):
        v = v * p + c
    return v


def _digits_op(a: int, b: int, p: int, n: int, sign: int) -> int:
    da, db = _to_digits(a, p, n), _to_digits(b, p, n)
    return _from_digits([(x + sign * y) % p for x, y in zip(da, db, strict=True)], p)


def _poly_mod(c: list[int], poly: list[int], p: int) -> list[int]:
    """Reduce coefficients c (low first) modulo monic poly (low first)."""
    c = list(c)
    n = len(poly) - 1
    for i in range(len(c) - 1, n - 1, -1):
        f = c[i] % p
        if f:
            for j in range(n + 1):
                c[i - n + j] = (c[i - n + j] - f * poly[j]) % p
    return [v % p for v in c[:n]] + [0] * max(0, n - len(c))


def _gf_mul(a: int, b: int, p: int, n: int, poly: list[int]) -> int:
    da, db = _to_digits(a, p, n), _to_digits(b, p, n)
    prod = [0] * (2 * n - 1)
    for i, x in enumerate(da):
        if x:
            for j, y in enumerate(db):
                prod[i + j] += x * y
    return _from_digits(_poly_mod(prod, poly, p), p)


def _irreducible(p: int, n: int) -> list[int]:
    """First monic irreducible polynomial of degree n over GF(p)."""
    for v in range(p**n):
        poly = _to_digits(v, p, n) + [1]
        if poly[0] == 0:
            continue
        if _is_irreducible(poly, p):
            return poly
    raise AssertionError("no irreducible polynomial")  # pragma: no cover


def _is_irreducible(poly: list[int], p: int) -> bool:
    n = len(poly) - 1
    for d in range(1, n // 2 + 1):
        for v in range(p**d):
            div = _to_digits(v, p, d) + [1]
            if not any(_poly_mod(poly, div, p)[:d]):
                return False
    return True


def _multipliers(ring: _Ring, k: int, rounds: int) -> list[int]:
    """k slot multipliers, as many as possible pairwise "good" (see module doc)."""
    size = ring.size
    cands = [x for x in range(1, size) if ring.good(x, rounds)]
    best: list[int] = []
    budget = [20000]

    def dfs(chosen: list[int], start: int) -> bool:
        nonlocal best
        if len(chosen) > len(best):
            best = list(chosen)
        if len(best) >= k:
            return True
        budget[0] -= 1
        if budget[0] <= 0:
            return True
        for i in range(start, len(cands)):
            c = cands[i]
            if all(ring.good(ring.sub(c, m), rounds) for m in chosen):
                chosen.append(c)
                if dfs(chosen, i + 1):
                    return True
                chosen.pop()
        return False

    dfs([], 0)
    out = best[:k]
    filler = [x for x in range(1, size) if x not in out] or [1]
    i = 0
    while len(out) < k:
        out.append(filler[i % len(filler)])
        i += 1
    return out


def _affine(st: _State) -> None:
    """Seat every future round of a fresh state by the affine rotation.

    Requires every table hosted (fresh plan).
    """
    T, R = st.T, st.R
    trav = st.travellers
    m = len(trav)
    tb, te = divmod(m, T)
    kmax = tb + (1 if te else 0)
    ring = _Ring(T)
    mults = _multipliers(ring, kmax, R)
    seats: list[tuple[int, int]] = []
    for j in range(kmax):
        for t0 in range(T):
            if j < tb or t0 < te:
                seats.append((t0, j))
    # Beyond T rounds the rotation would repeat itself; those rounds are left
    # to the (history-aware) greedy construction.
    for r in range(min(R, T)):
        e = r
        for x, (t0, j) in zip(trav, seats, strict=True):
            st.seat(r, x, ring.add(t0, ring.mul(mults[j], e)))


# ---------------------------------------------------------------------------
# Greedy construction and local search


def _greedy(st: _State, rng: random.Random, start: int = 0) -> None:
    """Seat rounds ``start``.. greedily (cheapest table with room)."""
    T = st.T
    base, extra = st.base, st.extra
    for r in range(start, st.R):
        big = sum(1 for t in range(T) if st.size(r, t) > base)
        order = list(st.travellers)
        rng.shuffle(order)
        offset = rng.randrange(T) if T else 0
        for x in order:
            best_t, best_c = -1, math.inf
            for i in range(T):
                t = (i + offset) % T
                s = st.size(r, t)
                if s < base or (s == base and big < extra):
                    c = st.join_cost(r, x, t)
                    if c < best_c - _EPS:
                        best_t, best_c = t, c
            if st.size(r, best_t) == base:
                big += 1
            st.seat(r, x, best_t)


_T_START, _T_END, _P_BAD = 0.6, 0.02, 0.85


def _anneal(st: _State, rng: random.Random, iterations: int, target: float) -> int:
    """Simulated annealing; returns the iterations used.  Keeps the best."""
    R, T = st.R, st.T
    if R == 0 or T < 2 or not st.travellers or st.cost <= target + _EPS:
        return 0
    best_cost = st.cost
    best = st.snapshot()
    slots = [(r, x) for r in range(R) for x in st.travellers]
    t_start, t_end = _T_START, _T_END
    decay = (t_end / t_start) ** (1.0 / max(1, iterations))
    temp = t_start
    bad: list[tuple[int, int]] = []
    refresh = max(64, len(slots) // 4)
    used = 0
    for it in range(iterations):
        used = it + 1
        temp *= decay
        if not bad or it % refresh == 0:
            bad = st.conflicted()
        if bad and rng.random() < _P_BAD:
            r, x = bad[rng.randrange(len(bad))]
        else:
            r, x = slots[rng.randrange(len(slots))]
        a = st.pos[r][x]
        b = rng.randrange(T - 1)
        if b >= a:
            b += 1
        tab_b = st.tabs[r][b]
        can_move = st.size(r, a) == st.size(r, b) + 1
        if tab_b and (not can_move or rng.random() < 0.5):
            y = tab_b[rng.randrange(len(tab_b))]
            delta = (
                st.join_cost(r, x, b, skip=y)
                - st.leave_gain(r, x, a)
                + st.join_cost(r, y, a, skip=x)
                - st.leave_gain(r, y, b)
            )
        elif can_move:
            y = -1
            delta = st.join_cost(r, x, b) - st.leave_gain(r, x, a)
        else:
            continue
        if delta <= _EPS or rng.random() < math.exp(-delta / temp):
            st.unseat(r, x)
            if y >= 0:
                st.unseat(r, y)
                st.seat(r, y, a)
            st.seat(r, x, b)
            if st.cost < best_cost - _EPS:
                best_cost = st.cost
                best = st.snapshot()
                if best_cost <= target + _EPS:
                    break
    if best_cost < st.cost - _EPS:
        _restore(st, best)
    return used


def _restore(st: _State, tabs: list[list[list[int]]]) -> None:
    for r in range(st.R):
        for x in st.travellers:
            st.unseat(r, x)
    for r in range(st.R):
        for t in range(st.T):
            for x in tabs[r][t]:
                st.seat(r, x, t)


def _default_iterations(travellers: int, rounds: int) -> int:
    return min(200_000, 4000 + 200 * travellers * rounds)


# ---------------------------------------------------------------------------
# Public planning functions


def _rng(tag: str, seed: int) -> random.Random:
    # Seating is not security sensitive; a string seed is hashed with SHA-512
    # by ``random`` so streams are reproducible across processes.
    return random.Random(f"{tag}-{seed}")  # noqa: S311 - seating plans, not secrets  # nosec B311


def _check(n: int, tables: int, rounds: int) -> None:
    if tables < 1:
        raise ValueError("need at least one table")
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    if n < tables:
        raise ValueError("need at least one person (the host) per table")


def _weight(mode: Mode, revisit_weight: float | None) -> float:
    if revisit_weight is not None:
        if revisit_weight < 0:
            raise ValueError("revisit_weight must be >= 0")
        return float(revisit_weight)
    if mode not in REVISIT_WEIGHTS:
        raise ValueError(f"unknown mode {mode!r}")
    return REVISIT_WEIGHTS[mode]


def _people_list(people: int | Sequence[PersonId]) -> list[PersonId]:
    ids = list(range(people)) if isinstance(people, int) else list(people)
    if len(set(ids)) != len(ids):
        raise ValueError("duplicate person ids")
    return ids


def _host_indices(ids: list[PersonId], tables: int, hosts: Sequence[PersonId] | None) -> list[int]:
    if hosts is None:
        return list(range(tables))
    if len(hosts) != tables:
        raise ValueError("need exactly one host per table")
    where = {p: i for i, p in enumerate(ids)}
    try:
        idx = [where[h] for h in hosts]
    except KeyError as exc:
        raise ValueError(f"host {exc.args[0]!r} is not among the people") from None
    if len(set(idx)) != len(idx):
        raise ValueError("a person cannot host two tables")
    return idx


def _emit(st: _State, ids: list[PersonId]) -> list[Seating]:
    out = []
    for r in range(st.R):
        rnd = []
        for t in range(st.T):
            h = st.host[t]
            members = ([h] if h >= 0 else []) + sorted(st.tabs[r][t])
            rnd.append([ids[i] for i in members])
        out.append(rnd)
    return out


def plan(
    people: int | Sequence[PersonId],
    tables: int,
    rounds: int,
    seed: int = 0,
    *,
    hosts: Sequence[PersonId] | None = None,
    mode: Mode = "classic",
    revisit_weight: float | None = None,
    iterations: int | None = None,
) -> Plan:
    """Plan ``rounds`` rounds for ``people`` at ``tables`` hosted tables.

    ``people``: a count (ids 0..N-1) or a sequence of distinct ids.
    ``hosts``: ``hosts[t]`` hosts table t (default: the first ``tables``
    people).  ``iterations``: local-search budget (default scales with the
    instance); deterministic for a given seed.
    """
    ids = _people_list(people)
    n = len(ids)
    _check(n, tables, rounds)
    w = _weight(mode, revisit_weight)
    host = _host_indices(ids, tables, hosts)
    target = _bound(_State(n, tables, rounds, host, w)).cost(w)

    affine = _State(n, tables, rounds, host, w)
    _affine(affine)
    _greedy(affine, _rng("greedy-tail", seed), start=min(rounds, tables))
    st = affine
    if affine.cost > target + _EPS:
        greedy = _State(n, tables, rounds, host, w)
        _greedy(greedy, _rng("greedy", seed))
        if greedy.cost < affine.cost - _EPS:
            st = greedy
    its = _default_iterations(len(st.travellers), rounds) if iterations is None else iterations
    used = _anneal(st, _rng("anneal", seed), its, target)
    return Plan(
        hosts=[ids[h] for h in host],
        rounds=_emit(st, ids),
        revisit_weight=w,
        iterations=used,
    )


def random_reshuffle_plan(
    people: int | Sequence[PersonId],
    tables: int,
    rounds: int,
    seed: int = 0,
    *,
    hosts: Sequence[PersonId] | None = None,
) -> Plan:
    """Baseline: hosts fixed, travellers randomly reshuffled every round."""
    ids = _people_list(people)
    n = len(ids)
    _check(n, tables, rounds)
    host = _host_indices(ids, tables, hosts)
    hs = set(host)
    trav = [i for i in range(n) if i not in hs]
    rng = _rng("reshuffle", seed)
    out: list[Seating] = []
    for _ in range(rounds):
        order = list(trav)
        rng.shuffle(order)
        tabs: list[list[int]] = [[h] for h in host]
        # deal round-robin from a random table so sizes stay balanced
        start = rng.randrange(tables)
        for i, x in enumerate(order):
            tabs[(start + i) % tables].append(x)
        out.append([[ids[i] for i in tabs[t][:1] + sorted(tabs[t][1:])] for t in range(tables)])
    return Plan(hosts=[ids[h] for h in host], rounds=out)


def _sort_key(p: PersonId) -> tuple[str, str]:
    return (type(p).__name__, repr(p))


def replan(
    history: Sequence[Sequence[Sequence[PersonId]]],
    present: Iterable[PersonId],
    hosts: Mapping[int, PersonId | None] | Sequence[PersonId | None],
    remaining_rounds: int,
    seed: int = 0,
    *,
    tables: int | None = None,
    mode: Mode = "classic",
    revisit_weight: float | None = None,
    promote: bool = True,
    iterations: int | None = None,
) -> Plan:
    """Re-plan the remaining rounds from the current state.

    ``history``: the rounds already held (``history[r][t]`` = people at table
    t).  ``present``: who takes part from now on (late joiners included,
    leavers excluded).  ``hosts``: table -> host.  Present hosts never move.
    An absent (or missing) host is replaced by promoting a traveller (see the
    module docstring) unless ``promote=False``.  Returns a :class:`Plan` of
    the remaining rounds only; its ``hosts`` are the hosts from now on and
    ``promoted`` maps tables to promoted people.  Repeats and revisits are
    counted against the whole history.
    """
    host_map = dict(hosts) if isinstance(hosts, Mapping) else dict(enumerate(hosts))
    if tables is None:
        tables = max([len(r) for r in history] + [t + 1 for t in host_map] + [0])
    if tables < 1:
        raise ValueError("need at least one table")
    if remaining_rounds < 0:
        raise ValueError("remaining_rounds must be >= 0")
    w = _weight(mode, revisit_weight)

    # canonical, hash-independent order of the present people
    present_set = set(present)
    order: list[PersonId] = []
    seen: set = set()
    for rnd in history:
        for table in rnd:
            for p in table:
                if p in present_set and p not in seen:
                    seen.add(p)
                    order.append(p)
    for t in sorted(host_map):
        h = host_map[t]
        if h in present_set and h not in seen:
            seen.add(h)
            order.append(h)
    rest = [p for p in present_set if p not in seen]
    try:
        rest.sort()
    except TypeError:
        rest.sort(key=_sort_key)
    order += rest
    ids = order
    where = {p: i for i, p in enumerate(ids)}
    n = len(ids)

    # hosts from now on
    new_hosts: list[PersonId | None] = [None] * tables
    taken: set[PersonId] = set()
    for t in range(tables):
        h = host_map.get(t)
        if h is not None and h in present_set and h not in taken:
            new_hosts[t] = h
            taken.add(h)
    promoted: dict[int, PersonId] = {}
    if promote:
        # pass 1: tables with an eligible person there in the last round (no
        # conflicts: one seat per person per round); pass 2: fallbacks.
        for last_round_only in (True, False):
            for t in range(tables):
                if new_hosts[t] is not None:
                    continue
                cand = _promotion_candidate(
                    history, t, present_set, taken, ids, last_round_only=last_round_only
                )
                if cand is None:
                    continue
                new_hosts[t] = cand
                promoted[t] = cand
                taken.add(cand)
    host = [where[h] if h is not None else -1 for h in new_hosts]

    cnt = [[0] * n for _ in range(n)]
    vis = [[0] * tables for _ in range(n)]
    for rnd in history:
        for t, table in enumerate(rnd):
            idx = [where[p] for p in table if p in where]
            for i, a in enumerate(idx):
                if t < tables:
                    vis[a][t] += 1
                for b in idx[i + 1 :]:
                    cnt[a][b] += 1
                    cnt[b][a] += 1
    st = _State(n, tables, remaining_rounds, host, w, cnt, vis)
    target = _bound(st).cost(w)
    _greedy(st, _rng("greedy", seed))
    its = iterations
    if its is None:
        its = _default_iterations(len(st.travellers), remaining_rounds)
    used = _anneal(st, _rng("anneal", seed), its, target)
    return Plan(
        hosts=new_hosts,
        rounds=_emit(st, ids),
        revisit_weight=w,
        promoted=promoted,
        iterations=used,
    )


def _promotion_candidate(
    history: Sequence[Sequence[Sequence[PersonId]]],
    table: int,
    present: set,
    taken: set,
    ids: list[PersonId],
    *,
    last_round_only: bool = False,
) -> PersonId | None:
    ok = [p for p in ids if p in present and p not in taken]
    if not ok:
        return None
    okset = set(ok)
    visits: dict[PersonId, int] = {}
    for rnd in history:
        if table < len(rnd):
            for p in rnd[table]:
                if p in okset:
                    visits[p] = visits.get(p, 0) + 1
    # most recent round in which some eligible person sat at the table
    for rnd in reversed(history):
        if table < len(rnd):
            here = [p for p in rnd[table] if p in okset]
            if here:
                return max(here, key=lambda p: (visits.get(p, 0), -here.index(p)))
        if last_round_only:
            return None
    return None if last_round_only else ok[0]
