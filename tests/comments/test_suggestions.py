"""Suggestions (comments.suggestions): a city waits for a moderator."""

import pytest
from django.urls import reverse

from cities.models import Contender
from tests.factories import ContenderFactory
from tests.helpers import rank_of

pytestmark = pytest.mark.django_db


def test_a_member_suggests_a_city_that_waits_for_review(member_client, member, contender):
    newcomer = ContenderFactory.build().city
    newcomer.save()
    url = reverse("comments:suggest", args=[contender.contender_list.slug])

    response = member_client.post(url, {"city": newcomer.pk})

    assert response.status_code == 302
    suggestion = Contender.objects.get(city=newcomer)
    assert (suggestion.status, suggestion.suggested_by) == ("pending", member)
    assert rank_of(suggestion) is None
    again = member_client.post(url, {"city": newcomer.pk})
    assert again.status_code == 400
    assert "may already stand in this list" in again.content.decode()


def test_no_suggestions_for_a_closed_list(member_client, make_ranked_list):
    closed = make_ranked_list(1, is_open=False)
    newcomer = ContenderFactory.build().city
    newcomer.save()

    response = member_client.post(
        reverse("comments:suggest", args=[closed.slug]), {"city": newcomer.pk}
    )

    assert response.status_code == 409
    assert not Contender.objects.filter(city=newcomer).exists()
