"""無作為抽出 (sortition): the pure core of a civic lottery. Plain data in, plain data out.

Stage 1, invitations (招待状): :func:`draw_invitations` draws N residents from the register,
simply at random or stratified proportionally (e.g. by area × age band), at most one per household.

Stage 2, the panel (抽選): from the pool of residents who replied and are available,
:func:`find_distribution` finds a probability distribution over panels that all meet the quotas
(min and max per feature value), chosen so that the pool members' chances are as equal as the
quotas allow, with the algorithms of Flanigan et al. (Nature 2021) as the Sortition Foundation's
``sortition-algorithms`` implements them: ``maximin`` (the default) maximises the smallest
selection probability, ``nash`` the product of the probabilities. :func:`draw_panel` then draws
one panel from that distribution with a public seed.

People with the same values for every feature (the same *profile*, e.g. 川端地区 × 20代 × 女性)
are interchangeable for the quotas, so a distribution is a lottery over *compositions* (how many
people of each profile sit on the panel), and within a profile everyone has the same chance.
Both algorithms are computed here over profiles, by the paper's column generation with HiGHS
(and cvxpy for nash), as the library runs it over people (see :func:`_maximin` for why not by the
library itself); the explanation of infeasible quotas comes from the library. The distribution
depends only on the pool, the quotas, the size and the algorithm: inputs are sorted, and the
solvers are single-threaded and seeded with constants.

The draw (検証可能な抽選) is checkable by hand:

1. profiles are sorted (by their values, in the order the features file names the features),
   and so are the compositions (as lists of counts, one per profile); composition k covers the
   interval [p₁+…+pₖ₋₁, p₁+…+pₖ) of [0, 1), pₖ being its chance;
2. the seed (any text, e.g. digits drawn in public at the event) is hashed with SHA-256; its
   64 hex digits read as a number and divided by 2²⁵⁶ give a point u in [0, 1); the composition
   whose interval contains u is drawn;
3. within each profile, its members are ranked by SHA-256 of ``seed:id`` (as hex, smallest
   first) and as many as the composition says are taken from the top.

Publish the SHA-256 of the input files (``sha256sum``; the command line prints them) with the
panel size before the seed is known, so that nobody can change the inputs after seeing it; anyone
can then recompute the distribution and the draw.

Replacements (補充): :func:`draw_replacement` draws, with a seed, one non-selected pool member who
keeps every quota met when a panel member drops out. Quotas can be suggested from the register's
proportions with :func:`suggest_quotas`.

Problems with the quotas come back as :class:`Conflict` records (feature, value, needed, available)
so that a user interface can word them in any language; :meth:`Conflict.describe` words them in
English for the command line.
"""

import csv
import hashlib
import io
import math
import random
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from itertools import accumulate, permutations

ALGORITHMS = ("maximin", "nash")

# The library seeds the solver and its own weights from this; any fixed value makes runs repeatable.
LIBRARY_SEED = 20211014
# Column generation stops when no composition beats the bound by more than this; compositions
# with a smaller chance than CHANCE_FLOOR are solver noise and are dropped.
GAP = 1e-7
CHANCE_FLOOR = 1e-9
# Nash's column generation stops at the gradient gap sortition-algorithms uses (its EPS_NASH).
NASH_GAP = 0.1


@dataclass(frozen=True)
class Quota:
    """How many panel members may have ``value`` for ``feature`` (e.g. 年代 = 20代): min..max."""

    feature: str
    value: str
    min: int
    max: int


