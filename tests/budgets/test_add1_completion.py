"""Add1 completion skips the one-unit steps at which nothing changes: the same stopping share
and the same outcome as the literal definition, whatever the size of the currency unit."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civic.budgets import pabulib, rules
from civic.budgets.rules import Ballot, Election, Outcome, Project, tally
from tests.conftest import SHARED

PABULIB = SHARED / "data" / "pabulib"


def mes_at(election: Election, share: int) -> Outcome:
    """Plain Equal Shares with ``share`` per voter (the budget is only the share's source)."""
    return tally(dataclasses.replace(election, budget=share * len(election.ballots)), "equalshares")


def literal_add1(election: Election, *, exhaustive_stop: bool = False) -> tuple[int, Outcome]:
    """Add1 as defined: raise every voter's share by one unit, run Equal Shares again, and stop
    when everything supported is funded or the next step would overspend the real budget."""
    n = len(election.ballots)
    supported = {p for b in election.ballots for p, w in zip(b.projects, b.points or [1] * len(b.projects),
                                                            strict=True) if w > 0}
    share = math.floor(election.budget / n)
    current = mes_at(election, share)
    while len(current.selected) < len(supported):
        left = election.budget - current.total_cost
        if exhaustive_stop and all(p in current.selected or election.project(p).cost > left
                                   for p in supported):
            break
        nxt = mes_at(election, share + 1)
        if nxt.total_cost > election.budget:
            break
        share, current = share + 1, nxt
    return share, current


def assert_same_as_literal(election: Election, **options) -> Outcome:
    share, expected = literal_add1(election, **options)
    fast = tally(election, "equalshares/add1", add1_exhaustive_stop=options.get("exhaustive_stop", False))
    assert fast.details["per_voter_budget"] == share
    assert fast.selected == expected.selected
    assert fast.details["ties"] == expected.details["ties"]
    return fast


@st.composite
def small_election(draw) -> tuple[Election, bool]:
    """Few projects with costs that collide often (ties, exact affordability), few voters."""
    n_projects = draw(st.integers(1, 6))
    names = [str(i) for i in range(1, n_projects + 1)]
    unit = draw(st.sampled_from([1, 5, 10]))
    costs = {p: unit * draw(st.integers(0, 12)) for p in names}
    points = draw(st.booleans())
    ballots = []
    for n in range(draw(st.integers(1, 8))):
        chosen = draw(st.lists(st.sampled_from(names), unique=True, max_size=n_projects))
        weights = tuple(draw(st.integers(1, 4)) for _ in chosen) if points else None
        ballots.append(Ballot(str(n), tuple(chosen), weights))
    budget = draw(st.integers(1, 240))
    vote_type = "cumulative" if points else "approval"
    election = Election([Project(p, c) for p, c in costs.items()], ballots, budget, vote_type)
    return election, draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(small_election())
def test_add1_matches_the_one_unit_step_definition(case) -> None:
    election, exhaustive_stop = case
    assert_same_as_literal(election, exhaustive_stop=exhaustive_stop)


# 11 voters, ¥5,000,000, eight projects of a few hundred thousand yen: the literal definition
# needs about 100,000 runs of Equal Shares (one per yen added to every share).
AOBADAI_COSTS = [1_200_000, 800_000, 600_000, 900_000, 1_500_000, 400_000, 700_000, 300_000]
AOBADAI_BALLOTS = [(0, 1, 3), (0, 4), (1, 2, 5, 7), (0, 1, 2), (4, 6), (3, 5, 7, 2), (0, 3, 6),
                   (1, 4), (2, 6, 7), (0, 1, 5), (4, 5)]


def aobadai(scale: int = 1) -> Election:
    return Election(
        [Project(str(i + 1), cost * scale) for i, cost in enumerate(AOBADAI_COSTS)],
        [Ballot(str(n), tuple(str(i + 1) for i in picks)) for n, picks in enumerate(AOBADAI_BALLOTS)],
        5_000_000 * scale,
    )


def test_large_budget_needs_few_runs() -> None:
    for scale in (1, 1000):
        out = tally(aobadai(scale), "equalshares/add1")
        assert out.total_cost <= out.budget
        assert out.details["add1_steps"] > 10_000 * scale
        assert out.details["add1_runs"] < 50


def test_large_budget_stops_exactly_where_the_literal_definition_stops() -> None:
    # the literal definition near the stopping point: one unit more overspends, this one does not
    election = aobadai()
    out = tally(election, "equalshares/add1")
    share = out.details["per_voter_budget"]
    assert mes_at(election, int(share)).selected == out.selected
    if len(out.selected) < len(election.projects):
        assert mes_at(election, int(share) + 1).total_cost > election.budget


def literal_add1_steps(election: Election) -> tuple[float, list[str]]:
    """The literal definition on the module's own Equal Shares, prepared once (real files are
    too large to prepare again for each of their hundreds of steps)."""
    data = rules._prepare(election)
    tb = rules._TieBreaker(data, rules.DEFAULT_TIE_BREAK)
    mes = rules._Mes(data, [True] * len(data.ids), election.vote_type in rules.APPROVAL_TYPES)
    supported = [i for i in range(len(data.ids)) if data.votes[i] > 0 and i not in mes.unsupported]
    share = float(math.floor(election.budget / data.n_voters))
    current = mes.run(share, tb)
    while len(current.selected) < len(supported):
        nxt = mes.run(share + 1, tb)
        if nxt.cost > election.budget:
            break
        share, current = share + 1, nxt
    return share, [data.ids[i] for i in current.selected]


# Empty when ../shared is absent: the test is then skipped.
ADD1_FILES = [p for p in sorted(PABULIB.glob("*.pb")) if "rule;equalshares/add1" in p.read_text()]


@pytest.mark.parametrize("path", ADD1_FILES, ids=lambda p: p.stem)
def test_real_add1_elections_match_the_literal_definition(path: Path) -> None:
    election = pabulib.parse(path)
    share, expected = literal_add1_steps(election)
    out = tally(election, "equalshares/add1")
    assert out.details["per_voter_budget"] == share
    assert out.selected == expected
