"""Borda: the row sums of the head-to-head table, straight from the tiers."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.counting.borda import borda_points, borda_scores
from comments.counting.pairwise import pairwise_matrix
from tests.comments.counting.electorates import (
    WIKIPEDIA_SCHULZE_BALLOTS,
    Member,
    electorates,
    letters_ballots,
    naive_pairwise,
    tiers_of,
)


def test_it_scores_wikipedias_45_voters_four_points_down_to_none():
    tiers = tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5)

    scores = borda_scores(tiers)

    assert dict(zip("ABCDE", scores.tolist(), strict=True)) == {
        "E": 102,
        "A": 98,
        "B": 92,
        "C": 89,
        "D": 69,
    }


def test_a_full_ballot_gives_n_minus_one_points_down_to_zero():
    assert borda_scores(tiers_of([Member(ballot=[3, 1, 0, 2])], 4)).tolist() == [1, 2, 0, 3]


def test_left_out_contenders_beat_nobody_and_unvoted_ones_beat_the_down_voted():
    members = [Member(ballot=[2]), Member(votes={0: 1, 1: -1})]

    # Ballot: 2 beats 0, 1, 3. Votes: 0 beats 1, 2, 3; 2 and 3 beat 1.
    assert borda_scores(tiers_of(members, 4)).tolist() == [3, 0, 4, 1]


def test_rounds_of_weights_are_scored_at_once():
    tiers = tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5)
    weights = np.random.default_rng(3).integers(0, 3, (4, 45))

    together = borda_points(tiers).scores(weights)

    assert together.shape == (4, 5)
    for row, weight in zip(together, weights, strict=True):
        assert np.array_equal(row, pairwise_matrix(tiers, weights=weight).sum(axis=1))


@settings(max_examples=150, deadline=None)
@given(electorates(), st.randoms(use_true_random=False))
def test_borda_is_the_row_sum_of_the_head_to_head_table(electorate, random):
    n, members = electorate
    weights = [random.randint(0, 3) for _ in members]

    scores = borda_scores(tiers_of(members, n), weights=weights)

    assert np.array_equal(scores, naive_pairwise(members, n, weights).sum(axis=1))
