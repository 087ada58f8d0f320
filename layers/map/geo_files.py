"""What travels once: the basemap, each layer and the map's own scripts as static files.

Why: streamlit-folium sends a component's arguments whole on every rerun, so geometry inside
them crossed the websocket again with every toggle and selection (577 kB for one toggle, see
bench/). Here each layer, and the offline basemap, becomes one JSON file of *drawing
instructions* (geometry, pane, path options, the escaped tooltip, and the labels that show with
it), written under `static/geo/` (gitignored: built at start-up from the catalog, never edited)
and named by a hash of its content, so a file's address changes exactly when its content does.
Streamlit serves `static/` at `/app/static/`; the map's script (`templates/geo_loader.js`)
fetches each file once per page and keeps the drawn layer, and the component's arguments carry
only addresses. The map's own scripts and frame stylesheet (`SCRIPTS`, `FRAME_CSS`) are written
beside them the same way and loaded as links, so they too cross the wire once per browser.

The documents are built by pure functions (`layer_document`, `basemap_document`); `write_files`
is the one place that touches the disk. The static edition (`layers.publish`) publishes the same
documents and draws them with the same script (`templates/geo_draw.js`). The HTML handout does
not use these files: it inlines everything, because it must open from a USB stick.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import datetime
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers import ROOT
from layers.data.catalog import Catalog, Layer, geometry_kind, is_user_layer
from layers.data.events import changes, valid_on
from layers.html.styles import stylesheet
from layers.map.assets import inlinable_text
from layers.map.basemap import BASEMAP_DIR, basemap_document
from layers.map.geo_layer import DRAW_SCRIPT, LOADER_SCRIPT, TEMPLATES_DIR
from layers.map.label_layer import ENGINE_SCRIPT
from layers.map.labels import Label, cached_base_labels, cached_layer_labels
from layers.map.layer import HIT_WIDTH, pane_for, tooltip_html
from layers.map.legend import layer_legend_html, legend_parts
from layers.map.style import path_options

GEO_DIR = ROOT / "static" / "geo"
GEO_URL = "/app/static/geo"
"""Where Streamlit serves `GEO_DIR` (static serving is on in .streamlit/config.toml)."""
BASEMAP = "basemap"
LEGEND = "legend"
CARDS = "cards"
"""The index of the feature cards' files, {feature id: file name} (`card_files`): no shipped
layer has this id, and the briefer's layers' ids all start with `my-`."""
CARD_PREFIX = "card-"
UNUSED_FOR_S = 24 * 3600
"""The cards' files and indexes depend on the workspace, and two servers may share `GEO_DIR`
with different workspaces (`CBM_WORKSPACE`): they are not removed as older versions of their
names, which would have the servers delete each other's, but once no server has written them
for this long (`write_files` touches what it would have written)."""
HASH_CHARS = 16
SUFFIXES = (".js", ".css", ".html")
"""A file key ending in one of these is written as it is (a script, a stylesheet, a card); any
other key names a JSON document (layer ids are slugs, never dotted)."""
_PLAIN_STEM = re.compile(r"[a-z0-9][a-z0-9-]{0,80}")

SERVED: Mapping[str, Path] = {
    "labels.js": ENGINE_SCRIPT,
    "geo-draw.js": DRAW_SCRIPT,
    "geo-loader.js": LOADER_SCRIPT,
}
"""The map's plain scripts, by the key each is written under, in the order they load."""
FRAME_CSS = "map.css"

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


def labels_list(labels: Iterable[Label]) -> list[dict[str, object]]:
    return [label.as_json() for label in labels]


def layer_document(layer: Layer, day: datetime.date | None = None) -> Document:
    """A layer's drawing instructions, feature by feature in the layer's order, its labels
    (`layers.map.labels`), which show while the layer does, and its legend rows; given a `day`,
    only the features that stood on it (`layers.data.events.valid_on`), their labels, and the
    legend rows of what is drawn (no "former NKAO" row as of 2022)."""
    features = []
    shown = set()
    mine = is_user_layer(layer)
    for row in layer.features.itertuples(index=False):
        if day is not None and not valid_on(row._asdict(), day):
            continue
        shown.add(row.id)
        style = layer.style_for(row.category)
        point = row.geometry.geom_type == "Point"
        features.append(feature_instructions(
            row.geometry, path_options(style, row.precision, point=point), style.radius,
            tooltip_html(row.id, row.name, row.category, row.precision, mine),
            feature_id=row.id))
    labels = [label for label in cached_layer_labels(layer)
              if label.feature is None or label.feature in shown]
    legend = layer_legend_html(layer)
    if day is not None and len(shown) < len(layer.features):
        standing = layer.features[layer.features["id"].isin(shown)]
        legend = layer_legend_html(dataclasses.replace(layer, features=standing)) if shown else ""
    return {"type": "FeatureCollection", "layer": layer.id, "features": features,
            "labels": labels_list(labels), "legend": legend}


