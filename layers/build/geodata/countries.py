"""Country outlines from Natural Earth arcs, simplified only outside the detail zone.

Each arc is simplified once and stitched (`layers.build.topojson.stitch`) into every country that
uses it, so neighbours share one border. Imports only `layers.build` modules.
"""

from __future__ import annotations

from collections.abc import Mapping

import shapely
from shapely.geometry import MultiPolygon

from layers.build.geodata.datasets import Admin0
from layers.build.geodata.geometry import Bounds, polygon_from_rings, simplify_arc
from layers.build.topojson import stitch

DETAIL_COUNTRIES = ("ARM", "AZE", "GEO")
"""The South Caucasus: the detail zone is their bounding box plus a margin."""

DETAIL_MARGIN_DEG = 0.5
"""How far beyond the three countries vertices are still never simplified (about 50 km)."""


def detail_zone(admin0: Admin0) -> Bounds:
    """Bounding box of Armenia, Azerbaijan and Georgia (Natural Earth), widened by the margin."""
    xs, ys = [], []
    for iso in DETAIL_COUNTRIES:
        for arc_id in admin0.arc_ids(iso):
            xs.extend(p[0] for p in admin0.arcs[arc_id])
            ys.extend(p[1] for p in admin0.arcs[arc_id])
    m = DETAIL_MARGIN_DEG
    return (min(xs) - m, min(ys) - m, max(xs) + m, max(ys) + m)


def country(
    admin0: Admin0,
    iso_a3: str,
    arc_tolerance: Mapping[int, float] | None = None,
    zone: Bounds | None = None,
) -> shapely.Geometry:
    """One country's (multi)polygon; arcs listed in `arc_tolerance` are simplified by that much.

    A polygon part whose exterior collapses under simplification (a tiny far-away island) is
    dropped; parts inside the detail zone are never simplified and so never dropped.
    """
    if iso_a3 not in admin0.polygons:
        raise KeyError(f"no Natural Earth admin-0 country with ISO A3 code {iso_a3!r}")
    tolerances = arc_tolerance or {}
    arcs = {
        i: simplify_arc(admin0.arcs[i], tolerances.get(i, 0.0), zone)
        for i in admin0.arc_ids(iso_a3)
    }
    parts = []
    for rings in admin0.polygons[iso_a3]:
        polygon = polygon_from_rings([stitch(refs, arcs) for refs in rings])
        if polygon is not None:
            parts.extend(getattr(polygon, "geoms", [polygon]))  # a ring cut at ±180° is two
    return (
        shapely.make_valid(MultiPolygon(parts)) if len(parts) > 1 else shapely.make_valid(parts[0])
    )
