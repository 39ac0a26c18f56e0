"""Borda: a contender's score is how often a member prefers it to another.

    borda[i] = sum over j of d[i, j]   (the row sum of the head-to-head table)

that is, the number (or weight) of (member, other contender) pairs in which
the member prefers i. On full ballots of n contenders that is n - 1 points
for a first place down to 0 for the last; a contender left out of a ballot
beats nobody on it, and one voted up beats every unvoted and down-voted one.

It is computed straight from the tier matrix in O(stored entries), without
the n x n table, so a list of any size gets its Borda scores (the Condorcet
count's subset is chosen by them). A member's entry at tier t scores the
member's stored entries below t, plus every tier-0 contender when t > 0,
and every contender at tier 0 scores the member's negative entries:

    points[m, i] = below[m, i] + [t > 0] * (n - stored_m) - negatives_m
    borda = w @ points + w . negatives_m
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from comments.counting.preferences import entry_rows


@dataclass(frozen=True)
class BordaPoints:
    """Each member's Borda points as a sparse (members x n) matrix plus a constant.

    borda = weights @ points + weights . floor; built once, recounted under any
    weights (a bootstrap round) by one sparse product.
    """

    points: sparse.csr_array
    floor: NDArray[np.float64]

    def scores(self, weights: ArrayLike | None = None) -> NDArray[np.float64]:
        """Borda scores (n,) under weights (members,), or (rounds, n) under (rounds, members)."""
        if weights is None:
            weights = np.ones(self.points.shape[0])
        weight = np.asarray(weights, dtype=float)
        # (points^T @ w^T)^T keeps the sparse matrix on the left, where SciPy
        # multiplies it by a dense block fastest.
        spread = (self.points.T @ weight.T).T
        floor = weight @ self.floor
        return spread + (floor[:, None] if weight.ndim == 2 else floor)


def borda_points(tiers: sparse.csr_array) -> BordaPoints:
    """The per-member points of every stored entry, and the tier-0 floor (see module)."""
    tiers = sparse.csr_array(tiers)
    n_members, n = tiers.shape
    rows = entry_rows(tiers)
    level = tiers.data.astype(np.int64)
    stored = np.diff(tiers.indptr)
    negatives = np.bincount(rows, weights=level < 0, minlength=n_members)

    # Within each member's entries sorted by tier, the entries strictly below
    # an entry are those before the first entry of its tier.
    by_tier = np.lexsort((level, rows))
    sorted_rows, sorted_level = rows[by_tier], level[by_tier]
    new_run = np.r_[
        True, (sorted_rows[1:] != sorted_rows[:-1]) | (sorted_level[1:] != sorted_level[:-1])
    ]
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(level)), 0))
    below = np.empty(len(level), dtype=np.int64)
    below[by_tier] = run_start - tiers.indptr[sorted_rows]

    points = below + (level > 0) * (n - stored[rows]) - negatives[rows]
    matrix = sparse.csr_array(
        (points.astype(float), tiers.indices, tiers.indptr), shape=tiers.shape
    )
    return BordaPoints(points=matrix, floor=negatives)


def borda_scores(
    tiers: sparse.csr_array, *, weights: ArrayLike | None = None
) -> NDArray[np.float64]:
    """borda (n,): the row sums of d, from the tier matrix (members x n)."""
    return borda_points(tiers).scores(weights)