def periods(layer: Layer) -> tuple[datetime.date, ...]:
    """The days on which the layer's drawing changes (`layers.data.events.changes`), in order;
    empty for a layer nothing in which comes or goes."""
    days: set[datetime.date] = set()
    for row in layer.features.itertuples(index=False):
        days.update(changes(row._asdict()))
    return tuple(sorted(days))


def period_key(layer_id: str, first_day: datetime.date | None) -> str:
    """The file key of a layer as it stood from `first_day` to its next change (None: before
    its first change). Layer ids never hold `_`, so the key cannot name another layer."""
    return f"{layer_id}_{'before' if first_day is None else first_day.isoformat()}"


def period_documents(layer: Layer) -> dict[str, Document]:
    """The layer as it stood in each of its periods, by `period_key`: the files the map fetches
    when it shows a date."""
    changes = periods(layer)
    if not changes:
        return {}
    found = {period_key(layer.id, None): layer_document(layer, changes[0] - datetime.timedelta(1))}
    found.update((period_key(layer.id, day), layer_document(layer, day)) for day in changes)
    return found


def serialise(document: object) -> bytes:
    """Compact JSON, keys sorted, so the same content always gives the same bytes and hash
    (the static edition writes its hashed JSON files with it too)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def _stem_suffix(key: str) -> tuple[str, str]:
    for suffix in SUFFIXES:
        if key.endswith(suffix):
            return key[: -len(suffix)], suffix
    return key, ".json"


def file_name(key: str, content: bytes) -> str:
    """`borders` → `borders.<hash>.json`, `labels.js` → `labels.<hash>.js`."""
    stem, suffix = _stem_suffix(key)
    return f"{stem}.{hashlib.sha256(content).hexdigest()[:HASH_CHARS]}{suffix}"


@dataclass(frozen=True)
class GeoFiles:
    """The addresses of the written files, by layer id (and `BASEMAP`), and each layer's periods
    (`periods`), so a date finds the file of the layer as it stood then."""

    names: Mapping[str, str]
    changes: Mapping[str, tuple[datetime.date, ...]] = field(default_factory=dict)

    def url(self, name: str, day: datetime.date | None = None) -> str:
        """A file's address; for a layer and a `day`, the layer as it stood that day."""
        changes = self.changes.get(name, ()) if day is not None else ()
        if changes:
            since = bisect.bisect_right(changes, day)
            name = period_key(name, changes[since - 1] if since else None)
        return f"{GEO_URL}/{self.names[name]}"

    def scripts(self) -> list[str]:
        """The map's served scripts, in the order they load."""
        return [self.url(key) for key in SERVED]

    def stylesheets(self) -> list[str]:
        return [self.url(FRAME_CSS)]


def documents(catalog: Catalog, basemap_dir: Path = BASEMAP_DIR) -> dict[str, Document]:
    """Every document the map needs: the basemap, with the labels that are always on
    (countries, seas, Lake Sevan), the legend's fixed parts, and each of the catalog's layers."""
    basemap = basemap_document(basemap_dir)
    basemap["labels"] = labels_list(cached_base_labels(catalog, basemap_dir))
    found: dict[str, Document] = {BASEMAP: basemap, LEGEND: dict(legend_parts())}
    for layer in catalog.layers:
        found[layer.id] = layer_document(layer)
        found.update(period_documents(layer))
    return found


LEGEND_CSS = TEMPLATES_DIR / "legend.css"
"""The legend box's rules, shared with the offline handout (which inlines them)."""


def frame_css() -> str:
    """The stylesheet inside the map's frame: the library's, the map's own, the legend box's."""
    return (stylesheet() + (TEMPLATES_DIR / "map.css").read_text(encoding="utf-8")
            + LEGEND_CSS.read_text(encoding="utf-8"))


def served_files() -> dict[str, bytes]:
    """The map's scripts and frame stylesheet, by file key."""
    found = {key: inlinable_text(path).encode("utf-8") for key, path in SERVED.items()}
    found[FRAME_CSS] = frame_css().encode("utf-8")
    return found


