"""How sure each rank is: the counting job's bootstrap, by method, mapped back to ids.

comments.counting.bootstrap does the resampling over arrays; this module
runs it for every method the job counts (comments.tallies), with the seed
of the list, so a recount of the same rows stores the same intervals, and
maps the results to what MethodStanding and ListCount store.

Schulze is resampled over its leading SCHULZE_SUBSET contenders only (its
strongest paths cost O(k^3) a round); the others get no interval, and the
ListCount says how many did. A method with nobody to resample (no member
prefers anything, or nobody has dueled) stores no interval at all, nor does
Duels fitted without a prior or on a list of more than DENSE_SOLVE_LIMIT
(2,000) contenders.
"""

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from scipy import sparse

from comments.counting.bootstrap import (
    RankIntervals,
    bootstrap_borda,
    bootstrap_bradley_terry,
    bootstrap_schulze,
)
from comments.counting.bradley_terry import DENSE_SOLVE_LIMIT, Duels
from comments.models import CountedMethod

NO_INTERVAL = {
    "rank_lower": None,
    "rank_upper": None,
    "top_ten_chance": None,
    "conservative_rank": None,
    "band": None,
}


@dataclass(frozen=True)
class Resampled:
    """One method's bootstrap: the standing fields by contender id, and the count's fields."""

    by_contender: dict[int, dict] = field(default_factory=dict)
    rounds: int = 0
    seed: int = 0
    members: int = 0

    def standing(self, contender_id: int) -> dict:
        """The interval fields of a contender's standing (all None if not resampled)."""
        return self.by_contender.get(contender_id, NO_INTERVAL)

    def findings(self) -> dict:
        """What the ListCount stores of it."""
        return {
            "rounds": self.rounds,
            "seed": self.seed,
            "resampled_members": self.members,
            "resampled_contenders": len(self.by_contender),
        }


def _by_id(intervals: RankIntervals, contender_ids: np.ndarray) -> Resampled:
    fields = zip(
        intervals.contenders.tolist(),
        intervals.lower.tolist(),
        intervals.upper.tolist(),
        intervals.top_ten_chance.tolist(),
        intervals.conservative_rank.tolist(),
        intervals.band.tolist(),
        strict=True,
    )
    return Resampled(
        by_contender={
            int(contender_ids[index]): {
                "rank_lower": lower,
                "rank_upper": upper,
                "top_ten_chance": chance,
                "conservative_rank": conservative,
                "band": band,
            }
            for index, lower, upper, chance, conservative, band in fields
        },
        rounds=intervals.rounds,
        seed=intervals.seed,
        members=intervals.members,
    )


def resample(
    *,
    contender_ids: np.ndarray,
    tiers: sparse.csr_array,
    duels: Duels,
    seed: int,
    rounds: int | None = None,
) -> dict[str, Resampled]:
    """Every method's rank intervals from the same inputs as the count, by method.

    `rounds` defaults to settings.COUNT_BOOTSTRAP_ROUNDS; the seed is the
    list's, so a recount draws the same members in every round.
    """
    rounds = settings.COUNT_BOOTSTRAP_ROUNDS if rounds is None else rounds
    found = {method: Resampled() for method in CountedMethod.values}
    if len(contender_ids) < 2 or not rounds:
        return found
    if tiers.nnz:
        found[CountedMethod.BORDA] = _by_id(
            bootstrap_borda(tiers, rounds=rounds, seed=seed), contender_ids
        )
        found[CountedMethod.SCHULZE] = _by_id(
            bootstrap_schulze(tiers, rounds=rounds, seed=seed), contender_ids
        )
    # Without the prior (DUEL_PRIOR_DUELS = 0, for published examples) a round
    # that drew too few members may have no fit at all: no intervals then. Above
    # DENSE_SOLVE_LIMIT contenders each round would solve its own sparse system
    # (no shared factorisation): too costly for the job, so none either.
    resamplable = settings.DUEL_PRIOR_DUELS > 0 and len(contender_ids) <= DENSE_SOLVE_LIMIT
    if duels.by_member.nnz and resamplable:
        intervals = bootstrap_bradley_terry(
            duels, rounds=rounds, seed=seed, prior_duels=settings.DUEL_PRIOR_DUELS
        )
        found[CountedMethod.BRADLEY_TERRY] = _by_id(intervals, contender_ids)
    return found
