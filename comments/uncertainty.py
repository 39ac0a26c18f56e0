"""How sure each rank is: the bootstrap job, by method, mapped back to ids.

The count (comments.tallies) stores every method's ranks in a few seconds;
resampling every method COUNT_BOOTSTRAP_ROUNDS times takes ten times as
long (most of a minute on a big list), so it is a job of its own, which
each count queues once it commits (comments.tasks.queue_bootstrap). It
reads the list's rows as the count does and skips when they are the rows
it last resampled (the same inputs digest); otherwise
comments.counting.bootstrap resamples over arrays, seeded by the list's id,
so the same rows always store the same intervals, and every standing's
interval fields are written in one bulk update. ListCount keeps when, and
from which rows (bootstrap_digest beside the count's inputs_digest), so a
page can say whether the intervals are of the count it shows.

One bootstrap of a list runs at a time (bootstrap_lock), and it never holds
back the list's count: it takes the count's lock only to write.

Schulze is resampled over its leading SCHULZE_SUBSET contenders only (its
strongest paths cost O(k^3) a round); the others get no interval, and the
ListCount says how many did. A method with nobody to resample (no member
prefers anything, or nobody has dueled) stores no interval at all, nor does
Duels fitted without a prior or on a list of more than DENSE_SOLVE_LIMIT
(2,000) contenders.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from scipy import sparse

from cities.models import ContenderList
from comments.counting.bootstrap import (
    RankIntervals,
    bootstrap_borda,
    bootstrap_bradley_terry,
    bootstrap_schulze,
)
from comments.counting.bradley_terry import DENSE_SOLVE_LIMIT, Duels
from comments.models import INTERVAL_FIELDS, CountedMethod, ListCount, MethodStanding
from comments.tallies import (
    ListInputs,
    decided_duels,
    lock_list_for_counting,
    one_blas_thread,
    preference_tiers,
    read_inputs,
)

NO_INTERVAL = dict.fromkeys(INTERVAL_FIELDS)
# pg_advisory_lock's first key (of two: the second is the list's id), ours;
# prepare_database's single key lives in another key space.
BOOTSTRAP_LOCK = 7_160_017
# Standings per UPDATE statement: 6 parameters each, well within SQLite's
# 32,766 and PostgreSQL's 65,535 parameters a statement.
UPDATE_BATCH = 2_000


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


def resample_inputs(inputs: ListInputs, *, seed: int) -> dict[str, Resampled]:
    """Every method's rank intervals from the rows a count reads (comments.tallies)."""
    with one_blas_thread():
        return resample(
            contender_ids=inputs.contender_ids,
            tiers=preference_tiers(inputs),
            duels=decided_duels(inputs.contender_ids, inputs.duel_rows),
            seed=seed,
        )


@contextmanager
def bootstrap_lock(contender_list_id: int) -> Iterator[None]:
    """Hold the list's bootstrap lock, waiting for the bootstrap that has it to finish.

    Not the count's lock (the list row's): that would keep the list's next
    count waiting for the whole resampling. On PostgreSQL it is a session
    advisory lock, which goes with the connection if the worker dies. SQLite
    takes the database's write lock as a transaction starts (settings), so a
    transaction around the job keeps a second one out there.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [BOOTSTRAP_LOCK, contender_list_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)", [BOOTSTRAP_LOCK, contender_list_id]
            )


def _resampled_already(contender_list: ContenderList, digest: str) -> bool:
    """Whether every method's stored intervals are of the rows with `digest` (or, with no
    count stored yet, there is nothing to resample for)."""
    stored = ListCount.objects.filter(contender_list=contender_list)
    return not stored.exclude(bootstrap_digest=digest).exists()


@transaction.atomic
def _store(contender_list: ContenderList, digest: str, resampled: dict[str, Resampled]) -> None:
    """Write every standing's interval and each method's findings, under the count's lock,
    so that the standings updated are the stored count's, whichever count that is."""
    lock_list_for_counting(contender_list)
    standings = MethodStanding.objects.filter(contender_list=contender_list)
    rows = [
        (pk, *(resampled[method].standing(contender_id)[name] for name in INTERVAL_FIELDS))
        for pk, method, contender_id in standings.values_list("pk", "method", "contender_id")
    ]
    for start in range(0, len(rows), UPDATE_BATCH):
        _update_intervals(rows[start : start + UPDATE_BATCH])
    now = timezone.now()
    for method, found in resampled.items():
        ListCount.objects.filter(contender_list=contender_list, method=method).update(
            bootstrapped_at=now, bootstrap_digest=digest, **found.findings()
        )


