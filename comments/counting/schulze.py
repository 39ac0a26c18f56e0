"""Schulze (Condorcet, strongest paths) over the head-to-head table.

A path from i to j is as strong as its weakest link, a link being a
pairwise win d[a, b] > d[b, a] of strength d[a, b]. p[i, j] is the strength
of the strongest path (Floyd-Warshall over widest paths):

    p[i, j] = d[i, j] if d[i, j] > d[j, i] else 0
    for each k: p[i, j] = max(p[i, j], min(p[i, k], p[k, j]))

and i ranks above j when p[i, j] > p[j, i]. Schulze proved this relation
transitive, so contenders sort by how many beat them.

Tie-break (published, the same every time): contenders the Schulze relation
does not separate are ordered by Borda score (highest first), then by index,
i.e. the one that joined the list first.

Subset rule for big lists: above `limit` contenders (default 1,000) the
strongest paths are counted over the leading `limit` by Borda (ties to the
lower index), and the rest follow them in Borda order. The strongest-path
table is O(k^2) memory and O(k^3) time, which is why it has a limit.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from comments.counting.borda import borda_scores
from comments.counting.pairwise import head_to_head, pairwise_matrix
from comments.counting.ranks import order_by_score, ranks_from_order

CONDORCET_LIMIT = 1_000  # A 1,000 x 1,000 strongest-path table is counted in about a second.


@dataclass(frozen=True)
class SchulzeCount:
    """A list counted by Schulze.

    order (n,): contender indices best first; ranks (n,): 1-based rank of
    each contender; counted (k,): the contenders the strongest paths were
    counted over, in Borda order (all n when n <= limit); pairwise and
    strongest_paths (k x k): over `counted`, in that order; borda (n,);
    condorcet_winner: the contender who beats every other one head to head,
    or None.
    """

    order: NDArray[np.intp]
    ranks: NDArray[np.intp]
    counted: NDArray[np.intp]
    pairwise: NDArray[np.float64]
    strongest_paths: NDArray[np.float64]
    borda: NDArray[np.float64]
    condorcet_winner: int | None

    @property
    def is_subset(self) -> bool:
        """True when the list was too big to count whole (see the subset rule)."""
        return len(self.counted) < len(self.order)


def strongest_paths(table: ArrayLike) -> NDArray[np.float64]:
    """p (n x n) from d (n x n): the widest-path closure of the pairwise wins.

    One vectorised relaxation per intermediate contender k (n NumPy steps of
    n x n, no triple loop). Row and column k do not change during step k
    (p[k, k] plays no part), so the step can work in place.
    """
    d = np.asarray(table, dtype=float)
    paths = np.where(d > d.T, d, 0.0)
    np.fill_diagonal(paths, 0.0)
    through = np.empty_like(paths)
    for k in range(len(paths)):
        np.minimum(paths[:, k, None], paths[None, k, :], out=through)
        np.maximum(paths, through, out=paths)
    np.fill_diagonal(paths, 0.0)
    return paths


def schulze_order(
    table: ArrayLike,
    *,
    tie_break: ArrayLike | None = None,
    indices: ArrayLike | None = None,
) -> NDArray[np.intp]:
    """Positions in d (k,) best first by the Schulze relation over d (k x k).

    Ties go to the higher `tie_break` score (Borda, the row sums of d, by
    default), then to the lower contender index: `indices` (k,) names the
    contenders of d's rows when they are not 0..k-1.
    """
    d = np.asarray(table, dtype=float)
    return order_from_paths(
        strongest_paths(d),
        tie_break=d.sum(axis=1) if tie_break is None else tie_break,
        indices=np.arange(len(d)) if indices is None else indices,
    )


def order_from_paths(
    paths: ArrayLike, *, tie_break: ArrayLike, indices: ArrayLike
) -> NDArray[np.intp]:
    """Positions (k,) best first from strongest paths p (k x k), with the tie-break above.

    The relation p[i, j] > p[j, i] is a strict weak order, so the number of
    contenders beating one places it, and equal numbers are exactly its ties.
    """
    p = np.asarray(paths)
    beaten_by = (p < p.T).sum(axis=1)  # p[j, i] > p[i, j]: j beats i
    # lexsort's last key is the primary one.
    return np.lexsort((np.asarray(indices), -np.asarray(tie_break, dtype=float), beaten_by))


def condorcet_winner(table: ArrayLike) -> int | None:
    """The contender who beats every other strictly head to head (d[i, j] > d[j, i])."""
    d = np.asarray(table, dtype=float)
    if len(d) == 0:
        return None
    wins = (d > d.T).sum(axis=1)
    winners = np.flatnonzero(wins == len(d) - 1)
    return int(winners[0]) if len(winners) else None


def count_schulze(
    tiers: sparse.csr_array,
    *,
    limit: int = CONDORCET_LIMIT,
    weights: ArrayLike | None = None,
) -> SchulzeCount:
    """Count a list from its tier matrix (members x n), with the subset rule above.

    A Condorcet winner of the counted subset is checked against the
    contenders outside it too; one outside the subset is not looked for
    (it would have to be outside the leading `limit` by Borda).
    """
    n = tiers.shape[1]
    borda = borda_scores(tiers, weights=weights)
    by_borda = order_by_score(borda)
    counted = np.sort(by_borda[:limit]) if n > limit else np.arange(n)
    counted = counted[order_by_score(borda[counted])]
    d = pairwise_matrix(tiers, weights=weights, contenders=counted)
    paths = strongest_paths(d)
    within = order_from_paths(paths, tie_break=borda[counted], indices=counted)
    order = np.concatenate([counted[within], by_borda[limit:] if n > limit else []]).astype(
        np.intp
    )

    winner = condorcet_winner(d)
    winner = None if winner is None else int(counted[winner])
    if winner is not None and n > limit:
        wins, losses = head_to_head(tiers, winner, weights=weights)
        others = np.arange(n) != winner
        if not np.all(wins[others] > losses[others]):
            winner = None
    return SchulzeCount(
        order=order,
        ranks=ranks_from_order(order),
        counted=counted,
        pairwise=d,
        strongest_paths=paths,
        borda=borda,
        condorcet_winner=winner,
    )
