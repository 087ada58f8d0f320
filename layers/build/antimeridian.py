"""Rings that cross the antimeridian, made planar.

Natural Earth's TopoJSON joins arcs at ±180°: a ring along Russia's Arctic coast steps from
179.9° to -180° and on. Read as flat longitude/latitude that step is an edge across the whole
map, which Leaflet and matplotlib draw as a line over Europe. Both Natural Earth readers (the
geodata build and the offline basemap) pass their rings through here: make each ring
continuous, then cut the polygon at ±180° and fold the far pieces back, so every coordinate
stays within [-180, 180] and no edge spans the map. Imports nothing from the project.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Polygon, box
from shapely.geometry.base import BaseGeometry

Point2 = tuple[float, float]


def unwrap(ring: Sequence[Point2]) -> list[Point2]:
    """The ring with longitudes shifted by whole turns wherever consecutive points jump > 180°."""
    out: list[Point2] = []
    shift = 0.0
    for index, (x, y) in enumerate(ring):
        if index:
            step = x + shift - out[-1][0]
            if step > 180:
                shift -= 360
            elif step < -180:
                shift += 360
        out.append((x + shift, y))
    return out


def planar_polygon(exterior: Sequence[Point2], holes: Sequence[Sequence[Point2]] = ()
                   ) -> BaseGeometry:
    """A valid polygon (or multipolygon) from rings that may cross ±180°, within [-180, 180]."""
    outer = unwrap(exterior)
    left = min(x for x, _ in outer)
    inner = []
    for hole in holes:
        ring = unwrap(hole)
        turns = round((left - min(x for x, _ in ring)) / 360)  # put the hole beside its exterior
        inner.append([(x + 360 * turns, y) for x, y in ring])
    shape = polygonal(shapely.make_valid(Polygon(outer, inner)))
    minx, _, maxx, _ = shape.bounds
    if minx >= -180 and maxx <= 180:
        return shape
    pieces = []
    for turn in (-1, 0, 1):
        piece = shape.intersection(box(-180 + 360 * turn, -90, 180 + 360 * turn, 90))
        if not piece.is_empty:
            pieces.append(translate(piece, xoff=-360 * turn))
    return polygonal(shapely.make_valid(shapely.union_all(pieces)))


def polygonal(shape: BaseGeometry) -> Polygon | MultiPolygon:
    """Only the areas of a shape: repair and cutting can leave stray lines and points."""
    parts = [g for g in getattr(shape, "geoms", [shape]) if isinstance(g, Polygon | MultiPolygon)]
    polygons = [p for g in parts for p in getattr(g, "geoms", [g])]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)
