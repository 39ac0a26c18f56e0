"""The world map: Equal Earth, the land outline from world-atlas, a list's dots, a locator."""

import itertools
import json
import math
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command

from cities.maps import geo
from cities.maps.pictures import BANDS, MAP_CONTENDERS, band_of, list_map_html
from cities.models import Contender, ContenderList
from comments.charts import ordinal
from comments.services import cast_vote
from tests.cities.test_pages import list_url
from tests.factories import UserFactory
from tests.helpers import ranking

# WGS84's authalic radius: Equal Earth on the ellipsoid keeps it at the equator
# and poles, where PROJ's limits below are measured (as cartopy's tests pin them).
AUTHALIC_RADIUS = 6371007.1809


def test_equal_earth_meets_the_published_limits_and_aspect_ratio():
    x_edge, _ = geo.equal_earth(180, 0)
    _, y_top = geo.equal_earth(0, 90)

    assert x_edge * AUTHALIC_RADIUS == pytest.approx(17243959.0622169, abs=0.5)
    assert y_top * AUTHALIC_RADIUS == pytest.approx(8392927.59846646, abs=0.5)
    assert x_edge / y_top == pytest.approx(2.05458, abs=5e-6)  # The paper's ratio.
    assert geo.equal_earth(0, 0) == (0.0, 0.0)
    assert geo.equal_earth(-30, -40) == pytest.approx(tuple(-v for v in geo.equal_earth(30, 40)))


def test_equal_earth_keeps_areas():
    """Equal cells of latitude and longitude on the sphere have equal areas on the map
    only for an equal-area projection: compare a cell at the equator with one at 60°."""

    def cell(latitude):
        (x0, y0), (x1, y1) = geo.equal_earth(0, latitude), geo.equal_earth(1, latitude + 1)
        return abs(x1 - x0) * abs(y1 - y0)

    sphere = [
        math.radians(1) * (math.sin(math.radians(lat + 1)) - math.sin(math.radians(lat)))
        for lat in (0, 60)
    ]
    assert cell(60) / cell(0) == pytest.approx(sphere[1] / sphere[0], rel=0.01)


def test_the_committed_outline_is_what_the_build_makes(capsys):
    assert geo.WORLD_SVG.read_text() == geo.world_svg()

    call_command("build_world_map")

    assert capsys.readouterr().out.strip().endswith("bytes, unchanged.")


def test_the_land_rings_are_closed_and_nothing_streaks_across_the_map():
    topology = json.loads(geo.TOPOLOGY.read_text())
    rings = geo.land_rings(topology)

    polygons = [p for g in topology["objects"]["land"]["geometries"] for p in g["arcs"]]
    assert len(rings) == sum(len(polygon) for polygon in polygons)  # Outlines and holes.
    assert all(ring[0] == pytest.approx(ring[-1]) for ring in rings)
    for subpath in geo.land_path().split("M")[1:]:
        xs = [float(point.split()[0]) for point in subpath.rstrip("Z").split("L")]
        jumps = [abs(b - a) for a, b in itertools.pairwise(xs)]
        assert max(jumps, default=0) < geo.MAP_WIDTH / 10


def test_the_bands_go_by_rank():
    assert [band_of(rank).key for rank in (1, 3, 4, 10, 11, 500)] == [
        "top3", "top3", "top10", "top10", "rest", "rest",
    ]  # fmt: skip
    assert len({band.colour for band in BANDS}) == len(BANDS)


def dots(html: str) -> list[dict]:
    found = []
    for band, href, name, shape in re.findall(
        r'<a class="world-map__dot world-map__dot--(\w+)" href="([^"]+)" aria-label="([^"]+)">'
        r"<title>[^<]*</title><(path|circle)",
        html,
    ):
        found.append({"band": band, "href": href, "name": name, "shape": shape})
    return found


@pytest.mark.django_db
def test_the_list_map_has_a_named_link_per_contender_from_the_rows(client, make_ranked_list):
    contender_list = make_ranked_list(14)
    pks = ranking(contender_list)
    for pk in pks[5:8]:
        cast_vote(user=UserFactory(), contender_id=pk, value=1)
    ranked = list(Contender.objects.filter(pk__in=pks).with_rank().select_related("city"))

    html = client.get(list_url(contender_list)).content.decode()

    shown = dots(html)
    expected = sorted(ranked, key=lambda c: c.rank, reverse=True)  # Leaders painted last.
    assert [d["name"] for d in shown] == [
        f"{c.city.name}, {c.city.country}: {ordinal(c.rank)}, score {c.score}" for c in expected
    ]
    assert [d["href"] for d in shown] == [c.get_comments_url() for c in expected]
    assert [(d["band"], d["shape"]) for d in shown[-3:]] == [("top3", "path")] * 3
    assert {d["shape"] for d in shown if d["band"] != "top3"} == {"circle"}
    assert "The leading 14 contenders" in html


@pytest.mark.django_db
def test_a_higher_score_draws_a_larger_dot(client, make_ranked_list):
    contender_list = make_ranked_list(3)
    first, second, _ = ranking(contender_list)
    for _ in range(3):
        cast_vote(user=UserFactory(), contender_id=first, value=1)
    cast_vote(user=UserFactory(), contender_id=second, value=1)

    html = client.get(list_url(contender_list)).content.decode()

    # Diamonds, painted from the last: the half-height is from the top corner to the middle.
    sizes = [
        float(middle) - float(top)
        for top, middle in re.findall(
            r'--top3"[^>]*><title>[^<]*</title><path d="M[\d.]+ ([\d.]+)L[\d.]+ ([\d.]+)L', html
        )
    ]
    assert len(sizes) == 3
    assert sizes[0] < sizes[1] < sizes[2]


@pytest.mark.django_db
def test_the_map_shows_the_leading_hundred_and_only_on_the_first_page(client, make_ranked_list):
    contender_list = make_ranked_list(MAP_CONTENDERS + 5)

    first = client.get(list_url(contender_list)).content.decode()
    later = client.get(list_url(contender_list, page=2)).content.decode()
    search = client.get(list_url(contender_list, q="Testville")).content.decode()

    assert len(dots(first)) == MAP_CONTENDERS
    assert dots(later) == dots(search) == []


@pytest.mark.django_db
def test_the_list_map_is_shared_like_its_page(
    make_ranked_list, django_assert_num_queries, settings
):
    settings.ANONYMOUS_PAGE_SECONDS = 5
    caches["pages"].clear()
    caches["kept"].clear()
    contender_list = ContenderList.objects.get(pk=make_ranked_list(30).pk)

    with django_assert_num_queries(1):
        drawn = list_map_html(contender_list)
    with django_assert_num_queries(0):
        assert list_map_html(contender_list) == drawn


@pytest.mark.django_db
def test_the_city_page_shows_a_locator_where_the_city_is(client, make_ranked_list):
    contender = Contender.objects.select_related("city").filter(
        contender_list=make_ranked_list(1)
    )[0]
    city = contender.city

    html = client.get(city.get_absolute_url()).content.decode()

    x, y = geo.to_map(city.longitude, city.latitude)
    assert f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9"' in html
    assert f"{city.name} on the world map: {city.country}" in html
    assert 'role="img" aria-labelledby="locator-caption"' in html
