"""Schulze: Wikipedia's example, ties, cycles, the subset rule and Condorcet winners."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from comments.counting.pairwise import pairwise_matrix
from comments.counting.schulze import (
    condorcet_winner,
    count_schulze,
    schulze_order,
    strongest_paths,
)
from tests.comments.counting.electorates import (
    WIKIPEDIA_SCHULZE_BALLOTS,
    Member,
    electorates,
    letters_ballots,
    tiers_of,
)


def letters(order) -> str:
    return "".join("ABCDE"[i] for i in order)


def test_it_finds_wikipedias_strongest_paths_and_order():
    d = pairwise_matrix(tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5))

    assert strongest_paths(d).tolist() == [
        [0, 28, 28, 30, 24],
        [25, 0, 28, 33, 24],
        [25, 29, 0, 29, 24],
        [25, 28, 28, 0, 24],
        [25, 28, 28, 31, 0],
    ]
    assert letters(schulze_order(d)) == "EACBD"


def test_the_whole_count_of_wikipedias_example():
    count = count_schulze(tiers_of(letters_ballots(WIKIPEDIA_SCHULZE_BALLOTS), 5))

    assert letters(count.order) == "EACBD"
    assert count.ranks.tolist() == [2, 4, 3, 5, 1]
    assert count.condorcet_winner is None  # E beats A 23-22 but loses to C 21-24.
    assert not count.is_subset


def test_a_condorcet_cycle_is_settled_by_the_strongest_paths():
    # Rock beats scissors 6-3, scissors beats paper 7-2, paper beats rock 5-4.
    members = letters_ballots([(4, "RSP"), (3, "SPR"), (2, "PRS")], names="RPS")
    d = pairwise_matrix(tiers_of(members, 3))

    assert condorcet_winner(d) is None
    # Strongest paths: R>S 6, S>P 7, P>R 5; R reaches P through S at 6 > 5.
    assert "".join("RPS"[i] for i in schulze_order(d)) == "RSP"


def test_a_perfect_tie_goes_to_borda_then_to_the_contender_that_joined_first():
    # Rock-paper-scissors with one voter each way: every path is 1.
    members = letters_ballots([(1, "RSP"), (1, "SPR"), (1, "PRS")], names="RPS")
    d = pairwise_matrix(tiers_of(members, 3))

    assert schulze_order(d).tolist() == [0, 1, 2]
    assert schulze_order(d, tie_break=[0, 5, 1]).tolist() == [1, 2, 0]
    assert schulze_order(d, indices=[9, 3, 7]).tolist() == [1, 2, 0]


def test_members_without_a_preference_leave_a_tie_in_index_order():
    assert count_schulze(tiers_of([Member(), Member()], 4)).order.tolist() == [0, 1, 2, 3]


def test_a_condorcet_winner_beats_every_other_contender_strictly():
    assert condorcet_winner(np.array([[0, 3, 3], [1, 0, 2], [2, 2, 0]])) == 0
    assert condorcet_winner(np.array([[0, 2, 2], [2, 0, 3], [1, 1, 0]])) is None
    assert condorcet_winner(np.zeros((0, 0))) is None


def test_three_tier_members_and_partial_ballots_are_counted_together():
    members = [
        Member(ballot=[2, 1]),
        Member(ballot=[2]),
        Member(votes={0: 1, 1: 1, 2: -1}),
    ]

    count = count_schulze(tiers_of(members, 4))

    # d: 2 beats 0, 1, 3 twice each; 0 and 1 beat 2 and 3 once each, 1 beats 0 once.
    assert count.condorcet_winner == 2
    assert count.order.tolist() == [2, 1, 0, 3]


def test_a_big_list_counts_the_leading_contenders_and_ranks_the_rest_by_borda():
    # Borda: A 23, B 20, D 20, C and E 0; Schulze among the leading three: A > B > D.
    members = letters_ballots([(3, "DAB"), (2, "ABD"), (2, "BAD")])

    whole = count_schulze(tiers_of(members, 5))
    limited = count_schulze(tiers_of(members, 5), limit=3)

    assert limited.is_subset
    assert sorted(limited.counted.tolist()) == [0, 1, 3]
    assert limited.order[:3].tolist() == whole.order[:3].tolist() == [0, 1, 3]
    assert limited.order[3:].tolist() == [2, 4]  # by Borda: C was never ranked, nor E
    assert limited.pairwise.shape == (3, 3)


def test_a_subset_winner_is_a_condorcet_winner_only_if_it_beats_the_rest_too():
    # Borda: A 27, B 22, C 18. A beats B 11-4 among the leading two, but C,
    # outside them, beats A 6-5.
    members = letters_ballots([(5, "AB"), (6, "CA"), (4, "B")])
    tiers = tiers_of(members, 4)

    limited = count_schulze(tiers, limit=2)

    assert limited.counted.tolist() == [0, 1]
    assert condorcet_winner(limited.pairwise) == 0
    assert limited.condorcet_winner is None


@settings(max_examples=150, deadline=None)
@given(electorates(min_contenders=2))
def test_a_condorcet_winner_is_always_schulzes_first(electorate):
    n, members = electorate
    d = pairwise_matrix(tiers_of(members, n))
    winner = condorcet_winner(d)
    assume(winner is not None)

    assert schulze_order(d)[0] == winner
    assert count_schulze(tiers_of(members, n)).condorcet_winner == winner


@settings(max_examples=60, deadline=None)
@given(electorates(min_contenders=2), st.randoms(use_true_random=False), st.integers(1, 8))
def test_the_order_does_not_depend_on_how_members_are_stored(electorate, random, limit):
    n, members = electorate
    shuffled = list(members)
    random.shuffle(shuffled)

    first = count_schulze(tiers_of(members, n), limit=limit)
    second = count_schulze(tiers_of(shuffled, n), limit=limit)

    assert first.order.tolist() == second.order.tolist()
    assert first.condorcet_winner == second.condorcet_winner


@settings(max_examples=60, deadline=None)
@given(electorates(min_contenders=2))
def test_the_schulze_relation_is_a_strict_weak_order(electorate):
    n, members = electorate
    paths = strongest_paths(pairwise_matrix(tiers_of(members, n)))
    beats = paths > paths.T

    # Transitive, and ties are transitive too (what lets the count sort by "beaten by").
    assert not np.any(beats & beats.T)
    assert np.all(~(beats[:, :, None] & beats[None, :, :]) | beats[:, None, :])
