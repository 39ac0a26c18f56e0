"""Scores to ranks: highest first, ties to the contender that joined first."""

import numpy as np

from comments.counting.ranks import order_by_score, ranks_from_order, ranks_from_scores


def test_ties_go_to_the_lower_index():
    assert order_by_score([2, 5, 5, 1, 2]).tolist() == [1, 2, 0, 4, 3]
    assert ranks_from_scores([2, 5, 5, 1, 2]).tolist() == [3, 1, 2, 5, 4]


def test_each_round_is_ranked_on_its_own():
    ranks = ranks_from_scores(np.array([[1.0, 2.0, 3.0], [3.0, 3.0, 1.0]]))

    assert ranks.tolist() == [[3, 2, 1], [1, 2, 3]]


def test_ranks_invert_the_order():
    assert ranks_from_order([2, 0, 1]).tolist() == [2, 3, 1]
