"""Duels (Bradley-Terry): strengths fitted to who beat whom, head to head.

The model: contender i beats j with chance p_i / (p_i + p_j). The strengths
are the maximum-likelihood fit to the counted duels, with w[i, j] the times
i beat j, W_i = sum_j w[i, j] and n_ij = w[i, j] + w[j, i]. Two ways to
the same fit:

- "mm", the classic MM iteration (Hunter 2004, "MM algorithms for
  generalized Bradley-Terry models", eq. 3):

      p_i <- W_i / sum_j n_ij / (p_i + p_j)

- "newton" (the default), Newton's method on the log-likelihood in
  theta = log p, with a step-halving line search so every step climbs.
  On the benchmark's 200,000 duels among 1,000 contenders MM needed about
  7,000 iterations (10 s) where Newton needs 6 (0.2 s): contenders with few
  duels are what MM converges slowly on. Both are tested to agree.

Both work over the compared pairs only (Newton's linear system is n x n:
Cholesky up to DENSE_SOLVE_LIMIT contenders, conjugate gradients beyond). No library is
needed for either; `choix` offers MM-type and spectral fits but not the
sparse, warm-started fit the bootstrap wants.

Regularisation: a contender with no duels, or no wins, has no finite
maximum-likelihood strength. So each contender also plays `prior_duels`
virtual duels won and as many lost against a virtual average contender of
fixed strength 1 (a common prior, as in Coulom's Whole-History Rating); in
MM form:

    p_i <- (W_i + a) / (sum_j n_ij / (p_i + p_j) + 2a / (p_i + 1))

A contender with no duels then sits at 1, one with only losses below the
rest, and the fit always exists. With prior_duels=0 the plain MLE is fitted,
which exists only when every contender can be reached from every other by a
chain of wins (Zermelo's condition); otherwise a ValueError says so.

Strengths are reported normalised to geometric mean 1. All Our Ideas' score
is the chance of beating a randomly chosen other contender:

    score_i = 100 * mean over j != i of p_i / (p_i + p_j)

"Can't decide" answers are not duels here: they carry no winner.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg, sparse
from scipy.sparse import csgraph
from scipy.sparse import linalg as sparse_linalg

PRIOR_DUELS = 1.0  # One virtual win and one virtual loss: negligible beside hundreds of duels.
TOLERANCE = 1e-10  # Largest change of a log-strength between iterations at convergence.
MAX_ITERATIONS = 100_000
# Steps of a fit with a borrowed curvature (fixed_curvature) before it takes its own.
CHORD_STEPS = 100
DENSE_SOLVE_LIMIT = 2_000  # Up to here a dense n x n Cholesky solve is faster than a sparse one.


@dataclass(frozen=True)
class Duels:
    """Every counted duel of a list, grouped by the (winner, loser) pair.

    winners, losers (pairs,): the distinct ordered pairs; by_member (members x
    pairs, CSR): how many times each member saw winners[p] beat losers[p].
    A bootstrap weights members, so the wins of a round are by_member^T @ w.
    """

    n_contenders: int
    winners: NDArray[np.intp]
    losers: NDArray[np.intp]
    by_member: sparse.csr_array

    def wins(self, weights: ArrayLike | None = None) -> sparse.csr_array:
        """w (n x n, sparse): w[i, j] = (weighted) times i beat j."""
        if weights is None:
            counts = np.asarray(self.by_member.sum(axis=0)).ravel()
        else:
            counts = self.by_member.T @ np.asarray(weights, dtype=float)
        n = self.n_contenders
        return sparse.csr_array((counts, (self.winners, self.losers)), shape=(n, n))


def duels_from_rows(
    *, n_members: int, n_contenders: int, members: ArrayLike, winners: ArrayLike, losers: ArrayLike
) -> Duels:
    """Duels from rows (member, winner, loser), indices 0..n-1 mapped by the caller.

    Raises ValueError on an index out of range or a contender dueling itself.
    """
    member = np.asarray(members, dtype=np.int64).reshape(-1)
    winner = np.asarray(winners, dtype=np.int64).reshape(-1)
    loser = np.asarray(losers, dtype=np.int64).reshape(-1)
    if not len(member) == len(winner) == len(loser):
        raise ValueError("every duel needs a member, a winner and a loser")
    if np.any((member < 0) | (member >= n_members)):
        raise ValueError(f"member indices must be in 0..{n_members - 1}")
    for side in (winner, loser):
        if np.any((side < 0) | (side >= n_contenders)):
            raise ValueError(f"contender indices must be in 0..{n_contenders - 1}")
    if np.any(winner == loser):
        raise ValueError("a duel needs two different contenders")
    pair_keys, pair_of_duel = np.unique(winner * n_contenders + loser, return_inverse=True)
    by_member = sparse.csr_array(
        (np.ones(len(member)), (member, pair_of_duel.ravel())),
        shape=(n_members, len(pair_keys)),
    )
    by_member.sum_duplicates()
    return Duels(
        n_contenders=n_contenders,
        winners=(pair_keys // n_contenders).astype(np.intp),
        losers=(pair_keys % n_contenders).astype(np.intp),
        by_member=by_member,
    )


def bradley_terry_strengths(
    wins: ArrayLike | sparse.sparray,
    *,
    prior_duels: float = PRIOR_DUELS,
    method: Literal["newton", "mm"] = "newton",
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
    initial: ArrayLike | None = None,
    curvature: Callable[[NDArray], NDArray] | None = None,
) -> NDArray[np.float64]:
    """Strengths p (n,), geometric mean 1, from the wins matrix w (n x n, dense or sparse).

    Stops when no log-strength moves by more than `tolerance`. `initial` (n,)
    starts from earlier strengths (a bootstrap round starts from the full
    count's), and `curvature` (from fixed_curvature) steps Newton with its
    curvature rather than a new one each step. Raises ValueError when
    prior_duels is 0 and the plain MLE does not exist, RuntimeError when the
    fit has not converged in max_iterations.
    """
    w = sparse.coo_array(wins)
    w.sum_duplicates()
    n = w.shape[0]
    if prior_duels < 0:
        raise ValueError("prior_duels cannot be negative")
    if prior_duels == 0:
        linked = sparse.csr_array((w.data > 0, (w.row, w.col)), shape=(n, n))
        components, _ = csgraph.connected_components(linked, directed=True, connection="strong")
        if components > 1:
            raise ValueError(
                "without a prior, every contender must be reachable from every other by a "
                "chain of wins; use prior_duels > 0"
            )
    start = np.ones(n) if initial is None else np.asarray(initial, dtype=float)
    if method == "newton":
        strengths = _newton(w, prior_duels, np.log(start), tolerance, max_iterations, curvature)
    else:
        strengths = _minorize_maximize(w, prior_duels, np.log(start), tolerance, max_iterations)
    return strengths / _geometric_mean(strengths)


def _minorize_maximize(
    w: sparse.coo_array, prior: float, log_start: NDArray, tolerance: float, max_iterations: int
) -> NDArray[np.float64]:
    n = w.shape[0]
    won = np.bincount(w.row, weights=w.data, minlength=n)
    # Both orders of each pair, with n_ij = w[i, j] + w[j, i].
    meetings = sparse.coo_array(w + w.T)
    meetings.sum_duplicates()
    first, second, met = meetings.row, meetings.col, meetings.data
    strengths = np.exp(log_start)
    for _ in range(max_iterations):
        expected = np.bincount(
            first, weights=met / (strengths[first] + strengths[second]), minlength=n
        )
        updated = (won + prior) / (expected + 2 * prior / (strengths + 1))
        if prior == 0:
            # Without the virtual opponent the scale is free; pin it each step.
            updated /= _geometric_mean(updated)
        change = np.max(np.abs(np.log(updated) - np.log(strengths)), initial=0.0)
        strengths = updated
        if change < tolerance:
            return strengths
    raise RuntimeError(f"Bradley-Terry did not converge in {max_iterations} iterations")


@dataclass(frozen=True)
class _Meetings:
    """The duels as the Newton steps read them: both orders of each compared pair."""

    wins: sparse.coo_array
    won: NDArray[np.float64]
    first: NDArray[np.intp]
    second: NDArray[np.intp]
    met: NDArray[np.float64]

    @classmethod
    def of(cls, wins: ArrayLike | sparse.sparray) -> "_Meetings":
        w = sparse.coo_array(wins)
        w.sum_duplicates()
        meetings = sparse.coo_array(w + w.T)
        meetings.sum_duplicates()
        won = np.bincount(w.row, weights=w.data, minlength=w.shape[0])
        return cls(w, won, meetings.row, meetings.col, meetings.data)

    def log_likelihood(self, theta: NDArray, prior: float) -> float:
        w = self.wins
        duels = w.data @ -np.logaddexp(0.0, theta[w.col] - theta[w.row])
        virtual = -prior * (np.logaddexp(0.0, -theta) + np.logaddexp(0.0, theta)).sum()
        return float(duels + virtual)

    def gradient(self, theta: NDArray, prior: float) -> NDArray[np.float64]:
        beats = _logistic(theta[self.first] - theta[self.second])
        expected = np.bincount(self.first, weights=self.met * beats, minlength=len(theta))
        return self.won + prior - expected - 2 * prior * _logistic(theta)

    def curvature(self, theta: NDArray, prior: float) -> sparse.csr_array:
        """Minus the Hessian: a weighted graph Laplacian plus the prior's diagonal."""
        n = len(theta)
        beats = _logistic(theta[self.first] - theta[self.second])
        own = _logistic(theta)
        spread = self.met * beats * (1 - beats)
        laplacian = sparse.csr_array((-spread, (self.first, self.second)), shape=(n, n))
        return laplacian + sparse.diags_array(
            np.bincount(self.first, weights=spread, minlength=n) + 2 * prior * own * (1 - own)
        )


def fixed_curvature(
    wins: ArrayLike | sparse.sparray,
    strengths: ArrayLike,
    *,
    prior_duels: float = PRIOR_DUELS,
) -> Callable[[NDArray], NDArray] | None:
    """The curvature at `strengths`, Cholesky-factored once, as a solver for later fits.

    A bootstrap round's fit is close to the full count's, so it can step with
    the full count's curvature (a chord Newton method: each step O(n^2) instead
    of a new O(n^3) factorisation). None above DENSE_SOLVE_LIMIT contenders, or
    without a prior (the curvature is then singular), where each fit factors its own.
    """
    theta = np.log(np.asarray(strengths, dtype=float))
    if len(theta) > DENSE_SOLVE_LIMIT or prior_duels <= 0:
        return None
    factor = linalg.cho_factor(_Meetings.of(wins).curvature(theta, prior_duels).toarray())
    # The factor is finite (it was just made) and so is every gradient: no need
    # to scan both again on each of a bootstrap's thousands of steps.
    return lambda gradient: linalg.cho_solve(factor, gradient, check_finite=False)


def _newton(
    wins: ArrayLike | sparse.sparray,
    prior: float,
    log_start: NDArray,
    tolerance: float,
    max_iterations: int,
    solve: Callable[[NDArray], NDArray] | None = None,
) -> NDArray[np.float64]:
    """Maximise the log-likelihood l(theta) by Newton steps with step halving.

    l = sum w_ij log s(theta_i - theta_j) + a sum_i [log s(theta_i) + log s(-theta_i)],
    s the logistic function; the second sum is the virtual duels against
    strength 1 (theta = 0). Minus its Hessian is a weighted graph Laplacian
    plus 2a s(1 - s) on the diagonal: positive definite when a > 0; with
    a = 0 contender 0 is pinned at theta = 0 instead. `solve`, when given,
    replaces each step's curvature (see fixed_curvature); any positive
    definite curvature gives a climbing direction, so step halving still holds.

    A borrowed curvature far larger than the likelihood's own makes short
    steps far from the top, and one far smaller or askew can crawl: so the
    fit never stops on such a step. Once one is within `tolerance`, or after
    CHORD_STEPS of them, it goes on with the likelihood's own curvature,
    which stops only at the top (one or two steps when it is near).
    """
    meetings = _Meetings.of(wins)
    n = len(log_start)
    free = slice(None) if prior > 0 else slice(1, None)
    theta = log_start - (0.0 if prior > 0 else log_start[0])
    height = meetings.log_likelihood(theta, prior)
    for iteration in range(max_iterations):
        gradient = meetings.gradient(theta, prior)
        step = np.zeros(n)
        if solve is not None and iteration < CHORD_STEPS:
            step = solve(gradient)
            if np.max(np.abs(step), initial=0.0) < tolerance:
                solve = None  # Short, but is it the top? The own curvature says.
                continue
        else:
            curvature = meetings.curvature(theta, prior)
            step[free] = _solve_positive(curvature[free, free], gradient[free])
        if np.max(np.abs(step), initial=0.0) < tolerance:
            return np.exp(theta + step)
        # Halve the step until it climbs; near the top the likelihood changes
        # less than its rounding, so a step within that rounding is taken too.
        slack = 1e-12 * max(1.0, abs(height))
        scale = 1.0
        climbed = meetings.log_likelihood(theta + step, prior)
        while climbed < height - slack and scale > 1e-6:
            scale /= 2
            climbed = meetings.log_likelihood(theta + scale * step, prior)
        theta, height = theta + scale * step, climbed
    raise RuntimeError(f"Bradley-Terry did not converge in {max_iterations} iterations")


def _solve_positive(matrix: sparse.csr_array, vector: NDArray) -> NDArray[np.float64]:
    """Solve a positive definite system: dense Cholesky, or Jacobi-preconditioned CG.

    Sparse LU fills in badly on the Laplacian of a well-mixed list (minutes
    at 10,000 contenders); conjugate gradients need only products with it.
    """
    if matrix.shape[0] <= DENSE_SOLVE_LIMIT:
        return linalg.solve(matrix.toarray(), vector, assume_a="pos")
    jacobi = sparse.diags_array(1.0 / matrix.diagonal())
    solution, info = sparse_linalg.cg(
        matrix, vector, rtol=1e-10, maxiter=10 * len(vector), M=jacobi
    )
    if info != 0:
        raise RuntimeError("Bradley-Terry's Newton step did not converge")
    return solution


def _logistic(x: NDArray) -> NDArray[np.float64]:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def win_chances(strengths: ArrayLike, *, block: int = 1_000) -> NDArray[np.float64]:
    """All Our Ideas' score (n,): 100 * mean over j != i of p_i / (p_i + p_j).

    Counted `block` rows at a time, so a list of 10,000 never holds n x n.
    """
    p = np.asarray(strengths, dtype=float)
    n = len(p)
    if n < 2:
        return np.full(n, np.nan)
    chances = np.empty(n)
    for start in range(0, n, block):
        rows = p[start : start + block, None]
        # Each row's own term is p_i / 2p_i = 1/2; take it out of the sum.
        chances[start : start + block] = ((rows / (rows + p[None, :])).sum(axis=1) - 0.5) / (n - 1)
    return 100 * chances


def _geometric_mean(values: NDArray[np.float64]) -> float:
    if not values.size:  # No contender: nothing to scale.
        return 1.0
    return float(np.exp(np.mean(np.log(values))))
