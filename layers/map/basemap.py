"""The map's background: an offline vector basemap, and the tile basemaps to use when online.

Why offline first: briefing rooms have no internet, so the default background is Natural Earth
land, sea, lakes, rivers and borders from `geodata/basemap/` (built by `make basemap`), drawn as
plain, non-interactive vector layers in the colours of a clean reference map. When the room is
online the user may switch to a tile basemap; those are listed here as data, from xyzservices'
bundled provider list, so listing them needs no network.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import folium
import xyzservices.providers as xyz
from xyzservices import TileProvider

from layers import GEODATA_DIR
from layers.map.geo_layer import GeoFile
from layers.map.style import BASEMAP_STYLES

BASEMAP_DIR = GEODATA_DIR / "basemap"
BASEMAP_PANE = "basemap"
BASEMAP_Z = 150
"""Below any tile layer (Leaflet's tile pane is 200) and every feature pane."""
"""A Leaflet pane below the tile pane, so a chosen online tile basemap covers the offline one."""

# Tile providers offered when online. CartoDB.Positron is left out: xyzservices 2026.9.1
# records that CARTO's tiles now need an API key, and we hold none.
ONLINE_PROVIDERS: tuple[TileProvider, ...] = (xyz.OpenStreetMap.Mapnik, xyz.Esri.WorldImagery)


@dataclass(frozen=True)
class TileBasemap:
    """A tile basemap for online use: what the user sees, what Leaflet loads, whom to credit."""

    name: str
    url: str  # Leaflet URL template, {z}/{x}/{y}
    attribution: str  # HTML, shown in the map's attribution control
    max_zoom: int


class BasemapError(Exception):
    """A basemap file that cannot be read, named with what is wrong with it, so a page can say
    so (and `make basemap` rebuilds it) instead of showing a JSONDecodeError's traceback."""


def read_collection(path: Path) -> dict:
    """A basemap file's FeatureCollection, parsed once per version of the file; raises
    BasemapError for one that is missing or is no FeatureCollection."""
    try:
        collection = _collection(path, path.stat().st_mtime)
    except FileNotFoundError:
        raise BasemapError(f"{path.name}: file does not exist") from None
    except UnicodeDecodeError as error:
        raise BasemapError(f"{path.name}: is not UTF-8 text ({error.reason})") from None
    except json.JSONDecodeError as error:
        raise BasemapError(f"{path.name}: is not valid JSON: {error.msg} at line "
                           f"{error.lineno} column {error.colno}") from None
    if not isinstance(collection, dict) or not isinstance(collection.get("features"), list):
        raise BasemapError(f"{path.name}: is not a GeoJSON FeatureCollection")
    return collection


@functools.lru_cache(maxsize=len(BASEMAP_STYLES) * 2)
def _collection(path: Path, modified: float) -> object:
    """A basemap file's GeoJSON, parsed once per version of the file (keyed by modification
    time so `make basemap` still shows without a restart; two versions each, at most)."""
    return json.loads(path.read_text(encoding="utf-8"))


def basemap_document(basemap_dir: Path = BASEMAP_DIR) -> dict[str, object]:
    """The offline basemap as the map's drawing instructions (`layers.map.geo_files`): sea,
    land, lakes, rivers and borders in that order, deaf to the mouse so it never steals a click
    from the data above it, in the pane below any tile layer."""
    features = []
    for stem, style in BASEMAP_STYLES.items():
        for feature in read_collection(basemap_dir / f"{stem}.geojson")["features"]:
            features.append({"type": "Feature", "geometry": feature["geometry"],
                             "properties": {"draw": "base", "pane": BASEMAP_PANE,
                                            "options": style}})
    return {"type": "FeatureCollection", "layer": "basemap", "features": features}


def add_offline_basemap(fmap: folium.Map, url: str) -> folium.Map:
    """Add the offline basemap, fetched from `url` (the file `basemap_document` was written
    to), with the pane it draws in (below any tile layer)."""
    folium.map.CustomPane(BASEMAP_PANE, z_index=BASEMAP_Z, pointer_events=False).add_to(fmap)
    group = folium.FeatureGroup(name="Basemap (Natural Earth)", control=False)
    GeoFile(url).add_to(group)
    group.add_to(fmap)
    return fmap


def online_basemaps() -> list[TileBasemap]:
    """The tile basemaps a user may switch to when online, with their attribution."""
    return [
        TileBasemap(
            name=provider.name,
            url=provider.build_url(),
            attribution=provider.html_attribution,
            max_zoom=int(provider.get("max_zoom", 18)),
        )
        for provider in ONLINE_PROVIDERS
    ]
