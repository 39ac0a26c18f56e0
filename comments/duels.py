"""Duels: "Which is more high-tech: Seoul or Taipei?", asked and answered.

`next_duel` chooses the pair a member sees (comments.counting.pairs, from the
comparisons and Bradley-Terry strengths the last count stored), and
`answer_duel` is the only writer of Duel rows. A duel carries its number,
the member's nth in the list; the number is unique per member and list, so
a double click or a second window posting the same duel stores one row, and
a duel answered differently meanwhile is refused with a 409.

Anonymous visitors may try a duel, but nothing of it is stored: they are
asked to sign up to be counted (see comments.views.duel).

The pair is drawn with NumPy, imported when a duel is chosen, not when this
module is: web workers load it only once they serve a duel page, and never
SciPy (a test keeps web processes free of both at start-up).
"""

from dataclasses import asdict, dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import FilteredRelation, Q
from django.utils import timezone

from cities.models import Contender, ContenderList
from comments.ballots import open_list
from comments.exceptions import ActionRefused
from comments.models import DUEL_REASON_MAX_LENGTH, CountedMethod, Duel
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate
from comments.tasks import queue_count
from techvote.prepared import prepared_cursor

# A stranger's duels draw from this seed: every anonymous visitor sees the same first pair.
ANONYMOUS_SEED = 0


@dataclass(frozen=True)
class DuelPair:
    """The next duel of a member: its number and the two contender ids, left first."""

    number: int
    left_id: int
    right_id: int


def duel_weights_of(contender_list: ContenderList) -> tuple[list[int], list[int], list[float]]:
    """The list's approved contender ids in join order, their comparisons and strengths.

    One query: the contenders, each with the Duels standing the last count
    stored (a LEFT JOIN), so a contender the count has not seen yet has no
    comparisons and strength 1.
    """
    duels_only = Q(method_standings__method=CountedMethod.BRADLEY_TERRY)
    rows = list(
        Contender.objects.approved()
        .filter(contender_list=contender_list)
        .annotate(duel_standing=FilteredRelation("method_standings", condition=duels_only))
        .order_by("pk")
        .values_list("pk", "duel_standing__comparisons", "duel_standing__strength")
    )
    ids = [pk for pk, _, _ in rows]
    comparisons = [count or 0 for _, count, _ in rows]
    strengths = [strength or 1.0 for _, _, strength in rows]
    return ids, comparisons, strengths


def next_duel(*, user: AbstractBaseUser, contender_list: ContenderList) -> DuelPair:
    """The pair the member duels next: the same for the same member, list and counts.

    Never the member's previous pair. Raises ActionRefused (409) when the
    list has fewer than three approved contenders (two make one pair, which
    would come up every time).
    """
    from comments.counting.pairs import choose_duel_pair

    ids, comparisons, strengths = duel_weights_of(contender_list)
    if len(ids) < 3:
        raise ActionRefused(
            f"“{contender_list.title}” needs at least three cities for duels.", status=409
        )
    latest = Duel.objects.latest_of(user, contender_list)
    done = latest.number if latest else 0
    previous = None
    if latest is not None and latest.left_id in ids and latest.right_id in ids:
        previous = (ids.index(latest.left_id), ids.index(latest.right_id))
    left, right = choose_duel_pair(
        comparisons=comparisons,
        strengths=strengths,
        member_id=user.pk if user.is_authenticated else ANONYMOUS_SEED,
        duels_done=done,
        previous_pair=previous,
    )
    return DuelPair(number=done + 1, left_id=ids[left], right_id=ids[right])


def check_pair(*, left_id: int, right_id: int, winner_id: int | None) -> None:
    """Refuse (400) a pair of one city twice, or a winner that is neither of the two."""
    if left_id == right_id:
        raise ActionRefused("A duel is between two different cities.", status=400)
    if winner_id is not None and winner_id not in (left_id, right_id):
        raise ActionRefused("The winner of a duel must be one of its two cities.", status=400)


def check_duel(
    *, contender_list: ContenderList, left_id: int, right_id: int, winner_id: int | None
) -> None:
    """Refuse (400, 409) a pair that is not two approved contenders of the list, or a
    winner that is neither of them."""
    check_pair(left_id=left_id, right_id=right_id, winner_id=winner_id)
    found = dict(
        Contender.objects.filter(
            contender_list=contender_list, pk__in=[left_id, right_id]
        ).values_list("pk", "status")
    )
    if len(found) != 2:
        raise ActionRefused("A duel can only be between cities of its own list.", status=400)
    if any(status != Contender.Status.APPROVED for status in found.values()):
        raise ActionRefused(
            "A city in this duel is waiting for a moderator or has left the list.", status=409
        )


