"""What a vote cast in place moved on the list page the member is looking at.

A vote changes a contender's score, and with it, on a live method (net
votes, Wilson), its rank and the ranks of every contender it overtook or
fell behind. The vote's htmx answer brings back those rows, rendered as the
page renders them (contender_page, then the row cache), and the page's script
puts each where its rank stands (static/js/techvote.js): the Top Ten and the
Contenders stay split at ten, since a row takes the place of the rank it now
holds. Only the ranks the page shows come back, however far the row moved.

Rows move on the list's own page only, ranked by a live method (?method= and
?page= are the only query it may carry): a search result's or a filtered
view's rows are not a run of ranks, and a counted method does not move until
the next count.
"""

import math
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import ordinal
from django.http import QueryDict
from django.urls import Resolver404, resolve

from cities.models import LIVE_METHODS, Contender, ContenderList, RankingMethod
from cities.pages import TOP_TEN, ListQuery, contender_page
from cities.rows import render_rows
from comments.votes import member_votes_in

# The most rows one vote's answer brings back: more than a member loads by
# "Load more" in a sitting. A wider move is announced, and shows on reload.
MOVED_ROWS_LIMIT = 100

# What the list page's address may carry for its rows to be a run of ranks.
RANKED_QUERY = {"method", "page"}


@dataclass(frozen=True)
class ShownRanks:
    """The list page a vote came from: its slug, its method (None: the list's own), its ranks."""

    slug: str
    method: str | None
    first: int
    last: int


@dataclass(frozen=True)
class Move:
    """The rows a vote moved among the shown ranks, and what a screen reader hears of it."""

    rows: tuple[str, ...]
    announcement: str


def shown_ranks(request, first: int | None, last: int | None) -> ShownRanks | None:
    """The list page an htmx vote was cast from (HX-Current-URL), if its rows can move.

    `first` and `last` are the ranks the page's script says it shows.
    """
    path = request.htmx.current_url_abs_path if request.htmx else None
    if not path or first is None or last is None or first > last:
        return None
    address = urlsplit(path)
    query = QueryDict(address.query)
    try:
        match = resolve(address.path)
    except Resolver404:
        return None
    if match.view_name != "cities:list_detail" or set(query) - RANKED_QUERY:
        return None
    method = query.get("method") or None
    if method is not None and method not in RankingMethod.values:
        return None
    return ShownRanks(match.kwargs["slug"], method, first, last)


def rank_in_shown_list(shown: ShownRanks, contender_id: int) -> int | None:
    """The contender's rank in the shown list by its method; None if it is not in that list."""
    contenders = Contender.objects.filter(pk=contender_id, contender_list__slug=shown.slug)
    return contenders.with_rank(shown.method).values_list("rank", flat=True).first()


def _page_of(rank: int) -> int:
    """The page of a list (?page=) that shows `rank`: the Top Ten and 25 on the first."""
    per_page = settings.CONTENDERS_PER_PAGE
    return max(1, math.ceil((rank - TOP_TEN) / per_page))


def moved_rows(request, shown: ShownRanks, *, city: str, before: int, after: int) -> Move | None:
    """The rows whose rank a vote changed from `before` to `after`, among the shown ranks.

    None when nothing moved, when the method does not move with votes, or
    when the move is wider than MOVED_ROWS_LIMIT (it is still announced).
    """
    if before == after:
        return None
    direction = "up" if after < before else "down"
    announcement = f"{city} moved {direction} to {ordinal(after)}."
    first, last = max(min(before, after), shown.first), min(max(before, after), shown.last)
    if last - first + 1 > MOVED_ROWS_LIMIT:
        return Move(rows=(), announcement=f"{announcement} Reload the page to see the new order.")
    contender_list = (
        ContenderList.objects.with_latest_count()
        .with_resampled_members()
        .with_contender_count()
        .get(slug=shown.slug)
    )
    method = shown.method or contender_list.ranking
    if method not in LIVE_METHODS:
        return None
    contenders = []
    if first <= last:
        query = ListQuery(first=_page_of(first), last=_page_of(last), method=method)
        page = contender_page(contender_list, query)
        contenders = [c for c in page.shown if first <= c.rank <= last]
    votes = member_votes_in(request.user, contender_list.pk)
    rows = render_rows(request, contenders, contender_list, as_member=True, votes=votes)
    return Move(rows=tuple(rows), announcement=announcement)
