"""Every feature as one table: filtering it, and exporting it as GeoJSON or CSV.

The table flattens list properties into "; "-joined text so it reads the same on screen and in a
spreadsheet; the GeoJSON export keeps every property exactly as the catalog holds it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd
import shapely
from shapely.geometry import mapping

from layers.data.catalog import Catalog, Feature, is_user_layer
from layers.data.events import valid_on
from layers.data.mentions import MentionIndex

COLUMNS = (
    "id", "name", "aliases", "layer", "category", "precision", "date", "valid_from", "valid_to",
    "reported_by", "citations", "sources", "mentions", "added_by_you",
)
WKT_COLUMN = "geometry_wkt"
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Filters:
    """What the Data page narrows the table by; an empty choice means no narrowing."""

    query: str = ""
    layers: Collection[str] = ()  # layer ids
    categories: Collection[str] = ()
    precisions: Collection[str] = ()
    as_of: datetime.date | None = None
    """Only the features that stood on this day (`layers.data.events.valid_on`)."""


def filter_features(catalog: Catalog, filters: Filters) -> list[Feature]:
    """The features passing every filter, in catalog order.

    The text filter is the Map page's place search (`Catalog.search`): the same accent- and
    case-insensitive matching on names and aliases, so "naxcivan" finds the same place on both.
    """
    matches = set(catalog.search(filters.query)) if filters.query.strip() else None
    kept = []
    for feature in catalog.features:
        props = feature.properties
        if matches is not None and props.get("id") not in matches:
            continue
        if filters.layers and feature.layer.id not in filters.layers:
            continue
        if filters.categories and props.get("category") not in filters.categories:
            continue
        if filters.precisions and props.get("precision") not in filters.precisions:
            continue
        if filters.as_of is not None and not valid_on(props, filters.as_of):
            continue
        kept.append(feature)
    return kept


def features_frame(features: list[Feature], index: MentionIndex) -> pd.DataFrame:
    """One row per feature; `mentions` counts the article sentences that refer to it."""
    counts: dict[str, int] = {}
    for mention in index.mentions:
        counts[mention.feature_id] = counts.get(mention.feature_id, 0) + 1
    rows = []
    for layer, props, _ in features:
        rows.append(
            {
                "id": props.get("id"),
                "name": props.get("name"),
                "aliases": _joined(props.get("aliases")),
                "layer": layer.title,
                "category": props.get("category"),
                "precision": props.get("precision"),
                "date": props.get("date"),
                "valid_from": props.get("valid_from"),
                "valid_to": props.get("valid_to"),
                "reported_by": props.get("reported_by"),
                "citations": _joined(props.get("citations")),
                "sources": _joined(props.get("sources")),
                "mentions": counts.get(props.get("id"), 0),
                "added_by_you": is_user_layer(layer),
            }
        )
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _joined(values: object) -> str:
    return LIST_SEPARATOR.join(str(value) for value in values) if isinstance(values, list) else ""


def geojson_bytes(features: list[Feature]) -> bytes:
    """An RFC 7946 FeatureCollection of these features, UTF-8.

    Every property as loaded, plus `layer` (the layer id) so a merged export still says where each
    feature belongs. RFC 7946 wants WGS84 (no `crs` member) and polygon rings right-handed
    (exterior counter-clockwise), which `orient_polygons` guarantees whatever the input did.
    """
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {**props, "layer": layer.id},
                "geometry": None if geometry is None else mapping(
                    shapely.orient_polygons(geometry)),
            }
            for layer, props, geometry in features
        ],
    }
    return json.dumps(collection, ensure_ascii=False).encode("utf-8")


def csv_bytes(features: list[Feature], index: MentionIndex) -> bytes:
    """The table as UTF-8 CSV with the geometry as WKT in a last column (full precision), safe
    to open in a spreadsheet (`spreadsheet_csv`)."""
    frame = features_frame(features, index)
    frame[WKT_COLUMN] = [None if geometry is None else geometry.wkt
                         for _, _, geometry in features]
    return spreadsheet_csv(frame)


def spreadsheet_csv(frame: pd.DataFrame) -> bytes:
    """`frame` as UTF-8 CSV for a spreadsheet: formulas quoted (`spreadsheet_safe`) and rows
    ended by CRLF, as RFC 4180 has them, which also makes the writer quote any cell holding a
    carriage return (with "\\n" alone it left a bare CR, a row break to many readers)."""
    return spreadsheet_safe(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list)."""


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells that start like a formula (an alias
    `=HYPERLINK(…)`, a name `@SUM(…)`) begin with a single quote instead, as OWASP recommends,
    so a spreadsheet shows them as text rather than running them. Only strings are touched: a
    number (-3.5 in a numeric column) stays a number."""
    safe = frame.copy()
    for name in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[name]):
            safe[name] = safe[name].map(_quoted)
    return safe


def _quoted(cell: object) -> object:
    return f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
