"""Geometry mechanics: assembling countries from simplified arcs, rounding, winding, GeoJSON.

Why arcs: simplifying Russia and Georgia separately would give their common border two different
shapes and open slivers between them. Simplifying each TopoJSON arc once, and reusing the result in
every country that borders on it, keeps neighbours edge-matched. Vertices inside the detail zone
(around the South Caucasus) are never dropped, so small features such as the Nakhchivan exclave and
the Armenia-Azerbaijan border keep the full Natural Earth 1:10m shape. Stitching arcs into rings
is `layers.build.topojson`'s. Imports only `layers.build` modules.
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, mapping

from layers.build.antimeridian import planar_polygon

Point2 = tuple[float, float]
Bounds = tuple[float, float, float, float]
DECIMALS = 5
GRID = 10.0**-DECIMALS


def inside(point: Point2, zone: Bounds) -> bool:
    """Whether a vertex lies in the (min lon, min lat, max lon, max lat) detail zone."""
    return zone[0] <= point[0] <= zone[2] and zone[1] <= point[1] <= zone[3]


def simplify_arc(points: list[Point2], tolerance: float, zone: Bounds | None) -> list[Point2]:
    """Douglas-Peucker an arc outside the zone; vertices inside it and arc ends are all kept.

    Each maximal run of outside vertices is simplified together with its two neighbouring kept
    vertices as fixed ends, so the simplified arc still meets the untouched part exactly.
    """
    if tolerance <= 0 or len(points) < 3:
        return list(points)
    keep = [zone is not None and inside(p, zone) for p in points]
    keep[0] = keep[-1] = True
    out: list[Point2] = [points[0]]
    start = 0  # index of the last kept vertex already in `out`
    for i in range(1, len(points)):
        if not keep[i]:
            continue
        run = points[start : i + 1]
        if len(run) > 2:
            out.extend(tuple(c) for c in LineString(run).simplify(tolerance).coords[1:])
        else:
            out.append(points[i])
        start = i
    return out


def polygon_from_rings(rings: list[list[Point2]]) -> shapely.Geometry | None:
    """A polygon from an exterior and holes, dropping rings that simplification collapsed."""
    usable = [r for r in rings if len(set(r)) >= 3]
    if not usable or usable[0] is not rings[0]:
        return None
    return planar_polygon(usable[0], usable[1:])


ISLET_FACTOR = 3.0
"""With `simplify` t, far-away polygon parts smaller than (ISLET_FACTOR·t)² square degrees go."""


def drop_islets(geometry: shapely.Geometry, tolerance: float, zone: Bounds) -> shapely.Geometry:
    """Leave out a far-away outline's islands too small to see at the scale it is simplified for.

    Why: Russia, the EU and the United States are context drawn at continental scale, yet their
    hundreds of islets were most of the bytes sent to the browser. Parts touching the detail zone
    (the South Caucasus) are always kept, and so is the largest part of any geometry.
    """
    parts = list(getattr(geometry, "geoms", [geometry]))
    if tolerance <= 0 or len(parts) < 2:
        return geometry
    floor = (ISLET_FACTOR * tolerance) ** 2
    largest = max(parts, key=lambda part: part.area)
    kept = [
        part for part in parts
        if part is largest or part.area >= floor or part.intersects(shapely.box(*zone))
    ]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def finish(geometry: shapely.Geometry, grid: float = GRID) -> shapely.Geometry:
    """Snap to the 5-decimal grid, repair, and orient to RFC 7946's right-hand rule.

    `set_precision` rounds without creating invalid rings; polygons keep only polygonal parts
    (rounding can leave slivers as lines), lines and points pass through. `grid=0` repairs and
    orients without snapping (the full-detail build the payload benchmark compares against).
    """
    repaired = shapely.make_valid(geometry)
    snapped = shapely.set_precision(repaired, grid) if grid > 0 else repaired
    if snapped.geom_type == "GeometryCollection" or isinstance(geometry, Polygon | MultiPolygon):
        parts = [g for g in getattr(snapped, "geoms", [snapped]) if isinstance(g, Polygon)]
        parts += [
            p
            for g in getattr(snapped, "geoms", [snapped])
            if isinstance(g, MultiPolygon)
            for p in g.geoms
        ]
        snapped = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return shapely.orient_polygons(snapped, exterior_cw=False)


EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius (IUGG), for great-circle distances between gazetteer points."""


def distance_km(a: Point2, b: Point2) -> float:
    """Great-circle (haversine) distance in km between two (lon, lat) points: good to a few
    metres at the scale of a town, which is all the gazetteer check needs."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def round_coords(value: object, decimals: int | None = DECIMALS) -> object:
    """Round every number in a nested coordinate structure to `decimals` (None: keep them all)."""
    if isinstance(value, float | int):
        if decimals is None:
            return float(value)
        rounded = round(float(value), decimals)
        return 0.0 if rounded == 0 else rounded
    return [round_coords(v, decimals) for v in value]  # type: ignore[union-attr]


def to_geojson(geometry: shapely.Geometry, decimals: int | None = DECIMALS) -> dict:
    """RFC 7946 geometry dict with lists (not tuples) and 5-decimal (or unrounded) coordinates."""
    raw = mapping(geometry)
    return {"type": raw["type"], "coordinates": round_coords(raw["coordinates"], decimals)}
