"""The head-to-head table: how many members prefer each contender to each other.

    d[i, j] = sum over members m of w_m * [T[m, i] > T[m, j]]

with T the tier matrix (preferences.py, tier 0 implicit) and w_m a member's
weight (1, or a bootstrap round's resampling count). The diagonal is 0.

It is built from sparse products over all members at once, never a loop over
members and never a dense (members x contenders) matrix. Split the pairs a
member orders by where the two tiers are:

- both stored: sum over each stored tier level k of E_k^T W S_k, where E_k
  marks the entries at level k and S_k the entries below k;
- i stored above tier 0, j at tier 0 (a ballot's contender over one it left
  out, an up vote over no vote): every member with i positive, minus those
  who also stored j: colsum(W P)[i] - (P^T W S)[i, j], with P the positive
  entries and S every stored entry;
- i at tier 0 and j stored below it (no vote over a down vote):
  colsum(W N)[j] - (S^T W N)[i, j], with N the negative entries.

A member storing s entries costs about s^2 operations, so a ballot of ten or
a few dozen votes stays cheap whatever the size of the list.
pairwise_matrix counts once by these products; PairwiseCounter lays the same
terms out per member for counting again and again under new weights.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import sparse

from comments.counting.preferences import entry_rows


@dataclass(frozen=True)
class PairwiseCounter:
    """d over k contenders as one sparse product with the weights, for recounting.

    A bootstrap recounts the same members under new weights hundreds of
    times, so each member's say on each pair is laid out once:

        d = reshape(stored_pairs @ w, (k, k)) + (P^T w)[:, None] + (N^T w)[None, :]

    stored_pairs (k*k x members) holds, for each member and each pair (i, j)
    of contenders they both stored, [t_i > t_j] - [t_i > 0] - [t_j < 0]: the
    pair's own preference, less what the two tier-0 terms P^T w (i above
    tier 0, over every j) and N^T w (j below tier 0, under every i) already
    gave it. A member storing s entries has s^2 pairs, so this is for a
    leading subset (a few million pairs for 100 contenders and 125,000
    members), where pairwise_matrix's level products would rebuild a dozen
    products every round.
    """

    n_contenders: int
    stored_pairs: sparse.csr_array
    above_tier_zero: sparse.csr_array
    below_tier_zero: sparse.csr_array

    def count(self, weights: ArrayLike | None = None) -> NDArray[np.float64]:
        """d (k x k) under per-member `weights` (members,), 1 each by default."""
        k = self.n_contenders
        weight = (
            np.ones(self.stored_pairs.shape[1])
            if weights is None
            else np.asarray(weights, dtype=float)
        )
        table = (self.stored_pairs @ weight).reshape(k, k)
        table += (self.above_tier_zero @ weight)[:, None]
        table += (self.below_tier_zero @ weight)[None, :]
        np.fill_diagonal(table, 0.0)
        return table


def pairwise_counter(
    tiers: sparse.csr_array, *, contenders: ArrayLike | None = None, block: int = 2_000_000
) -> PairwiseCounter:
    """Lay out every member's say on every pair of `contenders` (all by default).

    Members are expanded `block` pairs at a time (whole members per block),
    so memory stays bounded; within a block everything is vectorised.
    """
    if contenders is not None:
        tiers = tiers[:, np.asarray(contenders, dtype=np.intp)]
    tiers = sparse.csr_array(tiers)
    tiers.sort_indices()
    n_members, k = tiers.shape
    stored = np.diff(tiers.indptr).astype(np.int64)
    pairs_before = np.r_[0, np.cumsum(stored**2)]
    cuts = np.searchsorted(pairs_before, np.arange(0, pairs_before[-1], block), side="right") - 1
    bounds = np.unique(np.r_[cuts, n_members])
    keys, members, says = [np.empty(0, np.int64)], [np.empty(0, np.int64)], [np.empty(0)]
    for low, high in itertools.pairwise(bounds):
        entries = np.arange(tiers.indptr[low], tiers.indptr[high])
        member = np.repeat(np.arange(low, high), stored[low:high])
        # Pair each entry with every entry of its member's row, itself included.
        repeats = stored[member]
        first = np.repeat(entries, repeats)
        pair_member = np.repeat(member, repeats)
        offset = np.arange(len(first)) - np.repeat(np.cumsum(repeats) - repeats, repeats)
        second = tiers.indptr[pair_member] + offset
        tier_i, tier_j = tiers.data[first], tiers.data[second]
        say = (
            (tier_i > tier_j).astype(np.int8)
            - (tier_i > 0).astype(np.int8)
            - (tier_j < 0).astype(np.int8)
        )
        keep = (say != 0) & (first != second)
        keys.append(tiers.indices[first[keep]].astype(np.int64) * k + tiers.indices[second[keep]])
        members.append(pair_member[keep])
        says.append(say[keep].astype(float))
    rows = entry_rows(tiers)

    def tier_side(mask: NDArray[np.bool_]) -> sparse.csr_array:
        return sparse.csr_array(
            (np.ones(int(mask.sum())), (tiers.indices[mask], rows[mask])), shape=(k, n_members)
        )

    return PairwiseCounter(
        n_contenders=k,
        stored_pairs=sparse.csr_array(
            (np.concatenate(says), (np.concatenate(keys), np.concatenate(members))),
            shape=(k * k, n_members),
        ),
        above_tier_zero=tier_side(tiers.data > 0),
        below_tier_zero=tier_side(tiers.data < 0),
    )


def pairwise_matrix(
    tiers: sparse.csr_array,
    *,
    weights: ArrayLike | None = None,
    contenders: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """d[i, j] (n x n, or k x k over `contenders` in their given order), by level products.

    Restricting to a subset of contenders restricts d to it: whether a member
    prefers i to j depends on their tiers of i and j only.
    """
    if contenders is not None:
        tiers = tiers[:, np.asarray(contenders, dtype=np.intp)]
    tiers = sparse.csr_array(tiers)
    n_members, n = tiers.shape
    weight = np.ones(n_members) if weights is None else np.asarray(weights, dtype=float)
    rows = entry_rows(tiers)
    level = tiers.data

    def entries(mask: NDArray[np.bool_], *, weighted: bool = False) -> sparse.csr_array:
        values = weight[rows[mask]] if weighted else np.ones(int(mask.sum()))
        return sparse.csr_array((values, (rows[mask], tiers.indices[mask])), shape=tiers.shape)

    stored = entries(np.ones(len(level), dtype=bool))
    positive = entries(level > 0, weighted=True)
    negative = entries(level < 0, weighted=True)
    table = np.zeros((n, n))
    for k in np.unique(level)[1:]:
        table += (entries(level == k, weighted=True).T @ entries(level < k)).toarray()
    table += positive.sum(axis=0)[:, None] - (positive.T @ stored).toarray()
    table += negative.sum(axis=0)[None, :] - (stored.T @ negative).toarray()
    np.fill_diagonal(table, 0.0)
    return table


def head_to_head(
    tiers: sparse.csr_array, contender: int, *, weights: ArrayLike | None = None
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """One contender against every other: (d[c, :], d[:, c]), each (n,).

    O(stored entries), without the n x n table: for a list too big to tabulate
    whole, this checks a Condorcet winner against every contender. With t_m
    the member's tier of c, d[c, j] sums w_m over members with t_m > T[m, j]:
    the stored entries below t_m, plus every tier-0 contender when t_m > 0.
    """
    tiers = sparse.csr_array(tiers)
    n_members, n = tiers.shape
    weight = np.ones(n_members) if weights is None else np.asarray(weights, dtype=float)
    own_tier = tiers[:, [contender]].toarray().ravel()
    rows = entry_rows(tiers)
    entry_weight = weight[rows]
    theirs = own_tier[rows]
    stored = tiers.data

    def by_contender(mask: NDArray[np.bool_]) -> NDArray[np.float64]:
        return np.bincount(tiers.indices, weights=entry_weight * mask, minlength=n)

    wins = by_contender(theirs > stored) + weight[own_tier > 0].sum() - by_contender(theirs > 0)
    losses = by_contender(stored > theirs) + weight[own_tier < 0].sum() - by_contender(theirs < 0)
    wins[contender] = losses[contender] = 0.0
    return wins, losses


def expressed_preference(table: ArrayLike) -> NDArray[np.float64]:
    """How many members "ranked both": those who prefer one of i, j to the other.

    both[i, j] = d[i, j] + d[j, i]; members who put i and j in one tier (both
    left out, both voted up) have no say between them and are not counted.
    The share "i is ranked above j by x% of the members who ranked both" is
    d[i, j] / both[i, j] (see preference_share).
    """
    d = np.asarray(table, dtype=float)
    return d + d.T


def preference_share(table: ArrayLike) -> NDArray[np.float64]:
    """share[i, j] = d[i, j] / (d[i, j] + d[j, i]); NaN where nobody ranked both."""
    d = np.asarray(table, dtype=float)
    both = d + d.T
    share = np.full_like(d, np.nan)
    np.divide(d, both, out=share, where=both > 0)
    return share
