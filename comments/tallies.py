"""Counting a list by the ranked methods, as a queued job, and checking what it stored.

Net votes and Wilson move with every vote (comments.votes). Schulze, Borda
and Duels (Bradley-Terry) need every member's whole preference at once, so
a job counts them: it reads the list's approved contenders, its counted
ballots, votes and duels, hands them to the pure functions of
comments.counting, and stores each contender's rank and score by each
method (MethodStanding) and what the count found (ListCount: when, from how
many ballots and voters, the Condorcet winner, a digest of the inputs).

Duels count apart from ballots and votes: Bradley-Terry strengths fitted to
every counted duel with a winner between approved contenders; its score is
the chance of beating a randomly chosen other contender (All Our Ideas'
score), and the standing also keeps the strength and the number of duels a
contender was in, which the next duel's pair is chosen by (comments.duels).

A change to a list's votes or ballots queues its count (comments.tasks.queue_count); at
most one count per list waits at a time, so a burst of votes costs one
count. `celery beat` counts every list again periodically. Counting is
idempotent: the same rows give the same results, so a job run twice, or
retried after a worker died, changes nothing.

How sure each rank is (the bootstrap's rank intervals) is not counted here:
resampling every method a few hundred times takes ten times as long as the
count, so each count queues it as a job of its own once it commits
(comments.uncertainty). The count keeps the intervals the last bootstrap
stored, and ListCount says which rows each was worked out from.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from scipy import sparse
from threadpoolctl import threadpool_limits

from cities.models import Contender, ContenderList, ContenderStatus
from comments.counting.bradley_terry import (
    Duels,
    bradley_terry_strengths,
    duels_from_rows,
    win_chances,
)
from comments.counting.pairwise import pairwise_matrix
from comments.counting.preferences import tier_matrix
from comments.counting.ranks import ranks_from_scores
from comments.counting.schulze import count_schulze
from comments.models import (
    INTERVAL_FIELDS,
    Ballot,
    BallotEntry,
    CountedMethod,
    Duel,
    ListCount,
    MethodStanding,
    Vote,
)
from comments.tasks import queue_bootstrap


@dataclass(frozen=True)
class ListInputs:
    """What a count reads, as arrays: contenders in join order, ballot entries, votes, duels."""

    contender_ids: np.ndarray  # (n,), ascending: join order, the tie-break.
    ballot_rows: np.ndarray  # (B, 3): member id, contender id, position.
    vote_rows: np.ndarray  # (V, 3): member id, contender id, +1 or -1.
    duel_rows: np.ndarray  # (D, 4): member id, left id, right id, winner id (0: undecided).

    @property
    def digest(self) -> str:
        """SHA-256 of everything counted: the same rows always give the same digest."""
        hasher = hashlib.sha256()
        for rows in (self.contender_ids, self.ballot_rows, self.vote_rows, self.duel_rows):
            hasher.update(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
            hasher.update(b"|")
        return hasher.hexdigest()


def _rows(sql: str, params: list, columns: int = 3) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, columns)


def read_inputs(contender_list: ContenderList) -> ListInputs:
    """The list's approved contenders, counted ballot entries, votes and duels, sorted.

    Written in SQL: the ORM's model instances and tuples would cost more
    than the count itself on a list of a million votes. A ballot entry or
    vote on a contender that is not approved is left out, so the places
    behind a rejected contender close up; so is a duel with one.
    """
    contenders = Contender._meta.db_table
    approved = f"SELECT id FROM {contenders} WHERE contender_list_id = %s AND status = %s"
    params = [contender_list.pk, ContenderStatus.APPROVED]
    contender_ids = _rows(f"SELECT id, 0, 0 FROM ({approved}) a ORDER BY id", params)[:, 0]
    ballot_rows = _rows(
        f"SELECT b.user_id, e.contender_id, e.position FROM {BallotEntry._meta.db_table} e "
        f"JOIN {Ballot._meta.db_table} b ON b.id = e.ballot_id "
        f"WHERE b.contender_list_id = %s AND b.voided_at IS NULL "
        f"AND e.contender_id IN ({approved}) ORDER BY b.user_id, e.position",
        [contender_list.pk, *params],
    )
    vote_rows = _rows(
        f"SELECT v.user_id, v.contender_id, v.value FROM {Vote._meta.db_table} v "
        f"WHERE v.voided_at IS NULL AND v.contender_id IN ({approved}) "
        "ORDER BY v.user_id, v.contender_id",
        params,
    )
    duel_rows = _rows(
        f"SELECT d.user_id, d.left_id, d.right_id, COALESCE(d.winner_id, 0) "
        f"FROM {Duel._meta.db_table} d "
        f"WHERE d.contender_list_id = %s AND d.voided_at IS NULL "
        f"AND d.left_id IN ({approved}) AND d.right_id IN ({approved}) "
        "ORDER BY d.user_id, d.number",
        [contender_list.pk, *params, *params],
        columns=4,
    )
    return ListInputs(contender_ids, ballot_rows, vote_rows, duel_rows)


# What a count stores on a standing beyond rank and score, in Tally.extras' order.
STANDING_EXTRAS = ("strength", "comparisons")


@dataclass(frozen=True)
class Tally:
    """A count of one list: each method's ranks and scores by contender id, and its findings.

    `strengths` and `comparisons` (by contender id) are the Duels method's
    own: the Bradley-Terry strength and the counted duels a contender was in.
    """

    inputs: ListInputs
    ranks: dict[str, dict[int, int]]
    scores: dict[str, dict[int, float]]
    ballots: int
    voters: int
    condorcet_counted: int
    condorcet_winner_id: int | None
    duels: int
    duelists: int
    strengths: dict[int, float]
    comparisons: dict[int, int]

    def findings(self, method: str) -> dict:
        """What the count of `method` found, as its ListCount stores it."""
        if method == CountedMethod.BRADLEY_TERRY:
            return {
                "ballots": 0,
                "voters": self.duelists,
                "condorcet_counted": 0,
                "condorcet_winner_id": None,
            }
        return {
            "ballots": self.ballots,
            "voters": self.voters,
            "condorcet_counted": self.condorcet_counted,
            "condorcet_winner_id": self.condorcet_winner_id,
        }

    def extras(self, method: str, contender_id: int) -> dict:
        """The fields of a standing beyond rank and score: the Duels method's strength and
        comparisons."""
        if method != CountedMethod.BRADLEY_TERRY:
            return {"strength": None, "comparisons": None}
        return {
            "strength": self.strengths[contender_id],
            "comparisons": self.comparisons[contender_id],
        }


def preference_tiers(inputs: ListInputs) -> sparse.csr_array:
    """Every counted member's preference as a sparse tier matrix (members x contenders)."""
    ids = inputs.contender_ids
    members = np.unique(np.concatenate([inputs.ballot_rows[:, 0], inputs.vote_rows[:, 0]]))
    return tier_matrix(
        n_members=len(members),
        n_contenders=len(ids),
        ballot_members=np.searchsorted(members, inputs.ballot_rows[:, 0]),
        ballot_contenders=np.searchsorted(ids, inputs.ballot_rows[:, 1]),
        ballot_positions=inputs.ballot_rows[:, 2],
        vote_members=np.searchsorted(members, inputs.vote_rows[:, 0]),
        vote_contenders=np.searchsorted(ids, inputs.vote_rows[:, 1]),
        vote_values=inputs.vote_rows[:, 2],
    )


