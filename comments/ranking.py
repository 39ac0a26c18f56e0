"""How a list orders its contenders, and the code that keeps counts and ranks exact.

A list ranks its approved contenders by one of two methods (a per-list
setting, `ContenderList.ranking`):

- net votes: score = up votes - down votes, highest first;
- Wilson: the lower bound of the Wilson score interval of the share of up
  votes, highest first, so that 3 up / 0 down does not beat 300 up / 20 down;
  equal bounds fall back to the score.

On a full tie the contender that joined the list first ranks higher, so the
order never depends on how the database returns rows.

Counts (`upvotes`, `downvotes`, `score`, `wilson_lower`) and `rank` are stored
on the contender. Every function here that writes them locks the list's row
first (`lock_list`), so the writers of one list take turns: a vote moves its
contender's counters with F() and shifts, in one UPDATE, only the contenders it
overtakes or falls behind. That keeps every rank exact at a constant number of
statements per vote. `recount_list` rebuilds everything from the Vote rows;
`find_drift` reports where stored values differ from what a rebuild gives;
both cover the stored count of visible comments too.
"""

import math
import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection, transaction
from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod
from comments.models import Comment, RankSnapshot, Vote, VoteValue

# z of a one-sided 80% confidence bound, as Reddit's "best" sort uses: cautious
# enough that a handful of votes cannot outrank hundreds, not so cautious that
# a well-liked newcomer takes weeks to climb.
WILSON_Z = 1.281551565545

# Ranking keys: (field, descending), most significant first. The last field
# is unique, so no two contenders ever tie.
RANKING_KEYS = {
    RankingMethod.NET_VOTES: (("score", True), ("id", False)),
    RankingMethod.WILSON: (("wilson_lower", True), ("score", True), ("id", False)),
}


def wilson_lower_bound(upvotes: int, downvotes: int) -> float:
    """Lower bound of the Wilson score interval for the share of up votes (0 with no votes)."""
    total = upvotes + downvotes
    if total == 0:
        return 0.0
    share = upvotes / total
    z_squared = WILSON_Z**2
    centre = share + z_squared / (2 * total)
    margin = WILSON_Z * math.sqrt((share * (1 - share) + z_squared / (4 * total)) / total)
    return max(0.0, (centre - margin) / (1 + z_squared / total))


def ranking_order(contender_list: ContenderList) -> list:
    """The ORDER BY that ranks `contender_list`, best first."""
    return [
        F(field).desc() if descending else F(field).asc()
        for field, descending in RANKING_KEYS[contender_list.ranking]
    ]


def _ranking_tuple(key, values: dict) -> tuple:
    """A tuple that sorts ascending in ranking order (smaller is better)."""
    return tuple(-values[field] if descending else values[field] for field, descending in key)


def _ranks_before(key, values: dict) -> Q:
    """Contenders that rank before one whose ranking fields hold `values`."""
    terms = []
    equal_so_far = Q()
    for field, descending in key:
        better = Q(**{f"{field}__{'gt' if descending else 'lt'}": values[field]})
        terms.append(equal_so_far & better)
        equal_so_far &= Q(**{field: values[field]})
    return reduce(operator.or_, terms)


def lock_list(**lookup) -> ContenderList | None:
    """Lock the list matching `lookup` until the transaction ends; return it as it is now.

    Every writer of a list's counts and ranks calls this first, inside a
    transaction, so they never interleave; `lock_list(contenders=id)` finds
    the list by one of its contenders. (SQLite locks the whole database for
    any write transaction, which is stricter still.)
    """
    return ContenderList.objects.select_for_update(of=("self",)).filter(**lookup).first()


def ensure_daily_snapshot(contender_list: ContenderList) -> None:
    """Before the first rank change of a day, keep every rank as the day began.

    Stores a RankSnapshot per ranked contender and copies `rank` into
    `previous_rank`, which the arrows on the list compare against. Needs the
    list lock.
    """
    today = timezone.localdate()
    if contender_list.ranks_snapshot_on == today:
        return
    quote = connection.ops.quote_name
    snapshot_columns = ", ".join(quote(c) for c in ("contender_id", "taken_on", "rank", "score"))
    with connection.cursor() as cursor:
        # One INSERT ... SELECT, whatever the size of the list.
        cursor.execute(
            f"INSERT INTO {quote(RankSnapshot._meta.db_table)} ({snapshot_columns}) "
            f"SELECT {quote('id')}, %s, {quote('rank')}, {quote('score')} "
            f"FROM {quote(Contender._meta.db_table)} "
            f"WHERE {quote('contender_list_id')} = %s AND {quote('rank')} IS NOT NULL "
            f"ON CONFLICT ({quote('contender_id')}, {quote('taken_on')}) DO NOTHING",
            [today, contender_list.pk],
        )
    Contender.objects.filter(contender_list=contender_list).update(previous_rank=F("rank"))
    ContenderList.objects.filter(pk=contender_list.pk).update(ranks_snapshot_on=today)
    contender_list.ranks_snapshot_on = today


