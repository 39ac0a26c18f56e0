"""Which two contenders a member duels next: adaptive, and reproducible.

Two draws from a generator seeded by (member id, duels the member has done),
so the same member at the same point always gets the same pair:

1. the first contender i with All Our Ideas' catch-up weight, so that
   contenders with few comparisons come up more often:

       catch_up_i = min(1 / (comparisons_i + 1), 0.05), normalised

   (every contender with fewer than 20 comparisons has the cap, 0.05);

2. the second j != i with catch_up_j * closeness(i, j), normalised, where

       closeness(i, j) = 4 q (1 - q),  q = p_i / (p_i + p_j)

   is 1 for an even pair (equal Bradley-Terry strengths p) and falls
   towards 0 as the pair gets lopsided: close pairs tell more.

The member's previous pair is never drawn again: when i was in it, the other
one is left out of the second draw. A coin from the same generator decides
which of the two shows on the left.
"""

import numpy as np
from numpy.typing import ArrayLike

CATCH_UP_CAP = 0.05  # All Our Ideas' cap: a new contender is favoured, not flooded.


def catch_up_weights(comparisons: ArrayLike) -> np.ndarray:
    """(n,) min(1 / (comparisons + 1), 0.05), normalised to sum 1."""
    counts = np.asarray(comparisons, dtype=float)
    weights = np.minimum(1.0 / (counts + 1.0), CATCH_UP_CAP)
    return weights / weights.sum()


def choose_duel_pair(
    *,
    comparisons: ArrayLike,
    strengths: ArrayLike,
    member_id: int,
    duels_done: int,
    previous_pair: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """The next pair (left, right) of contender indices for a member.

    comparisons (n,): duels each contender has been in; strengths (n,):
    Bradley-Terry strengths (all 1 before any duel). Raises ValueError for
    fewer than two contenders, or two when the only pair is the previous one.
    """
    catch_up = catch_up_weights(comparisons)
    p = np.asarray(strengths, dtype=float)
    n = len(catch_up)
    if n < 2 or len(p) != n:
        raise ValueError("a duel needs two contenders, each with a comparison count and strength")
    if n == 2 and previous_pair is not None:
        raise ValueError("a list of two contenders has one pair, and it was the previous one")
    generator = np.random.default_rng([member_id, duels_done])
    first = int(generator.choice(n, p=catch_up))

    chance = p[first] / (p[first] + p)
    weights = catch_up * 4 * chance * (1 - chance)
    weights[first] = 0.0
    if previous_pair is not None and first in previous_pair:
        weights[previous_pair[1] if previous_pair[0] == first else previous_pair[0]] = 0.0
    if weights.sum() <= 0:
        # Strengths so far apart that every closeness underflowed: catch-up alone.
        weights = catch_up.copy()
        weights[first] = 0.0
        if previous_pair is not None and first in previous_pair:
            weights[list(previous_pair)] = 0.0
    second = int(generator.choice(n, p=weights / weights.sum()))
    return (first, second) if generator.random() < 0.5 else (second, first)
