"""Suggestions: a member proposes a city for a list; it waits, unranked, for a moderator."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

from cities.models import City, Contender, ContenderList
from comments.exceptions import ActionRefused
from comments.ratelimits import check_rate_limit
from comments.standing import ensure_can_participate

_ALREADY_THERE = {
    Contender.Status.APPROVED: "{city} is already in this list.",
    Contender.Status.PENDING: "{city} has been suggested already and waits for a moderator.",
    Contender.Status.REJECTED: "{city} was suggested before and the moderators declined it.",
}


def _already_there(status: str, city: City) -> ActionRefused:
    return ActionRefused(_ALREADY_THERE[status].format(city=city.name), status=409)


@transaction.atomic
def suggest_contender(
    *, user: AbstractBaseUser, contender_list_id: int, city_id: int
) -> Contender:
    """Propose a city for a list; it waits, unranked, for a moderator."""
    ensure_can_participate(user)
    contender_list = ContenderList.objects.filter(pk=contender_list_id).first()
    city = City.objects.filter(pk=city_id).first()
    if contender_list is None or city is None:
        raise ActionRefused("That list or city does not exist.", status=404)
    if not contender_list.is_open:
        raise ActionRefused(f"“{contender_list.title}” has closed.", status=409)
    existing = Contender.objects.filter(contender_list=contender_list, city=city).first()
    if existing is not None:
        raise _already_there(existing.status, city)
    check_rate_limit(user, "suggest")
    try:
        with transaction.atomic():
            return Contender.objects.create(
                contender_list=contender_list,
                city=city,
                status=Contender.Status.PENDING,
                suggested_by=user,
            )
    except IntegrityError:  # Someone suggested it at the same moment.
        raise _already_there(Contender.Status.PENDING, city) from None
