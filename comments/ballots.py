"""Ballots: a member's own top ten for a list, saved, replaced and withdrawn whole.

`save_ballot` and `withdraw_ballot` are the only writers of Ballot and
BallotEntry rows. A ballot and its entries change together in one
transaction, under the ballot row's lock, so two windows of one member
saving at the same moment leave one ballot, the last one saved, and nobody
ever reads a ballot half-written.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.utils import timezone

from cities.models import Contender, ContenderList
from comments.exceptions import ActionRefused
from comments.models import BALLOT_SIZE, Ballot, BallotEntry
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate
from comments.tasks import queue_count
from techvote.prepared import prepared_cursor


def open_list(contender_list_id: int) -> ContenderList:
    """The list, if it takes votes, ballots and duels; ActionRefused (404, 409) otherwise."""
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    if contender_list is None:
        raise ActionRefused("That list does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    return contender_list


def _check_shape(contender_ids: list[int]) -> None:
    """Refuse (400) a ballot of no or too many cities, or one naming a city twice."""
    if not 1 <= len(contender_ids) <= BALLOT_SIZE:
        raise ActionRefused(
            f"A ballot ranks from 1 to {BALLOT_SIZE} cities; this one has {len(contender_ids)}.",
            status=400,
        )
    if len(set(contender_ids)) != len(contender_ids):
        raise ActionRefused("A ballot names each city once.", status=400)


def _check_choices(contender_list: ContenderList, contender_ids: list[int]) -> None:
    """Refuse (400, 409) cities that are not all approved contenders of the list."""
    found = dict(
        Contender.objects.filter(contender_list=contender_list, pk__in=contender_ids).values_list(
            "pk", "status"
        )
    )
    if len(found) != len(contender_ids):
        raise ActionRefused("A ballot can only rank cities of its own list.", status=400)
    if any(status != Contender.Status.APPROVED for status in found.values()):
        raise ActionRefused(
            "A city on this ballot is waiting for a moderator and cannot be ranked yet.",
            status=409,
        )


def _upsert_if_open(
    *, user_id: int, contender_list_id: int, contender_ids: list[int]
) -> int | None:
    """The id of the member's ballot row, inserted or made counted again (not voided), if
    the list is open and every city is its approved contender; None, with nothing
    written, otherwise. One statement.

    The checks ride in the INSERT's WHERE, and ON CONFLICT DO UPDATE locks
    the existing row until the transaction ends, as a SELECT ... FOR UPDATE
    would: two windows of one member saving at once take turns, and the
    second replaces the first's entries whole. (When both insert at once, the
    unique constraint makes the second wait for the first, then update it.)
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    chosen = ", ".join(["%s"] * len(contender_ids))
    with prepared_cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Ballot._meta.db_table} "
            "(user_id, contender_list_id, created_at, updated_at) "
            "SELECT %s, %s, %s, %s "
            f"WHERE EXISTS (SELECT 1 FROM {ContenderList._meta.db_table} l "
            "WHERE l.id = %s AND l.is_open) "
            f"AND (SELECT COUNT(*) FROM {Contender._meta.db_table} c WHERE c.id IN ({chosen}) "
            "AND c.contender_list_id = %s AND c.status = %s) = %s "
            "ON CONFLICT (user_id, contender_list_id) DO UPDATE "
            "SET voided_at = NULL, updated_at = excluded.updated_at RETURNING id",
            [
                user_id,
                contender_list_id,
                now,
                now,
                contender_list_id,
                *contender_ids,
                contender_list_id,
                Contender.Status.APPROVED,
                len(contender_ids),
            ],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _refusal(contender_list_id: int, contender_ids: list[int]) -> ActionRefused:
    """Why `_upsert_if_open` wrote nothing: the list's refusal, or the cities'."""
    try:
        _check_choices(open_list(contender_list_id), contender_ids)
    except ActionRefused as refusal:
        return refusal
    # Both checks pass now: the list or a city changed back as the ballot was saved.
    return ActionRefused("This list changed as you saved your ballot; save it again.", status=409)


def _replace_entries(ballot_id: int, contender_ids: list[int]) -> None:
    """The ballot's entries, all of them, made `contender_ids` best first: two statements.

    In SQL, prepared (techvote.prepared): the ORM's delete and bulk_create
    spent longer building the two statements than the database spent on them.
    """
    table = BallotEntry._meta.db_table
    rows = ", ".join(["(%s, %s, %s)"] * len(contender_ids))
    with prepared_cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE ballot_id = %s", [ballot_id])
        cursor.execute(
            f"INSERT INTO {table} (ballot_id, contender_id, position) VALUES {rows}",
            [
                value
                for position, contender_id in enumerate(contender_ids, start=1)
                for value in (ballot_id, contender_id, position)
            ],
        )


@transaction.atomic
def save_ballot(
    *, user: AbstractBaseUser, contender_list_id: int, contender_ids: list[int]
) -> Ballot:
    """Make `contender_ids`, best first, the member's ballot for the list.

    Replaces the member's earlier ballot for the list, a voided one too.
    Raises ActionRefused, with nothing written, for a member who may not
    vote, a missing or closed list, a ballot of no or too many cities, a
    city twice, a city of another list or one waiting for a moderator, or
    a member over the rate limit.

    The rate limit counts a save once its ballot row is written, in the
    same transaction: a refusal there rolls the row back, and a refused
    ballot is not counted.
    """
    ensure_can_participate(user)
    contender_ids = [int(pk) for pk in contender_ids]
    _check_shape(contender_ids)
    ballot_id = _upsert_if_open(
        user_id=user.pk, contender_list_id=contender_list_id, contender_ids=contender_ids
    )
    if ballot_id is None:
        raise _refusal(contender_list_id, contender_ids)
    check_rate_limit(user, "ballot")
    _replace_entries(ballot_id, contender_ids)
    queue_count(contender_list_id)
    return Ballot.from_db(
        None, ["id", "user_id", "contender_list_id"], [ballot_id, user.pk, contender_list_id]
    )


@transaction.atomic
def withdraw_ballot(*, user: AbstractBaseUser, contender_list_id: int) -> bool:
    """Take the member's ballot for the list back; False if they had none.

    Like taking a vote back, the ballot is gone, not kept: it was the
    member's own choice, not something anyone else wrote.
    """
    ensure_can_participate(user)
    contender_list = open_list(contender_list_id)
    check_rate_limit(user, "ballot")
    deleted, _ = Ballot.objects.filter(user=user, contender_list=contender_list).delete()
    if deleted:
        queue_count(contender_list.pk)
    return bool(deleted)
