"""Suggesting a city the site has (comments.suggestions.suggest_contender): it waits for a
moderator. The form that suggests any city by name is tested in test_city_suggestions."""

import pytest

from cities.models import Contender
from comments.services import suggest_contender
from tests.factories import ContenderFactory
from tests.helpers import refusal_of

pytestmark = pytest.mark.django_db


def _new_city():
    city = ContenderFactory.build().city
    city.save()
    return city


def test_the_suggestion_waits_for_a_moderator_in_the_list_asked(member, make_ranked_list):
    wanted, other = make_ranked_list(1), make_ranked_list(1)
    city = _new_city()

    suggestion = suggest_contender(user=member, contender_list_id=wanted.pk, city_id=city.pk)

    suggestion.refresh_from_db()
    assert (suggestion.contender_list, suggestion.city) == (wanted, city)
    assert (suggestion.status, suggestion.suggested_by) == ("pending", member)
    assert not other.contenders.filter(city=city).exists()


@pytest.mark.parametrize("missing", ["list", "city"])
def test_a_suggestion_for_a_missing_list_or_city_is_a_404(member, contender, missing):
    arguments = {"contender_list_id": contender.contender_list_id, "city_id": _new_city().pk}
    arguments["contender_list_id" if missing == "list" else "city_id"] = 10**9

    refusal = refusal_of(suggest_contender, user=member, **arguments)

    assert (refusal.status, refusal.message) == (404, "That list or city does not exist.")
    assert Contender.objects.count() == 3


def test_a_closed_list_says_so_by_name(member, make_ranked_list):
    closed = make_ranked_list(1, is_open=False, title="Closed Cities")

    refusal = refusal_of(
        suggest_contender, user=member, contender_list_id=closed.pk, city_id=_new_city().pk
    )

    assert (refusal.status, refusal.message) == (409, "“Closed Cities” has closed.")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("approved", "{city} is already in this list."),
        ("pending", "{city} has been suggested already and waits for a moderator."),
        ("rejected", "{city} was suggested before and the moderators declined it."),
    ],
)
def test_a_city_the_list_already_knows_is_refused_with_its_status(
    member, make_ranked_list, status, message
):
    """Only the same city in the same list: the city may stand in another list."""
    contender_list = make_ranked_list(1)
    city = _new_city()
    ContenderFactory(contender_list=contender_list, city=city, status=status)
    ContenderFactory(city=_new_city(), contender_list=contender_list)
    elsewhere = make_ranked_list(1)

    refusal = refusal_of(
        suggest_contender, user=member, contender_list_id=contender_list.pk, city_id=city.pk
    )

    assert (refusal.status, refusal.message) == (409, message.format(city=city.name))
    assert contender_list.contenders.filter(city=city).get().status == status
    suggest_contender(user=member, contender_list_id=elsewhere.pk, city_id=city.pk)
