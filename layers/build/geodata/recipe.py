"""Recipes -> features: validate each recipe feature and resolve its geometry recipe.

A recipe never holds coordinates; it names dataset rows (GeoNames places, Natural Earth codes) or
an op from `ops.py`. Every error names the recipe file and the feature id, because the person
fixing it edits that file.
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
from layers.build.geodata.geometry import GRID, Bounds, drop_islets, finish
from layers.build.geodata.ops import OPS
from layers.data.article import Article
from layers.data.schema import OPTIONAL, article_source_number, validate_properties

LINE_KINDS = ("line", "multiline")
GEOMETRY_KINDS = ("geonames", "admin0", "admin1", "op", *LINE_KINDS)


class BuildError(Exception):
    """A recipe problem, located as `<recipe file>: feature <id>: <what>`."""


@dataclass(frozen=True)
class Recipe:
    """One recipe file: the layer id and its raw features."""

    path: Path
    layer: str
    features: list[dict]


def read_recipe(path: Path) -> Recipe:
    """Parse a recipe file and check its outer shape."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise BuildError(f"{path.name}: not valid JSON: {error}") from error
    if raw.get("layer") != path.stem or not isinstance(raw.get("features"), list):
        raise BuildError(f'{path.name}: needs {{"layer": "{path.stem}", "features": [...]}}')
    return Recipe(path=path, layer=raw["layer"], features=raw["features"])


def feature_id(feature: dict) -> str:
    """The feature's id, or a placeholder naming its position when the id itself is missing."""
    ident = feature.get("properties", {}).get("id")
    return ident if isinstance(ident, str) else "<no id>"


def check_properties(
    recipe: Recipe, feature: dict, article: Article, source_ids: set[str]
) -> list[str]:
    """Every property problem of one recipe feature, as messages (empty = fine).

    Schema rules come from `layers.data.schema` (the same rules `python -m layers check` applies);
    the build adds what it alone knows: source ids, article phrases, and that a line through
    GeoNames nodes is schematic.
    """
    props = feature.get("properties")
    if not isinstance(props, dict):
        return ["has no properties object"]
    for key in [k for k in OPTIONAL if k in props and props[k] is None]:
        del props[key]  # a recipe may spell "does not apply" as null; the output omits the key
    problems = [
        f"{p.field}: {p.message}" if p.field else p.message
        for p in validate_properties(props, recipe.layer)
    ]
    for source in props.get("sources", []):
        number = article_source_number(source) if isinstance(source, str) else None
        if source not in source_ids and number is None:
            problems.append(f"sources: {source!r} is not in sources.json nor 'article [n]'")
        if number is not None and not 1 <= number <= len(article.references):
            problems.append(f"sources: {source!r} names no reference of the article")
    for number in props.get("citations", []):
        if isinstance(number, int) and not 1 <= number <= len(article.references):
            problems.append(f"citations: {number} is not a reference number of the article")
    for link in props.get("article", []):
        if not isinstance(link, dict):
            continue
        try:
            text = article.paragraph(str(link.get("paragraph"))).text
        except KeyError:
            problems.append(f"article: no paragraph {link.get('paragraph')!r}")
            continue
        if str(link.get("phrase")) not in text:
            problems.append(f"article: {link.get('phrase')!r} is not in {link['paragraph']}")
    geometry = feature.get("geometry", {})
    kind = next((k for k in GEOMETRY_KINDS if k in geometry), None)
    if kind in LINE_KINDS and props.get("precision") != "schematic":
        problems.append("precision: a line through GeoNames nodes must be 'schematic'")
    return problems


class Resolver:
    """Turns geometry recipes into shapely geometry against the loaded datasets."""

    def __init__(self, data: Datasets, full_detail: bool = False) -> None:
        self.data = data
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
            geometry = feature.get("geometry", {})
            for iso in geometry.get("admin0", []):
                if iso not in self.data.admin0.polygons:
                    continue  # reported with the feature id by `resolve`
                tolerance = 0.0 if self.full_detail else float(geometry.get("simplify", 0.0))
                for arc_id in self.data.admin0.arc_ids(iso):
                    tolerances[arc_id] = min(tolerances.get(arc_id, tolerance), tolerance)
        return tolerances

    def node(self, spec: dict) -> tuple[float, float]:
        """A GeoNames position for `{"name": ..., "cc": ..., "admin1"?: ...}`."""
        place = self.data.gazetteer.lookup(spec["name"], spec["cc"], spec.get("admin1"))
        return (place.lon, place.lat)

    def resolve(self, geometry: dict, arc_tolerance: dict[int, float]) -> shapely.Geometry:
        """Shapely geometry for one geometry recipe (raises KeyError/ValueError on bad names)."""
        kinds = [k for k in GEOMETRY_KINDS if k in geometry]
        if len(kinds) != 1:
            raise ValueError(f"geometry needs exactly one of {', '.join(GEOMETRY_KINDS)}")
        kind = kinds[0]
        if kind == "geonames":
            return Point(self.node(geometry["geonames"]))
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
        return self.simplified(OPS[geometry["op"]](self.data), geometry)

    def simplified(self, geometry: shapely.Geometry, recipe: dict) -> shapely.Geometry:
        """Apply a recipe's own `simplify` (topology-preserving) to non-arc geometry."""
        tolerance = 0.0 if self.full_detail else float(recipe.get("simplify", 0.0))
        return geometry.simplify(tolerance, preserve_topology=True) if tolerance > 0 else geometry


def build_layer(
    recipe: Recipe, resolver: Resolver, article: Article, source_ids: set[str]
) -> list[dict]:
    """Validated GeoJSON features for one recipe, in recipe order.

    Every feature is checked before failing, so one run lists all of a recipe's problems.
    """
    tolerances = resolver.arc_tolerances(recipe.features)
    features, errors = [], []
    for feature in recipe.features:
        where = f"{recipe.path.name}: feature {feature_id(feature)}"
        problems = check_properties(recipe, feature, article, source_ids)
        try:
            resolved = resolver.resolve(feature.get("geometry", {}), tolerances)
            geometry = finish(resolved, resolver.grid)
            if geometry.is_empty or not geometry.is_valid:
                problems.append("geometry is empty or invalid after rounding")
        except (KeyError, ValueError, TypeError) as error:
            problems.append(error.args[0] if error.args else repr(error))
        if problems:
            errors.append(f"{where}: " + "; ".join(problems))
        else:
            features.append(
                {"type": "Feature", "properties": feature["properties"], "geometry": geometry}
            )
    if errors:
        raise BuildError("\n".join(errors))
    return features
