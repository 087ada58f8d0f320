"""Recipes -> features: read a recipe file, check what only the build can, resolve geometry.

A recipe never holds coordinates; it names dataset rows (GeoNames places, Natural Earth codes), a
page registered in the sources whose published coordinate it takes (`published`), or an op from
`ops.py`. Every error names the recipe file and the feature id, because the person
fixing it edits that file. The properties are validated afterwards, with every other layer, by
`layers.data.validate` (see `build.py`). Imports `layers.data.schema` and `layers.build` modules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiLineString, Point
from shapely.ops import unary_union

from layers.build.geodata.countries import country, detail_zone
from layers.build.geodata.datasets import Datasets
from layers.build.geodata.geometry import GRID, Bounds, distance_km, drop_islets, finish
from layers.build.geodata.ops import OPS
from layers.data.schema import OPTIONAL

LINE_KINDS = ("line", "multiline")
GEOMETRY_KINDS = ("geonames", "published", "admin0", "admin1", "op", *LINE_KINDS)
GEONAMES_SOURCE = "geonames-cities1000"
BUILT_PROPERTIES = ("gazetteer",)
"""Properties the build writes itself; a recipe that sets one is told so."""


class BuildError(Exception):
    """A recipe problem, located as `<recipe file>: feature <id>: <what>`."""


@dataclass(frozen=True)
class Recipe:
    """One recipe file: the layer id and its raw features."""

    path: Path
    layer: str
    features: list[dict]


def read_json(path: Path) -> object:
    """An authored build input (recipe, registry) parsed; BuildError naming it if it is not JSON."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BuildError(f"{path.name}: not valid JSON: {error}") from error


def read_recipe(path: Path) -> Recipe:
    """Parse a recipe file and check its outer shape."""
    raw = read_json(path)
    if (
        not isinstance(raw, dict)
        or raw.get("layer") != path.stem
        or not isinstance(raw.get("features"), list)
    ):
        raise BuildError(f'{path.name}: needs {{"layer": "{path.stem}", "features": [...]}}')
    return Recipe(path=path, layer=raw["layer"], features=raw["features"])


