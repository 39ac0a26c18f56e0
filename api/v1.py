"""/api/v1/: the read API. Read-only JSON of what the pages show, nothing hidden or pending.

Thin operations over the sites' own querysets: a list's ranking by a live
method (net, wilson) is read through its ranking index (cities.models), by
a counted one (schulze, borda) from the last count's MethodStanding rows;
only approved contenders appear. Collections are cursor-paginated (cursors),
every answer has an ETag, city answers a Last-Modified (http), and each
address is rate-limited. The OpenAPI 3 schema is /api/v1/openapi.json and
Swagger UI /api/v1/docs.
"""

from typing import Annotated, Literal

from csp.decorators import csp_update
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Path, Query

from api import schemas
from api.cursors import page
from api.http import AddressThrottle, ConditionalNinjaAPI, last_modified
from cities.models import RANKING_KEYS, City, Contender, ContenderList, RankingMethod
from comments.history import rank_history
from comments.models import Comment, CountedMethod, ListCount, MethodStanding, ModerationLogEntry

api = ConditionalNinjaAPI(
    title="TechVote read API",
    version="1",
    description=(
        "Lists, rankings by every method, contenders and cities, as the site shows them. "
        "Collections are paged by an opaque `cursor` (the `next` of the page before)."
    ),
    urls_namespace="api-v1",
    throttle=[AddressThrottle()],
    # Swagger UI draws its icons as data: SVG images; the docs page alone may.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)

Method = Literal["net", "wilson", "schulze", "borda", "duels"]
# Slugs and cursors as the site makes them: anything else is refused by the
# schema's own rules (422), before a lookup.
Slug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=120)]
Cursor = Annotated[str | None, Query(pattern=r"^[-A-Za-z0-9_:]+$", max_length=2000)]
# Every operation may refuse a malformed cursor (400), a parameter of the
# wrong type (422) or one request too many (429); those naming a list or a
# city answer 404 for one that does not exist.
REFUSED = {400: schemas.Problem, 422: schemas.Invalid, 429: schemas.Problem}
NOT_FOUND = {404: schemas.Problem, **REFUSED}
LIST_KEYS = (("position", False), ("id", False))
CITY_KEYS = (("name", False), ("id", False))
NEWEST_FIRST = (("created_at", True), ("id", True))


def _city_ref(city: City) -> dict:
    return {"slug": city.slug, "name": city.name, "country": city.country}


def _list_out(contender_list: ContenderList) -> dict:
    return {
        "slug": contender_list.slug,
        "title": contender_list.title,
        "question": contender_list.question,
        "description": contender_list.description,
        "ranking": contender_list.ranking,
        "is_open": contender_list.is_open,
        "url": contender_list.get_absolute_url(),
    }


def _city_out(city: City) -> dict:
    return {
        "slug": city.slug,
        "name": city.name,
        "country": city.country,
        "continent": city.continent,
        "latitude": float(city.latitude),
        "longitude": float(city.longitude),
        "summary": city.summary,
        "url": city.get_absolute_url(),
    }


@api.get("/lists", response={200: schemas.ListPage, **REFUSED}, tags=["lists"])
def lists(request: HttpRequest, cursor: Cursor = None):
    """Every list, in the home page's order."""
    rows, _, following = page(
        ContenderList.objects.all(), keys=LIST_KEYS, cursor=cursor, scope="lists"
    )
    return {"results": [_list_out(row) for row in rows], "next": following}


@api.get("/lists/{slug}", response={200: schemas.ListOut, **NOT_FOUND}, tags=["lists"])
def list_detail(request: HttpRequest, slug: Slug):
    """One list."""
    return _list_out(get_object_or_404(ContenderList, slug=slug))


@api.get(
    "/lists/{slug}/ranking",
    response={200: schemas.RankingPage, **NOT_FOUND},
    tags=["lists"],
)
def ranking(request: HttpRequest, slug: Slug, method: Method | None = None, cursor: Cursor = None):
    """The list's contenders best first by a method (the list's own by default)."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    method = method or contender_list.ranking
    scope = f"ranking:{contender_list.pk}:{method}"
    if method in CountedMethod.values:
        standings = MethodStanding.objects.filter(
            contender_list=contender_list,
            method=method,
            contender__status=Contender.Status.APPROVED,
        ).select_related("contender__city")
        rows, _, following = page(standings, keys=(("rank", False),), cursor=cursor, scope=scope)
        results = [
            {
                "rank": row.rank,
                "contender_id": row.contender_id,
                "city": _city_ref(row.contender.city),
                "score": row.score,
                "rank_lower": row.rank_lower,
                "rank_upper": row.rank_upper,
                "top_ten_chance": row.top_ten_chance,
                "conservative_rank": row.conservative_rank,
            }
            for row in rows
        ]
        counted = ListCount.objects.filter(contender_list=contender_list, method=method).first()
        counted_at = counted.counted_at if counted else None
    else:
        score_field = "wilson_lower" if method == RankingMethod.WILSON else "score"
        contenders = Contender.objects.approved().filter(contender_list=contender_list).with_city()
        rows, first, following = page(
            contenders, keys=RANKING_KEYS[method], cursor=cursor, scope=scope
        )
        results = [
            {
                "rank": first + offset,
                "contender_id": row.pk,
                "city": _city_ref(row.city),
                "score": getattr(row, score_field),
            }
            for offset, row in enumerate(rows)
        ]
        counted_at = None
    return {
        "list": contender_list.slug,
        "method": method,
        "counted_at": counted_at,
        "results": results,
        "next": following,
    }


@api.get(
    "/lists/{slug}/contenders",
    response={200: schemas.ContenderPage, **NOT_FOUND},
    tags=["lists"],
)
def contenders(request: HttpRequest, slug: Slug, cursor: Cursor = None):
    """The list's approved contenders in the order they joined it, with their votes."""
    contender_list = get_object_or_404(ContenderList, slug=slug)
    rows, _, following = page(
        Contender.objects.approved().filter(contender_list=contender_list).with_city(),
        keys=(("id", False),),
        cursor=cursor,
        scope=f"contenders:{contender_list.pk}",
    )
    results = [
        {
            "contender_id": row.pk,
            "city": _city_ref(row.city),
            "upvotes": row.upvotes,
            "downvotes": row.downvotes,
            "score": row.score,
            "wilson_lower": row.wilson_lower,
            "joined_at": row.created_at,
        }
        for row in rows
    ]
    return {"list": contender_list.slug, "results": results, "next": following}


