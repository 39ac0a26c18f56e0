from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cities.forms import SearchForm
from cities.models import ContenderList
from cities.pages import city_page, list_page, search_page
from techvote.htmx import refusal_partial
from techvote.middleware import cache_for_anonymous

HOME_TEASER_SIZE = 3


def _read_search_form(request) -> tuple[SearchForm, str]:
    """Validate ?q= and ?page=: the form, and the words to look for ("" if none or invalid).

    A malformed page number is a missing page.
    """
    form = SearchForm(request.GET)
    terms = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if "page" in form.errors:
        raise Http404("No such page.")
    return form, terms


@require_safe
@cache_for_anonymous
def home(request):
    """Every list, each with its top three."""
    lists = ContenderList.objects.with_top(HOME_TEASER_SIZE)
    return render(request, "cities/home.html", {"lists": lists})


@require_safe
@cache_for_anonymous
def list_detail(request, slug):
    """A list: its Top Ten, then the contenders, 25 a page, or the ones matching a search.

    "Load more" with htmx gets the next rows alone (cities/_more_contenders.html).
    """
    form, terms = _read_search_form(request)
    number = form.cleaned_data.get("page") or 1
    try:
        page = list_page(request, slug=slug, terms=terms, number=number)
    except Http404 as missing:
        if not request.htmx:
            raise
        return refusal_partial(request, str(missing), status=404)
    context = {"contender_list": page.contender_list, "form": form, "terms": terms, "page": page}
    template = "cities/_more_contenders.html" if request.htmx else "cities/list_detail.html"
    response = render(request, template, context, status=400 if form.errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_safe
@cache_for_anonymous
def city_detail(request, slug):
    """A city's profile, with its rank in every list it stands in and what people say."""
    return render(request, "cities/city_detail.html", city_page(request, slug=slug))


@require_safe
@cache_for_anonymous
def search(request):
    """Cities and lists matching the words, or near misses of a city's name."""
    form, terms = _read_search_form(request)
    context = {"form": form, "terms": terms, **search_page(terms=terms)}
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
