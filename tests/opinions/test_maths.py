import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from civic.opinions import maths


def planted(n_per_group: list[int], n_statements: int, seed: int = 0, density: float = 0.6,
            consensus: int = 0, flip: float = 0.05,
            random_rest: bool = True) -> tuple[maths.VoteMatrix, np.ndarray]:
    """Groups with opposite blocks of opinion; the first ``consensus`` statements please all.

    Each group alone agrees with its own block of four statements; the other statements get a
    random stance per group, or (``random_rest=False``) everybody rejects them.
    """
    rng = np.random.default_rng(seed)
    k = len(n_per_group)
    truth = np.repeat(np.arange(k), n_per_group)
    stance = np.where(rng.random((k, n_statements)) < 0.5, 1.0, -1.0)
    if not random_rest:
        stance[:] = -1.0
    for g in range(k):
        # Each group owns a block of statements it alone agrees with.
        block = slice(consensus + g * 4, consensus + g * 4 + 4)
        stance[:, block] = -1.0
        stance[g, block] = 1.0
    stance[:, :consensus] = 1.0
    votes = stance[truth].copy()
    noise = rng.random(votes.shape) < flip
    votes[noise] = -votes[noise]
    votes[rng.random(votes.shape) >= density] = np.nan
    votes[:, :consensus] = np.where(rng.random((len(truth), consensus)) < 0.05, -1.0, 1.0)
    participants = [f"p{i}" for i in range(len(truth))]
    return maths.VoteMatrix(participants, [f"s{j}" for j in range(n_statements)], votes), truth


@pytest.mark.parametrize("sizes", [[60, 40], [50, 35, 25]])
def test_planted_groups_are_recovered_with_their_number(sizes):
    matrix, truth = planted(sizes, 30)
    grouping = maths.groups(matrix)
    assert grouping.k == len(sizes)
    assert adjusted_rand_score(truth, grouping.labels) == pytest.approx(1.0)
    assert sorted(np.bincount(grouping.labels)) == sorted(sizes)


def test_the_same_votes_give_the_same_groups():
    matrix, _ = planted([40, 40], 20, seed=3)
    assert np.array_equal(maths.groups(matrix).labels, maths.groups(matrix).labels)


def test_participants_with_too_few_votes_are_left_out():
    matrix, _ = planted([30, 30], 20, density=1.0)
    matrix.votes[0, 6:] = np.nan   # 6 votes: fewer than min(7, 20)
    matrix.votes[1, 7:] = np.nan   # 7 votes: enough
    grouping = maths.groups(matrix)
    by_participant = grouping.by_participant(matrix.participants)
    assert by_participant["p0"] is None
    assert by_participant["p1"] is not None
    assert sum(g is None for g in by_participant.values()) == 1


def test_with_few_statements_voting_on_all_of_them_is_enough():
    votes = np.array([[1, -1, 1], [1, -1, np.nan]] + [[1, 1, -1]] * 20, dtype=float)
    matrix = maths.VoteMatrix([str(i) for i in range(22)], ["a", "b", "c"], votes)
    mask = maths.in_conversation(matrix)
    assert mask[0] and not mask[1] and mask[2:].all()


def test_fewer_than_fifteen_in_conversation_are_topped_up_with_the_most_active():
    votes = np.full((20, 10), np.nan)
    for i in range(20):
        votes[i, : (8 if i < 3 else 1 + i % 6)] = 1.0
    matrix = maths.VoteMatrix([str(i) for i in range(20)], [str(j) for j in range(10)], votes)
    mask = maths.in_conversation(matrix)
    assert mask.sum() == 15
    assert mask[:3].all()
    counts = np.sum(~np.isnan(votes), axis=1)
    assert counts[~mask].max() <= counts[mask].min()


def test_missing_votes_are_imputed_with_the_statement_mean():
    rated = np.array([[1, np.nan, np.nan], [-1, 1, np.nan], [1, 0, np.nan]])
    assert np.allclose(maths.impute(rated), [[1, 0.5, 0], [-1, 1, 0], [1, 0, 0]])


def test_projection_scales_sparse_voters_out_from_the_centre():
    votes = np.array([[1, 1, -1, -1], [1, np.nan, np.nan, np.nan],
                      [-1, -1, 1, 1], [-1, np.nan, np.nan, np.nan]], dtype=float)
    matrix = maths.VoteMatrix(list("abcd"), list("wxyz"), votes)
    projection = maths.project(matrix)
    imputed = maths.impute(maths.rating_matrix(matrix))
    raw = (imputed - imputed.mean(axis=0)) @ projection.components.T
    assert np.allclose(projection.points[[0, 2]], raw[[0, 2]])
    # One vote out of four: scaled by sqrt(4 / 1).
    assert np.allclose(projection.points[[1, 3]], 2 * raw[[1, 3]])


