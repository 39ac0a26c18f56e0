"""How a list orders its contenders, and the code that keeps the counts behind it exact.

A list ranks its approved contenders by one of two methods (a per-list
setting, `ContenderList.ranking`):

- net votes: score = up votes - down votes, highest first;
- Wilson: the lower bound of the Wilson score interval of the share of up
  votes, highest first, so that 3 up / 0 down does not beat 300 up / 20 down;
  equal bounds fall back to the score.

On a full tie the contender that joined the list first ranks higher, so the
order never depends on how the database returns rows.

Each contender stores its counts (`upvotes`, `downvotes`, `score`,
`wilson_lower`). A vote moves them with F() expressions (the Wilson bound
too, in SQL), in the same transaction as the vote row. A rank is not stored: it is the
contender's position when the database reads the list through the ranking
index for its method (contender_score_idx, contender_wilson_idx), and a
count of the contenders ahead where a single rank is needed. So a vote writes
one contender row and waits for no other vote on the list, and no rank can
drift from the counts. Before the first vote of each day, a snapshot keeps
every rank as the day began (RankSnapshot), for the movement arrows.

`recount_list` rebuilds the counts from the Vote rows; `find_drift` reports
where stored counts differ from them. Both cover the count of visible
comments too.
"""

import math
import operator
from dataclasses import dataclass
from functools import reduce

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cities.models import Contender, ContenderList, ContenderStatus, RankingMethod
from comments.models import Comment, RankSnapshot, Vote, VoteValue

# z of a one-sided 80% confidence bound, as Reddit's "best" sort uses: cautious
# enough that a handful of votes cannot outrank hundreds, not so cautious that
# a well-liked newcomer takes weeks to climb.
WILSON_Z = 1.281551565545

# Ranking keys: (field, descending), most significant first. The last field
# is unique, so no two contenders ever tie. The ranking indexes on Contender
# follow these keys.
RANKING_KEYS = {
    RankingMethod.NET_VOTES: (("score", True), ("id", False)),
    RankingMethod.WILSON: (("wilson_lower", True), ("score", True), ("id", False)),
}


Z_SQUARED = WILSON_Z**2


def wilson_lower_bound(upvotes: int, downvotes: int) -> float:
    """Lower bound of the Wilson score interval for the share of up votes (0 with no votes)."""
    total = upvotes + downvotes
    if total == 0:
        return 0.0
    share = upvotes / total
    centre = share + Z_SQUARED / (2 * total)
    margin = WILSON_Z * math.sqrt((share * (1 - share) + Z_SQUARED / (4 * total)) / total)
    return max(0.0, (centre - margin) / (1 + Z_SQUARED / total))


def wilson_lower_bound_sql(upvotes: str, downvotes: str, greatest: str) -> str:
    """wilson_lower_bound as SQL text over two SQL expressions, step for step.

    The same IEEE operations in the same order as above, so the database and
    Python agree to the last bit (find_drift compares them exactly).
    `greatest` is GREATEST on PostgreSQL and MAX on SQLite.
    """
    total = f"CAST(({upvotes}) + ({downvotes}) AS DOUBLE PRECISION)"
    share = f"(CAST({upvotes} AS DOUBLE PRECISION) / {total})"
    centre = f"({share} + {Z_SQUARED!r} / (2.0 * {total}))"
    spread = f"({share} * (1.0 - {share}) + {Z_SQUARED!r} / (4.0 * {total})) / {total}"
    margin = f"({WILSON_Z!r} * SQRT({spread}))"
    bound = f"{greatest}(0.0, ({centre} - {margin}) / (1.0 + {Z_SQUARED!r} / {total}))"
    return f"CASE WHEN ({upvotes}) + ({downvotes}) = 0 THEN 0.0 ELSE {bound} END"


# --- Reading rankings ---------------------------------------------------------------


def ranking_order(method: str) -> list:
    """The ORDER BY that ranks a list using `method`, best first."""
    return [
        F(field).desc() if descending else F(field).asc()
        for field, descending in RANKING_KEYS[method]
    ]


def ranked(contender_list: ContenderList):
    """The list's approved contenders, best first, read through its ranking index."""
    return (
        Contender.objects.approved()
        .filter(contender_list=contender_list)
        .order_by(*ranking_order(contender_list.ranking))
    )


