"""A map layer: its features, its style and its legend entry, and nothing else.

Loading lives in `catalog.py`; assembling layers into a map lives in `mapview.py`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

import folium
import geopandas as gpd
from folium.utilities import JsCode
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers import markup

PRECISIONS = ("exact", "approximate", "schematic")


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

    def feature_group(self) -> folium.FeatureGroup:
        """The layer as a folium FeatureGroup: one element per feature, tooltips escaped.

        Only geometry and the tooltip reach the browser; the card is built on the server from
        the id the tooltip carries, so a click never ships a feature's properties back.
        """
        group = folium.FeatureGroup(name=self.title, show=True)
        for row in self.features.itertuples(index=False):
            style = self.style_for(row.category)
            options = path_options(style, row.precision, point=row.geometry.geom_type == "Point")
            tooltip = tooltip_html(row.id, row.name, row.category, row.precision)
            for element in feature_elements(row.geometry, options, style.radius, tooltip):
                element.add_to(group)
        return group

    def legend_entries(self) -> list[LegendEntry]:
        """One entry for the layer, plus one per category that has a style of its own."""
        entries = [LegendEntry(self.legend, self.style, self._geometry_kind(None))]
        for category, style in self.category_styles.items():
            if (self.features["category"] == category).any():
                label = category.replace("-", " ").capitalize()
                entries.append(LegendEntry(label, style, self._geometry_kind(category)))
        return entries

    def _geometry_kind(self, category: str | None) -> str:
        """'point', 'line' or 'area': how the legend swatch for these features is drawn."""
        rows = self.features if category is None else self.features[
            self.features["category"] == category]
        kinds = {_kind(geom) for geom in rows.geometry}
        for kind in ("area", "line", "point"):
            if kind in kinds:
                return kind
        return "area"


@dataclass(frozen=True)
class LegendEntry:
    """A label and the style its swatch is drawn with."""

    label: str
    style: Style
    kind: str  # "point" | "line" | "area"

    def swatch_svg(self) -> str:
        """An inline SVG swatch matching what the map draws (no image files, works offline)."""
        color = markup.text(self.style.color)
        fill = markup.text(self.style.fill or self.style.color)
        if self.kind == "point":
            return (f'<svg width="22" height="14" aria-hidden="true"><circle cx="11" cy="7" r="5" '
                    f'stroke="{color}" stroke-width="2" fill="{fill}" fill-opacity="0.6"/></svg>')
        if self.kind == "line":
            return (f'<svg width="22" height="14" aria-hidden="true"><line x1="1" y1="7" x2="21" '
                    f'y2="7" stroke="{color}" stroke-width="3"/></svg>')
        return (f'<svg width="22" height="14" aria-hidden="true"><rect x="1" y="1" width="20" '
                f'height="12" stroke="{color}" stroke-width="1.5" fill="{fill}" '
                f'fill-opacity="{max(self.style.fill_opacity, 0.25)}"/></svg>')


def _kind(geom: BaseGeometry) -> str:
    if geom.geom_type in ("Point", "MultiPoint"):
        return "point"
    if geom.geom_type in ("LineString", "MultiLineString"):
        return "line"
    return "area"


_ID_MARK = re.compile(r"\[\[id:([a-z0-9-]+)\]\]")


def tooltip_html(feature_id: str, name: str, category: str, precision: str) -> str:
    """Hover text: name, category and precision, plus a hidden id mark the server reads back.

    streamlit-folium returns a clicked object's tooltip text; the mark lets the server find the
    feature by id instead of asking the browser for its (possibly megabyte-sized) GeoJSON.
    """
    return (f"<b>{markup.text(name)}</b><br>"
            f"<small>{markup.text(category.replace('-', ' '))} · {markup.text(precision)}</small>"
            f'<span style="display:none">[[id:{markup.text(feature_id)}]]</span>')


def clicked_feature_id(tooltip_text: str | None) -> str | None:
    """The feature id in a tooltip text streamlit-folium returned for a click, if any."""
    if not tooltip_text:
        return None
    match = _ID_MARK.search(tooltip_text)
    return match.group(1) if match else None


AREA_PANES = 16
"""Areas draw in one of these panes by size, smaller above larger, whatever their layer."""
LINE_PANE, POINT_PANE, SELECTION_PANE = "lines", "points", "selection"
HIT_WIDTH = 14
"""Pixel width of the invisible stroke that makes a thin or dashed line easy to click."""


def area_pane(geometry: BaseGeometry) -> str:
    """The pane an area draws in: one step per halving of its size in square degrees.

    Why: Leaflet stacks paths in the order they are added, so a big area of a later layer
    (the South Caucasus, the Caspian Sea) would lie over every town and district under it and
    catch their clicks. Smaller areas go higher; lines and points sit above all areas.
    """
    size = max(geometry.area, 1e-9)
    return f"areas-{min(AREA_PANES - 1, max(0, 12 - math.floor(math.log2(size))))}"


def pane_for(geometry: BaseGeometry) -> str:
    """Points over lines over areas, and among areas the smaller over the larger."""
    kind = _kind(geometry)
    if kind == "point":
        return POINT_PANE
    return LINE_PANE if kind == "line" else area_pane(geometry)


def feature_elements(geometry: BaseGeometry, options: dict[str, object], radius: float,
                     tooltip: str, interactive: bool = True, pane: str | None = None
                     ) -> list[folium.Element]:
    """The folium elements that draw one geometry: a circle marker for a point, GeoJSON paths
    otherwise, plus an invisible wide stroke over a line so a click anywhere near it counts
    (a 2 px dashed line is mostly gaps, and a click in a gap hits nothing).

    The GeoJSON tooltip is bound to each drawn path (`onEachFeature`), not to the GeoJson group
    as `tooltip=` would: streamlit-folium 0.27 reads a click's tooltip from the clicked path, or
    else calls the group's tooltip content as a function, which a string is not, so a click on
    an area kept returning the previously clicked marker's id (seen in Chromium).
    """
    pane = pane or pane_for(geometry)
    if geometry.geom_type == "Point":
        marker = folium.CircleMarker(location=(geometry.y, geometry.x), radius=radius,
                                     tooltip=folium.Tooltip(tooltip) if interactive else None,
                                     **{"fill": True, **options})
        # folium's CircleMarker drops options it does not know; Leaflet needs these two.
        marker.options.update(pane=pane, interactive=interactive)
        return [marker]
    if not interactive or _kind(geometry) != "line":
        return [_geojson(geometry, options, tooltip if interactive else None, pane, interactive,
                         highlight=interactive)]
    # the line as drawn ignores the mouse; the invisible wide stroke over it takes the hover
    # and the click, and carries the tooltip
    hit = {"color": options["color"], "weight": HIT_WIDTH, "opacity": 0.0, "fill": False}
    return [_geojson(geometry, options, None, pane, False, highlight=False),
            _geojson(geometry, hit, tooltip, pane, True, highlight=False)]


def _geojson(geometry: BaseGeometry, options: dict[str, object], tooltip: str | None, pane: str,
             interactive: bool, highlight: bool) -> folium.GeoJson:
    bind = None
    if tooltip is not None:
        text = json.dumps(tooltip).replace("</", "<\\/")  # a JS string that cannot close <script>
        bind = JsCode(
            f"function (feature, layer) {{ layer.bindTooltip({text}, {{sticky: true}}); }}"
        )
    return folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": mapping(geometry)},
        style_function=lambda _feature, opts=options: opts,
        highlight_function=(
            (lambda _feature, opts=options: {"weight": float(opts["weight"]) + 2})
            if highlight else None
        ),
        on_each_feature=bind,
        smooth_factor=1.0,
        pane=pane,
        interactive=interactive,
    )


def path_options(style: Style, precision: str, point: bool = False) -> dict[str, object]:
    """Leaflet path options for a feature: the layer's style, marked by how sure its geometry is.

    Schematic geometry is dashed and approximate geometry dotted with a lighter fill, so that a
    briefer never presents a diagram as a surveyed line (the legend explains both). A point keeps
    its fill: a town marker faded to half would all but vanish, and its dotted rim says enough.
    """
    options: dict[str, object] = {
        "color": style.color,
        "weight": style.weight,
        "fillColor": style.fill or style.color,
        "fillOpacity": style.fill_opacity,
        "opacity": 0.9,
    }
    if precision == "schematic":
        options["dashArray"] = "8 6"
    elif precision == "approximate":
        options["dashArray"] = "2 5"
        if not point:
            options["fillOpacity"] = round(style.fill_opacity * 0.5, 3)
    return options
