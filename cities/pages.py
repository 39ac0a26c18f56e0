"""The pages of cities/, assembled: what each shows, in a fixed number of queries.

A list page is the heaviest: its contenders, ranked, with the Top Ten's most
liked comments, rendered into rows. Everything but a member's own votes is
the same for every member, so it is built once and shared for
ANONYMOUS_PAGE_SECONDS (the "pages" cache) unless the member has just
changed something (techvote.middleware); rows are cached by everything they
show (cities.rows). A member's own votes are then read for them alone and
their rows rendered apart: nothing read from a cache is ever changed, so a
cache that hands back the very object it was given (no pickling) shows no
member another's votes.
"""

import hashlib
import time
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404

from cities.forms import MAX_SHOWN_PAGES
from cities.models import (
    COUNTED_METHODS,
    METHOD_NAMES,
    City,
    Contender,
    ContenderList,
    Continent,
    ranking_order,
    resampled_members_field,
)
from cities.rows import render_rows
from cities.search import names_the_title
from comments.charts import sparkline
from comments.history import recent_ranks
from comments.models import MIN_RESAMPLED_MEMBERS, Comment, Vote
from comments.threads import read_thread_form, thread_page
from comments.votes import member_votes_in
from techvote.middleware import wants_fresh

TOP_TEN = 10
SEARCH_RESULTS_LIMIT = 50


@dataclass(frozen=True)
class ListQuery:
    """What a list page's address asks for: the pages, the method, the search and filters.

    `first` to `last` are the pages the address names: one page, or every
    page "Load more" had added when the address was left (?upto=); a
    `partial` read (htmx's "Load more") is of the last one alone. `rising`
    shows the contenders that climbed since the last daily snapshot, most
    first.
    """

    first: int = 1
    last: int = 1
    partial: bool = False
    method: str | None = None
    terms: str = ""
    continent: str = ""
    country: str = ""
    rising: bool = False

    @property
    def is_narrowed(self) -> bool:
        """Whether the page shows a part of the list, not the ranking from the top."""
        return bool(self.terms or self.continent or self.country or self.rising)

    @property
    def first_read(self) -> int:
        """The first page whose rows are read: the last alone for a partial read."""
        return self.last if self.partial else self.first

    @property
    def keeps_going(self) -> bool:
        """Whether the page after the last still fits on this address (MAX_SHOWN_PAGES)."""
        return self.last + 1 - self.first < MAX_SHOWN_PAGES

    @property
    def continent_name(self) -> str:
        return Continent(self.continent).label if self.continent else ""

    @property
    def where(self) -> str:
        """Where the filters look, as words: "from Japan", "in Asia" ("" for the whole world)."""
        places = [f"from {self.country}"] if self.country else []
        if self.continent:
            places.append(f"in {self.continent_name}")
        return " ".join(places)

    @property
    def heading(self) -> str:
        """What a narrowed page shows: "Contenders in Asia matching “tok”", say."""
        if self.rising:
            return "Rising since yesterday"
        words = ["Contenders", self.where, f"matching “{self.terms}”" if self.terms else ""]
        return " ".join(word for word in words if word)

    def method_for(self, contender_list: ContenderList) -> str:
        """The method the page ranks by: the list's own for the rising view, as its arrows are."""
        return contender_list.ranking if self.rising else self.method or contender_list.ranking


@dataclass(frozen=True)
class ContenderPage:
    """One screen of a list: the Top Ten (first page only) and the contenders after them.

    `first` and `number` are the first and last pages shown; `position` is
    where the first of `contenders` stands in what the page shows (the
    list, or the part a search or filter keeps), `total` how many stand
    there (None where the page cannot tell without a query of its own).
    """

    top_ten: tuple[Contender, ...]
    contenders: tuple[Contender, ...]
    number: int
    has_next: bool
    first: int = 1
    position: int = 1
    total: int | None = None

    @property
    def shown(self) -> tuple[Contender, ...]:
        return self.top_ten + self.contenders

    @property
    def last_position(self) -> int:
        return self.position + len(self.contenders) - 1


@dataclass(frozen=True)
class OtherRank:
    """A contender's rank by a method other than the shown one, where the two differ."""

    method: str
    rank: int

    @property
    def name(self) -> str:
        return METHOD_NAMES[self.method]


@dataclass(frozen=True)
class RankInterval:
    """A row's 95% rank interval by the shown method, and the tied band the count put it in.

    `band` is None where the rows are not the list in order (a search's
    results), since a band is only a band among neighbours.
    """

    lower: int
    upper: int
    band: int | None


