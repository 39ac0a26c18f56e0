"""A list as it stood at the start of a past day: `/lists/<slug>/?on=2026-11-30`.

The rows come from that morning's snapshots (comments.history explains why a
day without one reads as the next one's morning); when no vote has moved the
list since, it stood then as it stands now and the live ranking is shown.
Three queries whatever the list's size: the list, the morning, its rows.
"""

from dataclasses import dataclass
from datetime import date

from django import forms
from django.conf import settings
from django.shortcuts import get_object_or_404

from cities.forms import MAX_PAGE
from cities.models import Contender, ContenderList
from comments.history import NoSuchDay, morning_of, standings_on


class DayForm(forms.Form):
    """The day asked for, as the date picker sends it, and the page of its ranking."""

    on = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": "Give the day as year-month-day, for example 2026-11-30.",
            "required": "Give the day as year-month-day, for example 2026-11-30.",
        },
    )
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False)


@dataclass(frozen=True)
class PastRow:
    """One contender's place that morning."""

    rank: int
    score: int
    contender: Contender


@dataclass(frozen=True)
class PastListPage:
    contender_list: ContenderList
    day: date
    rows: tuple[PastRow, ...]
    number: int
    has_next: bool
    unchanged_since: bool  # No vote moved the list since that morning.


class DayRefused(Exception):
    """A day asked for that has no ranking to show, with its status and message."""

    def __init__(self, contender_list: ContenderList, message: str, status: int):
        super().__init__(message)
        self.contender_list, self.message, self.status = contender_list, message, status


def past_list_page(*, slug: str, day: date, number: int) -> PastListPage:
    """One page of the list as `day` began; DayRefused for a day it cannot show."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    try:
        morning = morning_of(contender_list=contender_list, day=day)
    except NoSuchDay as refusal:
        raise DayRefused(contender_list, str(refusal), status=404) from None
    per_page = settings.CONTENDERS_PER_PAGE
    start, stop = (number - 1) * per_page, number * per_page + 1
    if morning is None:
        live = (
            Contender.objects.approved()
            .ranked(contender_list)
            .with_city()
            .defer("city__profile")[start:stop]
        )
        rows = [PastRow(rank, c.score, c) for rank, c in enumerate(live, start=start + 1)]
    else:
        snapshots = standings_on(
            snapshot_day=morning, contender_list=contender_list, start=start, stop=stop
        )
        rows = [PastRow(s.rank, s.score, s.contender) for s in snapshots]
    if number > 1 and not rows:
        raise DayRefused(contender_list, "The list had no contenders that far down.", 404)
    return PastListPage(
        contender_list=contender_list,
        day=day,
        rows=tuple(rows[:per_page]),
        number=number,
        has_next=len(rows) > per_page,
        unchanged_since=morning is None,
    )