@dataclass(frozen=True)
class Conflict:
    """One reason why no panel can meet the quotas.

    ``kind`` says which rule is broken; ``needed`` and ``available`` are numbers of people:

    - ``pool_too_small``: the pool has ``available`` people, the panel needs ``needed``;
    - ``min_above_max``: the quota of feature/value has min ``needed`` above max ``available``;
    - ``mins_above_size``: the mins of ``feature`` add up to ``needed``, above the panel size
      ``available``;
    - ``maxes_below_size``: within the maxes of ``feature`` (and who is in the pool) at most
      ``available`` people can be chosen, fewer than the panel size ``needed``;
    - ``not_enough_in_pool``: the min of feature/value is ``needed``, the pool has ``available``;
    - ``too_few_with_other``: the min of feature/value is ``needed``, but within the maxes of
      ``other_feature`` at most ``available`` of them can be chosen;
    - ``too_many_for_other``: filling the mins of ``other_feature`` takes at least ``needed``
      people with feature/value, whose max is ``available``;
    - ``at_max`` (replacements): feature/value is at its max ``available``; a replacement with
      it would make ``needed``;
    - ``lower_min`` / ``raise_max``: no single rule is broken but the quotas cannot all be met
      together; the library's smallest relaxation changes this bound from ``needed`` to
      ``available``.
    """

    kind: str
    feature: str = ""
    value: str = ""
    needed: int = 0
    available: int = 0
    other_feature: str = ""

    def describe(self) -> str:
        """The reason in English (the command line's language)."""
        label = f"{self.feature}={self.value}"
        match self.kind:
            case "pool_too_small":
                return f"the pool has {self.available} people, fewer than the panel size {self.needed}"
            case "min_above_max":
                return f"{label}: min {self.needed} is above max {self.available}"
            case "mins_above_size":
                return (f"the mins of {self.feature} add up to {self.needed}, "
                        f"more than the panel size {self.available}")
            case "maxes_below_size":
                return (f"within the maxes of {self.feature} and who is in the pool, at most "
                        f"{self.available} people can be chosen, fewer than the panel size "
                        f"{self.needed}")
            case "not_enough_in_pool":
                return (f"not enough {label} in the pool: the min is {self.needed}, "
                        f"the pool has {self.available}")
            case "too_few_with_other":
                return (f"not enough {label} within the {self.other_feature} quotas: the min is "
                        f"{self.needed}, but the maxes of {self.other_feature} let at most "
                        f"{self.available} of them be chosen")
            case "too_many_for_other":
                return (f"the mins of {self.other_feature} cannot be filled without at least "
                        f"{self.needed} {label}, whose max is {self.available}")
            case "at_max":
                return (f"{label} is at its max of {self.available}: a replacement with it "
                        f"would make {self.needed}")
            case "lower_min":
                return f"lower the min of {label} from {self.needed} to {self.available}"
            case _:
                return f"raise the max of {label} from {self.needed} to {self.available}"


RELAXATIONS = ("lower_min", "raise_max")


class InfeasibleQuotas(Exception):
    """No panel of the wanted size meets every quota; ``conflicts`` says why (or, when they are
    all RELAXATIONS, which smallest change to the quotas would make them feasible)."""

    def __init__(self, conflicts: Sequence[Conflict]):
        self.conflicts = tuple(conflicts)
        super().__init__("; ".join(conflict.describe() for conflict in self.conflicts))


@dataclass(frozen=True)
class Distribution:
    """A lottery over panel compositions.

    ``profiles`` are the combinations of feature values present in the pool (in the order of
    ``features``), sorted; ``members[t]`` are the ids with profile t, sorted. A composition says
    how many people of each profile sit on the panel; ``compositions`` are sorted and
    ``chances[k]`` is the chance of composition k. ``probabilities`` are each pool member's
    chance of selection (the marginals).
    """

    algorithm: str
    size: int
    features: tuple[str, ...]
    profiles: tuple[tuple[str, ...], ...]
    members: tuple[tuple[str, ...], ...]
    compositions: tuple[tuple[int, ...], ...]
    chances: tuple[float, ...]
    probabilities: dict[str, float] = field(compare=False)

    @property
    def min_probability(self) -> float:
        return min(self.probabilities.values())

    @cached_property
    def bounds(self) -> list[Fraction]:
        """The exact upper end of each composition's interval: p₁, p₁+p₂, …"""
        return list(accumulate(Fraction(chance) for chance in self.chances))


@dataclass(frozen=True)
class QuotaCount:
    """One row of the table of quotas against the panel drawn."""

    quota: Quota
    pool: int
    panel: int

    @property
    def met(self) -> bool:
        return self.quota.min <= self.panel <= self.quota.max


# Reading the command line's CSV files ------------------------------------------------------------

