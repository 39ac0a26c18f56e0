"""The bootstrap: seeded, well-formed, and narrower with more members."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comments.counting.bootstrap import (
    bootstrap_borda,
    bootstrap_bradley_terry,
    bootstrap_schulze,
    resampled_weights,
    summarise_rounds,
)
from comments.counting.bradley_terry import duels_from_rows
from comments.counting.preferences import tier_matrix
from tests.comments.counting.electorates import Member, electorates, tiers_of


def synthetic_list(members: int, contenders: int, seed: int, copies: int = 1):
    """Members with short ballots or a few votes, and their duels, tilted by a hidden quality.

    `copies` repeats the whole electorate, each copy its own members.
    """
    generator = np.random.default_rng(seed)
    quality = np.linspace(1.0, 0.0, contenders)
    electorate = []
    for _ in range(members):
        taste = quality + generator.normal(0, 0.6, contenders)
        if generator.random() < 0.5:
            electorate.append(
                Member(ballot=np.argsort(-taste)[: generator.integers(1, 5)].tolist())
            )
        else:
            seen = generator.choice(contenders, generator.integers(1, contenders), replace=False)
            electorate.append(Member(votes={int(c): 1 if taste[c] > 0.5 else -1 for c in seen}))
    electorate = electorate * copies
    first = generator.integers(0, contenders, 4 * members)
    second = (first + generator.integers(1, contenders, 4 * members)) % contenders
    first_wins = generator.random(4 * members) < 1 / (
        1 + np.exp(3 * (quality[second] - quality[first]))
    )
    duel_member = np.concatenate(
        [generator.integers(0, members, 4 * members) + k * members for k in range(copies)]
    )
    duels = duels_from_rows(
        n_members=members * copies,
        n_contenders=contenders,
        members=duel_member,
        winners=np.tile(np.where(first_wins, first, second), copies),
        losers=np.tile(np.where(first_wins, second, first), copies),
    )
    return tiers_of(electorate, contenders), duels


def widths(intervals) -> float:
    return float(np.mean(intervals.upper - intervals.lower))


def test_it_summarises_the_rounds_ranks():
    # Three contenders in the count's order, five rounds.
    ranks = np.array([[1, 2, 3], [1, 3, 2], [2, 1, 3], [1, 2, 3], [1, 2, 3]])

    intervals = summarise_rounds(ranks, contenders=np.array([4, 0, 2]), seed=0, members=9)

    assert intervals.lower.tolist() == [1, 1, 2]
    assert intervals.upper.tolist() == [2, 3, 3]
    assert intervals.top_ten_chance.tolist() == [1.0, 1.0, 1.0]
    assert intervals.conservative_rank.tolist() == [1, 1, 1]
    assert intervals.band.tolist() == [1, 1, 1]


def test_contenders_clear_of_each_other_get_their_own_band_and_a_conservative_rank():
    ranks = np.array([[1, 2, 3, 4]] * 9 + [[2, 1, 3, 4]])

    intervals = summarise_rounds(ranks, contenders=np.arange(4), seed=0, members=9)

    assert intervals.lower.tolist() == [1, 1, 3, 4]
    assert intervals.upper.tolist() == [2, 2, 3, 4]
    assert intervals.conservative_rank.tolist() == [1, 1, 3, 4]
    assert intervals.band.tolist() == [1, 1, 2, 3]


def test_weights_resample_only_members_who_count():
    counting = np.array([True, False, True, True])

    rounds = list(resampled_weights(counting, rounds=50, seed=1))

    assert all(weights[1] == 0 and weights.sum() == 3 for weights in rounds)
    assert len({tuple(weights) for weights in rounds}) > 1


def test_the_same_seed_gives_the_same_intervals():
    tiers, duels = synthetic_list(60, 6, seed=1)

    for bootstrap, data in (
        (bootstrap_borda, tiers),
        (bootstrap_schulze, tiers),
        (bootstrap_bradley_terry, duels),
    ):
        first, again = bootstrap(data, rounds=50, seed=42), bootstrap(data, rounds=50, seed=42)
        for field in ("contenders", "lower", "upper", "top_ten_chance", "band"):
            assert np.array_equal(getattr(first, field), getattr(again, field)), field


def test_intervals_shrink_when_the_electorate_is_four_times_as_big():
    for seed in range(3):
        tiers, duels = synthetic_list(40, 8, seed=seed)
        tiers_4x, duels_4x = synthetic_list(40, 8, seed=seed, copies=4)

        assert widths(bootstrap_borda(tiers_4x, seed=5)) < widths(bootstrap_borda(tiers, seed=5))
        assert widths(bootstrap_schulze(tiers_4x, seed=5)) < widths(
            bootstrap_schulze(tiers, seed=5)
        )
        assert widths(bootstrap_bradley_terry(duels_4x, seed=5)) < widths(
            bootstrap_bradley_terry(duels, seed=5)
        )


def test_schulze_resamples_the_leading_subset_and_says_so():
    tiers, _ = synthetic_list(60, 12, seed=2)

    intervals = bootstrap_schulze(tiers, rounds=30, subset=5)

    assert intervals.is_subset
    assert len(intervals.contenders) == 5
    assert intervals.upper.max() <= 5
    assert not bootstrap_schulze(tiers, rounds=30).is_subset


@settings(max_examples=40, deadline=None)
@given(electorates(min_contenders=1, max_contenders=14), st.integers(0, 2**32 - 1))
def test_intervals_are_well_formed(electorate, seed):
    n, members = electorate
    tiers = tiers_of(members, n)

    for intervals in (
        bootstrap_borda(tiers, rounds=20, seed=seed),
        bootstrap_schulze(tiers, rounds=20, seed=seed, subset=12),
    ):
        k = len(intervals.contenders)
        assert np.all(intervals.lower <= intervals.upper)
        assert np.all((intervals.lower >= 1) & (intervals.upper <= k))
        assert np.all((intervals.top_ten_chance >= 0) & (intervals.top_ten_chance <= 1))
        assert intervals.top_ten_chance.sum() == pytest.approx(min(10, k))
        assert np.all((intervals.conservative_rank >= 1) & (intervals.conservative_rank <= k))
        assert intervals.band[0] == 1
        assert np.all(np.diff(intervals.band) >= 0)


def test_a_list_nobody_expressed_a_preference_on_ties_everyone():
    intervals = bootstrap_borda(tier_matrix(n_members=3, n_contenders=3), rounds=10)

    assert intervals.members == 0
    assert intervals.lower.tolist() == intervals.upper.tolist() == [1, 2, 3]


@settings(max_examples=10, deadline=None, derandomize=True)
@given(
    members=st.integers(20, 50),
    contenders=st.integers(3, 8),
    electorate_seed=st.integers(0, 2**16),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_recount_with_the_seed_agrees_and_more_members_never_widen_the_intervals(
    members, contenders, electorate_seed, seed
):
    """Any electorate: the same seed draws the same intervals, and the same electorate four
    times over gives intervals no wider on average."""
    tiers, duels = synthetic_list(members, contenders, seed=electorate_seed)
    tiers_4x, duels_4x = synthetic_list(members, contenders, seed=electorate_seed, copies=4)

    for bootstrap, once, four_times in (
        (bootstrap_borda, tiers, tiers_4x),
        (bootstrap_schulze, tiers, tiers_4x),
        (bootstrap_bradley_terry, duels, duels_4x),
    ):
        first = bootstrap(once, seed=seed)
        again = bootstrap(once, seed=seed)
        for field in ("contenders", "lower", "upper", "top_ten_chance", "conservative_rank"):
            assert np.array_equal(getattr(first, field), getattr(again, field)), field
        assert widths(bootstrap(four_times, seed=seed)) <= widths(first), bootstrap.__name__
