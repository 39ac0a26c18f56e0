"""The world drawn flat: the Equal Earth projection and the land outline from TopoJSON.

Equal Earth (Šavrič, Patterson and Jenny, 2018) keeps areas true, so no
continent looks bigger than it is, and is a short polynomial: written here
rather than adding pyproj, whose PROJ binaries weigh some 30 MB for one
formula. The outline is Natural Earth's 1:110m land (public domain) as the
`world-atlas` npm package carries it (world-atlas/NOTICE.md), decoded here
from TopoJSON (quantized, delta-encoded arcs) and projected into the map's
coordinates once, by `build_world_map`, into a static SVG.
"""

import json
import math
from functools import cache
from pathlib import Path

TOPOLOGY = Path(__file__).parent / "world-atlas" / "land-110m.json"
# What build_world_map writes, and the pages show under their dots.
WORLD_SVG = Path(__file__).resolve().parents[2] / "static" / "maps" / "world-110m.svg"
WORLD_STATIC = "maps/world-110m.svg"

# The coefficients of Equal Earth, from the paper.
A1, A2, A3, A4 = 1.340264, -0.081106, 0.000893, 0.003796
M = math.sqrt(3) / 2

# The map's own coordinates: x from 0 to MAP_WIDTH, north up; Antarctica is cut
# below SOUTH, where no contender stands.
MAP_WIDTH = 1000
SOUTH = -60.0


def equal_earth(longitude: float, latitude: float) -> tuple[float, float]:
    """Projected x and y (y up, unit sphere) of a point given in degrees."""
    lam, phi = math.radians(longitude), math.radians(latitude)
    theta = math.asin(M * math.sin(phi))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = lam * math.cos(theta) / (M * (A1 + 3 * A2 * t2 + t6 * (7 * A3 + 9 * A4 * t2)))
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


_X_EDGE = equal_earth(180, 0)[0]
_Y_TOP = equal_earth(0, 90)[1]
_Y_BOTTOM = equal_earth(0, SOUTH)[1]
SCALE = MAP_WIDTH / (2 * _X_EDGE)
MAP_HEIGHT = round((_Y_TOP - _Y_BOTTOM) * SCALE)


def to_map(longitude: float, latitude: float) -> tuple[float, float]:
    """Where a point falls on the map: (0, 0) at the top left, y down."""
    x, y = equal_earth(float(longitude), max(float(latitude), SOUTH))
    return (x + _X_EDGE) * SCALE, (_Y_TOP - y) * SCALE


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc in degrees: positions are deltas of quantized integers (TopoJSON 2.1)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(arcs, indexes: list[int]) -> list[tuple[float, float]]:
    """A ring from its arcs; ~i is arc i backwards; each arc starts where the last ended."""
    points = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def land_rings(topology: dict) -> list[list[tuple[float, float]]]:
    """Every ring of the land's polygons, in degrees."""
    arcs = _arcs(topology)
    rings = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            rings += [_ring(arcs, ring) for ring in polygon]
    return rings


def _unwrapped(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The ring with no jump of more than 180 degrees of longitude between two points.

    The TopoJSON is spherical: Chukotka and Fiji cross the antimeridian, and
    drawn as they are, their edges would run across the whole map. Unwrapped,
    they run past 180 (or -180) instead, and ring_path draws the part on the
    other side again.
    """
    unwrapped = [ring[0]]
    for longitude, latitude in ring[1:]:
        previous = unwrapped[-1][0]
        longitude += 360 * round((previous - longitude) / 360)
        unwrapped.append((longitude, latitude))
    return unwrapped


def _path_data(ring: list[tuple[float, float]]) -> str:
    points = []
    for longitude, latitude in ring:
        x, y = to_map(longitude, latitude)
        point = f"{x:.1f} {y:.1f}"
        if not points or points[-1] != point:
            points.append(point)
    return "M" + "L".join(points) + "Z" if len(points) >= 3 else ""


def ring_path(ring: list[tuple[float, float]]) -> str:
    """One ring as SVG path data on the map, a tenth of a unit apart, repeats dropped;
    a ring across the antimeridian twice, once from each side (the map's edge cuts it);
    nothing for a ring wholly south of the map (Antarctica)."""
    if all(latitude < SOUTH for _, latitude in ring):
        return ""
    ring = _unwrapped(ring)
    longitudes = [longitude for longitude, _ in ring]
    shifts = (
        [0] + ([-360] if max(longitudes) > 180 else []) + ([360] if min(longitudes) < -180 else [])
    )
    return "".join(_path_data([(lon + shift, lat) for lon, lat in ring]) for shift in shifts)


@cache
def land_path() -> str:
    """The whole land outline as one SVG path's data."""
    topology = json.loads(TOPOLOGY.read_text())
    return "".join(ring_path(ring) for ring in land_rings(topology))


def sphere_path() -> str:
    """The map's edge: the antimeridian from each side, from SOUTH to the pole and back."""
    steps = range(int(SOUTH), 91)
    east = [to_map(180, latitude) for latitude in steps]
    west = [to_map(-180, latitude) for latitude in reversed(steps)]
    return "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in east + west) + "Z"


def world_svg() -> str:
    """The static outline file: the sphere's face, and the land clipped to it."""
    sphere = sphere_path()
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {MAP_WIDTH} {MAP_HEIGHT}" width="{MAP_WIDTH}" height="{MAP_HEIGHT}">\n'
        "<!-- Natural Earth 1:110m land (public domain), from the world-atlas npm package "
        "2.0.2 (ISC), Equal Earth projection; made by manage.py build_world_map. -->\n"
        f'<clipPath id="sphere"><path d="{sphere}"/></clipPath>\n'
        f'<path d="{sphere}" fill="#eef1fb"/>\n'
        f'<path d="{land_path()}" fill="#cfd3e6" stroke="#ffffff" stroke-width="0.5" '
        'clip-path="url(#sphere)"/>\n'
        "</svg>\n"
    )
