"""The counts behind the rankings, checked and rebuilt from the rows.

Each contender stores its up votes, down votes, score, Wilson bound and count
of visible comments; votes move the first four (comments.votes), comments
and moderators the last (`move_comment_count`). `find_drift` reports where a
stored count differs from what its rows give; `recount_list` rebuilds them
(the `recompute_rankings` command, a moderator voiding votes, the demo data).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce

from cities.models import Contender, ContenderList
from comments.models import Comment, Vote, VoteValue
from comments.wilson import wilson_lower_bound

COUNTED_FIELDS = ("upvotes", "downvotes", "score", "wilson_lower", "comment_count")


def move_comment_count(contender_id: int, by: int) -> None:
    """Move a contender's count of visible comments by `by` (1 or -1), in the database."""
    Contender.objects.filter(pk=contender_id).update(comment_count=F("comment_count") + by)


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