def read_pool(text: str, features: Iterable[str]) -> dict[str, dict[str, str]]:
    """Parse POOL.csv (a column ``id`` and one column per feature) into {id: {feature: value}}.

    Raises ValueError naming the line of a missing id, a duplicate id or an empty value.
    """
    features = list(features)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ["id", *features] if name not in columns]
    if missing:
        raise ValueError(f"the pool has no column {', '.join(missing)}")
    pool: dict[str, dict[str, str]] = {}
    for line, row in enumerate(reader, start=2):
        row = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        person = row["id"]
        if not person:
            raise ValueError(f"line {line}: the id is empty")
        if person in pool:
            raise ValueError(f"line {line}: the id {person} appears twice")
        empty = [name for name in features if not row[name]]
        if empty:
            raise ValueError(f"line {line}: no value for {', '.join(empty)}")
        pool[person] = {name: row[name] for name in features}
    return pool


def read_quotas(text: str) -> list[Quota]:
    """Parse FEATURES.csv in the sortition-algorithms format (columns ``feature,value,min,max``)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    columns = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in ("feature", "value", "min", "max") if name not in columns]
    if missing:
        raise ValueError(f"the features file has no column {', '.join(missing)}")
    quotas: list[Quota] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        row = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        if not row["feature"]:
            continue
        if not row["value"]:
            raise ValueError(f"line {line}: the value is empty")
        try:
            low, high = int(row["min"]), int(row["max"])
        except ValueError:
            raise ValueError(f"line {line}: min and max must be whole numbers") from None
        if low < 0 or high < 0:
            raise ValueError(f"line {line}: min and max must not be negative")
        # The library matches values case-insensitively, so values must differ by more than case.
        key = (row["feature"].casefold(), row["value"].casefold())
        if key in seen:
            raise ValueError(f"line {line}: {row['feature']}={row['value']} appears twice")
        seen.add(key)
        quotas.append(Quota(row["feature"], row["value"], low, high))
    if not quotas:
        raise ValueError("the features file has no quotas")
    return quotas


def features_of(quotas: Iterable[Quota]) -> list[str]:
    """The features named by ``quotas``, in first-seen order."""
    return list(dict.fromkeys(quota.feature for quota in quotas))


# Checking the quotas -----------------------------------------------------------------------------

def _grouped(quotas: Iterable[Quota]) -> dict[str, dict[str, Quota]]:
    grouped: dict[str, dict[str, Quota]] = defaultdict(dict)
    for quota in quotas:
        grouped[quota.feature][quota.value] = quota
    return grouped


def check_pool(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota]) -> None:
    """Raise ValueError if a pool member's value is not one the quotas list for that feature."""
    allowed = {feature: set(values) for feature, values in _grouped(quotas).items()}
    for person in sorted(pool):
        for feature, values in allowed.items():
            value = pool[person].get(feature, "")
            if value not in values:
                raise ValueError(f"{person}: {feature}={value!r} is not a value in the features file")


def find_conflicts(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota],
                   size: int) -> list[Conflict]:
    """Quota problems that can be seen without solving: each feature alone, then pairs of features.

    An empty list does not prove the quotas feasible (three features can conflict where no two
    do); :func:`find_distribution` then asks the library which quotas to relax.
    """
    grouped = _grouped(quotas)
    conflicts: list[Conflict] = []
    if len(pool) < size:
        conflicts.append(Conflict("pool_too_small", needed=size, available=len(pool)))
    counts = {feature: Counter(person[feature] for person in pool.values()) for feature in grouped}
    for feature, values in grouped.items():
        for quota in values.values():
            if quota.min > quota.max:
                conflicts.append(Conflict("min_above_max", feature, quota.value, quota.min, quota.max))
            elif counts[feature][quota.value] < quota.min:
                conflicts.append(Conflict("not_enough_in_pool", feature, quota.value, quota.min,
                                          counts[feature][quota.value]))
        mins = sum(quota.min for quota in values.values())
        # A max above the number in the pool cannot be used, so count only who is there.
        maxes = sum(min(quota.max, counts[feature][quota.value]) for quota in values.values())
        if mins > size:
            conflicts.append(Conflict("mins_above_size", feature, needed=mins, available=size))
        if maxes < size:
            conflicts.append(Conflict("maxes_below_size", feature, needed=size, available=maxes))
    if conflicts:
        return conflicts
    for feature, other in permutations(grouped, 2):
        pairs = Counter((person[feature], person[other]) for person in pool.values())
        for value, quota in grouped[feature].items():
            # Within other's maxes, at most this many people with `value` fit on a panel …
            fit = sum(min(pairs[value, other_value], other_quota.max)
                      for other_value, other_quota in grouped[other].items())
            if fit < quota.min:
                conflicts.append(Conflict("too_few_with_other", feature, value, quota.min, fit,
                                          other))
            # … and other's mins force at least this many of them onto it.
            forced = sum(max(0, other_quota.min
                             - (counts[other][other_value] - pairs[value, other_value]))
                         for other_value, other_quota in grouped[other].items())
            if forced > quota.max:
                conflicts.append(Conflict("too_many_for_other", feature, value, forced, quota.max,
                                          other))
    return conflicts


