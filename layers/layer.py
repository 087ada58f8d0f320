"""A map layer: its features, its style and its legend entry, and nothing else.

Loading lives in `catalog.py`; assembling layers into a map lives in `mapview.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd

PRECISIONS = ("exact", "approximate", "schematic")


@dataclass(frozen=True)
class Style:
    """Leaflet path options for a layer (or one category in it), as `geodata/layers.json` gives them."""

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

    def style_for(self, category: str) -> Style:
        """The style a feature of this category is drawn with."""
        return self.category_styles.get(category, self.style)