@dataclass(frozen=True)
class RowGroup:
    """Rows a page shows together: one on its own, or a band of statistically tied ones."""

    start: int  # The first row's rank.
    rows: tuple[str, ...]

    @property
    def is_tied(self) -> bool:
        return len(self.rows) > 1

    @property
    def end(self) -> int:
        return self.start + len(self.rows) - 1


def row_groups(contenders, rows) -> tuple[RowGroup, ...]:
    """The rows with each run of neighbours in one tied band grouped, the others alone."""

    def band(pair) -> tuple:
        interval = pair[0].rank_interval
        if interval is None or interval.band is None:
            return ("alone", pair[0].pk)
        return ("band", interval.band)

    grouped = groupby(zip(contenders, rows, strict=True), key=band)
    return tuple(
        RowGroup(start=members[0][0].rank, rows=tuple(row for _, row in members))
        for members in (list(run) for _, run in grouped)
    )


@dataclass(frozen=True)
class SharedListPage:
    """One page of a list as every member sees it before their own votes."""

    contender_list: ContenderList
    page: ContenderPage
    member_rows: tuple[str, ...]
    made_at: float  # time.time(): what is built from it lives no longer than it.

    def seconds_left(self) -> float:
        """How much longer the page is shared."""
        return self.made_at + settings.ANONYMOUS_PAGE_SECONDS - time.time()


@dataclass(frozen=True)
class ListPage:
    """One page of a list for one visitor: the shared page and the rows as they see them."""

    contender_list: ContenderList
    page: ContenderPage
    rows: tuple[str, ...]
    method: str
    # A member's page: the shared page its rows were laid on (cities.member_pages).
    shared: SharedListPage | None = None
    min_resampled_members = MIN_RESAMPLED_MEMBERS  # Published on the page: not a field.
    query: ListQuery = ListQuery()

    @property
    def is_official(self) -> bool:
        """Whether the page shows the list's own method."""
        return self.method == self.contender_list.ranking

    @property
    def method_name(self) -> str:
        return METHOD_NAMES[self.method]

    @property
    def official_name(self) -> str:
        return METHOD_NAMES[self.contender_list.ranking]

    @property
    def is_counted(self) -> bool:
        """Whether the shown method comes from the queued count (Schulze, Borda)."""
        return self.method in COUNTED_METHODS

    @property
    def shows_intervals(self) -> bool:
        """Whether the rows show how sure their ranks are (shows_intervals)."""
        return shows_intervals(self.contender_list, self.method)

    @property
    def has_too_few_members(self) -> bool:
        """Whether the shown method was counted, but from too few members to show intervals."""
        drawn = getattr(self.contender_list, resampled_members_field(self.method), None)
        return self.is_counted and drawn is not None and not self.shows_intervals

    @property
    def methods(self) -> list[tuple[str, str]]:
        """Every method, (value, name), for the links that switch between them."""
        return list(METHOD_NAMES.items())

    # What the template reads, by the names it has always used.
    top_ten = property(lambda self: self.page.top_ten)
    contenders = property(lambda self: self.page.contenders)
    number = property(lambda self: self.page.number)
    first = property(lambda self: self.page.first)
    has_next = property(lambda self: self.page.has_next)
    position = property(lambda self: self.page.position)
    last_position = property(lambda self: self.page.last_position)
    total = property(lambda self: self.page.total)
    query_narrowed = property(lambda self: self.query.is_narrowed)
    keeps_going = property(lambda self: self.query.keeps_going)
    top_ten_rows = property(lambda self: self.rows[: len(self.page.top_ten)])
    contender_rows = property(lambda self: self.rows[len(self.page.top_ten) :])
    top_ten_groups = property(lambda self: row_groups(self.page.top_ten, self.top_ten_rows))
    contender_groups = property(lambda self: row_groups(self.page.contenders, self.contender_rows))


def shows_intervals(contender_list: ContenderList, method: str) -> bool:
    """Whether a list's rows by `method` show their rank intervals.

    Only a counted method has them, and only once its last bootstrap drew
    from MIN_RESAMPLED_MEMBERS members or more: below that an interval is
    mostly noise. Reads ContenderListQuerySet.with_resampled_members (a list
    read without it shows none).
    """
    if method not in COUNTED_METHODS:
        return False
    drawn = getattr(contender_list, resampled_members_field(method), None)
    return (drawn or 0) >= MIN_RESAMPLED_MEMBERS


def rank_interval(contender: Contender, *, shown: bool, banded: bool) -> RankInterval | None:
    """The contender's interval as its row shows it, from ContenderQuerySet.with_interval."""
    if not shown or contender.interval_lower is None:
        return None
    band = contender.interval_band if banded else None
    return RankInterval(contender.interval_lower, contender.interval_upper, band)