def quota_table(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota],
                panel: Iterable[str]) -> list[QuotaCount]:
    """Each quota with how many of the pool and of ``panel`` have its value."""
    panel = list(panel)
    rows = []
    for quota in quotas:
        in_pool = sum(1 for person in pool.values() if person[quota.feature] == quota.value)
        in_panel = sum(1 for person in panel if pool[person][quota.feature] == quota.value)
        rows.append(QuotaCount(quota, in_pool, in_panel))
    return rows


def meets_quotas(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota],
                 panel: Iterable[str]) -> bool:
    return all(row.met for row in quota_table(pool, quotas, panel))


# The distribution and the draw -------------------------------------------------------------------

def find_distribution(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota], size: int,
                      algorithm: str = "maximin") -> Distribution:
    """The distribution over quota-meeting panels of ``size`` that ``algorithm`` finds.

    Raises InfeasibleQuotas when no such panel exists, ValueError on bad input.
    """
    if algorithm not in ALGORITHMS:
        raise ValueError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if size < 1:
        raise ValueError("the panel size must be at least 1")
    check_pool(pool, quotas)
    conflicts = find_conflicts(pool, quotas, size)
    if conflicts:
        raise InfeasibleQuotas(conflicts)
    features = tuple(features_of(quotas))
    grouped: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for person in sorted(pool):
        grouped[tuple(pool[person][feature] for feature in features)].append(person)
    profiles = tuple(sorted(grouped))
    members = tuple(tuple(grouped[profile]) for profile in profiles)
    if algorithm == "maximin":
        mix = _maximin(profiles, members, features, quotas, size)
    else:
        mix = _nash(profiles, members, features, quotas, size)
    if mix is None:
        raise InfeasibleQuotas(_library_relaxation(pool, quotas, size))
    merged: dict[tuple[int, ...], float] = defaultdict(float)
    for composition, chance in mix:
        if chance > CHANCE_FLOOR:
            merged[composition] += chance
    total = sum(merged.values())
    compositions = tuple(sorted(merged))
    chances = tuple(merged[composition] / total for composition in compositions)
    probabilities = {}
    for index, group in enumerate(members):
        expected = sum(chance * composition[index]
                       for composition, chance in zip(compositions, chances, strict=True))
        probabilities.update(dict.fromkeys(group, expected / len(group)))
    return Distribution(algorithm, size, features, profiles, members, compositions, chances,
                        dict(sorted(probabilities.items())))


def _highs():
    import highspy

    solver = highspy.Highs()
    for option, value in (("output_flag", False), ("random_seed", 0), ("threads", 1),
                          ("mip_rel_gap", 0.0)):
        solver.setOptionValue(option, value)
    return solver


def _add_row(solver, lower: float, upper: float, columns: Sequence[int],
             values: Sequence[float]) -> None:
    import numpy

    solver.addRow(lower, upper, len(columns), numpy.array(columns, dtype=numpy.int32),
                  numpy.array(values, dtype=float))


def _solve(solver, costs: Sequence[float], maximize: bool) -> list[float] | None:
    """Set the objective, solve, and return the variables' values (None unless optimal)."""
    import highspy
    import numpy

    solver.changeColsCost(len(costs), numpy.arange(len(costs), dtype=numpy.int32),
                          numpy.array(costs, dtype=float))
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize
                                else highspy.ObjSense.kMinimize)
    solver.run()
    if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return list(solver.getSolution().col_value)


