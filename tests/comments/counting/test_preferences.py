"""The tier matrix: ballots over what they leave out, votes as three tiers."""

import numpy as np
import pytest

from comments.counting.preferences import counting_members, tier_matrix
from tests.comments.counting.electorates import Member, tiers_of


def test_a_ballot_ranks_in_order_above_every_contender_it_leaves_out():
    tiers = tiers_of([Member(ballot=[2, 0, 3])], 5).toarray()

    assert tiers.tolist() == [[2, 0, 3, 1, 0]]


def test_gaps_in_positions_close_up():
    # Positions 3, 7, 9: a rejected contender's place has gone.
    gapped = tier_matrix(
        n_members=1,
        n_contenders=4,
        ballot_members=[0, 0, 0],
        ballot_contenders=[1, 3, 0],
        ballot_positions=[7, 3, 9],
    )

    assert gapped.toarray().tolist() == [[1, 2, 0, 3]]


def test_votes_are_three_tiers_and_a_ballot_replaces_them():
    voter = Member(votes={0: 1, 2: -1})
    balloter = Member(ballot=[3], votes={0: -1, 1: 1})

    tiers = tiers_of([voter, balloter, Member()], 4).toarray()

    assert tiers.tolist() == [[1, 0, -1, 0], [0, 0, 0, 1], [0, 0, 0, 0]]


def test_members_with_neither_count_for_nothing():
    tiers = tiers_of([Member(), Member(votes={1: 1}), Member(ballot=[0])], 2)

    assert counting_members(tiers).tolist() == [False, True, True]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            {"ballot_members": [0, 0], "ballot_contenders": [1, 2], "ballot_positions": [1, 1]},
            "share a position",
        ),
        (
            {"ballot_members": [0, 0], "ballot_contenders": [1, 1], "ballot_positions": [1, 2]},
            "twice in a ballot",
        ),
        ({"ballot_members": [0], "ballot_contenders": [1], "ballot_positions": [0]}, "start at 1"),
        ({"vote_members": [0], "vote_contenders": [1], "vote_values": [2]}, r"\+1 \(up\)"),
        (
            {"vote_members": [0, 0], "vote_contenders": [1, 1], "vote_values": [1, -1]},
            "voted twice",
        ),
        ({"vote_members": [3], "vote_contenders": [1], "vote_values": [1]}, "member indices"),
        ({"vote_members": [0], "vote_contenders": [9], "vote_values": [1]}, "contender indices"),
        ({"vote_members": [0], "vote_contenders": [1], "vote_values": []}, "needs a position"),
    ],
)
def test_it_refuses_rows_that_break_the_rules(rows, message):
    with pytest.raises(ValueError, match=message):
        tier_matrix(n_members=2, n_contenders=3, **rows)


def test_no_rows_give_an_empty_matrix():
    tiers = tier_matrix(n_members=3, n_contenders=4)

    assert tiers.shape == (3, 4)
    assert tiers.nnz == 0
    assert not np.any(counting_members(tiers))