def feature_id(feature: object) -> str:
    """The feature's id for messages, or `<no id>` when the recipe gives none."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    ident = props.get("id") if isinstance(props, dict) else None
    return ident if isinstance(ident, str) else "<no id>"


def build_checks(props: dict, geometry: object) -> list[str]:
    """What only the build can find wrong with one recipe feature, as messages (empty = fine).

    The properties themselves (schema, sources, citations, article links, ids and aliases across
    layers) are checked by `layers.data.validate.validate_catalog` on the features about to be
    written, the very function `python -m layers check` runs. Here: an optional key written
    `null` ("does not apply") is dropped, so the output omits it, and a line through GeoNames
    nodes must be `schematic`, which only the recipe can tell.
    """
    for key in [k for k in OPTIONAL if k in props and props[k] is None]:
        del props[key]
    problems = [f"{key}: is written by the build, not the recipe"
                for key in BUILT_PROPERTIES if key in props]
    kinds = [k for k in LINE_KINDS if isinstance(geometry, dict) and k in geometry]
    if kinds and props.get("precision") != "schematic":
        problems.append("precision: a line through GeoNames nodes must be 'schematic'")
    return problems


class Resolver:
    """Turns geometry recipes into shapely geometry against the loaded datasets and the pages
    registered in the sources (for places the datasets lack)."""

    def __init__(self, data: Datasets, full_detail: bool = False,
                 sources: dict[str, dict] | None = None) -> None:
        self.data = data
        self.sources = sources or {}
        self.zone: Bounds = detail_zone(data.admin0)
        self.full_detail = full_detail
        """Ignore every recipe's `simplify` and do not snap to the grid: the dataset geometry
        as is, which the payload benchmark measures the shipped (simplified) files against."""
        self.grid = 0.0 if full_detail else GRID

    def arc_tolerances(self, features: list[dict]) -> dict[int, float]:
        """Per arc, the smallest `simplify` any admin0 recipe in the layer asks for.

        Arcs are shared by neighbours; one tolerance per arc keeps their border identical. An
        admin0 recipe without `simplify` pins its arcs at zero (full detail).
        """
        tolerances: dict[int, float] = {}
        for feature in features:
            geometry = feature.get("geometry")
            for iso in geometry.get("admin0", []) if isinstance(geometry, dict) else []:
                if iso not in self.data.admin0.polygons:
                    continue  # reported with the feature id by `resolve`
                tolerance = 0.0 if self.full_detail else float(geometry.get("simplify", 0.0))
                for arc_id in self.data.admin0.arc_ids(iso):
                    tolerances[arc_id] = min(tolerances.get(arc_id, tolerance), tolerance)
        return tolerances

    def node(self, spec: dict) -> tuple[float, float]:
        """A line node: a GeoNames position for `{"name": ..., "cc": ..., "admin1"?: ...}`, or a
        published coordinate for `{"published": "<page source id>"}`."""
        if "published" in spec:
            return self.published(spec["published"])
        place = self.data.gazetteer.lookup(spec["name"], spec["cc"], spec.get("admin1"))
        return (place.lon, place.lat)

    def published(self, source_id: str) -> tuple[float, float]:
        """(lon, lat) a registered page published for a place the datasets lack."""
        source = self.sources.get(source_id)
        if source is None or not isinstance(source.get("coordinates"), dict):
            raise KeyError(f"{source_id!r} is not a source with published coordinates")
        return (float(source["coordinates"]["lon"]), float(source["coordinates"]["lat"]))

    def gazetteer(self, geometry: dict, point: Point) -> dict:
        """Which gazetteer entry placed a point, and how far the drawn point lies from it.

        A GeoNames point is its own row (0 km). A published coordinate is its page's place,
        unless the recipe names a GeoNames row to measure against (`"gazetteer": {"name",
        "cc"}`): then the distance says how far the dataset's point is from where we draw.
        """
        if "geonames" in geometry:
            spec = geometry["geonames"]
            entry, source, position = spec["name"], GEONAMES_SOURCE, self.node(spec)
        elif isinstance(geometry.get("gazetteer"), dict):
            spec = geometry["gazetteer"]
            entry, source, position = spec["name"], GEONAMES_SOURCE, self.node(spec)
        else:
            page = self.sources[geometry["published"]]
            entry, source = str(page.get("place", page["name"])), geometry["published"]
            position = self.published(geometry["published"])
        return {"name": entry, "source": source,
                "distance_km": round(distance_km((point.x, point.y), position), 2)}

    def resolve(self, geometry: dict, arc_tolerance: dict[int, float]) -> shapely.Geometry:
        """Shapely geometry for one geometry recipe (raises KeyError/ValueError on bad names)."""
        kinds = [k for k in GEOMETRY_KINDS if k in geometry]
        if len(kinds) != 1:
            raise ValueError(f"geometry needs exactly one of {', '.join(GEOMETRY_KINDS)}")
        kind = kinds[0]
        if kind == "geonames":
            return Point(self.node(geometry["geonames"]))
        if kind == "published":
            return Point(self.published(geometry["published"]))
        if kind == "line":
            return LineString([self.node(n) for n in geometry["line"]])
        if kind == "multiline":
            return MultiLineString([[self.node(n) for n in line] for line in geometry["multiline"]])
        if kind == "admin0":
            parts = [
                country(self.data.admin0, iso, arc_tolerance, self.zone)
                for iso in geometry["admin0"]
            ]
            tolerance = 0.0 if self.full_detail else float(geometry.get("simplify", 0.0))
            return drop_islets(unary_union(parts), tolerance, self.zone)
        if kind == "admin1":
            found = []
            for key in geometry["admin1"]:
                matches = self.data.admin1.select(key)
                if not matches:
                    raise KeyError(f"no Natural Earth admin-1 feature with code {key!r}")
                found.extend(g for _, g in matches)
            return self.simplified(unary_union(found), geometry)
        if geometry["op"] not in OPS:
            raise KeyError(f"unknown op {geometry['op']!r}; known: {', '.join(OPS)}")
        params = {key: self._param(value) for key, value in geometry.items()
                  if key not in ("op", "simplify")}
        return self.simplified(OPS[geometry["op"]](self.data, **params), geometry)

    def _param(self, value: object) -> object:
        """An op's parameter, with a place (`{"name", "cc"}` or `{"published"}`) as a Point."""
        if isinstance(value, dict) and ("published" in value or {"name", "cc"} <= set(value)):
            return Point(self.node(value))
        return value

    def simplified(self, geometry: shapely.Geometry, recipe: dict) -> shapely.Geometry:
        """Apply a recipe's own `simplify` (topology-preserving) to non-arc geometry."""
        tolerance = 0.0 if self.full_detail else float(recipe.get("simplify", 0.0))
        return geometry.simplify(tolerance, preserve_topology=True) if tolerance > 0 else geometry


def build_layer(recipe: Recipe, resolver: Resolver) -> tuple[list[dict], list[str]]:
    """The features of one recipe that resolved, in recipe order, and every build problem.

    Each problem reads `<recipe file>: feature <id>: <what>`; every feature is tried, so one run
    lists all of a recipe's problems. A feature with a problem is left out of the features.
    """
    def usable(feature: object) -> bool:
        return isinstance(feature, dict) and isinstance(feature.get("properties"), dict)

    tolerances = resolver.arc_tolerances([f for f in recipe.features if usable(f)])
    features, errors = [], []
    for feature in recipe.features:
        where = f"{recipe.path.name}: feature {feature_id(feature)}"
        if not usable(feature):
            errors.append(f"{where}: needs to be an object with a properties object")
            continue
        problems = build_checks(feature["properties"], feature.get("geometry"))
        try:
            resolved = resolver.resolve(feature.get("geometry", {}), tolerances)
            geometry = finish(resolved, resolver.grid)
            if geometry.is_empty or not geometry.is_valid:
                problems.append("geometry is empty or invalid after rounding")
            elif geometry.geom_type == "Point":
                feature["properties"]["gazetteer"] = resolver.gazetteer(
                    feature["geometry"], geometry)
        except (KeyError, ValueError, TypeError) as error:
            problems.append(error.args[0] if error.args else repr(error))
        if problems:
            errors.append(f"{where}: " + "; ".join(problems))
        else:
            features.append(
                {"type": "Feature", "properties": feature["properties"], "geometry": geometry}
            )
    return features, errors
