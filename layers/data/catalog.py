"""The geodata catalog: `geodata/*.geojson` loaded into `Layer` objects, and place search.

Files are read once, at the edge (`load_catalog`); everything after that works on the loaded
objects. `catalog_from_documents` is the one way documents become a Catalog: `load_catalog` feeds
it the files, the geodata build the documents it is about to write, so both meet the same checks.
A file that cannot be read at all raises `CatalogError` naming the file and what is wrong;
content that reads but breaks a rule (a bad date, an unknown source id) loads anyway and is reported
by `layers.data.validate`, so one `python -m layers check` lists every problem at once.

A `Layer` here is data only: its features, the style `layers.json` gives it and its legend
entries. Drawing it is `layers.map`'s business, so loading the catalog never imports folium.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

import layers
from layers.data.schema import REQUIRED, attributed_name, category_label
from layers.data.search import Searchable, SearchIndex, SearchTerm

LAYERS_FILE = "layers.json"
SOURCES_FILE = "sources.json"
TERMS_FILE = "search_terms.json"
"""Search terms that find several features (`layers.data.search`); optional: none if absent."""
USER_GROUP = "My layers"
"""The group of the briefer's own layers (`layers.workspace`), and the marker every page and
handout reads to say "added by you" (`is_user_layer`): the feature schema admits no extra
property for it, and a shipped layer never has this group."""
CRS = "EPSG:4326"
NAME_SEPARATOR = " / "
"""Places with two names carry both in `name`, joined by this: `Stepanakert / Khankendi`."""

_LAYER_KEYS: dict[str, type] = {
    "id": str,
    "file": str,
    "title": str,
    "group": str,
    "visible": bool,
    "legend": str,
    "style": dict,
}


class CatalogError(Exception):
    """A geodata file that cannot be loaded: which file, and what is wrong with it."""

    def __init__(self, file: str, what: str) -> None:
        super().__init__(f"{file}: {what}")
        self.file = file
        self.what = what


Bounds = tuple[float, float, float, float]
"""(minx, miny, maxx, maxy) in longitude/latitude degrees."""


@dataclass(frozen=True)
class Style:
    """Leaflet path options for a layer or one of its categories, as `geodata/layers.json` says."""

    color: str
    weight: float = 2.0
    fill: str | None = None
    fill_opacity: float = 0.2
    radius: float = 6.0

    @classmethod
    def from_json(cls, raw: dict, base: Style | None = None) -> Style:
        """Read a style dict; keys missing from `raw` fall back to `base` (the layer's style)."""
        start = base or cls(color=raw.get("color", "#333333"))
        return cls(
            color=raw.get("color", start.color),
            weight=float(raw.get("weight", start.weight)),
            fill=raw.get("fill", start.fill),
            fill_opacity=float(raw.get("fillOpacity", start.fill_opacity)),
            radius=float(raw.get("radius", start.radius)),
        )


@dataclass(frozen=True)
class LegendEntry:
    """A label, the style its swatch is drawn with, and the kind of swatch."""

    label: str
    style: Style
    kind: str  # "point" | "line" | "area"


@dataclass(frozen=True)
class Layer:
    """One GeoJSON file of `geodata/` with the style and legend entry `layers.json` gives it."""

    id: str
    title: str
    group: str
    visible: bool
    style: Style
    legend: str
    features: gpd.GeoDataFrame = field(repr=False, compare=False)
    category_styles: dict[str, Style] = field(default_factory=dict, compare=False)
    category_legends: dict[str, str] = field(default_factory=dict, compare=False)
    """A category's own legend text (`"legend"` in its layers.json style), where it has one."""

    def style_for(self, category: str) -> Style:
        """The style a feature of this category is drawn with."""
        return self.category_styles.get(category, self.style)

    def legend_entries(self) -> list[LegendEntry]:
        """One entry for the layer's own style if any feature is drawn with it, plus one per
        category that has a style of its own and features to show, in the category's words."""
        return list(self._legend_entries)

    @cached_property
    def _legend_entries(self) -> tuple[LegendEntry, ...]:
        """Worked out once per loaded layer: it filters the GeoDataFrame per category (about
        50 ms a layer), and the Map page asks on every rerun."""
        categories = self.features["category"]
        entries = []
        if (~categories.isin(list(self.category_styles))).any() or not len(categories):
            entries.append(LegendEntry(self.legend, self.style, self._geometry_kind(None)))
        for category, style in self.category_styles.items():
            if (categories == category).any():
                label = self.category_legends.get(category) or category_label(category).capitalize()
                entries.append(LegendEntry(label, style, self._geometry_kind(category)))
        return tuple(entries)

    def _geometry_kind(self, category: str | None) -> str:
        """'point', 'line' or 'area': how the legend swatch for these features is drawn."""
        rows = self.features if category is None else self.features[
            self.features["category"] == category]
        kinds = {geometry_kind(geom) for geom in rows.geometry}
        for kind in ("area", "line", "point"):
            if kind in kinds:
                return kind
        return "area"


def is_user_layer(layer: Layer) -> bool:
    """Whether a layer is the briefer's own, which every view marks "added by you"."""
    return layer.group == USER_GROUP


def shown_name(props: Mapping[str, object], layer: Layer) -> str:
    """A feature's name wherever it appears without its card (a list, a legend, a handout, a
    search result): whose claim it is (`attributed_name`), and "added by you" for the briefer's
    own, so an audience can tell the shipped data from theirs."""
    name = attributed_name(dict(props))
    return f"{name} (added by you)" if is_user_layer(layer) else name


def geometry_kind(geometry: BaseGeometry) -> str:
    """'point', 'line' or 'area': what a geometry is drawn as, on screen and on paper."""
    if geometry.geom_type in ("Point", "MultiPoint"):
        return "point"
    if geometry.geom_type in ("LineString", "MultiLineString"):
        return "line"
    return "area"


def bounds_around(geometries: Iterable[BaseGeometry]) -> Bounds:
    """The (minx, miny, maxx, maxy) box around some geometries: how maps and scenes are framed
    from the data itself, so no coordinate is typed into the code."""
    boxes = [geometry.bounds for geometry in geometries]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


class Feature(NamedTuple):
    """One GeoJSON feature as loaded: unpacks as `layer, properties, geometry`."""

    layer: Layer
    properties: dict
    geometry: BaseGeometry | None


@dataclass(frozen=True)
class Catalog:
    """Every layer of `geodata/` in registry order, with the provenance registry."""

    layers: tuple[Layer, ...]
    sources: dict[str, dict]
    """sources.json entries by id."""
    files: dict[str, Path]
    """Each layer's GeoJSON path by layer id."""
    features: tuple[Feature, ...]
    """Every feature, layer by layer in registry order, in file order within a layer."""
    search_terms: tuple[SearchTerm, ...] = ()
    """search_terms.json's entries, in file order (ids not checked here: validate does)."""
    _layers_by_id: dict[str, Layer] = field(init=False, repr=False)
    _features_by_id: dict[str, Feature] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_id: dict[str, Feature] = {}
        for feature in self.features:
            ident = feature.properties.get("id")
            if isinstance(ident, str):
                by_id.setdefault(ident, feature)  # duplicates are validate_catalog's to report
        object.__setattr__(self, "_layers_by_id", {layer.id: layer for layer in self.layers})
        object.__setattr__(self, "_features_by_id", by_id)

    def layer(self, layer_id: str) -> Layer:
        """The layer with this id; KeyError if there is none."""
        return self._layers_by_id[layer_id]

    def feature(self, feature_id: str) -> Feature:
        """The feature with this id as `(layer, properties, geometry)`; KeyError if none."""
        return self._features_by_id[feature_id]

    def search(self, query: str) -> list[str]:
        """Feature ids whose name, alias or search term matches `query`, best match first.

        Forgives case, accents, punctuation and typos: "naxcivan", "Nakhicevan" and "nakhchivn"
        all find Nakhchivan, "khankendy" finds Stepanakert / Khankendi, "Karabakh" the former
        NKAO, the peacekeeping area, Stepanakert and the Lachin corridor (a search term of
        `search_terms.json`), and "qwxz" nothing. The ranking is `layers.data.search`'s.
        """
        return self.search_index.rank(query)

    @cached_property
    def search_index(self) -> SearchIndex:
        """The index `search` ranks with, built once; the static edition hands its texts to the
        reader's browser (`SearchIndex.as_json`), so both rank alike."""
        return SearchIndex((searchable(props) for _, props, _ in self.features
                            if isinstance(props.get("id"), str)), self.search_terms)


def name_parts(name: str) -> list[str]:
    """The names a place goes by: `Stepanakert / Khankendi` → [Stepanakert, Khankendi]."""
    return [part.strip() for part in name.split(NAME_SEPARATOR) if part.strip()]


def searchable(props: dict) -> Searchable:
    """A feature as search sees it: its name, the parts of a two-name place, its aliases."""
    name = props.get("name")
    names = [name, *name_parts(name)] if isinstance(name, str) else []
    aliases = props.get("aliases")
    aliases = [a for a in aliases if isinstance(a, str)] if isinstance(aliases, list) else []
    return Searchable(props["id"], tuple(dict.fromkeys(names)), tuple(aliases))


def load_catalog(geodata_dir: Path = layers.GEODATA_DIR) -> Catalog:
    """Read layers.json, sources.json and every layer's GeoJSON under `geodata_dir`."""
    geodata_dir = Path(geodata_dir)
    terms = geodata_dir / TERMS_FILE
    return catalog_from_documents(
        _read_json(geodata_dir / LAYERS_FILE),
        _read_json(geodata_dir / SOURCES_FILE),
        lambda file: _read_json(geodata_dir / file),
        geodata_dir,
        _read_json(terms) if terms.exists() else None,
    )


def catalog_from_documents(
    layers_document: object,
    sources_document: object,
    collection: Callable[[str], object],
    geodata_dir: Path,
    terms_document: object | None = None,
) -> Catalog:
    """A Catalog from what layers.json and sources.json hold and each layer's FeatureCollection,
    with the search terms of search_terms.json (`terms_document`; None: no terms).

    The one path from documents to a Catalog: `load_catalog` passes what it reads from the files,
    the geodata build what it is about to write (so it can run `validate_catalog` first).
    `collection(file)` gives the parsed FeatureCollection a layer entry's `file` names; it is
    called only after both documents passed their checks, in registry order. Raises
    CatalogError for anything that cannot become a Catalog.
    """
    entries = _registry_entries(layers_document)
    sources = _sources(sources_document)
    terms = () if terms_document is None else search_terms(terms_document)
    loaded: list[Layer] = []
    features: list[Feature] = []
    files: dict[str, Path] = {}
    for entry in entries:
        file = entry["file"]
        raw_features = _geojson_features(file, collection(file))
        props = [feature["properties"] for feature in raw_features]
        geometries = [_geometry(file, i, feature) for i, feature in enumerate(raw_features)]
        style = Style.from_json(entry["style"])
        layer = Layer(
            id=entry["id"],
            title=entry["title"],
            group=entry["group"],
            visible=entry["visible"],
            style=style,
            legend=entry["legend"],
            features=_frame(props, geometries),
            category_styles={
                category: Style.from_json(raw, base=style)
                for category, raw in entry.get("categories", {}).items()
            },
            category_legends={
                category: raw["legend"] for category, raw in entry.get("categories", {}).items()
                if isinstance(raw.get("legend"), str)
            },
        )
        loaded.append(layer)
        files[layer.id] = Path(geodata_dir) / file
        features.extend(Feature(layer, p, g) for p, g in zip(props, geometries, strict=True))
    return Catalog(layers=tuple(loaded), sources=sources, files=files, features=tuple(features),
                   search_terms=terms)


def _frame(props: list[dict], geometries: list[BaseGeometry | None]) -> gpd.GeoDataFrame:
    """The layer's GeoDataFrame; every required column exists even in an empty layer, so code
    that filters on `category` or reads `name` never meets a missing column."""
    frame = gpd.GeoDataFrame(props, geometry=geometries, crs=CRS)
    for key in REQUIRED:
        if key not in frame.columns:
            frame[key] = pd.Series(index=frame.index, dtype=object)
    return frame


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(path.name, "file does not exist") from None
    except UnicodeDecodeError as error:
        raise CatalogError(path.name, f"is not UTF-8 text ({error.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            path.name, f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def _registry_entries(registry: object) -> list[dict]:
    """The layers.json entries, each checked for the keys and types a Layer needs."""
    if not isinstance(registry, dict) or not isinstance(registry.get("layers"), list):
        raise CatalogError(LAYERS_FILE, 'must be an object {"layers": [...]}')
    seen: set[str] = set()
    for i, entry in enumerate(registry["layers"]):
        where = f"layer {i + 1}"
        if not isinstance(entry, dict):
            raise CatalogError(LAYERS_FILE, f"{where} is not an object")
        if isinstance(entry.get("id"), str):
            where = f"layer {i + 1} ({entry['id']!r})"
        for key, kind in _LAYER_KEYS.items():
            if not isinstance(entry.get(key), kind):
                raise CatalogError(LAYERS_FILE, f"{where} needs {key!r} ({kind.__name__})")
        if not isinstance(entry["style"].get("color"), str):
            raise CatalogError(LAYERS_FILE, f"{where} needs a style color")
        categories = entry.get("categories", {})
        if not isinstance(categories, dict) or not all(
            isinstance(raw, dict) for raw in categories.values()
        ):
            raise CatalogError(LAYERS_FILE, f"{where} 'categories' must map category to a style")
        if entry["id"] in seen:
            raise CatalogError(LAYERS_FILE, f"{where} repeats an id")
        seen.add(entry["id"])
    return registry["layers"]


def _sources(registry: object) -> dict[str, dict]:
    if not isinstance(registry, dict) or not isinstance(registry.get("sources"), list):
        raise CatalogError(SOURCES_FILE, 'must be an object {"sources": [...]}')
    sources: dict[str, dict] = {}
    for i, entry in enumerate(registry["sources"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise CatalogError(SOURCES_FILE, f"source {i + 1} has no string 'id'")
        if not isinstance(entry.get("name"), str):
            raise CatalogError(SOURCES_FILE, f"source {entry['id']!r} has no string 'name'")
        if entry["id"] in sources:
            raise CatalogError(SOURCES_FILE, f"source id {entry['id']!r} appears twice")
        sources[entry["id"]] = entry
    return sources


def search_terms(document: object) -> tuple[SearchTerm, ...]:
    """search_terms.json's `terms` as SearchTerm entries; CatalogError if the shape is wrong
    (whether the ids exist and the words are free is `validate_catalog`'s to say)."""
    entries = document.get("terms") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise CatalogError(TERMS_FILE, 'must be an object {"terms": [...]}')
    loaded = []
    for i, entry in enumerate(entries):
        where = f"terms[{i}]"
        if not isinstance(entry, dict):
            raise CatalogError(TERMS_FILE, f"{where} is not an object")
        for key in ("words", "finds", "paragraphs", "sources"):
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise CatalogError(TERMS_FILE, f"{where}.{key} must be a list of strings")
        if not entry.get("words") or not entry.get("finds"):
            raise CatalogError(TERMS_FILE, f"{where} needs 'words' and 'finds' (non-empty)")
        if not isinstance(entry.get("why"), str) or not entry["why"].strip():
            raise CatalogError(TERMS_FILE, f"{where} needs 'why': who uses the words for what")
        loaded.append(SearchTerm(tuple(entry["words"]), tuple(entry["finds"]), entry["why"],
                                 tuple(entry.get("paragraphs", [])),
                                 tuple(entry.get("sources", []))))
    return tuple(loaded)


def _geojson_features(file: str, collection: object) -> list[dict]:
    """The features of a FeatureCollection, each with an object for properties."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise CatalogError(file, "is not a GeoJSON FeatureCollection")
    features = collection.get("features")
    if not isinstance(features, list):
        raise CatalogError(file, "has no 'features' list")
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise CatalogError(file, f"feature {i + 1} is not a GeoJSON Feature")
        if not isinstance(feature.get("properties"), dict):
            raise CatalogError(file, f"feature {i + 1} has no properties object")
    return features


def _geometry(file: str, index: int, feature: dict) -> BaseGeometry | None:
    """The feature's geometry as shapely reads it; None for a null geometry (reported later)."""
    raw = feature.get("geometry")
    if raw is None:
        return None
    try:
        return shape(raw)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as error:
        ident = feature["properties"].get("id", f"feature {index + 1}")
        raise CatalogError(file, f"{ident}: geometry cannot be read ({error})") from None
