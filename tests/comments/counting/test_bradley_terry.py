"""Bradley-Terry: Wikipedia's four teams, the prior, and All Our Ideas' score."""

import numpy as np
import pytest

from comments.counting import bradley_terry
from comments.counting.bradley_terry import (
    bradley_terry_strengths,
    duels_from_rows,
    fixed_curvature,
    win_chances,
)

# Wikipedia, "Bradley-Terry model": wins of A over B, C, D; of B; of C; of D.
WIKIPEDIA_WINS = np.array([[0, 2, 0, 1], [3, 0, 5, 0], [0, 3, 0, 1], [4, 0, 3, 0]])


@pytest.mark.parametrize("method", ["newton", "mm"])
def test_it_fits_wikipedias_four_teams(method):
    strengths = bradley_terry_strengths(WIKIPEDIA_WINS, prior_duels=0, method=method)

    assert strengths.round(3).tolist() == [0.640, 1.043, 0.660, 2.270]
    assert np.exp(np.log(strengths).mean()) == pytest.approx(1.0)


def test_the_two_fits_agree_on_a_larger_list():
    generator = np.random.default_rng(7)
    wins = generator.poisson(2.0, (30, 30)) * (1 - np.eye(30, dtype=int))

    newton = bradley_terry_strengths(wins)
    mm = bradley_terry_strengths(wins, method="mm")

    assert newton == pytest.approx(mm, rel=1e-8)


def test_conjugate_gradients_give_the_dense_solves_fit(monkeypatch):
    generator = np.random.default_rng(8)
    wins = generator.poisson(1.0, (12, 12)) * (1 - np.eye(12, dtype=int))
    dense = bradley_terry_strengths(wins)

    monkeypatch.setattr(bradley_terry, "DENSE_SOLVE_LIMIT", 5)

    assert bradley_terry_strengths(wins) == pytest.approx(dense, rel=1e-9)


def test_a_fit_stepping_with_a_fixed_curvature_reaches_the_same_strengths():
    generator = np.random.default_rng(9)
    wins = generator.poisson(2.0, (20, 20)) * (1 - np.eye(20, dtype=int))
    resampled = generator.poisson(wins)
    near = bradley_terry_strengths(wins)

    refit = bradley_terry_strengths(resampled, initial=near, curvature=fixed_curvature(wins, near))

    assert refit == pytest.approx(bradley_terry_strengths(resampled), rel=1e-8)
    assert fixed_curvature(wins, near, prior_duels=0) is None


def test_the_prior_keeps_contenders_without_duels_or_wins_finite():
    wins = np.zeros((4, 4))
    wins[0, 1] = 3  # 0 beat 1 three times; 1 never won; 2 and 3 never dueled.

    strengths = bradley_terry_strengths(wins)

    assert np.all(np.isfinite(strengths))
    assert strengths[2] == pytest.approx(strengths[3])
    assert strengths[0] > strengths[2] > strengths[1]


def test_without_a_prior_it_says_when_no_fit_exists():
    wins = np.zeros((3, 3))
    wins[0, 1] = wins[1, 2] = 1

    with pytest.raises(ValueError, match="reachable"):
        bradley_terry_strengths(wins, prior_duels=0)


def test_the_score_is_the_chance_of_beating_a_random_other_contender():
    strengths = np.array([1.0, 3.0, 1.0 / 3.0])

    chances = win_chances(strengths)

    # Contender 1 beats 0 with 3/4 and 2 with 9/10.
    assert chances[1] == pytest.approx(100 * (0.75 + 0.9) / 2)
    assert win_chances(strengths, block=1) == pytest.approx(chances)
    assert chances.sum() == pytest.approx(100 * 3 / 2)  # each duel is won by someone


def test_duels_from_rows_count_each_members_wins():
    duels = duels_from_rows(
        n_members=3,
        n_contenders=3,
        members=[0, 0, 2, 1],
        winners=[1, 1, 1, 0],
        losers=[0, 0, 0, 2],
    )

    assert duels.wins().toarray().tolist() == [[0, 0, 1], [3, 0, 0], [0, 0, 0]]
    assert duels.wins([1, 0, 2]).toarray().tolist() == [[0, 0, 0], [4, 0, 0], [0, 0, 0]]


def test_duels_from_rows_refuses_a_contender_dueling_itself():
    with pytest.raises(ValueError, match="two different"):
        duels_from_rows(n_members=1, n_contenders=2, members=[0], winners=[1], losers=[1])


def test_a_borrowed_curvature_far_from_the_data_still_reaches_the_top():
    """A chord fit (a bootstrap round's) whose curvature comes from a count a hundred
    thousand times bigger takes steps below the tolerance at once; it must go on to
    the same strengths as a fit with its own curvature, not stop where it started."""
    big = np.array([[0, 50_000, 0], [50_000, 0, 50_000], [0, 50_000, 0]], dtype=float)
    small = np.array([[0, 3, 0], [0, 0, 1], [0, 0, 0]], dtype=float)
    start = bradley_terry_strengths(big)

    borrowed = bradley_terry_strengths(
        small, initial=start, curvature=fixed_curvature(big, start), tolerance=1e-8
    )

    np.testing.assert_allclose(borrowed, bradley_terry_strengths(small), rtol=1e-6)
    assert borrowed[0] > 3 * borrowed[1]  # Far from the equal start.
