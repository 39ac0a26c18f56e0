"""Rank history read back: a contender's days, the list's recent days, a list on a past day.

The daily snapshot (RankSnapshot, written by comments.votes before the first
vote of a day) is the only record. A day without a snapshot on a list is a
day nobody voted there, so its morning looked like the next snapshot's
morning (or like now, when no snapshot followed): every reader here fills
a missing day from the next day that has one, never from the day before.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Min, Value
from django.utils import timezone

from cities.models import Contender, ContenderList
from comments.models import ModerationAction, ModerationLogEntry, RankSnapshot, Vote

SPARKLINE_DAYS = 30


@dataclass(frozen=True)
class DayStanding:
    """A contender's place at the start of a day (the last one: now)."""

    day: date
    rank: int
    score: int


@dataclass(frozen=True)
class HistoryEvent:
    """Something that happened to a contender on a day: marked on its chart."""

    day: date
    kind: str  # "joined", "method" or "void"
    label: str


def _filled(days: dict[date, tuple[int, int]], first: date, now: tuple[int, int]) -> list:
    """One entry per day from `first` to today, each from its own or the next snapshot."""
    today = timezone.localdate()
    later = now
    filled = []
    day = today
    while day >= first:
        later = days.get(day, later) if day < today else now
        filled.append(DayStanding(day, *later))
        day -= timedelta(days=1)
    filled.reverse()
    return filled


def rank_history(*, contender: Contender) -> list[DayStanding]:
    """The contender's rank and score at the start of every day since its first snapshot,
    then now (needs `rank`: ContenderQuerySet.with_rank). One query."""
    today = timezone.localdate()
    days = {
        taken_on: (rank, score)
        for taken_on, rank, score in RankSnapshot.objects.filter(
            contender=contender, taken_on__lt=today
        ).values_list("taken_on", "rank", "score")
    }
    first = min(days, default=today)
    return _filled(days, first, (contender.rank, contender.score))


def recent_ranks(contenders, *, days: int = SPARKLINE_DAYS) -> dict[int, tuple[int, ...]]:
    """The last `days` ranks of each contender (needs `rank`), by id: one query for all.

    For the sparklines of a list's rows; a contender younger than that has fewer.
    """
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    by_contender: dict[int, dict] = {c.pk: {} for c in contenders}
    rows = RankSnapshot.objects.filter(
        contender__in=list(by_contender), taken_on__gte=first, taken_on__lt=today
    ).values_list("contender_id", "taken_on", "rank", "score")
    for contender_id, taken_on, rank, score in rows:
        by_contender[contender_id][taken_on] = (rank, score)
    ranks = {}
    for contender in contenders:
        known = by_contender[contender.pk]
        start = max(first, min(known, default=today))
        ranks[contender.pk] = tuple(
            d.rank for d in _filled(known, start, (contender.rank, contender.score))
        )
    return ranks


EVENT_LABELS = {
    "joined": "Joined the list",
    "method": "The list changed its ranking method",
    "void": "A moderator voided votes cast on it",
}


def contender_events(*, contender: Contender, since: date) -> list[HistoryEvent]:
    """What its chart marks from `since`: the day it joined, the list's method changes
    (as admin recorded them), moderators voiding votes cast on it. One query."""
    changes = LogEntry.objects.filter(
        content_type__app_label=ContenderList._meta.app_label,
        content_type__model=ContenderList._meta.model_name,
        object_id=str(contender.contender_list_id),
        action_flag=CHANGE,
        change_message__contains='"Ranking"',
        action_time__date__gte=since,
    ).values_list("action_time", Value("method"))
    voids = ModerationLogEntry.objects.filter(
        action=ModerationAction.VOID_VOTES,
        member__in=Vote.objects.filter(contender=contender, voided_at__isnull=False).values(
            "user"
        ),
        created_at__date__gte=since,
    ).values_list("created_at", Value("void"))
    happened = [(contender.created_at, "joined"), *changes.order_by().union(voids.order_by())]
    events = {
        HistoryEvent(timezone.localdate(at), kind, EVENT_LABELS[kind])
        for at, kind in happened
        if timezone.localdate(at) >= since
    }
    return sorted(events, key=lambda event: (event.day, event.kind))


class NoSuchDay(Exception):
    """A day a list cannot be shown on: before it began, or not yet come."""


def morning_of(*, contender_list: ContenderList, day: date) -> date | None:
    """The snapshot day that shows the list as `day` began: `day` itself or the next
    snapshot after it; None when no vote moved the list since (it stands as now).

    NoSuchDay for a day after today or before the list was created.
    """
    today = timezone.localdate()
    if day > today:
        raise NoSuchDay("That day has not come yet.")
    if day < timezone.localdate(contender_list.created_at):
        raise NoSuchDay(f"“{contender_list.title}” did not exist yet on that day.")
    return RankSnapshot.objects.filter(
        contender__contender_list=contender_list, taken_on__gte=day
    ).aggregate(first=Min("taken_on"))["first"]


def standings_on(*, snapshot_day: date, contender_list: ContenderList, start: int, stop: int):
    """The snapshot rows of a list's morning, best first, with their contenders' cities:
    the `start`:`stop` slice of the ranking then."""
    return list(
        RankSnapshot.objects.filter(
            contender__contender_list=contender_list, taken_on=snapshot_day
        )
        .select_related("contender__city")
        .defer("contender__city__profile")
        .order_by("rank", "contender_id")[start:stop]
    )
