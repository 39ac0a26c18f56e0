"""Rank history read back from the daily snapshots, and the demo's months of it."""

import json
from datetime import timedelta

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from cities.models import Contender, ContenderList, RankingMethod
from comments.demo import load_demo_data
from comments.demo_history import HISTORY_DAYS, LATE_JOINERS
from comments.history import (
    NoSuchDay,
    contender_events,
    morning_of,
    rank_history,
    recent_ranks,
)
from comments.models import RankSnapshot
from comments.moderation import void_votes
from comments.services import cast_vote
from tests.factories import UserFactory
from tests.helpers import ranking

pytestmark = pytest.mark.django_db


def since(days: int):
    return timezone.localdate() - timedelta(days=days)


def ranked(contender_list) -> list[Contender]:
    return list(
        Contender.objects.approved()
        .filter(contender_list=contender_list)
        .with_rank()
        .order_by("rank")
    )


def snap(pk: int, days_ago: int, rank: int, score: int = 0) -> None:
    RankSnapshot.objects.create(contender_id=pk, taken_on=since(days_ago), rank=rank, score=score)


def test_a_day_without_a_snapshot_reads_as_the_next_snapshots_morning(make_ranked_list):
    contender_list = make_ranked_list(2)
    second = ranked(contender_list)[1]
    snap(second.pk, 5, rank=1, score=4)
    snap(second.pk, 2, rank=2, score=6)  # Nobody voted on days 4 and 3.

    history = rank_history(contender=second)

    assert [(d.day, d.rank, d.score) for d in history] == [
        (since(5), 1, 4),
        (since(4), 2, 6),
        (since(3), 2, 6),
        (since(2), 2, 6),
        (since(1), second.rank, second.score),  # No snapshot since: as it stands now.
        (since(0), second.rank, second.score),
    ]


def test_a_contender_without_snapshots_has_only_today(make_ranked_list):
    first = ranked(make_ranked_list(1))[0]

    assert [(d.day, d.rank) for d in rank_history(contender=first)] == [(since(0), 1)]


def test_recent_ranks_reads_every_rows_last_thirty_days_in_one_query(
    make_ranked_list, django_assert_num_queries
):
    contender_list = make_ranked_list(3)
    rows = ranked(contender_list)
    for days_ago in range(1, 40):
        for rank, contender in enumerate(reversed(rows), start=1):
            snap(contender.pk, days_ago, rank)

    with django_assert_num_queries(1):
        ranks = recent_ranks(rows, days=30)

    assert ranks[rows[0].pk] == (3,) * 29 + (1,)
    assert ranks[rows[2].pk] == (1,) * 29 + (3,)


def test_the_morning_of_a_day_is_that_day_or_the_next_snapshot(make_ranked_list):
    contender_list = make_ranked_list(1)
    ContenderList.objects.update(created_at=timezone.now() - timedelta(days=30))
    contender_list.refresh_from_db()
    only = ranked(contender_list)[0]
    snap(only.pk, 10, rank=1)
    snap(only.pk, 4, rank=1)

    assert morning_of(contender_list=contender_list, day=since(10)) == since(10)
    assert morning_of(contender_list=contender_list, day=since(8)) == since(4)
    assert morning_of(contender_list=contender_list, day=since(2)) is None  # As it stands.
    assert morning_of(contender_list=contender_list, day=since(0)) is None
    with pytest.raises(NoSuchDay, match="not come yet"):
        morning_of(contender_list=contender_list, day=since(-1))
    with pytest.raises(NoSuchDay, match="did not exist yet"):
        morning_of(contender_list=contender_list, day=since(31))


def test_the_events_are_joining_method_changes_and_voided_votes_on_it(make_ranked_list, moderator):
    contender_list = make_ranked_list(2)
    first, second = ranking(contender_list)
    voter, bystander = UserFactory(), UserFactory()
    cast_vote(user=voter, contender_id=first, value=1)
    cast_vote(user=bystander, contender_id=second, value=1)
    void_votes(moderator=moderator, member=voter, reason="Bought votes")
    void_votes(moderator=moderator, member=bystander, reason="Another list's matter")
    for fields in (["Ranking"], ["Question"]):  # Only the first changes the method.
        LogEntry.objects.create(
            user=moderator,
            content_type=ContentType.objects.get_for_model(ContenderList),
            object_id=str(contender_list.pk),
            object_repr=str(contender_list),
            action_flag=CHANGE,
            change_message=json.dumps([{"changed": {"fields": fields}}]),
        )

    events = contender_events(contender=Contender.objects.get(pk=first), since=since(30))
    others = contender_events(contender=Contender.objects.get(pk=second), since=since(30))

    assert sorted(e.kind for e in events) == ["joined", "method", "void"]
    assert sorted(e.kind for e in others) == ["joined", "method", "void"]
    assert {e.day for e in events} == {since(0)}
    assert contender_events(contender=Contender.objects.get(pk=first), since=since(-1)) == []


def test_the_demo_has_months_of_history_ending_at_todays_standings():
    load_demo_data()

    for contender_list in ContenderList.objects.all():
        now = {c.pk: c for c in ranked(contender_list)}
        rows = RankSnapshot.objects.filter(contender__contender_list=contender_list)
        days = sorted(set(rows.values_list("taken_on", flat=True)))
        assert days[0] == since(HISTORY_DAYS)
        assert days[-1] == since(1)
        assert len(days) == HISTORY_DAYS
        for day in (days[0], days[len(days) // 2], days[-1]):
            on_day = rows.filter(taken_on=day).order_by("rank")
            assert [s.rank for s in on_day] == list(range(1, len(on_day) + 1))
            if contender_list.ranking == RankingMethod.NET_VOTES:
                scores = [s.score for s in on_day]
                assert scores == sorted(scores, reverse=True), "net ranks follow the scores"
        yesterday = {s.contender_id: s for s in rows.filter(taken_on=since(1))}
        # The walk ends where the votes stand: yesterday was a step away.
        assert all(abs(yesterday[pk].score - c.score) <= 4 for pk, c in now.items())
        assert all(abs(yesterday[pk].rank - c.rank) <= 6 for pk, c in now.items())
        joined = {c.pk: timezone.localdate(c.created_at) for c in now.values()}
        first_days = {
            pk: min(rows.filter(contender_id=pk).values_list("taken_on", flat=True)) for pk in now
        }
        assert first_days == joined
        assert sorted(set(joined.values()))[1:] == sorted(
            since(days_ago) for days_ago in LATE_JOINERS.values()
        )
        assert contender_list.ranks_snapshot_on == since(1)
