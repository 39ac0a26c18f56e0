"""Ballots: a member's own top ten for a list, saved, replaced and withdrawn whole.

`save_ballot` and `withdraw_ballot` are the only writers of Ballot and
BallotEntry rows. A ballot and its entries change together in one
transaction, under the ballot row's lock, so two windows of one member
saving at the same moment leave one ballot, the last one saved, and nobody
ever reads a ballot half-written.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cities.models import Contender, ContenderList
from comments.exceptions import ActionRefused
from comments.models import BALLOT_SIZE, Ballot, BallotEntry
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate
from comments.tasks import queue_count


def open_list(contender_list_id: int) -> ContenderList:
    """The list, if it takes votes, ballots and duels; ActionRefused (404, 409) otherwise."""
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    if contender_list is None:
        raise ActionRefused("That list does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    return contender_list


def _checked_choices(contender_list: ContenderList, contender_ids: list[int]) -> list[int]:
    """The ids as a ballot may hold them: 1 to 10 approved contenders of the list, once each."""
    if not 1 <= len(contender_ids) <= BALLOT_SIZE:
        raise ActionRefused(
            f"A ballot ranks from 1 to {BALLOT_SIZE} cities; this one has {len(contender_ids)}.",
            status=400,
        )
    if len(set(contender_ids)) != len(contender_ids):
        raise ActionRefused("A ballot names each city once.", status=400)
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
    return contender_ids


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
    """
    ensure_can_participate(user)
    contender_list = open_list(contender_list_id)
    contender_ids = _checked_choices(contender_list, [int(pk) for pk in contender_ids])
    check_rate_limit(user, "ballot")
    # update_or_create locks the ballot row (or, when two windows insert it at
    # once, the unique constraint makes the second find the first's row), so
    # replacing the entries below never interleaves with another save.
    ballot, _ = Ballot.objects.update_or_create(
        user=user, contender_list=contender_list, defaults={"voided_at": None}
    )
    BallotEntry.objects.filter(ballot=ballot).delete()
    BallotEntry.objects.bulk_create(
        BallotEntry(ballot=ballot, contender_id=contender_id, position=position)
        for position, contender_id in enumerate(contender_ids, start=1)
    )
    queue_count(contender_list.pk)
    return ballot


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