def apply_vote_change(
    contender_list: ContenderList, contender: Contender, *, up: int, down: int
) -> None:
    """Move a contender's counts by `up` and `down` and keep every rank of the list exact.

    The caller holds the list lock and read `contender` after taking it; the
    contender object is updated in place to the stored values. Costs two
    UPDATE statements whatever the size of the list: one shifts the
    contenders this one overtakes (or falls behind) by one place, one writes
    this contender's counts and rank.
    """
    key = RANKING_KEYS[contender_list.ranking]
    upvotes, downvotes = contender.upvotes + up, contender.downvotes + down
    old = {"score": contender.score, "wilson_lower": contender.wilson_lower, "id": contender.pk}
    new = {
        "score": upvotes - downvotes,
        "wilson_lower": wilson_lower_bound(upvotes, downvotes),
        "id": contender.pk,
    }
    rank = contender.rank
    if rank is not None:
        others = Contender.objects.approved().filter(contender_list=contender_list)
        others = others.exclude(pk=contender.pk)
        if _ranking_tuple(key, new) < _ranking_tuple(key, old):
            overtaken = others.filter(_ranks_before(key, old)).exclude(_ranks_before(key, new))
            rank -= overtaken.update(rank=F("rank") + 1)
        elif _ranking_tuple(key, new) > _ranking_tuple(key, old):
            passed_by = others.exclude(_ranks_before(key, old)).filter(_ranks_before(key, new))
            rank += passed_by.update(rank=F("rank") - 1)
    Contender.objects.filter(pk=contender.pk).update(
        upvotes=F("upvotes") + up,
        downvotes=F("downvotes") + down,
        score=F("score") + (up - down),
        wilson_lower=new["wilson_lower"],
        rank=rank,
    )
    contender.upvotes, contender.downvotes = upvotes, downvotes
    contender.score, contender.wilson_lower = new["score"], new["wilson_lower"]
    contender.rank = rank


def _positions(contender_list: ContenderList) -> dict[int, int]:
    """Where each approved contender belongs, from stored values; the database sorts."""
    ranked = (
        Contender.objects.approved()
        .filter(contender_list=contender_list)
        .annotate(position=Window(RowNumber(), order_by=ranking_order(contender_list)))
    )
    return dict(ranked.values_list("pk", "position"))


def _rank_changes(contender_list: ContenderList) -> list[tuple[int, int | None, int | None]]:
    """(contender id, stored rank, rank it should have) for every rank that is wrong."""
    positions = _positions(contender_list)
    stored = Contender.objects.filter(contender_list=contender_list).values_list("pk", "rank")
    return [(pk, rank, positions.get(pk)) for pk, rank in stored if positions.get(pk) != rank]


@transaction.atomic
def rerank_list(contender_list: ContenderList) -> int:
    """Recompute every rank of the list from the stored counts; return how many changed.

    For changes that move many contenders at once: a moderator approving or
    rejecting a contender, a list switching ranking method.
    """
    contender_list = lock_list(pk=contender_list.pk)
    changes = _rank_changes(contender_list)
    if changes:
        ensure_daily_snapshot(contender_list)
        Contender.objects.bulk_update(
            [Contender(pk=pk, rank=rank) for pk, _, rank in changes], ["rank"]
        )
    return len(changes)


def _tallies(contender_list: ContenderList) -> dict[int, tuple[int, int]]:
    """Up and down votes per contender of the list, counted from the Vote rows."""
    rows = (
        Vote.objects.counted()
        .filter(contender__contender_list=contender_list)
        .values("contender")
        .annotate(
            up=Count("pk", filter=Q(value=VoteValue.UP)),
            down=Count("pk", filter=Q(value=VoteValue.DOWN)),
        )
        .values_list("contender", "up", "down")
    )
    return {contender_id: (up, down) for contender_id, up, down in rows}


@dataclass(frozen=True)
class Drift:
    """A stored value that differs from what a rebuild from the votes would give."""

    contender_id: int
    field: str
    stored: object
    expected: object

    def __str__(self):
        return (
            f"contender {self.contender_id}: {self.field} is {self.stored}, "
            f"should be {self.expected}"
        )


COUNTED_FIELDS = ("upvotes", "downvotes", "score", "wilson_lower", "comment_count")


def _expected_counts(contender_list: ContenderList) -> dict[int, dict]:
    """What every counted field of each contender should hold, from the rows."""
    votes = _tallies(contender_list)
    comments = dict(
        Comment.objects.visible()
        .filter(contender__contender_list=contender_list)
        .values("contender")
        .annotate(count=Count("pk"))
        .values_list("contender", "count")
    )
    expected = {}
    for pk in Contender.objects.filter(contender_list=contender_list).values_list("pk", flat=True):
        up, down = votes.get(pk, (0, 0))
        expected[pk] = {
            "upvotes": up,
            "downvotes": down,
            "score": up - down,
            "wilson_lower": wilson_lower_bound(up, down),
            "comment_count": comments.get(pk, 0),
        }
    return expected


def _count_drift(contender_list: ContenderList) -> list[Drift]:
    expected = _expected_counts(contender_list)
    stored = Contender.objects.filter(contender_list=contender_list).values("pk", *COUNTED_FIELDS)
    return [
        Drift(row["pk"], field, row[field], expected[row["pk"]][field])
        for row in stored
        for field in COUNTED_FIELDS
        if row[field] != expected[row["pk"]][field]
    ]


def find_drift(contender_list: ContenderList) -> list[Drift]:
    """Every count or rank of the list that a rebuild from the Vote rows would change."""
    drift = _count_drift(contender_list)
    if not drift:
        # With exact counts, the right ranks follow from the stored values.
        drift = [Drift(pk, "rank", have, want) for pk, have, want in _rank_changes(contender_list)]
    return drift


@transaction.atomic
def recount_list(contender_list: ContenderList) -> int:
    """Rebuild every count and rank of the list from the Vote rows; return rows fixed."""
    contender_list = lock_list(pk=contender_list.pk)
    drifted = {d.contender_id for d in _count_drift(contender_list)}
    if drifted:
        expected = _expected_counts(contender_list)
        Contender.objects.bulk_update(
            [Contender(pk=pk, **expected[pk]) for pk in drifted], COUNTED_FIELDS
        )
    return len(drifted) + rerank_list(contender_list)