def compared_methods(contender_list: ContenderList, method: str) -> tuple[str, ...]:
    """The methods a row of the list shown by `method` compares its rank with.

    A counted method's ranks are left out until the list's first count, when
    they would only repeat net votes (and would cost a count each).
    """
    counted = contender_list.counted_at is not None
    return tuple(
        other
        for other in METHOD_NAMES
        if other != method and (counted or other not in COUNTED_METHODS)
    )


def other_ranks(contender: Contender, contender_list: ContenderList, method: str) -> tuple:
    """Where the contender's rank by another method differs from its rank by `method`.

    Needs `rank` and the `rank_<method>` annotations of compared_methods
    (ContenderQuerySet.with_rank_by).
    """
    return tuple(
        OtherRank(other, getattr(contender, f"rank_{other}"))
        for other in compared_methods(contender_list, method)
        if getattr(contender, f"rank_{other}") != contender.rank
    )


def contender_page(contender_list: ContenderList, query: ListQuery) -> ContenderPage:
    """The contenders one page of a list shows, with the Top Ten's most liked comments.

    Rows are read in ranking order by the method (the list's own by default),
    and a row's rank is its position there; each row also knows its rank by
    every other method, counted for the page's rows in the same query. A
    search's or a filter's rows, and the rising view's, come from
    narrowed_rows. The arrows since yesterday compare ranks by the list's own
    method, so they are shown under that method only (and the rising view is
    read by it). A counted method's rows carry their rank interval, read in
    the same query, where the list shows them (shows_intervals). The objects
    are fresh from the database: `rank`, `other_ranks`, `rank_interval`,
    `top_comment` and the list are laid on them here, before anything shares
    them.
    """
    method = query.method_for(contender_list)
    with_intervals = shows_intervals(contender_list, method)
    per_page = settings.CONTENDERS_PER_PAGE
    first = query.first_read
    shown_rows = (query.last - first + 1) * per_page
    # The profile is long and no row shows it.
    contenders = (
        Contender.objects.approved()
        .ranked(contender_list, method)
        .with_city()
        .defer("city__profile")
    )
    if method == contender_list.ranking:
        contenders = contenders.with_previous_rank()
    if query.is_narrowed:
        start = (first - 1) * per_page
        narrowed = narrowed_rows(contenders, method, query).with_interval(method)
        rows = list(narrowed[start : start + shown_rows + 1])
        for contender in rows:
            contender.other_ranks = ()
        top_ten, position = [], start + 1
        total = None if query.rising else (rows[0].narrowed_total if rows else 0)
    else:
        start = 0 if first == 1 else TOP_TEN + (first - 1) * per_page
        # The other methods' ranks are counted for the page's rows alone: a
        # database would work them out for every row it skips to reach them.
        shown = contenders.filter(
            pk__in=contenders.values("pk")[start : TOP_TEN + query.last * per_page + 1]
        )
        rows = list(
            shown.with_rank_by(*compared_methods(contender_list, method)).with_interval(method)
        )
        for rank, contender in enumerate(rows, start=start + 1):
            contender.rank = rank
            contender.other_ranks = other_ranks(contender, contender_list, method)
        top_ten, rows = (rows[:TOP_TEN], rows[TOP_TEN:]) if first == 1 else ([], rows)
        position = start + len(top_ten) + 1
        total = contender_list.contender_count
    if first > 1 and not rows:
        raise Http404("This list has no contenders that far down.")
    page = ContenderPage(
        top_ten=tuple(top_ten),
        contenders=tuple(rows[:shown_rows]),
        number=query.last,
        has_next=len(rows) > shown_rows,
        first=first,
        position=position,
        total=total,
    )
    top_comments = Comment.objects.top_of(page.top_ten)
    recent = recent_ranks(page.shown)  # The rows' sparklines: one query for the page.
    for contender in page.shown:
        contender.contender_list = contender_list
        contender.top_comment = top_comments.get(contender.pk)
        contender.is_condorcet_winner = contender.pk == contender_list.condorcet_winner_id
        if not hasattr(contender, "previous_rank"):
            contender.previous_rank = None
        contender.recent_ranks = recent[contender.pk]
        contender.sparkline = sparkline(contender.recent_ranks)
        contender.rank_interval = rank_interval(
            contender, shown=with_intervals, banded=not query.is_narrowed
        )
    return page