def _update_intervals(rows: list[tuple]) -> None:
    """One UPDATE ... FROM VALUES for (pk, *INTERVAL_FIELDS) rows of MethodStanding.

    Django's bulk_update writes a CASE over every id of the batch for each
    field: on the benchmark's big list that took longer than Borda's whole
    bootstrap. SQLite (3.33 on) and PostgreSQL both read this form; each value
    is cast to its column's type, since on PostgreSQL a column of VALUES that
    is NULL in every row has none.
    """
    table = MethodStanding._meta.db_table
    field = MethodStanding._meta.get_field
    names = ", ".join(INTERVAL_FIELDS)
    values = ", ".join(["(" + ", ".join(["%s"] * (1 + len(INTERVAL_FIELDS))) + ")"] * len(rows))
    assignments = ", ".join(
        f"{name} = CAST(given.{name} AS {field(name).cast_db_type(connection)})"
        for name in INTERVAL_FIELDS
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH given (id, {names}) AS (VALUES {values}) "
            f"UPDATE {table} SET {assignments} FROM given WHERE {table}.id = given.id",
            [value for row in rows for value in row],
        )


def bootstrap_list(contender_list: ContenderList) -> dict[str, Resampled] | None:
    """Resample the list's rows now and store every rank interval; None when skipped.

    Skipped when the rows are the ones the stored intervals were resampled
    from, so a count that changed nothing costs its bootstrap one read. The
    rows may have moved on since the count that queued it: the intervals are
    then of newer rows than the ranks, the digests say so, and the count
    those rows queued brings a bootstrap of its own.
    """
    with bootstrap_lock(contender_list.pk):
        inputs = read_inputs(contender_list)
        if _resampled_already(contender_list, inputs.digest):
            return None
        resampled = resample_inputs(inputs, seed=contender_list.pk)
        _store(contender_list, inputs.digest, resampled)
    return resampled


def find_bootstrap_drift(contender_list: ContenderList) -> list[str]:
    """Where the stored rank intervals differ from a bootstrap of the rows now (empty if none).

    Intervals resampled from other rows than the list holds now are stale,
    and said to be, one line per method, without resampling again.
    """
    inputs = read_inputs(contender_list)
    counts = list(ListCount.objects.filter(contender_list=contender_list).order_by("method"))
    stale = [_staleness(count) for count in counts if count.bootstrap_digest != inputs.digest]
    if stale or not counts:
        return stale
    resampled = resample_inputs(inputs, seed=contender_list.pk)
    drift = []
    for count in counts:
        found = resampled[count.method].findings()
        stored = {name: getattr(count, name) for name in found}
        if stored != found:
            drift.append(f"the bootstrap by {count.method}: stored {stored}, resampled {found}")
    rows = MethodStanding.objects.filter(contender_list=contender_list).values_list(
        "method", "contender_id", *INTERVAL_FIELDS
    )
    for method, contender_id, *kept in sorted(rows):
        interval = resampled[method].standing(contender_id)
        now = tuple(interval[name] for name in INTERVAL_FIELDS)
        if tuple(kept) != now:
            drift.append(
                f"rank interval of contender {contender_id} by {method}: "
                f"stored {tuple(kept)}, resampled {now}"
            )
    return drift


def _staleness(count: ListCount) -> str:
    if count.bootstrapped_at is None:
        return f"rank intervals by {count.method} are stale: never resampled"
    return (
        f"rank intervals by {count.method} are stale: resampled at "
        f"{count.bootstrapped_at:%Y-%m-%d %H:%M:%S %Z} from other rows than the list holds now"
    )
