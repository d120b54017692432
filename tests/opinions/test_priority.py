"""Polis's comment priority: new and divisive statements first, passed ones last."""

from civic.opinions.priority import Tally, choose, priority


def test_new_statements_outrank_well_voted_ones():
    assert priority(Tally(1, 0, 0, 0)) > priority(Tally(2, 20, 20, 0))


def test_divisive_statements_outrank_equally_voted_calm_ones():
    assert priority(Tally(1, 10, 10, 0, extremity=2.0)) > priority(Tally(2, 10, 10, 0))


def test_statements_everyone_passes_on_sink():
    assert priority(Tally(1, 2, 2, 16)) < priority(Tally(2, 10, 10, 0))


def test_choose_never_returns_a_voted_statement_and_is_stable_per_seed():
    tallies = [Tally(i, i, 0, 0) for i in range(10)]
    voted = {0, 1, 2, 3, 4, 5, 6, 7, 8}
    assert {choose(tallies, voted, seed) for seed in range(50)} == {9}
    assert choose(tallies, set(range(10)), 1) is None
    assert choose(tallies, set(), 7) == choose(tallies, set(), 7)
