import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cities.forms import SearchForm
from cities.models import City, Contender, ContenderList
from cities.rows import render_rows
from comments.models import Comment, Vote
from comments.ranking import lists_with_top, ranked, with_previous_rank, with_rank
from comments.threads import read_thread_form, thread_page
from techvote.middleware import cache_for_anonymous, wants_fresh

TOP_TEN = 10
HOME_TEASER_SIZE = 3
SEARCH_RESULTS_LIMIT = 50


@dataclass
class ContenderPage:
    """One screen of a list: the Top Ten (first page only) and the contenders after them."""

    top_ten: list[Contender]
    contenders: list[Contender]
    number: int
    has_next: bool
    top_ten_rows: list[str] = field(default_factory=list)
    contender_rows: list[str] = field(default_factory=list)

    @property
    def shown(self) -> list[Contender]:
        return self.top_ten + self.contenders


def _read_search_form(request) -> tuple[SearchForm, str]:
    """Validate ?q= and ?page=: the form, and the words to look for ("" if none or invalid).

    A malformed page number is a missing page.
    """
    form = SearchForm(request.GET)
    terms = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if "page" in form.errors:
        raise Http404("No such page.")
    return form, terms


def _contender_page(contender_list: ContenderList, terms: str, number: int) -> ContenderPage:
    """The contenders one page of a list shows, with the Top Ten's most liked comments.

    Rows are read in ranking order from the list's ranking index, and a row's
    rank is its position there; a search result's rank is counted, since the
    rows before it are not on the page.
    """
    per_page = settings.CONTENDERS_PER_PAGE
    # The profile is long and no row shows it.
    contenders = with_previous_rank(ranked(contender_list).with_city().defer("city__profile"))
    if terms:
        start = (number - 1) * per_page
        rows = list(with_rank(contenders.matching(terms))[start : start + per_page + 1])
        top_ten = []
    else:
        start = 0 if number == 1 else TOP_TEN + (number - 1) * per_page
        rows = list(contenders[start : TOP_TEN + number * per_page + 1])
        for rank, contender in enumerate(rows, start=start + 1):
            contender.rank = rank
        top_ten, rows = (rows[:TOP_TEN], rows[TOP_TEN:]) if number == 1 else ([], rows)
    if number > 1 and not rows:
        raise Http404("This list has no contenders that far down.")
    page = ContenderPage(
        top_ten=top_ten, contenders=rows[:per_page], number=number, has_next=len(rows) > per_page
    )
    top_comments = Comment.objects.top_of(page.top_ten)
    for contender in page.shown:
        contender.contender_list = contender_list
        contender.top_comment = top_comments.get(contender.pk)
        contender.your_vote = 0
    return page


@dataclass
class SharedListPage:
    """One page of a list as every member sees it before their own votes."""

    contender_list: ContenderList
    page: ContenderPage
    member_rows: list[str]


def _shared_list_page(request, slug: str, terms: str, number: int) -> SharedListPage:
    """One page of a list with its rows as members see them: the same for all.

    Members share it for ANONYMOUS_PAGE_SECONDS, like anonymous pages, unless
    they have just changed something themselves (see techvote.middleware);
    only their own votes are then read for each of them.
    """
    seconds = settings.ANONYMOUS_PAGE_SECONDS
    key = "listpage:" + hashlib.blake2b(repr((slug, terms, number)).encode()).hexdigest()
    shared = caches["pages"].get(key) if seconds and not wants_fresh(request) else None
    if shared is None:
        contender_list = get_object_or_404(ContenderList, slug=slug)
        page = _contender_page(contender_list, terms, number)
        member_rows = render_rows(request, page.shown, contender_list, as_member=True)
        shared = SharedListPage(contender_list, page, member_rows)
        if seconds:
            caches["pages"].set(key, shared, seconds)
    return shared


def _rows_for(request, shared: SharedListPage) -> list[str]:
    """The page's rows for this visitor: a member's show their own votes."""
    page, contender_list = shared.page, shared.contender_list
    if not request.user.is_authenticated:
        return render_rows(request, page.shown, contender_list, as_member=False)
    rows = list(shared.member_rows)
    your_votes = Vote.objects.values_by_contender(request.user, [c.pk for c in page.shown])
    voted = [(i, c) for i, c in enumerate(page.shown) if c.pk in your_votes]
    for _, contender in voted:
        contender.your_vote = your_votes[contender.pk]
    rendered = render_rows(request, [c for _, c in voted], contender_list, as_member=True)
    for (i, _), row in zip(voted, rendered, strict=True):
        rows[i] = row
    return rows


@require_safe
@cache_for_anonymous
def home(request):
    """Every list, each with its top three."""
    lists = lists_with_top(ContenderList.objects.all(), HOME_TEASER_SIZE)
    return render(request, "cities/home.html", {"lists": lists})


@require_safe
@cache_for_anonymous
def list_detail(request, slug):
    """A list: its Top Ten, then the contenders, 25 a page, or the ones matching a search."""
    form, terms = _read_search_form(request)
    shared = _shared_list_page(request, slug, terms, form.cleaned_data.get("page") or 1)
    page = shared.page
    rows = _rows_for(request, shared)
    page.top_ten_rows, page.contender_rows = rows[: len(page.top_ten)], rows[len(page.top_ten) :]
    context = {
        "contender_list": shared.contender_list,
        "form": form,
        "terms": terms,
        "page": page,
    }
    return render(request, "cities/list_detail.html", context, status=400 if form.errors else 200)


@require_safe
@cache_for_anonymous
def city_detail(request, slug):
    """A city's profile, with its rank in every list it stands in and what people say."""
    city = get_object_or_404(City.objects.with_profile(), slug=slug)
    standings = with_rank(
        city.contenders.approved()
        .select_related("contender_list")
        .order_by("contender_list__position", "contender_list__title")
    )
    sort, number = read_thread_form(request)
    threads = thread_page(
        request,
        Comment.objects.filter(contender__city=city, contender__status=Contender.Status.APPROVED),
        sort=sort,
        number=number,
    )
    context = {"city": city, "standings": standings, "threads": threads, "sort": sort}
    return render(request, "cities/city_detail.html", context)


@require_safe
@cache_for_anonymous
def search(request):
    """Cities and lists matching the words."""
    form, terms = _read_search_form(request)
    cities = lists = []
    if terms:
        cities = list(City.objects.search(terms)[:SEARCH_RESULTS_LIMIT])
        lists = list(ContenderList.objects.search(terms)[:SEARCH_RESULTS_LIMIT])
    context = {"form": form, "terms": terms, "cities": cities, "lists": lists}
    return render(request, "cities/search.html", context, status=400 if form.errors else 200)


@never_cache
@require_safe
def health(request):
    """For load balancers and container health checks: is the database reachable?"""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