def card_stem(ident: str) -> str:
    """A feature's card file's stem: its id when that is a plain slug of at most 81 characters
    starting with a letter or digit (most ids the catalog accepts); any other id, a leading
    hyphen or a long one among them, gets a hash of itself, so no id ever becomes a path (the
    app's cards here and the static edition's, `layers.publish.edition`)."""
    if _PLAIN_STEM.fullmatch(ident):
        return ident
    return "feature-" + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:HASH_CHARS]


def is_card_file(key: str) -> bool:
    """Whether a file key is one feature's card (not their index, not the map's own files)."""
    return key.startswith(CARD_PREFIX) and key.endswith(".html")  # a layer may be "card-x"


def card_files(cards: Mapping[str, str]) -> dict[str, Document | bytes]:
    """Each feature's card (`layers.html.card.feature_cards`: HTML escaped when it was built) as
    a file, and their index under `CARDS`: the Map page shows a clicked feature's card from
    these at the click, before its rerun brings the card itself (`layers/html/templates/
    card_preview.js`). A card's file key is its feature id when that is a plain slug, as every
    id the catalog accepts is; any other would get a hash, never become a path."""
    found: dict[str, Document | bytes] = {}
    index: dict[str, str] = {}
    for ident, html in cards.items():
        key = f"{CARD_PREFIX}{card_stem(ident)}.html"
        found[key] = html.encode("utf-8")
        index[ident] = file_name(key, found[key])
    found[CARDS] = index
    return found


def map_files(catalog: Catalog, basemap_dir: Path = BASEMAP_DIR,
              cards: Mapping[str, str] | None = None) -> dict[str, Document | bytes]:
    """Everything `write_files` writes for the live map: the geometry documents, the map's
    scripts and frame stylesheet, and, given them, the feature cards (`card_files`)."""
    return {**documents(catalog, basemap_dir), **served_files(),
            **(card_files(cards) if cards is not None else {})}


def write_map_files(catalog: Catalog, directory: Path = GEO_DIR,
                    basemap_dir: Path = BASEMAP_DIR,
                    cards: Mapping[str, str] | None = None) -> GeoFiles:
    """`map_files` written to `directory`, with each layer's periods for dated addresses."""
    written = write_files(map_files(catalog, basemap_dir, cards), directory)
    return GeoFiles(written.names, {layer.id: periods(layer) for layer in catalog.layers})


def write_files(docs: Mapping[str, Document | bytes], directory: Path = GEO_DIR) -> GeoFiles:
    """Write each document as `<name>.<hash>.json` (bytes under a `.js`/`.css`/`.html` key as
    `<stem>.<hash>.<suffix>`) and delete the older versions of the same names (a data edit
    leaves no stale file behind), but for the cards', which go once unused (`UNUSED_FOR_S`).

    Written through a temporary file and `os.replace`, so a browser never reads half a file and
    two servers starting at once (the test suite runs a light and a dark one) write the same
    bytes without harm.
    """
    directory.mkdir(parents=True, exist_ok=True)
    names = {}
    for name, document in docs.items():
        content = document if isinstance(document, bytes) else serialise(document)
        names[name] = file_name(name, content)
        target = directory / names[name]
        if not target.exists():
            partial = target.with_suffix(f".{os.getpid()}.part")
            partial.write_bytes(content)
            os.replace(partial, target)
        elif _shared(name):
            os.utime(target)  # in use: see UNUSED_FOR_S
    _remove_stale(directory, {k: v for k, v in names.items() if not _shared(k)})
    _remove_unused(directory, set(names.values()))
    return GeoFiles(names)


def _shared(key: str) -> bool:
    return key == CARDS or is_card_file(key)


def _remove_unused(directory: Path, current: set[str]) -> None:
    """The cards' files and indexes no server has written for `UNUSED_FOR_S`."""
    too_old = time.time() - UNUSED_FOR_S
    for path in (*directory.glob(f"{CARD_PREFIX}*.html"), *directory.glob(f"{CARDS}.*.json")):
        with contextlib.suppress(OSError):  # another server's removal came first
            if path.name not in current and path.stat().st_mtime < too_old:
                path.unlink()


def _remove_stale(directory: Path, current: Mapping[str, str]) -> None:
    keep = set(current.values())
    for name in current:
        stem, suffix = _stem_suffix(name)
        base = stem.split("_")[0]  # a layer's period files too, even of periods gone since
        for old in (*directory.glob(f"{stem}.*{suffix}"), *directory.glob(f"{base}_*{suffix}")):
            if old.name not in keep and old.name.count(".") == 2:
                old.unlink(missing_ok=True)
