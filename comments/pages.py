"""The comments app's pages assembled: what a contender's page shows, in a fixed number
of queries (the list and city pages are cities.pages)."""

import hashlib

from django.core.cache import caches
from django.template.loader import render_to_string
from django.utils import timezone

from cities.models import Contender
from comments.charts import history_chart
from comments.forms import CommentForm
from comments.history import contender_events, rank_history
from comments.models import Comment, Vote
from comments.standing import standing_of
from comments.threads import read_thread_form, thread_page


def contender_page(request, *, contender: Contender, form: CommentForm) -> dict:
    """A city in a list: its rank and score, the reader's own vote, a page of its threads,
    the comment form and whether the reader may use it."""
    sort, number = read_thread_form(request)
    comments = Comment.objects.filter(contender=contender)
    your_votes = Vote.objects.values_by_contender(request.user, [contender.pk])
    return {
        "contender": contender,
        "contender_list": contender.contender_list,
        "your_vote": your_votes.get(contender.pk, 0),
        "threads": thread_page(request, comments, sort=sort, number=number, contender=contender),
        "sort": sort,
        "form": form,
        "standing": standing_of(request.user) if request.user.is_authenticated else None,
        "history_chart": history_chart_html(contender),
    }


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
