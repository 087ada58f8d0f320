"""A layer on the folium map: its group, the pane each feature draws in, and its tooltips.

Only geometry and an escaped tooltip reach the browser (in the layer's geometry file,
`layers.map.geo_files`); the card is built on the server from the id the tooltip carries, so a
click never ships a feature's properties back. What a layer *is*
(features, style, legend) lives in `layers.data.catalog.Layer`; how precision and selection look
lives in `layers.map.style`.
"""

from __future__ import annotations

import math
import re

import folium
from shapely.geometry.base import BaseGeometry

from layers.data.catalog import Layer, geometry_kind
from layers.data.schema import category_label
from layers.html import markup
from layers.map.geo_layer import GeoFile


def feature_group(layer: Layer, url: str) -> folium.FeatureGroup:
    """The layer as a folium FeatureGroup: its features and labels drawn from the geometry file
    at `url` (`layers.map.geo_files`, fetched once per page), so they come and go together."""
    group = folium.FeatureGroup(name=layer.title, show=True)
    GeoFile(url).add_to(group)
    return group


_ID_MARK = re.compile(r"\[\[id:([a-z0-9-]+)\]\]")


def tooltip_html(feature_id: str, name: str, category: str, precision: str,
                 mine: bool = False) -> str:
    """Hover text: name, category and precision, plus a hidden id mark the server reads back.

    streamlit-folium returns a clicked object's tooltip text; the mark lets the server find the
    feature by id instead of asking the browser for its (possibly megabyte-sized) GeoJSON.
    """
    added = " · added by you" if mine else ""
    return (f"<b>{markup.text(name)}</b><br>"
            f"<small>{markup.text(category_label(category))} · {markup.text(precision)}{added}"
            "</small>"
            f'<span style="display:none">[[id:{markup.text(feature_id)}]]</span>')


def clicked_feature_id(tooltip_text: str | None) -> str | None:
    """The feature id in a tooltip text streamlit-folium returned for a click, if any: the
    last mark, which is the one `tooltip_html` adds after the name (a name that holds a mark of
    its own, "[[id:goris]]", comes before it and must not select another feature)."""
    if not tooltip_text:
        return None
    marks = _ID_MARK.findall(tooltip_text)
    return marks[-1] if marks else None


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