def test_a_moderated_out_statement_counts_as_a_pass_for_everyone():
    votes = np.array([[1, np.nan], [np.nan, -1]], dtype=float)
    matrix = maths.VoteMatrix(["a", "b"], ["kept", "out"], votes, frozenset({"out"}))
    assert np.array_equal(maths.rating_matrix(matrix), [[1, 0], [np.nan, 0]], equal_nan=True)


def test_polis_proportion_tests():
    # Polis adds 1 to both counts, so no votes at all is not zero.
    assert maths.prop_test(0, 0) == pytest.approx(1.0)
    assert maths.prop_test(0, 10) < 0
    assert maths.prop_test(9, 10) == pytest.approx(2 * np.sqrt(11) * (10 / 11 - 0.5))
    assert maths.two_prop_test(9, 1, 10, 10) > maths.Z_90
    assert maths.two_prop_test(5, 5, 10, 10) == pytest.approx(0.0)
    assert maths.two_prop_test(3, 3, 3, 3) == 0.0


def test_each_group_is_represented_by_the_block_it_alone_agrees_with():
    matrix, truth = planted([40, 30, 30], 24, seed=1, density=0.9, consensus=2, random_rest=False)
    grouping = maths.groups(matrix)
    representative = maths.representative_statements(matrix, grouping)
    for g in range(grouping.k):
        planted_group = np.bincount(truth[grouping.labels == g]).argmax()
        block = {f"s{2 + planted_group * 4 + i}" for i in range(4)}
        agreed = [r for r in representative[g] if r.repful_for == "agree"]
        assert agreed and {r.statement for r in agreed} <= block
        first = agreed[0]
        assert first.group.percentages()["agree"] > 80 > 20 > first.others.percentages()["agree"]
        assert len(representative[g]) <= maths.MAX_REPRESENTATIVE


def test_consensus_divisive_and_uncertain_statements():
    matrix, _ = planted([40, 40], 16, seed=2, density=0.9, consensus=2)
    matrix.votes[:, 15] = np.nan
    matrix.votes[:3, 15] = 1.0
    grouping = maths.groups(matrix)
    consensus = [c.statement for c in maths.consensus_statements(matrix, grouping)]
    assert consensus[:2] and set(consensus) >= {"s0", "s1"}
    assert all(s.p_agree > 0.5 for c in maths.consensus_statements(matrix, grouping)
               for s in c.groups)
    divisive = {c.statement for c in maths.divisive_statements(matrix, grouping)}
    assert {"s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9"} <= divisive
    assert not divisive & {"s0", "s1"}
    uncertain = [c.statement for c in maths.uncertain_statements(matrix, grouping)]
    assert uncertain == ["s15"]


def test_moderated_out_statements_are_never_representative_or_consensus():
    matrix, _ = planted([40, 40], 16, seed=2, density=0.9, consensus=2)
    matrix.moderated_out = frozenset({"s0", "s2"})
    grouping = maths.groups(matrix)
    chosen = {r.statement for reps in maths.representative_statements(matrix, grouping).values()
              for r in reps}
    assert "s2" not in chosen and chosen
    assert "s0" not in {c.statement for c in maths.consensus_statements(matrix, grouping)}


def test_a_conversation_too_small_to_group():
    matrix = maths.VoteMatrix(["a"], ["x"], np.array([[1.0]]))
    grouping = maths.groups(matrix)
    assert grouping.k == 1 and grouping.by_participant(["a"]) == {"a": 0}
    empty = maths.VoteMatrix([], [], np.zeros((0, 0)))
    assert maths.groups(empty).k == 0


def test_the_matrix_shape_must_match_its_names():
    with pytest.raises(ValueError, match="shape"):
        maths.VoteMatrix(["a"], ["x", "y"], np.zeros((1, 3)))


def test_base_kmeans_starts_from_the_first_distinct_points_and_keeps_no_empty_cluster():
    points = np.array([[0, 0], [0, 0], [10, 10], [0, 1], [10, 11], [50, 50]], dtype=float)
    centres, labels = maths.kmeans(points, 3, 10)
    # Started at (0, 0), (10, 10), (0, 1): the far point pulls the second centre away.
    assert np.allclose(centres, [[0, 1 / 3], [50, 50], [10, 10.5]])
    assert labels.tolist() == [0, 0, 2, 0, 2, 1]
    # More clusters than distinct points: one cluster per distinct point.
    centres, labels = maths.kmeans(points[:2], 5, 10)
    assert len(centres) == 1 and labels.tolist() == [0, 0]
    # Here one of the five starting centres loses every member and is dropped, as Polis drops it.
    points = np.array([[13, 4], [1, 14], [0, 7], [2, 11], [7, 4], [14, 18], [18, 16], [14, 16]],
                      dtype=float)
    centres, labels = maths.kmeans(points, 5, 10)
    assert len(centres) == 4 and sorted(set(labels.tolist())) == [0, 1, 2, 3]
    assert np.allclose(centres[labels[0]], [10, 4])
