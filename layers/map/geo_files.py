"""Geometry that travels once: the basemap and each layer as a static file the map fetches.

Why: streamlit-folium sends a component's arguments whole on every rerun, so geometry inside
them crossed the websocket again with every toggle and selection (577 kB for one toggle, see
bench/). Here each layer, and the offline basemap, becomes one JSON file of *drawing
instructions* (geometry, pane, path options, the escaped tooltip), written under
`static/geo/` (gitignored: built at start-up from the catalog, never edited) and named by a hash
of its content, so a file's address changes exactly when its content does. Streamlit serves
`static/` at `/app/static/`; the map's script (`templates/geo_loader.js`) fetches each file once
per page and keeps the drawn layer, and the component's arguments carry only addresses.

The documents are built by pure functions (`layer_document`, `basemap_document`); `write_files`
is the one place that touches the disk. The static edition (`layers.publish`) publishes the same
documents and draws them with the same script (`templates/geo_draw.js`). The HTML handout does
not use these files: it inlines everything, because it must open from a USB stick.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers import ROOT
from layers.data.catalog import Catalog, Layer, geometry_kind
from layers.map.basemap import BASEMAP_DIR, basemap_document
from layers.map.layer import HIT_WIDTH, pane_for, tooltip_html
from layers.map.style import path_options

GEO_DIR = ROOT / "static" / "geo"
GEO_URL = "/app/static/geo"
"""Where Streamlit serves `GEO_DIR` (static serving is on in .streamlit/config.toml)."""
BASEMAP = "basemap"
HASH_CHARS = 16

Document = dict[str, object]


def feature_instructions(geometry: BaseGeometry, options: Mapping[str, object], radius: float,
                         tooltip: str | None, feature_id: str | None = None,
                         pane: str | None = None) -> Document:
    """One feature as the map's script draws it: a circle marker for a point; an area with a
    hover highlight; a line drawn deaf to the mouse under an invisible wide stroke that takes
    the hover and the click (a 2 px dashed line is mostly gaps). `tooltip` None: not interactive.
    """
    kind = geometry_kind(geometry)
    draw = {"point": "point", "line": "line"}.get(kind, "area")
    properties: dict[str, object] = {"draw": draw, "pane": pane or pane_for(geometry),
                                     "options": dict(options)}
    if feature_id is not None:
        properties["id"] = feature_id
    if tooltip is not None:
        properties["tooltip"] = tooltip
    if draw == "point":
        properties["radius"] = radius
    if draw == "line" and tooltip is not None:
        properties["hit"] = {"color": options["color"], "weight": HIT_WIDTH, "opacity": 0.0,
                             "fill": False}
    return {"type": "Feature", "geometry": mapping(geometry), "properties": properties}


def layer_document(layer: Layer) -> Document:
    """A layer's drawing instructions, feature by feature in the layer's order."""
    features = []
    for row in layer.features.itertuples(index=False):
        style = layer.style_for(row.category)
        point = row.geometry.geom_type == "Point"
        features.append(feature_instructions(
            row.geometry, path_options(style, row.precision, point=point), style.radius,
            tooltip_html(row.id, row.name, row.category, row.precision), feature_id=row.id))
    return {"type": "FeatureCollection", "layer": layer.id, "features": features}


def serialise(document: object) -> bytes:
    """Compact JSON, keys sorted, so the same content always gives the same bytes and hash
    (the static edition writes its hashed JSON files with it too)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def file_name(name: str, content: bytes) -> str:
    return f"{name}.{hashlib.sha256(content).hexdigest()[:HASH_CHARS]}.json"


@dataclass(frozen=True)
class GeoFiles:
    """The addresses of the written files, by layer id (and `BASEMAP`)."""

    names: Mapping[str, str]

    def url(self, name: str) -> str:
        return f"{GEO_URL}/{self.names[name]}"


def documents(catalog: Catalog, basemap_dir: Path = BASEMAP_DIR) -> dict[str, Document]:
    """Every file the map needs: the basemap and each of the catalog's layers."""
    found = {BASEMAP: basemap_document(basemap_dir)}
    found.update((layer.id, layer_document(layer)) for layer in catalog.layers)
    return found


def write_files(docs: Mapping[str, Document], directory: Path = GEO_DIR) -> GeoFiles:
    """Write each document as `<name>.<hash>.json` and delete the older versions of the same
    names (a data edit leaves no stale file behind).

    Written through a temporary file and `os.replace`, so a browser never reads half a file and
    two servers starting at once (the test suite runs a light and a dark one) write the same
    bytes without harm.
    """
    directory.mkdir(parents=True, exist_ok=True)
    names = {}
    for name, document in docs.items():
        content = serialise(document)
        names[name] = file_name(name, content)
        target = directory / names[name]
        if not target.exists():
            partial = target.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(content)
            os.replace(partial, target)
    _remove_stale(directory, names)
    return GeoFiles(names)


def _remove_stale(directory: Path, current: Mapping[str, str]) -> None:
    keep = set(current.values())
    for name in current:
        for old in directory.glob(f"{name}.*.json"):
            if old.name not in keep and old.name.count(".") == 2:
                old.unlink(missing_ok=True)
