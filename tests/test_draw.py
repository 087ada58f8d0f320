"""Drawing on the map: the toolbar loads only local files and only in draw mode; what the map
sends back is a checked point, line or polygon, or a message."""

from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import LineString, Point, Polygon

from layers.map.assets import external_urls, localize, offline_map
from layers.map.draw import (
    DRAWINGS_PANE,
    MAX_VERTICES,
    BadDrawing,
    DrawControl,
    describe_drawing,
    draw_options,
    drawn_geometry,
)
from layers.map.geo_files import BASEMAP, FRAME_CSS, SERVED, GeoFiles
from layers.map.mapview import base_map

GEO = GeoFiles({key: f"{key}.0123456789abcdef" for key in (BASEMAP, *SERVED, FRAME_CSS)})
# A triangle near Goris, about 10 km a side: what a briefer draws to mark a sector.
TRIANGLE = [[46.30, 39.50], [46.42, 39.50], [46.36, 39.59], [46.30, 39.50]]


def feature(kind: str, coordinates: object) -> dict:
    """A drawing as streamlit-folium sends it: Leaflet's `toGeoJSON()` of the layer."""
    return {"type": "Feature", "properties": {},
            "geometry": {"type": kind, "coordinates": coordinates}}


def returned(*drawings: object) -> dict:
    return {"last_object_clicked": None, "all_drawings": list(drawings)}


def draw_links(fmap) -> list[str]:
    return [url for node in fmap._children.values() if isinstance(node, DrawControl)
            for _, url in (*node.default_js, *node.default_css)]


# --- the toolbar ---------------------------------------------------------------------------------


def test_the_toolbar_renders_from_local_files_only():
    fmap = offline_map(location=[40.0, 45.0], zoom_start=7)
    localize(DrawControl()).add_to(fmap)
    html = fmap.get_root().render()
    assert external_urls(html) == []
    assert draw_links(fmap) == ["/app/static/vendor/leaflet-draw/1.0.2/leaflet.draw.js",
                                "/app/static/vendor/leaflet-draw/1.0.2/leaflet.draw.css"]
    assert "new L.Control.Draw(" in html
    assert "window.drawnItems = drawn;" in html  # where streamlit-folium reads the drawings
    assert "alert(" not in html


def test_the_base_map_has_no_toolbar_unless_asked():
    off = base_map((40.0, 45.0), 7, GEO)
    assert not draw_links(off)
    assert "L.Control.Draw" not in off.get_root().render()
    on = base_map((40.0, 45.0), 7, GEO, draw=True)
    assert draw_links(on)
    assert external_urls(on.get_root().render()) == []


def test_points_lines_and_areas_are_offered_measured_and_circles_are_not():
    options = draw_options()
    assert options["circle"] is False and options["circlemarker"] is False
    assert options["polyline"]["showLength"] and options["polyline"]["metric"] is True
    assert options["polygon"]["showArea"] and "km" in options["polygon"]["metric"]
    assert options["polygon"]["allowIntersection"] is False  # else Leaflet.draw shows no area
    assert {options[kind]["shapeOptions"]["pane"] for kind in ("polyline", "polygon",
                                                               "rectangle")} == {DRAWINGS_PANE}
    html = DrawControl().add_to(offline_map())._parent.get_root().render()
    sent = json.loads(re.search(r"draw: (\{.*\}),\n", html).group(1))
    assert sent == json.loads(json.dumps(options))


# --- what comes back -------------------------------------------------------------------------


def test_nothing_drawn_is_none():
    assert drawn_geometry(None) is None
    assert drawn_geometry({}) is None
    assert drawn_geometry({"all_drawings": None}) is None
    assert drawn_geometry(returned()) is None  # everything drawn was deleted


def test_a_point_a_line_and_a_polygon_come_back_as_shapely():
    assert drawn_geometry(returned(feature("Point", [46.37, 39.51]))) == Point(46.37, 39.51)
    line = drawn_geometry(returned(feature("LineString", [[46.0, 39.5], [46.5, 39.6]])))
    assert line == LineString([(46.0, 39.5), (46.5, 39.6)])
    polygon = drawn_geometry(returned(feature("Polygon", [TRIANGLE])))
    assert isinstance(polygon, Polygon) and polygon.is_valid
    assert list(polygon.exterior.coords) == [tuple(p) for p in TRIANGLE]


def test_the_latest_drawing_wins():
    drawn = drawn_geometry(returned(feature("Point", [45.0, 40.0]), feature("Polygon", [TRIANGLE])))
    assert drawn.geom_type == "Polygon"


@pytest.mark.parametrize("value, message", [
    ({"all_drawings": "a string"}, "other than a list"),
    (returned("a string"), "not a GeoJSON Feature"),
    (returned({"type": "Polygon", "coordinates": [TRIANGLE]}), "not a GeoJSON Feature"),
    (returned({"type": "Feature", "geometry": None}), "no geometry"),
    (returned(feature("MultiPolygon", [[TRIANGLE]])), "A MultiPolygon is not a point"),
    (returned(feature("<script>", [])), "A geometry is not a point"),
    (returned(feature("Point", [46.0])), "not \\[longitude, latitude\\]"),
    (returned(feature("Point", ["46", "39"])), "not \\[longitude, latitude\\]"),
    (returned(feature("Point", [True, 39.0])), "not \\[longitude, latitude\\]"),
    (returned(feature("Point", [226.0, 39.0])), "off the globe"),
    (returned(feature("Point", [46.0, -91.0])), "off the globe"),
    (returned(feature("Point", [46.0, 1e400])), "off the globe"),
    (returned(feature("LineString", [[46.0, 39.5]])), "A line needs 2"),
    (returned(feature("LineString", [[46.0, 39.5], [46.0, 39.5]])), "not a valid shape"),
    (returned(feature("LineString", [[46.0, 39.5]] * (MAX_VERTICES + 1))), "A line needs"),
    (returned(feature("Polygon", TRIANGLE)), "exactly one outline"),
    (returned(feature("Polygon", [TRIANGLE, TRIANGLE])), "exactly one outline"),
    (returned(feature("Polygon", [TRIANGLE[:3]])), "outline needs 4"),
    (returned(feature("Polygon", [TRIANGLE[:3] + [[46.0, 39.0]]])), "does not end where"),
    (returned(feature("Polygon", [[[46, 39], [47, 40], [47, 39], [46, 40], [46, 39]]])),
     "not a valid shape \\(Self-intersection"),
])
def test_garbage_is_refused_with_a_message(value, message):
    with pytest.raises(BadDrawing, match=message):
        drawn_geometry(value)


def test_a_drawing_is_described_measured_on_the_ground():
    polygon = drawn_geometry(returned(feature("Polygon", [TRIANGLE])))
    # 0.12° of longitude at 39.5° N is ~10.3 km, 0.09° of latitude ~10.0 km: half of it is ~52 km²
    assert re.fullmatch(r"Drawn: polygon, 3 vertices, area 5\d\.\d km²", describe_drawing(polygon))
    line = LineString([(46.0, 39.5), (46.0, 40.5)])  # one degree of latitude: ~111 km
    assert describe_drawing(line) == "Drawn: line, 2 vertices, length 111.0 km"
    assert describe_drawing(Point(46.37, 39.51)) == (
        "Drawn: point at 39.5100, 46.3700 (latitude, longitude)")
