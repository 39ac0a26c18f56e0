"""The comments app's pages assembled: what a contender's page and a member's ballot page
show, each in a fixed number of queries (the list and city pages are cities.pages)."""

import hashlib
from dataclasses import dataclass

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone

from cities.badges import badge_snippet
from cities.models import Contender, ContenderList
from comments.charts import history_chart
from comments.forms import BallotForm, BallotRow, CommentForm
from comments.history import contender_events, rank_history
from comments.models import BALLOT_SIZE, Ballot, BallotEntry, Comment, MethodStanding, Vote
from comments.standing import Standing, standing_of
from comments.threads import read_thread_form, thread_page


def contender_page(request, *, contender: Contender, form: CommentForm) -> dict:
    """A city in a list: its rank and score, its rank by each counted method with how sure
    it is, the reader's own vote, a page of its threads, the comment form and whether the
    reader may use it."""
    sort, number = read_thread_form(request)
    comments = Comment.objects.filter(contender=contender)
    your_votes = Vote.objects.values_by_contender(request.user, [contender.pk])
    return {
        "contender": contender,
        "contender_list": contender.contender_list,
        "your_vote": your_votes.get(contender.pk, 0),
        "method_standings": list(MethodStanding.objects.shown_for(contender)),
        "threads": thread_page(request, comments, sort=sort, number=number, contender=contender),
        "sort": sort,
        "form": form,
        "standing": standing_of(request.user) if request.user.is_authenticated else None,
        "history_chart": history_chart_html(contender),
        "badge_snippet": badge_snippet(request, contender),
    }


BALLOT_CANDIDATES = 20  # Cities offered to add: the search's, or the list's leaders.


@dataclass(frozen=True)
class BallotPage:
    """A member's ballot page: their cities in order, and cities they may add."""

    contender_list: ContenderList
    ballot: Ballot | None
    rows: list[BallotRow]
    candidates: list[Contender]
    terms: str
    standing: Standing

    @property
    def can_add(self) -> bool:
        return len(self.rows) < BALLOT_SIZE


def ballot_page(
    *, user, contender_list: ContenderList, form: BallotForm, terms: str
) -> BallotPage:
    """What the ballot page shows, in a fixed number of queries whatever the list's size.

    The member's stored ballot, its cities still in the list (a rejected one
    drops out and the places behind it close up, as in counting), or, when a
    refused post comes back, the cities as they were posted. Below it the
    cities to add: those matching `terms`, or else the list's leaders, in
    ranking order, without the ones already on the ballot.
    """
    entries = list(
        BallotEntry.objects.filter(
            ballot__user=user,
            ballot__contender_list=contender_list,
            contender__status=Contender.Status.APPROVED,
        )
        .select_related("ballot", "contender__city")
        .order_by("position")
    )
    if form.is_bound and form.rows:
        rows = form.rows
    else:
        rows = [
            BallotRow(entry.contender, str(place)) for place, entry in enumerate(entries, start=1)
        ]
    candidates = Contender.objects.approved().ranked(contender_list).with_city()
    if terms:
        candidates = candidates.matching(terms)
    candidates = candidates.exclude(pk__in=[row.contender.pk for row in rows])
    return BallotPage(
        contender_list=contender_list,
        ballot=entries[0].ballot if entries else None,
        rows=rows,
        candidates=list(candidates[:BALLOT_CANDIDATES]),
        terms=terms,
        standing=standing_of(user),
    )


def history_chart_html(contender: Contender) -> str:
    """The contender's chart of rank and score by day, rendered once and cached.

    Cached under everything it draws from: the day, the list's last snapshot
    and method (a new snapshot or method is a new key), the rank and score
    now (a vote or a void moves them); its joining time tells contenders apart.
    Two queries when it is drawn: the snapshots, then the events.
    """
    basis = (
        contender.pk,
        contender.created_at.timestamp(),
        contender.rank,
        contender.score,
        contender.contender_list.ranking,
        contender.contender_list.ranks_snapshot_on,
        timezone.localdate(),
    )
    key = "history:" + hashlib.blake2b(repr(basis).encode(), digest_size=16).hexdigest()
    html = caches["fragments"].get(key)
    if html is None:
        days = rank_history(contender=contender)
        events = contender_events(contender=contender, since=days[0].day)
        chart = history_chart(days, events)
        html = render_to_string(
            "comments/_history_chart.html", {"chart": chart, "contender": contender}
        )
        caches["fragments"].set(key, html)
    return html
