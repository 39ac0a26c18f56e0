"""How sure a rank is: the bootstrap over members, for every method.

Each round draws the list's counting members with replacement (as many
draws as there are members), so a member counts 0, 1, 2... times, and
recounts the method with those counts as weights: the same sparse products
as the count itself, under new weights, never a copy of anyone's rows. A
generator seeded by `seed` draws the rounds, so a recount with the same
seed gives the same intervals.

From the ranks of all rounds, per contender:

- the 95% interval of its rank: lower = floor of the 2.5th percentile (its
  best plausible rank), upper = ceil of the 97.5th (its worst), integers;
- the chance of being in the Top Ten: the share of rounds ranking it 1-10
  (over all contenders these sum to min(10, k) for k contenders);
- the conservative rank, as Chatbot Arena shows it: 1 + the number of
  contenders statistically better, i.e. whose worst rank (upper) is better
  than this one's best rank (lower);
- a tied band, for display: walking the list in the count's order, a
  contender opens a new band when its best rank is worse than the worst rank
  of every contender above it, and otherwise joins the band above.

Schulze's strongest paths cost O(k^3) a round, so only the leading `subset`
(default 100) of the count are resampled, ranked among themselves; the
result says so (`is_subset`) and covers only them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from comments.counting.borda import borda_points
from comments.counting.bradley_terry import (
    PRIOR_DUELS,
    Duels,
    bradley_terry_strengths,
    fixed_curvature,
)
from comments.counting.pairwise import pairwise_counter
from comments.counting.preferences import counting_members
from comments.counting.ranks import order_by_score, ranks_from_order, ranks_from_scores
from comments.counting.schulze import (
    CONDORCET_LIMIT,
    count_schulze,
    order_from_paths,
    strongest_paths,
)

ROUNDS = 200  # Enough for stable 2.5th and 97.5th percentiles (5 rounds beyond each).
SCHULZE_SUBSET = 100  # The leading contenders Schulze's bootstrap recounts.
TOP_TEN = 10
ROUND_BLOCK = 25  # Borda rounds counted together: 25 x members weights at a time.
ROUND_TOLERANCE = 1e-4  # Log-strengths to 0.01% in a round: far finer than ranks need.


@dataclass(frozen=True)
class RankIntervals:
    """A method's bootstrap, over `contenders` (k,) in the count's order, best first.

    Every array is (k,) and aligned with `contenders`: lower and upper (the
    95% rank interval), top_ten_chance (0..1), conservative_rank, band
    (1, 2, ...: contenders statistically tied share one). `members` is how
    many members counted; `is_subset` says only the leading contenders were
    resampled (ranks are then among them).
    """

    contenders: NDArray[np.intp]
    lower: NDArray[np.intp]
    upper: NDArray[np.intp]
    top_ten_chance: NDArray[np.float64]
    conservative_rank: NDArray[np.intp]
    band: NDArray[np.intp]
    rounds: int
    seed: int
    members: int
    is_subset: bool


def resampled_weights(
    counting: NDArray[np.bool_], *, rounds: int, seed: int
) -> Iterator[NDArray[np.float64]]:
    """Per round, each member's draw count (members,): multinomial over the counting ones.

    Members who prefer nothing get 0 and do not dilute the draw.
    """
    generator = np.random.default_rng(seed)
    who = np.flatnonzero(counting)
    for _ in range(rounds):
        weights = np.zeros(len(counting))
        weights[who] = np.bincount(generator.integers(0, len(who), len(who)), minlength=len(who))
        yield weights


def summarise_rounds(
    round_ranks: NDArray[np.intp],
    *,
    contenders: NDArray[np.intp],
    seed: int,
    members: int,
    is_subset: bool = False,
) -> RankIntervals:
    """Intervals, Top Ten chances, conservative ranks and bands from (rounds x k) ranks.

    Columns follow `contenders`, which must be in the count's order.
    """
    ranks = np.asarray(round_ranks)
    lower = np.floor(np.percentile(ranks, 2.5, axis=0)).astype(np.intp)
    upper = np.ceil(np.percentile(ranks, 97.5, axis=0)).astype(np.intp)
    better = np.searchsorted(np.sort(upper), lower, side="left")
    worst_above = np.maximum.accumulate(np.r_[0, upper[:-1]])
    return RankIntervals(
        contenders=np.asarray(contenders, dtype=np.intp),
        lower=lower,
        upper=upper,
        top_ten_chance=(ranks <= TOP_TEN).mean(axis=0),
        conservative_rank=(1 + better).astype(np.intp),
        band=np.cumsum(lower > worst_above).astype(np.intp),
        rounds=len(ranks),
        seed=seed,
        members=members,
        is_subset=is_subset,
    )


def bootstrap_borda(
    tiers: sparse.csr_array,
    *,
    rounds: int = ROUNDS,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> RankIntervals:
    """Borda's rank intervals from the tier matrix (members x n).

    Borda is linear in the weights, so a block of rounds is one sparse
    product: (rounds x members) @ points (members x n).
    """
    points = borda_points(tiers)
    order = order_by_score(points.scores())
    counting = counting_members(tiers)
    weights = resampled_weights(counting, rounds=rounds, seed=seed)
    ranks = []
    for start in range(0, rounds, ROUND_BLOCK):
        block = np.stack([next(weights) for _ in range(min(ROUND_BLOCK, rounds - start))])
        ranks.append(ranks_from_scores(points.scores(block)))
        if progress:
            progress(len(block))
    return summarise_rounds(
        np.concatenate(ranks)[:, order],
        contenders=order,
        seed=seed,
        members=int(counting.sum()),
    )


def bootstrap_schulze(
    tiers: sparse.csr_array,
    *,
    rounds: int = ROUNDS,
    seed: int = 0,
    subset: int = SCHULZE_SUBSET,
    limit: int = CONDORCET_LIMIT,
    progress: Callable[[int], None] | None = None,
) -> RankIntervals:
    """Schulze's rank intervals over the count's leading `subset` contenders.

    Each round counts d over them (the same pairwise products, weighted), its
    strongest paths, and orders them with the published tie-break (Borda over
    the whole list under the same weights, then index).
    """
    count = count_schulze(tiers, limit=limit)
    leading = count.order[:subset]
    pairwise = pairwise_counter(tiers, contenders=leading)
    points = borda_points(tiers)
    counting = counting_members(tiers)
    ranks = np.empty((rounds, len(leading)), dtype=np.intp)
    for round_number, weights in enumerate(resampled_weights(counting, rounds=rounds, seed=seed)):
        within = order_from_paths(
            strongest_paths(pairwise.count(weights)),
            tie_break=points.scores(weights)[leading],
            indices=leading,
        )
        ranks[round_number] = ranks_from_order(within)
        if progress:
            progress(1)
    return summarise_rounds(
        ranks,
        contenders=leading,
        seed=seed,
        members=int(counting.sum()),
        is_subset=len(leading) < len(count.order),
    )


def bootstrap_bradley_terry(
    duels: Duels,
    *,
    rounds: int = ROUNDS,
    seed: int = 0,
    prior_duels: float = PRIOR_DUELS,
    progress: Callable[[int], None] | None = None,
) -> RankIntervals:
    """Bradley-Terry's rank intervals, resampling members with all their duels.

    A round's wins are by_member^T @ weights; its fit starts from the full
    count's strengths, which it is close to, steps with the full count's
    curvature factored once, and stops at a coarser tolerance.
    """
    strengths = bradley_terry_strengths(duels.wins(), prior_duels=prior_duels)
    curvature = fixed_curvature(duels.wins(), strengths, prior_duels=prior_duels)
    order = order_by_score(strengths)
    counting = counting_members(duels.by_member)
    ranks = np.empty((rounds, duels.n_contenders), dtype=np.intp)
    for round_number, weights in enumerate(resampled_weights(counting, rounds=rounds, seed=seed)):
        fitted = bradley_terry_strengths(
            duels.wins(weights),
            prior_duels=prior_duels,
            initial=strengths,
            tolerance=ROUND_TOLERANCE,
            curvature=curvature,
        )
        ranks[round_number] = ranks_from_scores(fitted)
        if progress:
            progress(1)
    return summarise_rounds(
        ranks[:, order], contenders=order, seed=seed, members=int(counting.sum())
    )