_INSERT_IF_OPEN_SQL = f"""
INSERT INTO {Duel._meta.db_table}
    (user_id, contender_list_id, number, left_id, right_id, winner_id, reason, created_at)
SELECT %(user_id)s, %(contender_list_id)s, %(number)s, %(left_id)s, %(right_id)s,
       CAST(%(winner_id)s AS BIGINT), %(reason)s, %(now)s
WHERE EXISTS (SELECT 1 FROM {ContenderList._meta.db_table} l
              WHERE l.id = %(contender_list_id)s AND l.is_open)
  AND (SELECT COUNT(*) FROM {Contender._meta.db_table} c
       WHERE c.id IN (%(left_id)s, %(right_id)s) AND c.contender_list_id = %(contender_list_id)s
       AND c.status = %(approved)s) = 2
ON CONFLICT (user_id, contender_list_id, number) DO NOTHING
"""


@dataclass(frozen=True)
class _Answer:
    """One member's answer to their duel `number`, as answer_duel was asked it."""

    user_id: int
    contender_list_id: int
    number: int
    left_id: int
    right_id: int
    winner_id: int | None
    reason: str


def _insert_if_open(answer: _Answer) -> bool:
    """Insert the duel if its list is open, both cities are its approved contenders and
    its number is free; whether it was inserted. One statement.

    The checks ride in the INSERT's WHERE, so a duel costs one statement
    (README, Performance); when nothing is inserted, `_refusal_or_stored`
    says why. ON CONFLICT DO NOTHING: a second post of the same number meets
    the unique constraint without an error that would end the transaction
    (and without the two round trips of a savepoint).
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with prepared_cursor() as cursor:
        cursor.execute(
            _INSERT_IF_OPEN_SQL,
            asdict(answer) | {"now": now, "approved": Contender.Status.APPROVED},
        )
        return cursor.rowcount == 1


def _refusal_or_stored(answer: _Answer) -> None:
    """Why a duel was not inserted: raise the list's or the pair's refusal, or, if the
    number was taken by this very answer, return; by another answer, refuse (409)."""
    contender_list = open_list(answer.contender_list_id)
    check_duel(
        contender_list=contender_list,
        left_id=answer.left_id,
        right_id=answer.right_id,
        winner_id=answer.winner_id,
    )
    stored = Duel.objects.filter(
        user_id=answer.user_id, contender_list=contender_list, number=answer.number
    ).first()
    if stored is None:  # The list or a city changed back between the insert and the checks.
        raise ActionRefused("This duel changed as you answered it; try again.", status=409)
    as_stored = (stored.left_id, stored.right_id, stored.winner_id, stored.reason)
    if as_stored != (answer.left_id, answer.right_id, answer.winner_id, answer.reason):
        raise ActionRefused(
            "You answered this duel differently in another window; here is your next one.",
            status=409,
        )


@transaction.atomic
def answer_duel(
    *,
    user: AbstractBaseUser,
    contender_list_id: int,
    number: int,
    left_id: int,
    right_id: int,
    winner_id: int | None,
    reason: str = "",
) -> bool:
    """Store the member's answer to their duel `number`: `winner_id`, or None for can't decide.

    Returns True when it was stored now, False when this very answer was
    already stored (a double click), which writes nothing. Raises
    ActionRefused, with nothing written, for a member who may not vote, a
    missing or closed list, a pair that is not two approved contenders of
    the list, a winner outside the pair, a reason with a winner or too long,
    a duel answered otherwise meanwhile, or a member over the rate limit.

    The rate limit counts an answer once it is inserted, in the same
    transaction: a refusal there rolls the insert back, and a refused or
    repeated answer is not counted.
    """
    ensure_can_participate(user)
    reason = reason.strip()
    if winner_id is not None and reason:
        raise ActionRefused("A reason goes with “can't decide” only.", status=400)
    if len(reason) > DUEL_REASON_MAX_LENGTH:
        raise ActionRefused(
            f"A reason has at most {DUEL_REASON_MAX_LENGTH} characters.", status=400
        )
    check_pair(left_id=left_id, right_id=right_id, winner_id=winner_id)
    answer = _Answer(user.pk, contender_list_id, number, left_id, right_id, winner_id, reason)
    if not _insert_if_open(answer):
        _refusal_or_stored(answer)
        return False
    check_rate_limit(user, "duel")
    queue_count(contender_list_id)
    return True
