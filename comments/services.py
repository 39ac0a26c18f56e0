"""Every change users make: votes now, comments next. Views and commands call these.

Each function checks what it is asked, writes in one transaction, and raises
ActionRefused, with a message for the user and an HTTP status, when the
request cannot be done; then nothing has been written.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from cities.models import Contender, ContenderList
from comments.models import Vote, VoteValue
from comments.ranking import apply_vote_change, ensure_daily_snapshot, lock_list

NO_VOTE = 0
VOTE_CHOICES = {VoteValue.UP: "up", VoteValue.DOWN: "down", NO_VOTE: "none"}


class ActionRefused(Exception):
    """A request the rules do not allow; the message is for the user."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def ensure_can_participate(user: AbstractBaseUser) -> None:
    """Refuse users who may read but not vote: anonymous, or without a verified email."""
    if not user.is_authenticated:
        raise ActionRefused("Log in to take part.", status=401)
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise ActionRefused(
            "Confirm your email address before voting: follow the link we sent you, "
            "or ask for a new one from your account's email settings.",
            status=403,
        )


@dataclass
class VoteOutcome:
    """The contender as the vote left it, its list, and the user's vote now (1, -1 or 0)."""

    contender: Contender
    contender_list: ContenderList
    value: int


@transaction.atomic
def cast_vote(*, user: AbstractBaseUser, contender_id: int, value: int) -> VoteOutcome:
    """Set the user's vote on a contender to up (1), down (-1) or none (0).

    The only writer of Vote rows, and it moves the contender's counts and the
    list's ranks in the same transaction, under the list's lock. Every
    transition, as (old, new): the row, then up / down / score deltas.

        (0, +1)  insert   +1  0  +1        (+1, 0)  delete  -1  0  -1
        (0, -1)  insert    0 +1  -1        (-1, 0)  delete   0 -1  +1
        (+1, -1) update   -1 +1  -2        (-1, +1) update  +1 -1  +2
        (v, v)   nothing: voting the same way twice changes nothing

    Raises ActionRefused, with nothing written, for a malformed value, a
    missing or unapproved contender, a closed list or a user who may not vote.
    """
    if value not in VOTE_CHOICES:
        raise ActionRefused("A vote is up, down or none.", status=400)
    ensure_can_participate(user)
    contender_list = lock_list(contenders=contender_id)
    # Read after taking the lock: no other writer can change it from here on.
    contender = Contender.objects.filter(pk=contender_id).first()
    if contender_list is None or contender is None:
        raise ActionRefused("That contender does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"Voting on “{contender_list.title}” has closed.", status=409)
    if contender.status != Contender.Status.APPROVED:
        raise ActionRefused(
            "This city is waiting for a moderator and cannot take votes yet.", status=409
        )

    vote = Vote.objects.filter(user=user, contender=contender).first()
    old = vote.value if vote else NO_VOTE
    if old == value:
        return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
    if value == NO_VOTE:
        vote.delete()
    elif vote is None:
        Vote.objects.create(user=user, contender=contender, value=value)
    else:
        vote.value = value
        vote.save(update_fields=["value", "updated_at"])

    ensure_daily_snapshot(contender_list)
    apply_vote_change(
        contender_list,
        contender,
        up=(value == VoteValue.UP) - (old == VoteValue.UP),
        down=(value == VoteValue.DOWN) - (old == VoteValue.DOWN),
    )
    return VoteOutcome(contender=contender, contender_list=contender_list, value=value)
