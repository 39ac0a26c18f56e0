"""Months of demo rank history: a believable walk for every demo contender that ends at
the standings the demo votes give today.

The demo votes are all cast when the demo loads, so the site would have no
past to draw; this writes the daily snapshots (RankSnapshot) a real list
would have gathered over HISTORY_DAYS. Each contender's score drifts up
from about a third of today's along a random walk pinned to today's value
(a Brownian bridge), so yesterday is close to today and ranks cross now and
then; a few contenders join part-way, so the charts show a "joined" mark.
Each list draws from its own seeded generator: the same history every load.
A list that has any snapshot already is left as it is.
"""

import random
from datetime import timedelta

from django.utils import timezone

from cities.demo.loader import LoadReport
from cities.models import Contender, ContenderList, RankingMethod
from comments.models import CountedMethod, MethodStanding, RankSnapshot

HISTORY_DAYS = 120
# How much a day's walk moves a contender, in votes (scores) or in places (methods).
SCORE_STEP = 0.5
PLACE_STEP = 0.25
# Contenders (by position, from the bottom) that join part-way, and how many days ago.
LATE_JOINERS = {1: 40, 4: 75}


def _bridge(rng: random.Random, steps: int, sigma: float) -> list[float]:
    """A random walk of `steps` + 1 points that starts and ends at 0."""
    walk = [0.0]
    for _ in range(steps):
        walk.append(walk[-1] + rng.gauss(0, sigma))
    end = walk[-1]
    return [value - end * t / steps for t, value in enumerate(walk)]


def _ranks(keys: dict[int, tuple]) -> dict[int, int]:
    """Rank 1 for the greatest key; ties go to the lower id, as the ranking does."""
    order = sorted(keys, key=lambda pk: (tuple(-k for k in keys[pk]), pk))
    return {pk: rank for rank, pk in enumerate(order, start=1)}


def backfill_list(report: LoadReport, contender_list: ContenderList) -> None:
    """Write HISTORY_DAYS of snapshots for a demo list that has none."""
    if RankSnapshot.objects.filter(contender__contender_list=contender_list).exists():
        report.record("Demo rank history", "unchanged")
        return
    contenders = list(Contender.objects.approved().ranked(contender_list))
    if not contenders:
        return
    rng = random.Random(contender_list.slug)
    today = timezone.localdate()
    steps = HISTORY_DAYS  # Day 0 is HISTORY_DAYS ago; day HISTORY_DAYS is today.
    joined = {
        contenders[-position].pk: steps - days_ago
        for position, days_ago in LATE_JOINERS.items()
        if position < len(contenders)
    }
    method_ranks = {
        (pk, method): rank
        for pk, method, rank in MethodStanding.objects.filter(
            contender_list=contender_list
        ).values_list("contender_id", "method", "rank")
    }
    ramp = [(t / steps) ** 0.8 for t in range(steps + 1)]
    walks = {}
    for c in contenders:
        score_noise = _bridge(rng, steps, SCORE_STEP)
        wilson_noise = _bridge(rng, steps, SCORE_STEP / 60)
        walks[c.pk] = {
            "first": joined.get(c.pk, 0),
            "score": [
                round(c.score * (0.35 + 0.65 * r) + score_noise[t]) for t, r in enumerate(ramp)
            ],
            "wilson": [
                c.wilson_lower * (0.6 + 0.4 * r) + wilson_noise[t] for t, r in enumerate(ramp)
            ],
            **{
                method: [
                    -method_ranks[(c.pk, method)] + n for n in _bridge(rng, steps, PLACE_STEP)
                ]
                for method in CountedMethod.values
                if (c.pk, method) in method_ranks
            },
        }
    snapshots = []
    for t in range(steps):  # Today's morning is the live ranking: the walk's last point.
        standing = {pk: walk for pk, walk in walks.items() if walk["first"] <= t}
        if contender_list.ranking == RankingMethod.WILSON:
            keys = {pk: (w["wilson"][t], w["score"][t]) for pk, w in standing.items()}
        else:
            keys = {pk: (w["score"][t],) for pk, w in standing.items()}
        ranks = _ranks(keys)
        by_method = {
            method: _ranks({pk: (w[method][t],) for pk, w in standing.items() if method in w})
            for method in CountedMethod.values
        }
        day = today - timedelta(days=steps - t)
        snapshots += [
            RankSnapshot(
                contender_id=pk,
                taken_on=day,
                rank=ranks[pk],
                score=walk["score"][t],
                schulze_rank=by_method[CountedMethod.SCHULZE].get(pk),
                borda_rank=by_method[CountedMethod.BORDA].get(pk),
            )
            for pk, walk in standing.items()
        ]
    RankSnapshot.objects.bulk_create(snapshots, batch_size=2000)
    start = timezone.now() - timedelta(days=steps)
    ContenderList.objects.filter(pk=contender_list.pk).update(
        created_at=start, ranks_snapshot_on=today - timedelta(days=1)
    )
    Contender.objects.filter(contender_list=contender_list).update(created_at=start)
    for pk, day in joined.items():
        Contender.objects.filter(pk=pk).update(created_at=start + timedelta(days=day))
    report.record("Demo rank history", "created")