def one_blas_thread() -> threadpool_limits:
    """Keep BLAS (Bradley-Terry's dense solves) to one thread while a job counts.

    OpenBLAS starts a thread per core for each solve, and those threads wait
    on each other whenever the cores are busy with anything else (web and
    queue workers share them): on the benchmark's two cores under load, a
    1,000 x 1,000 solve took 20 to 35 times as long as on one thread.
    """
    return threadpool_limits(limits=1, user_api="blas")


@dataclass(frozen=True)
class DuelCount:
    """The Duels method's count: strengths, scores and comparisons (n,), in join order."""

    strengths: np.ndarray
    scores: np.ndarray
    comparisons: np.ndarray
    duels: int
    duelists: int


def decided_duels(contender_ids: np.ndarray, duel_rows: np.ndarray) -> Duels:
    """The duels with a winner, by member: what Bradley-Terry fits and its bootstrap draws."""
    decided = duel_rows[duel_rows[:, 3] != 0]
    members = np.unique(decided[:, 0])
    winners = decided[:, 3]
    losers = np.where(decided[:, 1] == winners, decided[:, 2], decided[:, 1])
    return duels_from_rows(
        n_members=len(members),
        n_contenders=len(contender_ids),
        members=np.searchsorted(members, decided[:, 0]),
        winners=np.searchsorted(contender_ids, winners),
        losers=np.searchsorted(contender_ids, losers),
    )


