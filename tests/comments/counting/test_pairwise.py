"""The head-to-head table, against Wikipedia and against a plain per-member count."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.counting.pairwise import (
    expressed_preference,
    head_to_head,
    pairwise_counter,
    pairwise_matrix,
    preference_share,
)
from tests.comments.counting.electorates import (
    WIKIPEDIA_SCHULZE_BALLOTS,
    Member,
    electorates,
    letters_ballots,
    naive_pairwise,
    tiers_of,
)

WIKIPEDIA_PAIRWISE = [
    [0, 20, 26, 30, 22],
    [25, 0, 16, 33, 18],
    [19, 29, 0, 17, 24],
    [15, 12, 28, 0, 14],
    [23, 27, 21, 31, 0],
]


def test_it_counts_wikipedias_45_voters():
    tiers = tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5)

    assert pairwise_matrix(tiers).tolist() == WIKIPEDIA_PAIRWISE
    assert pairwise_counter(tiers).count().tolist() == WIKIPEDIA_PAIRWISE


def test_a_three_tier_member_puts_up_over_unvoted_over_down():
    tiers = tiers_of([Member(votes={0: 1, 2: -1})], 4)

    assert pairwise_matrix(tiers).tolist() == [
        [0, 1, 1, 1],
        [0, 0, 1, 0],
        [0, 0, 0, 0],
        [0, 0, 1, 0],
    ]


def test_a_partial_ballot_says_nothing_between_the_contenders_it_leaves_out():
    tiers = tiers_of([Member(ballot=[1])], 3)

    assert pairwise_matrix(tiers).tolist() == [[0, 0, 0], [1, 0, 1], [0, 0, 0]]


def test_ballots_and_votes_mix_and_a_contender_nobody_named_loses_to_the_named():
    members = [Member(ballot=[0, 1]), Member(votes={1: 1}), Member()]

    d = pairwise_matrix(tiers_of(members, 3))

    assert d.tolist() == [[0, 1, 1], [1, 0, 2], [0, 0, 0]]
    assert d[2].sum() == 0  # contender 2 is absent from every ballot and vote


def test_who_ranked_both_counts_members_with_a_preference_between_the_two():
    tiers = tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5)
    d = pairwise_matrix(tiers)

    both = expressed_preference(d)
    share = preference_share(d)

    assert both[0, 1] == 45
    assert share[4, 0] == 23 / 45
    assert np.isnan(preference_share(np.zeros((2, 2)))[0, 1])


def test_restricting_to_contenders_restricts_the_table():
    tiers = tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5)

    assert pairwise_matrix(tiers, contenders=[4, 0]).tolist() == [[0, 23], [22, 0]]
    assert pairwise_counter(tiers, contenders=[4, 0]).count().tolist() == [[0, 23], [22, 0]]


@settings(max_examples=150, deadline=None)
@given(electorates(), st.randoms(use_true_random=False))
def test_the_sparse_tables_equal_a_per_member_count(electorate, random):
    n, members = electorate
    weights = [random.randint(0, 3) for _ in members]
    tiers = tiers_of(members, n)
    expected = naive_pairwise(members, n, weights)

    assert np.array_equal(pairwise_matrix(tiers, weights=weights), expected)
    assert np.array_equal(pairwise_counter(tiers, block=7).count(weights), expected)
    for contender in range(n):
        wins, losses = head_to_head(tiers, contender, weights=weights)
        assert np.array_equal(wins, expected[contender])
        assert np.array_equal(losses, expected[:, contender])


@settings(max_examples=60, deadline=None)
@given(electorates(min_contenders=2), st.randoms(use_true_random=False))
def test_the_count_does_not_depend_on_the_order_members_are_stored(electorate, random):
    n, members = electorate
    shuffled = list(members)
    random.shuffle(shuffled)

    assert np.array_equal(
        pairwise_matrix(tiers_of(members, n)), pairwise_matrix(tiers_of(shuffled, n))
    )


def test_ballot_positions_need_not_start_at_one_or_be_consecutive():
    members = letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS)

    assert pairwise_matrix(tiers_of(members, 5, positions_from=4, gap=3)).tolist() == (
        WIKIPEDIA_PAIRWISE
    )
