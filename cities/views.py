from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cities.forms import SearchForm
from cities.models import City, Contender, ContenderList
from comments.models import Comment, Vote
from comments.threads import read_thread_form, thread_page

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


def _read_search_form(request) -> SearchForm:
    """Validate ?q= and ?page=; a malformed page number is a missing page."""
    form = SearchForm(request.GET)
    form.is_valid()
    if "page" in form.errors:
        raise Http404("No such page.")
    return form


def _contender_page(contender_list: ContenderList, terms: str, number: int) -> ContenderPage:
    """The contenders one page of a list shows, read by rank, never sorted here."""
    per_page = settings.CONTENDERS_PER_PAGE
    contenders = Contender.objects.filter(contender_list=contender_list).with_city()
    if terms:
        start = (number - 1) * per_page
        rows = list(contenders.matching(terms).ranked()[start : start + per_page + 1])
        top_ten = []
    elif number == 1:
        rows = list(contenders.in_rank_range(1, TOP_TEN + per_page + 1))
        top_ten, rows = rows[:TOP_TEN], rows[TOP_TEN:]
    else:
        first = TOP_TEN + (number - 1) * per_page + 1
        rows = list(contenders.in_rank_range(first, first + per_page))
        top_ten = []
    if number > 1 and not rows:
        raise Http404("This list has no contenders that far down.")
    return ContenderPage(
        top_ten=top_ten,
        contenders=rows[:per_page],
        number=number,
        has_next=len(rows) > per_page,
    )


@require_safe
def home(request):
    """Every list, each with its top three."""
    lists = list(ContenderList.objects.all())
    teasers = {}
    for contender in Contender.objects.in_rank_range(1, HOME_TEASER_SIZE).with_city():
        teasers.setdefault(contender.contender_list_id, []).append(contender)
    for contender_list in lists:
        contender_list.teaser = teasers.get(contender_list.pk, [])
    return render(request, "cities/home.html", {"lists": lists})


@require_safe
def list_detail(request, slug):
    """A list: its Top Ten, then the contenders, 25 a page, or the ones matching a search."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    form = _read_search_form(request)
    terms = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = _contender_page(contender_list, terms, form.cleaned_data.get("page") or 1)
    shown = page.top_ten + page.contenders
    your_votes = Vote.objects.values_by_contender(request.user, [c.pk for c in shown])
    top_comments = Comment.objects.top_of(page.top_ten)
    for contender in shown:
        contender.contender_list = contender_list
        contender.your_vote = your_votes.get(contender.pk, 0)
        contender.top_comment = top_comments.get(contender.pk)
    context = {"contender_list": contender_list, "form": form, "terms": terms, "page": page}
    return render(request, "cities/list_detail.html", context, status=400 if form.errors else 200)


@require_safe
def city_detail(request, slug):
    """A city's profile, with its rank in every list it stands in."""
    city = get_object_or_404(City.objects.with_profile(), slug=slug)
    standings = (
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
def search(request):
    """Cities and lists matching the words."""
    form = _read_search_form(request)
    terms = form.cleaned_data.get("q", "") if form.is_valid() else ""
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