@api.get(
    "/lists/{slug}/{city}/comments",
    response={200: schemas.CommentPage, **NOT_FOUND},
    tags=["lists"],
)
def comments(request: HttpRequest, slug: Slug, city: Slug, cursor: Cursor = None):
    """What people say about a city in a list, newest first: never a hidden or deleted comment."""
    contender = get_object_or_404(
        Contender.objects.approved(), contender_list__slug=slug, city__slug=city
    )
    rows, _, following = page(
        Comment.objects.visible().filter(contender=contender).select_related("author"),
        keys=NEWEST_FIRST,
        cursor=cursor,
        scope=f"comments:{contender.pk}",
    )
    results = [
        {
            "id": row.pk,
            "author": row.author_name,
            "body": row.body,
            "parent_id": row.parent_id,
            "upvotes": row.upvotes,
            "downvotes": row.downvotes,
            "created_at": row.created_at,
            "edited_at": row.edited_at,
            "url": row.get_absolute_url(),
        }
        for row in rows
    ]
    return {"list": slug, "city": city, "results": results, "next": following}


@api.get(
    "/lists/{slug}/{city}/history",
    response={200: schemas.HistoryOut, **NOT_FOUND},
    tags=["lists"],
)
def history(request: HttpRequest, slug: Slug, city: Slug):
    """A city's rank and score in a list at the start of every day since its first snapshot."""
    contender = get_object_or_404(
        Contender.objects.approved().with_city_and_list().with_rank(),
        contender_list__slug=slug,
        city__slug=city,
    )
    days = [
        {"day": standing.day, "rank": standing.rank, "score": standing.score}
        for standing in rank_history(contender=contender)
    ]
    return {"list": slug, "city": city, "method": contender.contender_list.ranking, "days": days}


@api.get("/moderation", response={200: schemas.LogPage, **REFUSED}, tags=["moderation"])
def moderation_log(request: HttpRequest, cursor: Cursor = None):
    """Every moderator action, who took it and why, newest first, as /moderation/ shows it."""
    rows, _, following = page(
        ModerationLogEntry.objects.select_related("moderator"),
        keys=NEWEST_FIRST,
        cursor=cursor,
        scope="moderation",
    )
    results = [
        {
            "created_at": row.created_at,
            "moderator": row.moderator.username,
            "action": row.action,
            "subject": row.subject,
            "reason": row.reason,
        }
        for row in rows
    ]
    return {"results": results, "next": following}


@api.get("/cities", response={200: schemas.CityPage, **REFUSED}, tags=["cities"])
def cities(request: HttpRequest, response: HttpResponse, cursor: Cursor = None):
    """Every city, by name."""
    rows, _, following = page(City.objects.all(), keys=CITY_KEYS, cursor=cursor, scope="cities")
    last_modified(response, City.objects.aggregate(latest=Max("updated_at"))["latest"])
    return {"results": [_city_out(row) for row in rows], "next": following}


@api.get("/cities/{slug}", response={200: schemas.CityDetail, **NOT_FOUND}, tags=["cities"])
def city_detail(request: HttpRequest, response: HttpResponse, slug: Slug):
    """A city's profile, facts with their sources, organizations and its rank in each list."""
    city = get_object_or_404(City.objects.with_profile(), slug=slug)
    standings = city.contenders.standings()
    last_modified(response, city.updated_at)
    return {
        **_city_out(city),
        "also_known_as": city.also_known_as,
        "population": city.population,
        "profile": city.profile,
        "sectors": [sector.name for sector in city.sectors.all()],
        "facts": [
            {
                "label": fact.label,
                "value": fact.value,
                "unit": fact.unit,
                "year": fact.year,
                "source": fact.source.title,
                "source_url": fact.source.url,
            }
            for fact in city.facts.all()
        ],
        "organizations": [
            {"name": org.name, "kind": org.kind, "description": org.description}
            for org in city.organizations.all()
        ],
        "standings": [
            {"list": standing.contender_list.slug, "rank": standing.rank, "score": standing.score}
            for standing in standings
        ],
    }