def _composition_solver(profiles, members, features, quotas, size):
    """An integer program whose variable t is how many people of profile t sit on the panel, with
    the panel size and the quotas as constraints; each objective then picks one composition."""
    import highspy
    import numpy

    solver = _highs()
    solver.addVars(len(members), numpy.zeros(len(members)),
                   numpy.array([len(group) for group in members], dtype=float))
    solver.changeColsIntegrality(len(members), numpy.arange(len(members), dtype=numpy.int32),
                                 numpy.array([highspy.HighsVarType.kInteger] * len(members)))
    _add_row(solver, size, size, range(len(members)), [1.0] * len(members))
    for quota in quotas:
        position = features.index(quota.feature)
        with_value = [index for index, profile in enumerate(profiles)
                      if profile[position] == quota.value]
        if with_value:
            _add_row(solver, quota.min, quota.max, with_value, [1.0] * len(with_value))
    return solver


def _best_composition(solver, weights: Sequence[float]) -> tuple[int, ...] | None:
    values = _solve(solver, weights, maximize=True)
    return None if values is None else tuple(round(value) for value in values)


def _covering_start(pricing, sizes: Sequence[int]):
    """For each profile, a composition with as many of its people as possible; returns those
    compositions and the profiles they reach (the others are on no quota-meeting panel)."""
    start: list[tuple[int, ...]] = []
    reachable = [False] * len(sizes)
    for index in range(len(sizes)):
        if not reachable[index]:
            composition = _best_composition(pricing, [float(t == index) for t in range(len(sizes))])
            if composition[index]:
                start.append(composition)
                reachable = [seen or count > 0 for seen, count in zip(reachable, composition,
                                                                     strict=True)]
    return start, [index for index, seen in enumerate(reachable) if seen]


def _maximin(profiles, members, features, quotas, size):
    """Maximin by column generation, as in Flanigan et al. (2021) and sortition-algorithms, with
    the people of one profile merged: they are interchangeable, so some optimal distribution gives
    them equal chances, and only the panels' compositions (how many of each profile) are chosen.
    That turns each integer program over every pool member into one over at most a few hundred
    profiles. The library solves its integer program over people twice per pool member before it
    starts: 500 people and a panel of 30 took over two minutes here, against the goal of 10
    seconds for 2,000 people and a panel of 100 (bench/sortition.py).

    Returns [(composition, chance)], or None if no composition meets the quotas.
    """
    import numpy

    sizes = [len(group) for group in members]
    pricing = _composition_solver(profiles, members, features, quotas, size)
    if _best_composition(pricing, [0.0] * len(sizes)) is None:
        return None
    start, covered = _covering_start(pricing, sizes)
    # The dual: weights y (one per reachable profile, adding up to 1) that make the heaviest
    # composition as light as possible; a composition heavier than the bound z joins the columns.
    dual = _highs()
    dual.addVars(len(covered) + 1, numpy.zeros(len(covered) + 1),
                 numpy.array([1.0] * len(covered) + [float(size)]))
    _add_row(dual, 1.0, 1.0, range(len(covered)), [1.0] * len(covered))

    def add_column(composition: tuple[int, ...]) -> None:
        _add_row(dual, -numpy.inf, 0.0, range(len(covered) + 1),
                 [composition[t] / sizes[t] for t in covered] + [-1.0])
        columns.append(composition)

    columns: list[tuple[int, ...]] = []
    for composition in start:
        add_column(composition)
    while True:
        values = _solve(dual, [0.0] * len(covered) + [1.0], maximize=False)
        weights = [0.0] * len(sizes)
        for position, index in enumerate(covered):
            weights[index] = values[position] / sizes[index]
        composition = _best_composition(pricing, weights)
        heaviest = sum(weight * count for weight, count in zip(weights, composition, strict=True))
        if heaviest <= values[-1] + GAP or composition in columns:
            break
        add_column(composition)
    # The primal: chances for the columns that maximise the smallest person's probability.
    primal = _highs()
    primal.addVars(len(columns) + 1, numpy.zeros(len(columns) + 1), numpy.ones(len(columns) + 1))
    _add_row(primal, 1.0, 1.0, range(len(columns)), [1.0] * len(columns))
    for index in covered:
        _add_row(primal, 0.0, numpy.inf, range(len(columns) + 1),
                 [column[index] / sizes[index] for column in columns] + [-1.0])
    chances = _solve(primal, [0.0] * len(columns) + [1.0], maximize=True)
    return [(column, max(chance, 0.0)) for column, chance in zip(columns, chances, strict=False)]