def narrowed_rows(contenders, method: str, query: ListQuery):
    """The part of the list a search, a filter or the rising view shows, each row with its rank.

    A search's or a filter's rows keep the list's order, each with its rank
    in the whole list counted (the rows before it are not on the page), and
    `narrowed_total`, how many rows match, counted by the same query. The
    rising view numbers the whole list in one pass (a window), then keeps the
    contenders that gained places since the last snapshot (`contenders` must
    carry with_previous_rank), most places first.
    """
    if query.rising:
        return (
            contenders.annotate(rank=Window(RowNumber(), order_by=ranking_order(method)))
            .annotate(gain=F("previous_rank") - F("rank"))
            .filter(gain__gt=0)
            .order_by("-gain", "rank")
        )
    if query.terms:
        contenders = contenders.matching(query.terms)
    if query.continent:
        contenders = contenders.filter(city__continent=query.continent)
    if query.country:
        contenders = contenders.filter(city__country__iexact=query.country)
    return contenders.with_rank(method).annotate(narrowed_total=Window(Count("pk")))


def _shared_list_page(request, slug: str, query: ListQuery) -> SharedListPage:
    """One page of a list with its rows as members see them: the same for all."""
    seconds = settings.ANONYMOUS_PAGE_SECONDS
    basis = (slug, query)
    key = "listpage:" + hashlib.blake2b(repr(basis).encode()).hexdigest()
    shared = caches["pages"].get(key) if seconds and not wants_fresh(request) else None
    if shared is None:
        lists = ContenderList.objects.with_latest_count().with_waiting_suggestions()
        lists = lists.with_resampled_members().with_contender_count()
        contender_list = get_object_or_404(lists, slug=slug)
        page = contender_page(contender_list, query)
        member_rows = render_rows(request, page.shown, contender_list, as_member=True)
        shared = SharedListPage(contender_list, page, tuple(member_rows), time.time())
        if seconds:
            caches["pages"].set(key, shared, seconds)
    return shared


def list_page(request, *, slug: str, query: ListQuery) -> ListPage:
    """A page of a list, as `query` asks (by its official method by default), for this visitor.

    A member's rows show their own votes. Anonymous visitors' rows link to
    the login page and back, so they are rendered (from the row cache) for
    the page's address.
    """
    shared = _shared_list_page(request, slug, query)
    contender_list, shown = shared.contender_list, shared.page.shown
    method = query.method_for(contender_list)
    if not request.user.is_authenticated:
        rows = render_rows(request, shown, contender_list, as_member=False)
        return ListPage(contender_list, shared.page, tuple(rows), method, query=query)
    your_votes = member_votes_in(request.user, contender_list.pk)
    rows = list(shared.member_rows)
    voted = [(i, c) for i, c in enumerate(shown) if c.pk in your_votes]
    rendered = render_rows(
        request, [c for _, c in voted], contender_list, as_member=True, votes=your_votes
    )
    for (i, _), row in zip(voted, rendered, strict=True):
        rows[i] = row
    return ListPage(contender_list, shared.page, tuple(rows), method, shared, query)


def city_page(request, *, slug: str) -> dict:
    """A city's profile, its rank and vote buttons in every list it stands in, its comments."""
    city = get_object_or_404(City.objects.with_profile(), slug=slug)
    standings = list(city.contenders.standings())
    # Each standing has its vote buttons, the partial of the list rows.
    your_votes = Vote.objects.values_by_contender(request.user, [c.pk for c in standings])
    for contender in standings:
        contender.city = city
        contender.your_vote = your_votes.get(contender.pk, 0)
    sort, number = read_thread_form(request)
    threads = thread_page(
        request,
        Comment.objects.filter(contender__city=city, contender__status=Contender.Status.APPROVED),
        sort=sort,
        number=number,
    )
    return {"city": city, "standings": standings, "threads": threads, "sort": sort}


def search_page(*, terms: str) -> dict:
    """What the site search shows for the words: cities, lists, and near misses.

    Lists come first when the words name one ("startups": Best City for Tech
    Startups), since that is what the visitor asked for; cities otherwise.
    When no city matches, cities spelt nearly like the words stand in
    ("tokio": Tokyo). Two queries, a third (two on SQLite) for near misses.
    """
    if not terms:
        return {"cities": [], "lists": [], "near_misses": [], "lists_first": False}
    cities = list(City.objects.search(terms)[:SEARCH_RESULTS_LIMIT])
    lists = list(ContenderList.objects.search(terms)[:SEARCH_RESULTS_LIMIT])
    return {
        "cities": cities,
        "lists": lists,
        "near_misses": [] if cities else City.objects.spelt_like(terms),
        "lists_first": any(names_the_title(terms, item.title) for item in lists),
    }
