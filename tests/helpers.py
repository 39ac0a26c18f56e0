"""Reading rankings in tests, the way the pages do."""

from cities.models import Contender, ContenderList


def ranking(contender_list: ContenderList) -> list[int]:
    """Contender ids of the list, best first."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return list(Contender.objects.approved().ranked(contender_list).values_list("pk", flat=True))


def at_rank(contender_list: ContenderList, rank: int) -> Contender:
    """The contender at `rank` (1 is the top), with its city and list."""
    contender_list = ContenderList.objects.get(pk=contender_list.pk)
    return (
        Contender.objects.approved()
        .ranked(contender_list)
        .select_related("city", "contender_list")[rank - 1]
    )


def rank_of(contender: Contender) -> int | None:
    """The contender's rank now, or None if it is not approved."""
    found = Contender.objects.approved().filter(pk=contender.pk).with_rank().first()
    return found.rank if found else None
