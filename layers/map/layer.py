"""A layer drawn with folium: one element per feature, in the pane its kind and size call for.

Only geometry and an escaped tooltip reach the browser; the card is built on the server from the
id the tooltip carries, so a click never ships a feature's properties back. What a layer *is*
(features, style, legend) lives in `layers.data.catalog.Layer`; how precision and selection look
lives in `layers.map.style`.
"""

from __future__ import annotations

import json
import math
import re

import folium
from folium.utilities import JsCode
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers.data.catalog import Layer, geometry_kind
from layers.data.schema import category_label
from layers.html import markup
from layers.map.label_layer import label_group
from layers.map.style import path_options


def feature_group(layer: Layer) -> folium.FeatureGroup:
    """The layer as a folium FeatureGroup: one element per feature, tooltips escaped, and the
    layer's labels (`layers.map.label_layer`)."""
    group = folium.FeatureGroup(name=layer.title, show=True)
    for row in layer.features.itertuples(index=False):
        style = layer.style_for(row.category)
        options = path_options(style, row.precision, point=row.geometry.geom_type == "Point")
        tooltip = tooltip_html(row.id, row.name, row.category, row.precision)
        for element in feature_elements(row.geometry, options, style.radius, tooltip):
            element.add_to(group)
    label_group(layer).add_to(group)  # its labels come and go with it
    return group


_ID_MARK = re.compile(r"\[\[id:([a-z0-9-]+)\]\]")


def tooltip_html(feature_id: str, name: str, category: str, precision: str) -> str:
    """Hover text: name, category and precision, plus a hidden id mark the server reads back.

    streamlit-folium returns a clicked object's tooltip text; the mark lets the server find the
    feature by id instead of asking the browser for its (possibly megabyte-sized) GeoJSON.
    """
    return (f"<b>{markup.text(name)}</b><br>"
            f"<small>{markup.text(category_label(category))} · {markup.text(precision)}</small>"
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
    kind = geometry_kind(geometry)
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
    if not interactive or geometry_kind(geometry) != "line":
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