def _library_inputs(pool, quotas):
    from sortition_algorithms.features import FeatureValueMinMax, set_default_max_flex
    from sortition_algorithms.people import People

    features = {feature: {value: FeatureValueMinMax(min=quota.min, max=quota.max)
                          for value, quota in values.items()}
                for feature, values in _grouped(quotas).items()}
    set_default_max_flex(features)
    # Positions, not ids: small integers hash the same in every process, strings do not, and the
    # library keeps people in sets whose order steers its solver.
    ids = sorted(pool)
    people = People(columns_to_keep=[])
    for position, person in enumerate(ids):
        people.add(position, dict(pool[person]), features, row_number=position + 2)
    return features, people, ids


def _seeded_library(call):
    """Run ``call`` with the library's random generator seeded by a constant, so that it is
    repeatable; the library seeds the global ``random`` module, whose state is put back."""
    from sortition_algorithms.utils import set_random_provider

    random_state = random.getstate()
    set_random_provider(LIBRARY_SEED)
    try:
        return call()
    finally:
        set_random_provider(None)  # the library's default, the secrets module
        random.setstate(random_state)


def _nash(profiles, members, features, quotas, size):
    """Nash welfare (the largest product of everyone's probabilities) by the column generation
    that sortition-algorithms runs, over profiles for the reason :func:`_maximin` gives. The
    convex program over the columns (maximise Σ size(t) × log(expected count of t) over the
    reachable profiles t) goes to cvxpy's Clarabel rather than the library's SCS: an interior
    point method, it solved 500 people / panel 30 in 7 s instead of 25 s here, with fewer
    columns and the same welfare.

    Returns [(composition, chance)], or None if no composition meets the quotas.
    """
    import cvxpy
    import numpy

    sizes = [len(group) for group in members]
    pricing = _composition_solver(profiles, members, features, quotas, size)
    if _best_composition(pricing, [0.0] * len(sizes)) is None:
        return None
    columns, covered = _covering_start(pricing, sizes)
    people = numpy.array([sizes[index] for index in covered], dtype=float)
    chances = numpy.full(len(columns), 1 / len(columns))
    while True:
        counts = numpy.array([[column[index] for column in columns] for index in covered],
                             dtype=float)
        mix = cvxpy.Variable(len(columns))
        mix.value = chances
        problem = cvxpy.Problem(cvxpy.Maximize(people @ cvxpy.log(counts @ mix)),
                                [mix >= 0, cvxpy.sum(mix) == 1])
        problem.solve(solver=cvxpy.CLARABEL)
        chances = numpy.clip(mix.value, 0, None)
        chances /= chances.sum()
        # The objective's gradient: how much one more of each profile on a panel would add.
        weights = numpy.zeros(len(sizes))
        weights[covered] = people / numpy.maximum(counts @ chances, CHANCE_FLOOR)
        best_known = float((weights[covered] @ counts).max())
        composition = _best_composition(pricing, list(weights))
        gain = float(weights @ numpy.array(composition, dtype=float))
        if gain <= best_known + NASH_GAP or composition in columns:
            return list(zip(columns, chances.tolist(), strict=True))
        columns.append(composition)
        chances = numpy.append(chances, 0.0)


def _library_relaxation(pool, quotas, size) -> list[Conflict]:
    """Ask sortition-algorithms for the smallest change to the quotas that makes them feasible."""
    from sortition_algorithms import InfeasibleQuotasCantRelaxError, InfeasibleQuotasError
    from sortition_algorithms.committee_generation import setup_committee_generation

    features, people, _ids = _library_inputs(pool, quotas)
    try:
        _seeded_library(lambda: setup_committee_generation(features, people, size, []))
    except InfeasibleQuotasError as error:
        return _relaxations(features, error.features)
    except InfeasibleQuotasCantRelaxError:
        pass
    return []


