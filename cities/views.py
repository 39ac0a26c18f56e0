from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from cities.badges import badge_svg
from cities.forms import RISING, ListPageForm, SearchForm
from cities.maps.pictures import city_locator_html, list_map_html
from cities.member_pages import keep_list_page, kept_list_page, serves_kept_pages
from cities.methods import method_page
from cities.models import Contender, ContenderList, Continent
from cities.pages import ListQuery, city_page, list_page, search_page
from cities.past import DayForm, DayRefused, past_list_page
from techvote.htmx import refusal_partial
from techvote.middleware import cache_for_anonymous

HOME_TEASER_SIZE = 3


def _read_search_form(request, form_class=SearchForm) -> tuple[SearchForm, str]:
    """Validate ?q= and ?page=: the form, and the words to look for ("" if none or invalid).

    A malformed page number (?page=, ?upto=) is a missing page.
    """
    form = form_class(request.GET)
    terms = form.cleaned_data.get("q", "") if form.is_valid() else ""
    if {"page", "upto"} & form.errors.keys():
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
    """A list: its Top Ten, then the contenders, 25 a page, or the ones a search or filter keeps.

    Ranked by the list's official method, or by another one with ?method=;
    ?sort=rising shows the contenders that climbed since yesterday.
    "Load more" with htmx gets the next rows alone (cities/_more_contenders.html):
    the last page its address names (?upto=), the one it leaves in the
    address bar, so that coming back to the page shows every row loaded.
    A member's page is filled in from the one kept for every member at the
    address, when there is one (cities/member_pages.py).
    """
    if "on" in request.GET:
        return list_on_day(request, slug)
    may_keep = serves_kept_pages(request)
    html = kept_list_page(request) if may_keep else None
    if html is not None:
        return _list_response(HttpResponse(html))
    form, terms = _read_search_form(request, ListPageForm)
    query = _list_query(form, terms, partial=bool(request.htmx))
    try:
        page = list_page(request, slug=slug, query=query)
    except Http404 as missing:
        if not request.htmx:
            raise
        return refusal_partial(request, str(missing), status=404)
    context = {
        "contender_list": page.contender_list,
        "form": form,
        "terms": terms,
        "page": page,
        "method_param": query.method,
        "continents": Continent.choices,
    }
    if page.first == 1 and not query.is_narrowed and not request.htmx:
        context["world_map"] = list_map_html(page.contender_list)
    template = "cities/_more_contenders.html" if request.htmx else "cities/list_detail.html"
    if may_keep and not form.errors:
        return _list_response(HttpResponse(keep_list_page(request, template, context)))
    return _list_response(render(request, template, context, status=400 if form.errors else 200))


def _list_response(response):
    """A list page's answer, which varies with HX-Request: htmx gets the rows alone."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def _list_query(form: ListPageForm, terms: str, *, partial: bool) -> ListQuery:
    """What the list page's valid query string asks for (its defaults where it is not valid).

    An htmx "Load more" asks for the last page of its address alone: the rows
    to add to those already on the screen.
    """
    data = form.cleaned_data
    first = data.get("page") or 1
    last = data.get("upto") or first
    return ListQuery(
        first=first,
        last=last,
        partial=partial,
        method=data.get("method") or None,
        terms=terms,
        continent=data.get("continent") or "",
        country=data.get("country") or "",
        rising=data.get("sort") == RISING,
    )


def list_on_day(request, slug):
    """The list as it stood at the start of a past day (?on=2026-11-30), with a way back.

    A malformed day is a 400 and a day before the list or after today a 404,
    each with its message on the list's own page.
    """
    form = DayForm(request.GET)
    if not form.is_valid():
        if "page" in form.errors:
            raise Http404("No such page.")
        contender_list = get_object_or_404(ContenderList, slug=slug)
        context = {"contender_list": contender_list, "message": form.errors["on"][0]}
        return render(request, "cities/list_on_day_refused.html", context, status=400)
    number = form.cleaned_data.get("page") or 1
    try:
        page = past_list_page(slug=slug, day=form.cleaned_data["on"], number=number)
    except DayRefused as refusal:
        context = {"contender_list": refusal.contender_list, "message": refusal.message}
        return render(request, "cities/list_on_day_refused.html", context, status=refusal.status)
    context = {"contender_list": page.contender_list, "page": page}
    return render(request, "cities/list_on_day.html", context)


@require_safe
@cache_for_anonymous
def list_method(request, slug):
    """How the list is ranked: every method explained, its last count, the top ten head to head."""
    return render(request, "cities/list_method.html", {"page": method_page(slug=slug)})


@require_safe
@cache_for_anonymous
def city_detail(request, slug):
    """A city's profile, with its rank in every list it stands in and what people say."""
    context = city_page(request, slug=slug)
    return render(
        request,
        "cities/city_detail.html",
        {**context, "locator": city_locator_html(context["city"])},
    )


@require_safe
@cache_for_anonymous
def contender_badge(request, list_slug, city_slug):
    """A contender's rank today as an SVG badge, for other sites to embed."""
    contender = get_object_or_404(
        Contender.objects.approved().with_city_and_list().with_rank(),
        contender_list__slug=list_slug,
        city__slug=city_slug,
    )
    response = HttpResponse(badge_svg(contender), content_type="image/svg+xml")
    # Another site's page may show it in an <img>; a browser may keep it an hour.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=3600"
    return response


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