def ranks_before(method: str, values: dict) -> Q:
    """Contenders that rank before one whose ranking fields hold `values`."""
    terms = []
    equal_so_far = Q()
    for field, descending in RANKING_KEYS[method]:
        better = Q(**{f"{field}__{'gt' if descending else 'lt'}": values[field]})
        terms.append(equal_so_far & better)
        equal_so_far &= Q(**{field: values[field]})
    return reduce(operator.or_, terms)


def _ahead_of_outer(method: str) -> Subquery:
    """How many approved contenders of the outer row's list rank before it."""
    key_fields = {field: OuterRef(field) for field, _ in RANKING_KEYS[method]}
    ahead = (
        Contender.objects.approved()
        .filter(contender_list=OuterRef("contender_list"))
        .filter(ranks_before(method, key_fields))
        .order_by()
        .values("contender_list")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(ahead), 0)


def with_rank(queryset):
    """Annotate `rank`: one more than the approved contenders ahead in the same list.

    A count over the ranking index of each row's list; for the handful of rows
    a search result, a city page or a contender page shows.
    """
    return queryset.annotate(
        rank=Case(
            *(
                When(contender_list__ranking=method, then=_ahead_of_outer(method) + 1)
                for method in RANKING_KEYS
            ),
            output_field=IntegerField(),
        )
    )


def with_previous_rank(queryset):
    """Annotate `previous_rank`: the rank at the list's last daily snapshot (None if new)."""
    snapshot = RankSnapshot.objects.filter(
        contender=OuterRef("pk"), taken_on=OuterRef("contender_list__ranks_snapshot_on")
    ).values("rank")[:1]
    return queryset.annotate(previous_rank=Subquery(snapshot))


def lists_with_top(lists, count: int) -> list[ContenderList]:
    """The lists, each with `top`: its first `count` contenders and their cities.

    Two queries whatever the size of the lists: the lists, each annotated with
    the ids of its leaders read through its ranking index, then the leaders.
    """
    annotations = {}
    for place in range(count):
        by_method = [
            When(
                ranking=method,
                then=Subquery(
                    Contender.objects.approved()
                    .filter(contender_list=OuterRef("pk"))
                    .order_by(*ranking_order(method))
                    .values("pk")[place : place + 1]
                ),
            )
            for method in RANKING_KEYS
        ]
        annotations[f"place_{place + 1}"] = Case(*by_method, output_field=IntegerField())
    lists = list(lists.annotate(**annotations))
    wanted = [getattr(item, name) for item in lists for name in annotations]
    leaders = Contender.objects.filter(pk__in=[pk for pk in wanted if pk]).with_city().in_bulk()
    for item in lists:
        item.top = []
        for rank, name in enumerate(annotations, start=1):
            contender = leaders.get(getattr(item, name))
            if contender is not None:
                contender.rank = rank
                item.top.append(contender)
    return lists


# --- Writing counts -------------------------------------------------------------------


def ensure_daily_snapshot(contender_list: ContenderList) -> None:
    """Before the first vote of a day on a list, keep every rank as the day began.

    The list row's snapshot day is claimed with a conditional UPDATE, so of
    several votes arriving together exactly one takes the snapshot: one
    INSERT ... SELECT whatever the size of the list. The others wait for its
    row lock, then find the day taken.
    """
    today = timezone.localdate()
    if contender_list.ranks_snapshot_on == today:
        return
    claimed = ContenderList.objects.filter(
        Q(ranks_snapshot_on__isnull=True) | Q(ranks_snapshot_on__lt=today), pk=contender_list.pk
    ).update(ranks_snapshot_on=today)
    contender_list.ranks_snapshot_on = today
    if not claimed:
        return
    quote = connection.ops.quote_name
    order = ", ".join(
        f"{quote(field)} {'DESC' if descending else 'ASC'}"
        for field, descending in RANKING_KEYS[contender_list.ranking]
    )
    columns = ", ".join(quote(c) for c in ("contender_id", "taken_on", "rank", "score"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(RankSnapshot._meta.db_table)} ({columns}) "
            f"SELECT {quote('id')}, %s, ROW_NUMBER() OVER (ORDER BY {order}), {quote('score')} "
            f"FROM {quote(Contender._meta.db_table)} "
            f"WHERE {quote('contender_list_id')} = %s AND {quote('status')} = %s "
            f"ON CONFLICT ({quote('contender_id')}, {quote('taken_on')}) DO NOTHING",
            [today, contender_list.pk, ContenderStatus.APPROVED],
        )


