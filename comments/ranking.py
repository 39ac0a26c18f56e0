"""How the contenders of a list are ordered, and the code that keeps `rank` exact.

A list ranks its approved contenders by score (up votes minus down votes).
On equal score the contender that joined the list first ranks higher, so the
order never depends on how the database happens to return rows.
"""

from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from cities.models import Contender, ContenderList


def ranking_order(contender_list: ContenderList) -> list:
    """The ORDER BY that ranks `contender_list`, best first."""
    return [F("score").desc(), F("id").asc()]


@transaction.atomic
def rerank_list(contender_list: ContenderList) -> int:
    """Recompute the rank of every contender in the list from stored scores.

    Locks the list row, so it never interleaves with another writer of ranks
    in the same list. Returns the number of contenders whose rank changed.
    """
    ContenderList.objects.select_for_update().filter(pk=contender_list.pk).first()
    contenders = Contender.objects.filter(contender_list=contender_list)
    positions = contenders.approved().annotate(
        position=Window(RowNumber(), order_by=ranking_order(contender_list))
    )
    changed = [
        Contender(pk=pk, rank=position)
        for pk, position, rank in positions.values_list("pk", "position", "rank")
        if position != rank
    ]
    changed += [
        Contender(pk=pk, rank=None)
        for pk in contenders.exclude(status=Contender.Status.APPROVED)
        .filter(rank__isnull=False)
        .values_list("pk", flat=True)
    ]
    Contender.objects.bulk_update(changed, ["rank"])
    return len(changed)
