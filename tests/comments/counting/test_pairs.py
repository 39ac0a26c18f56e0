"""Duel pairs: catch-up weighting, close pairs, no repeat, reproducible."""

from collections import Counter

import numpy as np
import pytest

from comments.counting.pairs import catch_up_weights, choose_duel_pair


def pairs_for(member_id: int, duels: int, **kwargs) -> list[tuple[int, int]]:
    return [
        choose_duel_pair(member_id=member_id, duels_done=done, **kwargs) for done in range(duels)
    ]


def test_catch_up_weights_follow_all_our_ideas():
    weights = catch_up_weights([0, 19, 39, 99])

    raw = np.array([0.05, 0.05, 1 / 40, 1 / 100])
    assert weights == pytest.approx(raw / raw.sum())


def test_the_same_member_at_the_same_point_gets_the_same_pair():
    arguments = {"comparisons": [3, 0, 8, 1, 5], "strengths": [1.0, 2.0, 0.5, 1.0, 1.5]}

    first = choose_duel_pair(member_id=7, duels_done=12, **arguments)

    assert choose_duel_pair(member_id=7, duels_done=12, **arguments) == first
    assert len(set(pairs_for(7, 40, **arguments))) > 5


def test_a_member_never_gets_their_previous_pair_again():
    arguments = {"comparisons": [0, 0, 0], "strengths": [1.0, 1.0, 1.0]}

    pairs = pairs_for(3, 300, previous_pair=(2, 0), **arguments)

    assert all(set(pair) != {0, 2} for pair in pairs)
    assert all(pair[0] != pair[1] for pair in pairs)


def test_contenders_with_few_comparisons_come_up_more_often():
    comparisons = [0, 0, 500, 500]

    seen = Counter(
        c
        for pair in pairs_for(1, 2_000, comparisons=comparisons, strengths=[1.0] * 4)
        for c in pair
    )

    assert seen[0] > 2 * seen[2]
    assert seen[1] > 2 * seen[3]


def test_close_pairs_come_up_more_often_than_lopsided_ones():
    strengths = [1.0, 1.2, 40.0]

    seen = Counter(
        frozenset(pair) for pair in pairs_for(2, 2_000, comparisons=[0, 0, 0], strengths=strengths)
    )

    assert seen[frozenset({0, 1})] > 3 * seen[frozenset({0, 2})]


def test_either_contender_may_show_on_the_left():
    pairs = pairs_for(4, 100, comparisons=[0, 0], strengths=[1.0, 1.0])

    assert set(pairs) == {(0, 1), (1, 0)}


def test_it_refuses_lists_with_no_other_pair():
    with pytest.raises(ValueError, match="two contenders"):
        choose_duel_pair(comparisons=[0], strengths=[1.0], member_id=1, duels_done=0)
    with pytest.raises(ValueError, match="previous"):
        choose_duel_pair(
            comparisons=[0, 0],
            strengths=[1.0, 1.0],
            member_id=1,
            duels_done=0,
            previous_pair=(1, 0),
        )