def count_duels(contender_ids: np.ndarray, duel_rows: np.ndarray) -> DuelCount:
    """Bradley-Terry over the decided duels; every duel counts as a comparison.

    With the prior (DUEL_PRIOR_DUELS > 0) and no decided duel at all, every
    strength is 1 and every score 50.
    """
    duels = decided_duels(contender_ids, duel_rows)
    strengths = bradley_terry_strengths(duels.wins(), prior_duels=settings.DUEL_PRIOR_DUELS)
    sides = np.searchsorted(contender_ids, duel_rows[:, 1:3].ravel())
    # A lone contender has nobody to beat: even, as with no duel at all.
    alone = len(contender_ids) < 2
    scores = np.full(len(contender_ids), 50.0) if alone else win_chances(strengths)
    return DuelCount(
        strengths=strengths,
        scores=scores,
        comparisons=np.bincount(sides, minlength=len(contender_ids)),
        duels=int(duels.by_member.sum()),
        duelists=duels.by_member.shape[0],
    )


def tally(inputs: ListInputs) -> Tally:
    """Count the inputs by Schulze, Borda and Duels (comments.counting), mapped back to ids."""
    with one_blas_thread():
        return _tally(inputs)


def _tally(inputs: ListInputs) -> Tally:
    ids = inputs.contender_ids
    ballot_members = np.unique(inputs.ballot_rows[:, 0])
    tiers = preference_tiers(inputs)
    count = count_schulze(tiers)
    borda_ranks = ranks_from_scores(count.borda)
    borda_scores = {int(pk): float(points) for pk, points in zip(ids, count.borda, strict=True)}
    winner = count.condorcet_winner
    duels = count_duels(ids, inputs.duel_rows)

    def by_id(values: np.ndarray) -> dict:
        return dict(zip(ids.tolist(), values.tolist(), strict=True))

    return Tally(
        inputs=inputs,
        ranks={
            CountedMethod.SCHULZE: by_id(count.ranks),
            CountedMethod.BORDA: by_id(borda_ranks),
            CountedMethod.BRADLEY_TERRY: by_id(ranks_from_scores(duels.strengths)),
        },
        scores={
            CountedMethod.SCHULZE: borda_scores,
            CountedMethod.BORDA: borda_scores,
            CountedMethod.BRADLEY_TERRY: by_id(duels.scores),
        },
        ballots=len(ballot_members),
        voters=len(np.setdiff1d(np.unique(inputs.vote_rows[:, 0]), ballot_members)),
        condorcet_counted=len(count.counted),
        condorcet_winner_id=None if winner is None else int(ids[winner]),
        duels=duels.duels,
        duelists=duels.duelists,
        strengths=by_id(duels.strengths),
        comparisons=by_id(duels.comparisons),
    )


