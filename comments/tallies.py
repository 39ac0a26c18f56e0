"""Counting a list by the ranked methods, as a queued job, and checking what it stored.

Net votes and Wilson move with every vote (comments.votes). Schulze and
Borda need every member's whole preference at once, so a job counts them:
it reads the list's approved contenders, its counted ballots and its
counted votes, hands them to the pure functions of comments.counting, and
stores each contender's rank and score by each method (MethodStanding) and
what the count found (ListCount: when, from how many ballots and voters,
the Condorcet winner, a digest of the inputs).

A change to a list's votes or ballots queues its count (comments.tasks.queue_count); at
most one count per list waits at a time, so a burst of votes costs one
count. `celery beat` counts every list again periodically. Counting is
idempotent: the same rows give the same results, so a job run twice, or
retried after a worker died, changes nothing.
"""

import hashlib
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from scipy import sparse

from cities.models import Contender, ContenderList, ContenderStatus
from comments.counting.pairwise import pairwise_matrix
from comments.counting.preferences import tier_matrix
from comments.counting.ranks import ranks_from_scores
from comments.counting.schulze import count_schulze
from comments.models import Ballot, BallotEntry, CountedMethod, ListCount, MethodStanding, Vote


@dataclass(frozen=True)
class ListInputs:
    """What a count reads, as arrays: contenders in join order, ballot entries and votes."""

    contender_ids: np.ndarray  # (n,), ascending: join order, the tie-break.
    ballot_rows: np.ndarray  # (B, 3): member id, contender id, position.
    vote_rows: np.ndarray  # (V, 3): member id, contender id, +1 or -1.

    @property
    def digest(self) -> str:
        """SHA-256 of everything counted: the same rows always give the same digest."""
        hasher = hashlib.sha256()
        for rows in (self.contender_ids, self.ballot_rows, self.vote_rows):
            hasher.update(np.ascontiguousarray(rows, dtype=np.int64).tobytes())
            hasher.update(b"|")
        return hasher.hexdigest()


def _rows(sql: str, params: list) -> np.ndarray:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)


def read_inputs(contender_list: ContenderList) -> ListInputs:
    """The list's approved contenders, counted ballot entries and counted votes, sorted.

    Written in SQL: the ORM's model instances and tuples would cost more
    than the count itself on a list of a million votes. A ballot entry or
    vote on a contender that is not approved is left out, so the places
    behind a rejected contender close up.
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
    return ListInputs(contender_ids, ballot_rows, vote_rows)


@dataclass(frozen=True)
class Tally:
    """A count of one list: each method's ranks and scores by contender id, and its findings."""

    inputs: ListInputs
    ranks: dict[str, dict[int, int]]
    scores: dict[str, dict[int, float]]
    ballots: int
    voters: int
    condorcet_counted: int
    condorcet_winner_id: int | None


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


def tally(inputs: ListInputs) -> Tally:
    """Count the inputs by Schulze and Borda (comments.counting), mapped back to ids."""
    ids = inputs.contender_ids
    ballot_members = np.unique(inputs.ballot_rows[:, 0])
    count = count_schulze(preference_tiers(inputs))
    borda_ranks = ranks_from_scores(count.borda)
    borda_scores = {int(pk): float(points) for pk, points in zip(ids, count.borda, strict=True)}
    winner = count.condorcet_winner
    return Tally(
        inputs=inputs,
        ranks={
            CountedMethod.SCHULZE: dict(zip(ids.tolist(), count.ranks.tolist(), strict=True)),
            CountedMethod.BORDA: dict(zip(ids.tolist(), borda_ranks.tolist(), strict=True)),
        },
        scores={CountedMethod.SCHULZE: borda_scores, CountedMethod.BORDA: borda_scores},
        ballots=len(ballot_members),
        voters=len(np.setdiff1d(np.unique(inputs.vote_rows[:, 0]), ballot_members)),
        condorcet_counted=len(count.counted),
        condorcet_winner_id=None if winner is None else int(ids[winner]),
    )


def head_to_head_among(
    *, contender_list: ContenderList, contender_ids: list[int]
) -> dict[tuple[int, int], int]:
    """How many members prefer each of `contender_ids` to each other, from the rows now.

    d[i, j] of the head-to-head table Schulze counts (comments.counting.pairwise),
    for a few contenders (a method page's top ten), by contender id pair.
    Three queries whatever the size of the list; the work is the sparse
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


@transaction.atomic
def count_list(contender_list: ContenderList) -> Tally:
    """Count the list by every ranked method and store the results, replacing the last ones.

    Holds the list row's lock from the read to the write, so two counts of a
    list (two workers, or two in-process runs) take turns and the last one
    stored is counted from the latest rows.
    """
    list(ContenderList.objects.select_for_update().filter(pk=contender_list.pk).values("pk"))
    result = tally(read_inputs(contender_list))
    now = timezone.now()
    MethodStanding.objects.filter(contender_list=contender_list).delete()
    MethodStanding.objects.bulk_create(
        MethodStanding(
            contender_list=contender_list,
            contender_id=contender_id,
            method=method,
            rank=rank,
            score=result.scores[method][contender_id],
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
                "condorcet_counted": result.condorcet_counted,
                "condorcet_winner_id": result.condorcet_winner_id,
            },
        )
    return result


def find_count_drift(contender_list: ContenderList) -> list[str]:
    """Where the stored results differ from a recount of the rows now (empty if none)."""
    result = tally(read_inputs(contender_list))
    stored = {
        (row.method, row.contender_id): (row.rank, row.score)
        for row in MethodStanding.objects.filter(contender_list=contender_list)
    }
    expected = {
        (method, contender_id): (rank, result.scores[method][contender_id])
        for method, ranks in result.ranks.items()
        for contender_id, rank in ranks.items()
    }
    drift = []
    for method, contender_id in sorted(expected.keys() | stored.keys()):
        was, now = stored.get((method, contender_id)), expected.get((method, contender_id))
        if was != now:
            drift.append(f"contender {contender_id} by {method}: stored {was}, counted {now}")
    return drift
