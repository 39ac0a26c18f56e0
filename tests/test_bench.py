"""The benchmark's world generator, at a small size: it must keep working."""

import io

import pytest
from django.db.models import Count

from bench.generate import World, build, grow_big_list
from cities.models import Contender, ContenderList
from comments.counts import find_drift
from comments.models import Ballot, Comment, Duel, Report, Vote

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_the_generator_builds_the_world_it_is_asked_for_without_drift():
    world = World(
        lists=3,
        contenders=40,
        users=300,
        votes=2_000,
        comments=200,
        reports=30,
        ballots=90,
        duels=400,
    )

    build(world, replace=True, out=io.StringIO())

    assert ContenderList.objects.count() == 3
    assert Contender.objects.count() == 40
    assert Vote.objects.count() == 2_000
    assert Comment.objects.count() == 200
    assert Report.objects.count() == 30
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Ballot.objects.count() == 90
    big_list = ContenderList.objects.order_by("pk").first()
    assert Ballot.objects.filter(contender_list=big_list).count() >= 45  # Half, by size.
    lengths = Ballot.objects.annotate(size=Count("entries")).values_list("size", flat=True)
    assert set(lengths) <= set(range(3, 11))
    assert Duel.objects.filter(contender_list=big_list).count() == 400
    assert Duel.objects.filter(winner__isnull=True).exists()
    for contender_list in ContenderList.objects.all():
        assert find_drift(contender_list) == []
    counts = sorted(Contender.objects.values_list("upvotes", flat=True), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2], "a few cities get most of the votes"


def test_growing_the_big_list_keeps_the_others():
    build(World(lists=2, contenders=20, users=50, votes=100, comments=10, duels=50), replace=True)

    grow_big_list(30, out=io.StringIO())

    sizes = [c.contenders.count() for c in ContenderList.objects.order_by("pk")]
    assert sizes == [40, 10]