def _relaxations(features, relaxed) -> list[Conflict]:
    conflicts = []
    for feature, values in features.items():
        for value, bounds in values.items():
            suggested = relaxed[feature][value]
            if suggested.min < bounds.min:
                conflicts.append(Conflict("lower_min", feature, value, bounds.min, suggested.min))
            if suggested.max > bounds.max:
                conflicts.append(Conflict("raise_max", feature, value, bounds.max, suggested.max))
    return conflicts


def seed_point(seed: str) -> Fraction:
    """The point in [0, 1) that SHA-256 of ``seed`` stands for (its hex digits over 2²⁵⁶)."""
    return Fraction(int(hashlib.sha256(seed.encode()).hexdigest(), 16), 2 ** 256)


def seed_rank(seed: str, person: str) -> bytes:
    """What orders people in a seeded choice: SHA-256 of ``seed:id``, smallest first."""
    return hashlib.sha256(f"{seed}:{person}".encode()).digest()


def draw_panel(distribution: Distribution, seed: str) -> tuple[str, ...]:
    """The panel the public ``seed`` draws from ``distribution`` (sorted ids); see the module's
    docstring for the steps."""
    index = bisect_right(distribution.bounds, seed_point(seed))
    # The chances add up to 1 only up to rounding; a point beyond their sum takes the last one.
    composition = distribution.compositions[min(index, len(distribution.compositions) - 1)]
    panel: list[str] = []
    for count, group in zip(composition, distribution.members, strict=True):
        panel += sorted(group, key=lambda person: seed_rank(seed, person))[:count]
    return tuple(sorted(panel))


# Replacements ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Replacement:
    """Who replaces whom, why, and out of how many who would have kept the quotas met."""

    dropped: str
    replacement: str
    reason: str
    candidates: int


def draw_replacement(pool: Mapping[str, Mapping[str, str]], quotas: Sequence[Quota],
                     panel: Iterable[str], dropped: str, seed: str, reason: str = "",
                     excluded: Iterable[str] = ()) -> Replacement:
    """Replace ``dropped`` by a pool member not on the panel (nor in ``excluded``, e.g. earlier
    drop-outs) with whom every quota stays met; among them all, the one whose SHA-256 of
    ``seed:id`` is smallest, so the choice is seeded and checkable.

    Raises InfeasibleQuotas with the quotas that nobody left in the pool can keep.
    """
    panel = set(panel)
    if dropped not in panel:
        raise ValueError(f"{dropped} is not on the panel")
    remaining = panel - {dropped}
    unavailable = panel | set(excluded)
    seated = {(row.quota.feature, row.quota.value): row.panel
              for row in quota_table(pool, quotas, remaining)}

    def keeps_quotas(person: str) -> bool:
        return all(quota.min <= seated[quota.feature, quota.value]
                   + (pool[person][quota.feature] == quota.value) <= quota.max for quota in quotas)

    candidates = [person for person in sorted(pool)
                  if person not in unavailable and keeps_quotas(person)]
    if not candidates:
        raise InfeasibleQuotas(_replacement_conflicts(pool, quotas, remaining, unavailable))
    chosen = min(candidates, key=lambda person: seed_rank(seed, person))
    return Replacement(dropped, chosen, reason, len(candidates))


def _replacement_conflicts(pool, quotas, remaining, unavailable) -> list[Conflict]:
    """Why nobody left can replace: a value the panel now lacks that nobody left has, or else
    the values at their max that every one left who has the lacking values would exceed."""
    left = [person for person in sorted(pool) if person not in unavailable]
    rows = quota_table(pool, quotas, remaining)
    lacking = [row.quota for row in rows if row.panel < row.quota.min]
    full = [row for row in rows if row.panel >= row.quota.max]
    conflicts = [Conflict("not_enough_in_pool", quota.feature, quota.value, 1, 0)
                 for quota in lacking
                 if not any(pool[person][quota.feature] == quota.value for person in left)]
    if conflicts:
        return conflicts
    fitting = [person for person in left
               if all(pool[person][quota.feature] == quota.value for quota in lacking)]
    conflicts = [Conflict("at_max", row.quota.feature, row.quota.value, row.panel + 1,
                          row.quota.max)
                 for row in full
                 if any(pool[person][row.quota.feature] == row.quota.value for person in fitting)]
    return conflicts or [Conflict("pool_too_small", needed=1, available=len(left))]


