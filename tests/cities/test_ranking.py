"""Ranking reads (cities.models: ranked, with_rank, with_previous_rank) as votes move counts."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod
from comments.counts import find_drift, recount_list
from comments.models import RankSnapshot
from comments.services import (
    cast_vote,
)
from tests.factories import UserFactory
from tests.helpers import rank_of, ranking

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0


def test_a_vote_moves_a_contender_past_the_ones_it_overtakes(member, make_ranked_list):
    contender_list = make_ranked_list(5)
    before = ranking(contender_list)
    fifth = before[4]

    cast_vote(user=member, contender_id=fifth, value=UP)

    assert ranking(contender_list) == [fifth, *before[:4]]
    assert [rank_of(Contender(pk=pk)) for pk in ranking(contender_list)] == [1, 2, 3, 4, 5]


def test_a_down_vote_drops_a_contender_below_its_equals(member, make_ranked_list):
    contender_list = make_ranked_list(4)
    before = ranking(contender_list)

    cast_vote(user=member, contender_id=before[0], value=DOWN)

    assert ranking(contender_list) == [*before[1:], before[0]]


def test_ties_go_to_the_contender_that_joined_first(make_ranked_list):
    contender_list = make_ranked_list(3)
    first, second, third = ranking(contender_list)
    alice, bob = UserFactory.create_batch(2)

    cast_vote(user=alice, contender_id=third, value=UP)
    cast_vote(user=bob, contender_id=second, value=UP)

    assert ranking(contender_list) == [second, third, first]


def test_a_wilson_list_ranks_by_the_lower_bound(make_ranked_list):
    contender_list = make_ranked_list(2, ranking=RankingMethod.WILSON)
    few, many = ranking(contender_list)
    members = UserFactory.create_batch(30)
    for member in members[:3]:
        cast_vote(user=member, contender_id=few, value=UP)
    for member in members[3:23]:
        cast_vote(user=member, contender_id=many, value=UP)
    for member in members[23:25]:
        cast_vote(user=member, contender_id=many, value=DOWN)

    assert Contender.objects.get(pk=many).score > 3
    assert ranking(contender_list) == [many, few]
    assert find_drift(contender_list) == []


@pytest.mark.parametrize("method", RankingMethod.values)
@pytest.mark.parametrize("seed", range(6))
def test_ranks_stay_exact_through_random_votes(
    make_ranked_list, method, seed, relaxed_rate_limits
):
    """After every vote of a random sequence, nothing differs from a rebuild."""
    generator = random.Random(seed)
    contender_list = make_ranked_list(12, ranking=method)
    contenders = ranking(contender_list)
    members = UserFactory.create_batch(8)

    for _ in range(120):
        cast_vote(
            user=generator.choice(members),
            contender_id=generator.choice(contenders),
            value=generator.choice([UP, UP, DOWN, NONE]),
        )
        assert find_drift(contender_list) == []

    assert recount_list(contender_list) == 0


def test_the_first_vote_of_a_day_keeps_the_ranks_the_day_began_with(member, make_ranked_list):
    contender_list = make_ranked_list(3)
    yesterday = timezone.localdate() - timedelta(days=1)
    ContenderList.objects.filter(pk=contender_list.pk).update(ranks_snapshot_on=yesterday)
    first, second, third = ranking(contender_list)

    cast_vote(user=member, contender_id=third, value=UP)

    snapshot = dict(
        RankSnapshot.objects.filter(taken_on=timezone.localdate()).values_list("contender", "rank")
    )
    assert snapshot == {first: 1, second: 2, third: 3}
    now = Contender.objects.filter(pk__in=snapshot).with_previous_rank().with_rank()
    assert {c.pk: c.rank_movement for c in now} == {third: 2, first: -1, second: -1}


def test_later_votes_the_same_day_keep_the_first_snapshot(member, make_ranked_list):
    contender_list = make_ranked_list(3)
    ContenderList.objects.filter(pk=contender_list.pk).update(
        ranks_snapshot_on=timezone.localdate() - timedelta(days=1)
    )
    _, second, third = ranking(contender_list)
    cast_vote(user=member, contender_id=third, value=UP)

    cast_vote(user=UserFactory(), contender_id=second, value=UP)

    assert RankSnapshot.objects.count() == 3
    assert Contender.objects.filter(pk=second).with_previous_rank().get().previous_rank == 2


def test_a_lists_header_reads_what_a_post_needs_and_defers_the_rest(db):
    contender_list = ContenderList.objects.create(
        title="Fastest trams", slug="fastest-trams", question="Which city?", is_open=False
    )

    header = ContenderList.objects.header("fastest-trams")

    assert (header.pk, header.title, header.slug, header.is_open) == (
        contender_list.pk,
        "Fastest trams",
        "fastest-trams",
        False,
    )
    assert header.get_deferred_fields() >= {"question", "ranking", "description"}
    assert header.question == "Which city?"  # Read on first use.
    assert ContenderList.objects.header("slowest-trams") is None