def head_to_head_among(
    *, contender_list: ContenderList, contender_ids: list[int]
) -> dict[tuple[int, int], int]:
    """How many members prefer each of `contender_ids` to each other, from the rows now.

    d[i, j] of the head-to-head table Schulze counts (comments.counting.pairwise),
    for a few contenders (a method page's top ten), by contender id pair.
    Four queries whatever the size of the list; the work is the sparse
    products over every member at once, so a page caches what it gets.
    Contenders no longer approved are left out.
    """
    inputs = read_inputs(contender_list)
    approved = set(inputs.contender_ids.tolist())
    present = [pk for pk in contender_ids if pk in approved]
    if not present:
        return {}
    table = pairwise_matrix(
        preference_tiers(inputs), contenders=np.searchsorted(inputs.contender_ids, present)
    )
    return {
        (row_id, column_id): int(table[i, j])
        for i, row_id in enumerate(present)
        for j, column_id in enumerate(present)
        if i != j
    }


def lock_list_for_counting(contender_list: ContenderList) -> None:
    """Take the list row's lock that the count holds from its read to its write.

    The bootstrap takes it too, for its write only, so that it never updates
    standings a count is replacing.
    """
    list(ContenderList.objects.select_for_update().filter(pk=contender_list.pk).values("pk"))


def _kept_intervals(contender_list: ContenderList) -> dict[tuple[str, int], dict]:
    """The rank intervals the last bootstrap stored, by (method, contender id)."""
    rows = MethodStanding.objects.filter(contender_list=contender_list).values_list(
        "method", "contender_id", *INTERVAL_FIELDS
    )
    return {
        (method, pk): dict(zip(INTERVAL_FIELDS, kept, strict=True)) for method, pk, *kept in rows
    }


@transaction.atomic
def count_list(contender_list: ContenderList) -> Tally:
    """Count the list by every ranked method and store the results, replacing the last ones.

    Holds the list row's lock from the read to the write, so two counts of a
    list (two workers, or two in-process runs) take turns and the last one
    stored is counted from the latest rows. Each standing keeps the rank
    interval the last bootstrap gave it until the one this count queues,
    once it commits, stores the next.
    """
    lock_list_for_counting(contender_list)
    result = tally(read_inputs(contender_list))
    now = timezone.now()
    kept = _kept_intervals(contender_list)
    MethodStanding.objects.filter(contender_list=contender_list).delete()
    MethodStanding.objects.bulk_create(
        MethodStanding(
            contender_list=contender_list,
            contender_id=contender_id,
            method=method,
            rank=rank,
            score=result.scores[method][contender_id],
            **result.extras(method, contender_id),
            **kept.get((method, contender_id), {}),
        )
        for method, ranks in result.ranks.items()
        for contender_id, rank in ranks.items()
    )
    for method in result.ranks:
        ListCount.objects.update_or_create(
            contender_list=contender_list,
            method=method,
            defaults={
                "counted_at": now,
                "inputs_digest": result.inputs.digest,
                "ballots": result.ballots,
                "voters": result.voters,
                "contenders": len(result.inputs.contender_ids),
                **result.findings(method),
            },
        )
    queue_bootstrap(contender_list.pk)
    return result


def find_count_drift(contender_list: ContenderList) -> list[str]:
    """Where the stored results differ from a recount of the rows now (empty if none).

    The rank intervals are the bootstrap's, checked apart
    (comments.uncertainty.find_bootstrap_drift).
    """
    result = tally(read_inputs(contender_list))
    stored = {
        (row.method, row.contender_id): (
            row.rank,
            row.score,
            *(getattr(row, name) for name in STANDING_EXTRAS),
        )
        for row in MethodStanding.objects.filter(contender_list=contender_list)
    }
    expected = {
        (method, contender_id): (
            rank,
            result.scores[method][contender_id],
            *result.extras(method, contender_id).values(),
        )
        for method, ranks in result.ranks.items()
        for contender_id, rank in ranks.items()
    }
    drift = []
    for method, contender_id in sorted(expected.keys() | stored.keys()):
        was, now = stored.get((method, contender_id)), expected.get((method, contender_id))
        if was != now:
            drift.append(f"contender {contender_id} by {method}: stored {was}, counted {now}")
    return drift