# Quotas from the register ------------------------------------------------------------------------

def suggest_quotas(register_counts: Mapping[str, Mapping[str, int]], size: int,
                   tolerance: float = 0.1) -> list[Quota]:
    """Min and max per feature value from the register's proportions.

    Each value's share of the panel, ``size × count / total``, widened by ``tolerance`` of itself
    on either side and rounded outwards, so the mins of a feature never add up to more than
    ``size`` nor the maxes to less.
    """
    if size < 1:
        raise ValueError("the panel size must be at least 1")
    if tolerance < 0:
        raise ValueError("the tolerance must not be negative")
    quotas = []
    for feature, counts in register_counts.items():
        total = sum(counts.values())
        if total <= 0:
            raise ValueError(f"the register has nobody for {feature}")
        for value, count in counts.items():
            share = Fraction(size * count, total)
            slack = share * Fraction(tolerance).limit_denominator(1000)
            quotas.append(Quota(feature, value, max(0, math.floor(share - slack)),
                                min(size, math.ceil(share + slack))))
    return quotas


# Stage 1: invitations ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Resident:
    """A register entry: who, which household, and the values used for strata (e.g. 地区, 年代)."""

    id: str
    household: str
    values: Mapping[str, str] = field(default_factory=dict)


def draw_invitations(register: Sequence[Resident], count: int, seed: str,
                     strata: Sequence[str] = ()) -> list[str]:
    """Draw ``count`` residents to invite, at most one per household.

    Residents are ranked by SHA-256 of ``seed:id`` (smallest first) and taken in that order,
    skipping anyone whose household already has an invitation. With ``strata`` (e.g.
    ``("地区", "年代")``) each stratum first gets its proportional share of ``count``
    (largest remainders); a stratum that runs out of households leaves its places to the others,
    again in rank order. Returns the ids in rank order. (One per household makes a large
    household likelier to be invited, and each of its members less likely, than a small one.)
    """
    households = {resident.household for resident in register}
    if count == 0:
        return []
    if count < 0:
        raise ValueError("the number of invitations must not be negative")
    if count > len(households):
        raise ValueError(f"{count} invitations asked for, but the register has only "
                         f"{len(households)} households")
    ids = [resident.id for resident in register]
    if len(set(ids)) != len(ids):
        raise ValueError("a resident appears twice in the register")
    for resident in register:
        missing = [name for name in strata if not resident.values.get(name)]
        if missing:
            raise ValueError(f"{resident.id}: no value for {', '.join(missing)}")
    ranked = sorted(register, key=lambda resident: seed_rank(seed, resident.id))

    def stratum(resident: Resident) -> tuple[str, ...]:
        return tuple(resident.values[name] for name in strata)

    places = _proportional_shares(Counter(stratum(resident) for resident in register), count)
    invited: list[str] = []
    taken: set[str] = set()
    for resident in ranked:
        if places.get(stratum(resident), 0) > 0 and resident.household not in taken:
            places[stratum(resident)] -= 1
            invited.append(resident.id)
            taken.add(resident.household)
    for resident in ranked:
        if len(invited) == count:
            break
        if resident.household not in taken:
            invited.append(resident.id)
            taken.add(resident.household)
    order = {resident.id: rank for rank, resident in enumerate(ranked)}
    return sorted(invited, key=order.__getitem__)


def _proportional_shares(sizes: Mapping[tuple[str, ...], int], count: int) -> dict:
    """Largest-remainder (Hamilton) shares of ``count`` in proportion to ``sizes``; ties go to
    the stratum that sorts first."""
    total = sum(sizes.values())
    exact = {key: Fraction(count * size, total) for key, size in sizes.items()}
    shares = {key: math.floor(share) for key, share in exact.items()}
    left = count - sum(shares.values())
    for key in sorted(exact, key=lambda key: (-(exact[key] - shares[key]), key))[:left]:
        shares[key] += 1
    return shares
