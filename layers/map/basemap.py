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
from layers.map.style import BASEMAP_STYLES

BASEMAP_DIR = GEODATA_DIR / "basemap"
BASEMAP_PANE = "basemap"
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


@functools.cache
def _collection(path: Path, modified: float) -> dict:
    """A basemap file's GeoJSON, parsed once per version of the file.

    The Map and Briefing pages build their base map on every rerun; re-reading 270 kB of JSON
    each time was most of that cost. Keyed by modification time so `make basemap` still shows.
    """
    return json.loads(path.read_text(encoding="utf-8"))


def offline_basemap(basemap_dir: Path = BASEMAP_DIR) -> folium.FeatureGroup:
    """One feature group with the vector basemap; add it to the map before any data layer.

    Non-interactive (no tooltip, no click, `interactive: false`) so it never steals a click from
    the data above it, and `control=False` so the layer switcher does not offer to hide it.
    """
    group = folium.FeatureGroup(name="Basemap (Natural Earth)", control=False)
    for stem, style in BASEMAP_STYLES.items():
        path = basemap_dir / f"{stem}.geojson"
        folium.GeoJson(
            # shared, not copied: folium only adds the same feature ids to it on every run
            _collection(path, path.stat().st_mtime),
            name=f"basemap-{stem}",
            style_function=lambda _feature, style=style: style,
            control=False,
            interactive=False,
            smooth_factor=1.0,
            pane=BASEMAP_PANE,
        ).add_to(group)
    return group


def add_offline_basemap(fmap: folium.Map, basemap_dir: Path = BASEMAP_DIR) -> folium.Map:
    """Add the offline basemap to a map, with the pane it draws in (below any tile layer)."""
    folium.map.CustomPane(BASEMAP_PANE, z_index=150, pointer_events=False).add_to(fmap)
    offline_basemap(basemap_dir).add_to(fmap)
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
