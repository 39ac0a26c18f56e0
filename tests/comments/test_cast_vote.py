import random
from datetime import timedelta

import pytest
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod
from comments.models import RankSnapshot, Vote
from comments.ranking import (
    find_drift,
    recount_list,
    wilson_lower_bound,
    with_previous_rank,
    with_rank,
)
from comments.services import ActionRefused, cast_vote
from tests.factories import ContenderFactory, UserFactory
from tests.helpers import at_rank, rank_of, ranking

pytestmark = pytest.mark.django_db

UP, DOWN, NONE = 1, -1, 0


def counts(contender: Contender) -> tuple[int, int, int]:
    contender.refresh_from_db()
    return contender.upvotes, contender.downvotes, contender.score


# --- Every transition --------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "expected_counts", "expected_row"),
    [
        (None, UP, (1, 0, 1), UP),
        (None, DOWN, (0, 1, -1), DOWN),
        (UP, NONE, (0, 0, 0), None),
        (DOWN, NONE, (0, 0, 0), None),
        (UP, DOWN, (0, 1, -1), DOWN),
        (DOWN, UP, (1, 0, 1), UP),
        (UP, UP, (1, 0, 1), UP),
        (DOWN, DOWN, (0, 1, -1), DOWN),
        (None, NONE, (0, 0, 0), None),
    ],
)
def test_every_vote_transition(
    member, make_ranked_list, first, second, expected_counts, expected_row
):
    contender = at_rank(make_ranked_list(3), 2)
    if first is not None:
        cast_vote(user=member, contender_id=contender.pk, value=first)

    outcome = cast_vote(user=member, contender_id=contender.pk, value=second)

    assert counts(contender) == expected_counts
    stored = Vote.objects.filter(user=member, contender=contender).values_list("value", flat=True)
    assert list(stored) == ([] if expected_row is None else [expected_row])
    assert outcome.value == second
    assert (outcome.contender.upvotes, outcome.contender.downvotes) == expected_counts[:2]
    assert find_drift(contender.contender_list) == []


def test_votes_from_many_members_add_up(make_ranked_list):
    contender = at_rank(make_ranked_list(2), 2)
    members = UserFactory.create_batch(5)

    for member, value in zip(members, [UP, UP, UP, DOWN, UP], strict=True):
        cast_vote(user=member, contender_id=contender.pk, value=value)

    assert counts(contender) == (4, 1, 3)
    assert rank_of(contender) == 1


# --- Refusals change nothing ---------------------------------------------------------


def assert_refused(status, words, **vote):
    before = (
        list(Vote.objects.values_list("user", "contender", "value")),
        list(Contender.objects.values_list("pk", "upvotes", "downvotes", "score", "status")),
    )
    with pytest.raises(ActionRefused) as refused:
        cast_vote(**vote)
    after = (
        list(Vote.objects.values_list("user", "contender", "value")),
        list(Contender.objects.values_list("pk", "upvotes", "downvotes", "score", "status")),
    )
    assert refused.value.status == status
    assert words in refused.value.message
    assert after == before
    return refused.value


@pytest.mark.parametrize("value", [2, -2, 10, None, "up"])
def test_a_malformed_value_is_refused(member, make_ranked_list, value):
    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        400, "A vote is up, down or none.", user=member, contender_id=contender.pk, value=value
    )


def test_a_closed_list_takes_no_votes(member, make_ranked_list):
    contender = Contender.objects.get(contender_list=make_ranked_list(1, is_open=False))

    assert_refused(
        409,
        f"Voting on “{contender.contender_list.title}” has closed.",
        user=member,
        contender_id=contender.pk,
        value=UP,
    )


@pytest.mark.parametrize("status", [Contender.Status.PENDING, Contender.Status.REJECTED])
def test_an_unapproved_contender_takes_no_votes(member, make_ranked_list, status):
    contender = ContenderFactory(contender_list=make_ranked_list(2), status=status)

    assert_refused(
        409,
        "waiting for a moderator and cannot take votes yet",
        user=member,
        contender_id=contender.pk,
        value=UP,
    )


def test_a_missing_contender_is_not_found(member, db):
    assert_refused(
        404, "That contender does not exist.", user=member, contender_id=987654, value=UP
    )


def test_an_unverified_member_cannot_vote(make_ranked_list):
    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        403,
        "Confirm your email address before taking part: follow the link we sent you",
        user=UserFactory(verified=False),
        contender_id=contender.pk,
        value=UP,
    )


def test_an_anonymous_visitor_cannot_vote(make_ranked_list):
    from django.contrib.auth.models import AnonymousUser

    contender = Contender.objects.get(contender_list=make_ranked_list(1))

    assert_refused(
        401, "Log in to take part.", user=AnonymousUser(), contender_id=contender.pk, value=UP
    )


# --- Ranks ------------------------------------------------------------------------


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


def test_wilson_puts_many_mostly_positive_votes_above_a_few_unanimous_ones():
    assert wilson_lower_bound(300, 20) > wilson_lower_bound(3, 0)
    assert wilson_lower_bound(0, 0) == 0.0
    assert 0 < wilson_lower_bound(3, 0) < 1
    assert wilson_lower_bound(10, 0) > wilson_lower_bound(10, 1) > wilson_lower_bound(10, 5)


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


# --- Cost ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [5, 200])
def test_a_vote_costs_the_same_statements_whatever_the_list_size(
    member, make_ranked_list, assert_statements, size
):
    """One read (contender, list, city, the member's vote and standing), the vote, the counts,
    and, without Redis, the rate-limit counters' upsert."""
    contender_list = make_ranked_list(size)
    middle = at_rank(contender_list, size // 2 + 1)
    cast_vote(user=UserFactory(), contender_id=middle.pk, value=UP)  # Today's snapshot.

    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=UP)
    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=DOWN)
    with assert_statements(4):
        cast_vote(user=member, contender_id=middle.pk, value=NONE)


# --- Daily snapshots -------------------------------------------------------------------


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
    now = with_rank(with_previous_rank(Contender.objects.filter(pk__in=snapshot)))
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
    assert with_previous_rank(Contender.objects.filter(pk=second)).get().previous_rank == 2
