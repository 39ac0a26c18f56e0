"""Scores to ranks, with the one tie-break every counting method shares.

Higher scores rank higher; on equal scores the contender with the lower
index (the one that joined the list first) ranks higher, so an order never
depends on sorting accidents.
"""

import numpy as np
from numpy.typing import ArrayLike, NDArray


def order_by_score(scores: ArrayLike) -> NDArray[np.intp]:
    """Contender indices best first: highest score, then lowest index.

    `scores` is (n,) or (rounds, n); the order has the same shape, each row
    sorted on its own. A stable sort of the negated scores keeps equal scores
    in index order.
    """
    values = np.asarray(scores)
    return np.argsort(-values, axis=-1, kind="stable")


def ranks_from_order(order: ArrayLike) -> NDArray[np.intp]:
    """Each contender's rank (1 = first) from an order of indices, best first.

    `order` is (n,) or (rounds, n); ranks[..., i] is the place of contender i.
    """
    positions = np.asarray(order)
    ranks = np.empty_like(positions)
    places = np.broadcast_to(np.arange(1, positions.shape[-1] + 1), positions.shape)
    np.put_along_axis(ranks, positions, places, axis=-1)
    return ranks


def ranks_from_scores(scores: ArrayLike) -> NDArray[np.intp]:
    """Each contender's rank (1 = first) by score, ties to the lower index."""
    return ranks_from_order(order_by_score(scores))
