"""The maps on the pages: a list's contenders as dots on the world, a city's locator.

The land is the static outline build_world_map projects (cities/maps/geo.py),
shown as an <image> under the dots, so a page carries only its dots; no tile
server, no other site, no script. A dot's size follows the contender's score
and its band (Top 3, the rest of the Top Ten, the others) shows in its
colour and in its shape (diamond, disc, ring), so colour is never the only
sign. Each dot is a link with an accessible name.
"""

import hashlib
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse

from cities.maps.geo import MAP_HEIGHT, MAP_WIDTH, WORLD_STATIC, to_map
from cities.models import City, Contender, ContenderList
from comments.charts import ordinal

# The leading contenders a list's map shows.
MAP_CONTENDERS = 100
SMALLEST, LARGEST = 6.0, 18.0
# What a dot needs: the ranking's own fields, the city's name and place.
MAP_FIELDS = (
    "score",
    "wilson_lower",
    "contender_list",
    *(f"city__{field}" for field in ("name", "slug", "country", "latitude", "longitude")),
)  # Dot radii in map units (the map is 1,000 wide).


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    last_rank: int | None
    colour: str


BANDS = (
    Band("top3", "Top 3", 3, "#b45309"),
    Band("top10", "4th to 10th", 10, "#3b2fc9"),
    Band("rest", "11th and below", None, "#565b70"),
)


def band_of(rank: int) -> Band:
    return next(b for b in BANDS if b.last_rank is None or rank <= b.last_rank)


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    r: float
    band: Band
    href: str
    name: str  # The link's accessible name.

    @property
    def diamond(self) -> str:
        """The Top 3's shape: a square on its corner, as wide as the disc would be."""
        d = self.r * 1.25
        x, y = self.x, self.y
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}Z"


def dots(contenders, contender_list: ContenderList) -> list[Dot]:
    """A dot per contender (with `rank` and its city), the lowest rank first: SVG paints
    in document order, so the leaders are drawn over the crowd (and the keyboard meets
    them last; the list below is the way through in rank order)."""
    most = max([c.score for c in contenders] + [1])
    placed = []
    for contender in contenders:
        x, y = to_map(contender.city.longitude, contender.city.latitude)
        share = max(contender.score, 0) / most
        city = contender.city
        placed.append(
            Dot(
                x=x,
                y=y,
                r=SMALLEST + (LARGEST - SMALLEST) * math.sqrt(share),
                band=band_of(contender.rank),
                href=reverse("comments:contender_comments", args=[contender_list.slug, city.slug]),
                name=f"{city}: {ordinal(contender.rank)}, score {contender.score}",
            )
        )
    return placed[::-1]


def _map_context(**context) -> dict:
    return {"width": MAP_WIDTH, "height": MAP_HEIGHT, "land": static(WORLD_STATIC), **context}


def list_map_html(contender_list: ContenderList) -> str:
    """The list's map of its leading contenders: one query, shared a few seconds like the
    page it sits on (ANONYMOUS_PAGE_SECONDS)."""
    seconds = settings.ANONYMOUS_PAGE_SECONDS
    key = f"listmap:{contender_list.pk}:{contender_list.ranking}"
    html = caches["pages"].get(key) if seconds else None
    if html is None:
        leading = (
            Contender.objects.approved()
            .ranked(contender_list)
            .select_related("city")
            .only(
                "score",
                "city__name",
                "city__slug",
                "city__country",
                "city__latitude",
                "city__longitude",
            )[:MAP_CONTENDERS]
        )
        contenders = list(leading)
        for rank, contender in enumerate(contenders, start=1):
            contender.rank = rank
        context = _map_context(
            contender_list=contender_list,
            dots=dots(contenders, contender_list),
            bands=BANDS,
            shown=len(contenders),
        )
        html = render_to_string("cities/_list_map.html", context)
        if seconds:
            caches["pages"].set(key, html, seconds)
    return html


def city_locator_html(city: City) -> str:
    """A small world map with the city marked: no query, cached by where the city is."""
    basis = (city.pk, str(city.latitude), str(city.longitude), city.name, city.country)
    key = "locator:" + hashlib.blake2b(repr(basis).encode(), digest_size=16).hexdigest()
    html = caches["fragments"].get(key)
    if html is None:
        x, y = to_map(city.longitude, city.latitude)
        context = _map_context(city=city, x=x, y=y)
        html = render_to_string("cities/_city_locator.html", context)
        caches["fragments"].set(key, html)
    return html
