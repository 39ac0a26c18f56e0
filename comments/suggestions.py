"""Suggestions: a member proposes a city for a list; it waits, unranked, for a moderator.

`suggest_city` takes any city by name and country, with a reason
(CitySuggestion); `suggest_contender` puts a city the site already has
straight into the list as a pending contender.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.formats import date_format

from cities.models import City, CitySuggestion, Contender, ContenderList, suggestion_key
from comments.ballots import open_list
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


def tidy_name(text: str) -> str:
    """A name as typed, without the spaces around and between its words doubled."""
    return " ".join(text.split())


def city_named(name: str, country: str) -> City | None:
    """The site's city of that name (or other spelling) in that country, case aside."""
    wanted = suggestion_key(name, country)
    in_country = City.objects.filter(country__iexact=tidy_name(country))
    for city in in_country.only("name", "slug", "country", "also_known_as"):
        spellings = [city.name, *city.also_known_as.split(",")]
        if any(suggestion_key(spelling, city.country) == wanted for spelling in spellings):
            return city
    return None


def _in_list_already(contender: Contender) -> ActionRefused:
    """The contender a suggestion would duplicate, pointed at: its page, or its city's."""
    if contender.status == Contender.Status.APPROVED:
        link = (contender.get_comments_url(), f"{contender.city.name} in this list")
    else:
        link = (contender.city.get_absolute_url(), f"{contender.city.name} on TechVote")
    return ActionRefused(
        _ALREADY_THERE[contender.status].format(city=contender.city.name), status=409, link=link
    )


def _suggested_already(earlier: CitySuggestion) -> ActionRefused:
    when = date_format(earlier.created_at, "j F Y")
    if earlier.status == CitySuggestion.Status.PENDING:
        message = f"{earlier.name} was suggested on {when} and waits for a moderator."
    else:
        message = (
            f"{earlier.name} was suggested on {when} and the moderators declined it: "
            f"“{earlier.decision_reason}”"
        )
    return ActionRefused(message, status=409)


@transaction.atomic
def suggest_city(
    *, user: AbstractBaseUser, contender_list_id: int, name: str, country: str, reason: str
) -> CitySuggestion:
    """Propose any city for a list by name and country, with a reason, for a moderator.

    Refused (409), with a pointer to it, when the city stands in the list
    already, waits there, or was declined there before. A city the site
    already has is linked at once, so approving it only adds the contender.
    """
    ensure_can_participate(user)
    contender_list = open_list(contender_list_id)
    name, country, reason = tidy_name(name), tidy_name(country), reason.strip()
    if not (name and country and reason):
        raise ActionRefused("Give the city's name, its country and why it belongs here.")
    city = city_named(name, country)
    if city is not None:
        there = Contender.objects.filter(contender_list=contender_list, city=city)
        existing = there.select_related("city", "contender_list").first()
        if existing is not None:
            raise _in_list_already(existing)
    if city is not None:
        name, country = city.name, city.country
    key = suggestion_key(name, country)
    earlier = (
        CitySuggestion.objects.filter(contender_list=contender_list, key=key)
        .exclude(status=CitySuggestion.Status.APPROVED)
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        raise _suggested_already(earlier)
    check_rate_limit(user, "suggest")
    try:
        with transaction.atomic():
            return CitySuggestion.objects.create(
                contender_list=contender_list,
                name=name,
                country=country,
                key=key,
                reason=reason,
                city=city,
                suggested_by=user,
            )
    except IntegrityError:  # Someone suggested it at the same moment.
        message = f"{name} has just been suggested by someone else."
        raise ActionRefused(message, status=409) from None
