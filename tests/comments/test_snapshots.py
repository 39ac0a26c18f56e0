"""Daily rank snapshots and the ranks counted from the scores."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod
from comments.models import CountedMethod, MethodStanding, RankSnapshot
from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import rank_of, ranking

pytestmark = pytest.mark.django_db

UP, DOWN = 1, -1


def since(days: int):
    return timezone.localdate() - timedelta(days=days)


def snapshot_of(contender_list, day) -> dict[int, tuple[int, int]]:
    rows = RankSnapshot.objects.filter(contender__contender_list=contender_list, taken_on=day)
    columns = rows.values_list("contender", "rank", "score")
    return {pk: (rank, score) for pk, rank, score in columns}


def votes(contender_id: int, values: list[int]) -> None:
    for value in values:
        cast_vote(user=UserFactory(), contender_id=contender_id, value=value)


def test_voting_on_two_lists_the_same_day_snapshots_each(member, make_ranked_list):
    first_list, second_list = make_ranked_list(3), make_ranked_list(2)
    ContenderList.objects.update(ranks_snapshot_on=since(1))

    cast_vote(user=member, contender_id=ranking(first_list)[2], value=UP)
    cast_vote(user=member, contender_id=ranking(second_list)[1], value=UP)

    assert len(snapshot_of(first_list, timezone.localdate())) == 3
    assert len(snapshot_of(second_list, timezone.localdate())) == 2
    assert set(ContenderList.objects.values_list("ranks_snapshot_on", flat=True)) == {
        timezone.localdate()
    }


@pytest.mark.parametrize("method", RankingMethod.values)
def test_the_snapshot_keeps_the_ranks_and_scores_the_votes_gave(member, make_ranked_list, method):
    contender_list = make_ranked_list(4, ranking=method)
    a, b, c, d = ranking(contender_list)
    votes(c, [UP, UP])
    votes(b, [UP])
    votes(a, [DOWN])
    ContenderList.objects.update(ranks_snapshot_on=since(1))
    RankSnapshot.objects.all().delete()

    cast_vote(user=member, contender_id=d, value=UP)

    expected = {c: (1, 2), b: (2, 1), d: (3, 0), a: (4, -1)}
    assert snapshot_of(contender_list, timezone.localdate()) == expected


def test_the_previous_rank_is_read_from_the_lists_last_snapshot(member, make_ranked_list):
    contender_list = make_ranked_list(3)
    first, second, third = ranking(contender_list)
    # Two days ago the order was the other way round.
    for rank, pk in enumerate([third, second, first], start=1):
        RankSnapshot.objects.create(contender_id=pk, taken_on=since(2), rank=rank, score=0)
    ContenderList.objects.update(ranks_snapshot_on=since(1))

    cast_vote(user=member, contender_id=third, value=UP)  # Today's snapshot, then the vote.

    previous = Contender.objects.filter(contender_list=contender_list).with_previous_rank()
    assert {c.pk: c.previous_rank for c in previous} == {first: 1, second: 2, third: 3}
    assert RankSnapshot.objects.filter(taken_on=since(2)).count() == 3, "older days are kept"


def test_no_snapshot_for_the_day_means_no_previous_rank(make_ranked_list):
    contender_list = make_ranked_list(2)
    first, _ = ranking(contender_list)
    RankSnapshot.objects.create(contender_id=first, taken_on=since(3), rank=1, score=0)
    ContenderList.objects.update(ranks_snapshot_on=since(1))

    previous = Contender.objects.filter(pk=first).with_previous_rank().get()

    assert previous.previous_rank is None


def test_ranks_on_a_wilson_list_count_ties_in_the_ranking_order(make_ranked_list):
    """Equal bounds fall back to the score, equal scores to the first to join."""
    contender_list = make_ranked_list(6, ranking=RankingMethod.WILSON)
    joined = ranking(contender_list)
    votes(joined[5], [UP, UP])  # Bound 0.46, score 2.
    votes(joined[4], [UP, UP])  # The same, joined earlier.
    votes(joined[3], [UP, DOWN])  # Bound 0.16, score 0.
    votes(joined[2], [DOWN])  # Bound 0, score -1.
    votes(joined[1], [DOWN, DOWN])  # Bound 0, score -2.
    # joined[0]: no votes, bound 0, score 0.

    expected = [joined[4], joined[5], joined[3], joined[0], joined[2], joined[1]]
    assert ranking(contender_list) == expected
    assert [rank_of(Contender(pk=pk)) for pk in expected] == [1, 2, 3, 4, 5, 6]


def test_ranks_on_a_net_list_count_ties_in_the_ranking_order(make_ranked_list):
    contender_list = make_ranked_list(4)
    joined = ranking(contender_list)
    votes(joined[3], [UP])
    votes(joined[1], [UP])
    votes(joined[0], [DOWN])

    expected = [joined[1], joined[3], joined[2], joined[0]]
    assert ranking(contender_list) == expected
    assert [rank_of(Contender(pk=pk)) for pk in expected] == [1, 2, 3, 4]


def test_the_snapshot_keeps_each_ranked_methods_place_from_its_latest_count(
    member, make_ranked_list
):
    from comments.tallies import count_list

    contender_list = make_ranked_list(3)
    a, b, c = ranking(contender_list)
    votes(c, [UP, UP])
    votes(b, [UP])
    count_list(contender_list)
    ContenderList.objects.update(ranks_snapshot_on=since(1))
    RankSnapshot.objects.all().delete()
    stored = {
        (pk, method): rank
        for pk, method, rank in MethodStanding.objects.values_list("contender", "method", "rank")
    }

    cast_vote(user=member, contender_id=a, value=UP)

    rows = RankSnapshot.objects.filter(taken_on=timezone.localdate())
    columns = rows.values_list("contender", "schulze_rank", "borda_rank")
    taken = {pk: (schulze, borda) for pk, schulze, borda in columns}
    assert taken == {
        pk: (stored[(pk, CountedMethod.SCHULZE)], stored[(pk, CountedMethod.BORDA)])
        for pk in (a, b, c)
    }
    assert taken[c] == (1, 1), "the count put the most voted first by both methods"


def test_a_list_never_counted_snapshots_no_method_place(member, make_ranked_list):
    contender_list = make_ranked_list(2)
    ContenderList.objects.update(ranks_snapshot_on=since(1))
    MethodStanding.objects.all().delete()

    cast_vote(user=member, contender_id=ranking(contender_list)[1], value=UP)

    rows = RankSnapshot.objects.filter(taken_on=timezone.localdate())
    assert set(rows.values_list("schulze_rank", "borda_rank")) == {(None, None)}