def apply_vote_change(contender: Contender, *, up: int, down: int) -> None:
    """Move a contender's counts by `up` and `down`, in one UPDATE.

    Every count moves in the database, from the values the row holds when
    the UPDATE takes its lock, so votes on the same contender at the same
    moment each add their change and none is lost: the F() expressions of
    the ORM, written in SQL because on the vote's path the ORM spent longer
    building this statement than the database spent running it. The object
    is updated in place to the counts it was read with plus this change.
    """
    up, down = int(up), int(down)  # Literals in the SQL below: our own -1, 0 or 1.
    greatest = "GREATEST" if connection.vendor == "postgresql" else "MAX"
    wilson = wilson_lower_bound_sql(f"upvotes + {up}", f"downvotes + {down}", greatest)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Contender._meta.db_table} SET upvotes = upvotes + {up}, "
            f"downvotes = downvotes + {down}, score = score + {up - down}, "
            f"wilson_lower = {wilson} WHERE id = %s",
            [contender.pk],
        )
    contender.upvotes += up
    contender.downvotes += down
    contender.score += up - down
    contender.wilson_lower = wilson_lower_bound(contender.upvotes, contender.downvotes)


def move_comment_count(contender_id: int, by: int) -> None:
    """Move a contender's count of visible comments by `by` (1 or -1), in the database."""
    Contender.objects.filter(pk=contender_id).update(comment_count=F("comment_count") + by)


# --- Checking and rebuilding --------------------------------------------------------------

COUNTED_FIELDS = ("upvotes", "downvotes", "score", "wilson_lower", "comment_count")


@dataclass(frozen=True)
class Drift:
    """A stored value that differs from what a rebuild from the rows would give."""

    contender_id: int
    field: str
    stored: object
    expected: object

    def __str__(self):
        return (
            f"contender {self.contender_id}: {self.field} is {self.stored}, "
            f"should be {self.expected}"
        )


def _counts_beside_rows(contender_list: ContenderList):
    """Each contender's stored counts beside the counts of its rows.

    One statement, so one snapshot: with votes arriving meanwhile, the rows
    and the counts are still seen at the same moment.
    """

    def rows(queryset):
        counted = queryset.filter(contender=OuterRef("pk")).order_by().values("contender")
        return Coalesce(Subquery(counted.annotate(count=Count("pk")).values("count")), 0)

    return (
        Contender.objects.filter(contender_list=contender_list)
        .annotate(
            rows_up=rows(Vote.objects.counted().filter(value=VoteValue.UP)),
            rows_down=rows(Vote.objects.counted().filter(value=VoteValue.DOWN)),
            rows_comments=rows(Comment.objects.visible()),
        )
        .values("pk", *COUNTED_FIELDS, "rows_up", "rows_down", "rows_comments")
    )


def _expected(row: dict) -> dict:
    """What every counted field should hold, given the counts of the rows."""
    up, down = row["rows_up"], row["rows_down"]
    return {
        "upvotes": up,
        "downvotes": down,
        "score": up - down,
        "wilson_lower": wilson_lower_bound(up, down),
        "comment_count": row["rows_comments"],
    }


def find_drift(contender_list: ContenderList) -> list[Drift]:
    """Every stored count of the list that differs from its rows."""
    drift = []
    for row in _counts_beside_rows(contender_list):
        expected = _expected(row)
        drift += [
            Drift(row["pk"], field, row[field], expected[field])
            for field in COUNTED_FIELDS
            if row[field] != expected[field]
        ]
    return drift


def lock_contenders_of(contender_list: ContenderList) -> None:
    """Lock every contender row of a list, in id order, until the transaction ends."""
    list(
        Contender.objects.select_for_update()
        .filter(contender_list=contender_list)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def recount_list(contender_list: ContenderList) -> int:
    """Rebuild every count of the list from its rows; return how many contenders changed.

    Locks the list's contenders first, so no vote moves a count between the
    tally and the write.
    """
    lock_contenders_of(contender_list)
    fixed = []
    for row in _counts_beside_rows(contender_list):
        expected = _expected(row)
        if any(row[field] != expected[field] for field in COUNTED_FIELDS):
            fixed.append(Contender(pk=row["pk"], **expected))
    Contender.objects.bulk_update(fixed, COUNTED_FIELDS)
    return len(fixed)
