"""Properties of the opinion maths and the Polis files on random small conversations."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civic.opinions import maths, polis_csv

CELLS = st.sampled_from([1.0, -1.0, 0.0, np.nan, np.nan])


@st.composite
def conversations(draw):
    n_participants = draw(st.integers(0, 40))
    n_statements = draw(st.integers(0, 12))
    cells = draw(st.lists(CELLS, min_size=n_participants * n_statements,
                          max_size=n_participants * n_statements))
    votes = np.array(cells, dtype=float).reshape(n_participants, n_statements)
    statements = [str(j) for j in range(n_statements)]
    out = draw(st.sets(st.sampled_from(statements))) if statements else set()
    return maths.VoteMatrix([str(i) for i in range(n_participants)], statements, votes,
                            frozenset(out))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conversations())
def test_everyone_grouped_is_in_conversation_and_groups_are_numbered_from_zero(matrix):
    analysis = maths.analyse(matrix)
    grouping = analysis.grouping
    mask = maths.in_conversation(matrix)
    assert np.array_equal(grouping.labels >= 0, mask)
    assert set(grouping.labels[mask]) == set(range(grouping.k))
    assert np.isfinite(grouping.projection.points).all()
    assert set(analysis.representative) == set(range(grouping.k))
    chosen = {r.statement for reps in analysis.representative.values() for r in reps}
    listed = {c.statement for c in analysis.consensus + analysis.divisive + analysis.uncertain}
    assert not (chosen | listed) & matrix.moderated_out
    assert np.array_equal(maths.groups(matrix).labels, grouping.labels)


@settings(max_examples=60, deadline=None)
@given(conversations(), st.data())
def test_participants_votes_rows_read_back_to_the_same_conversation(matrix, data):
    groups = {p: data.draw(st.one_of(st.none(), st.integers(0, 4))) for p in matrix.participants}
    rows = polis_csv.participants_votes_rows(matrix, groups)
    back = polis_csv.read_participants_votes(rows, matrix.moderated_out)
    assert back.matrix.participants == matrix.participants
    assert back.matrix.statements == matrix.statements
    assert np.array_equal(back.matrix.votes, matrix.votes, equal_nan=True)
    assert back.groups == groups
    assert polis_csv.participants_votes_rows(back.matrix, back.groups) == rows
