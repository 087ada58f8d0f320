"""Drawing on the map (issue 13): the draw toolbar, and the drawing it sends back, checked.

Why: a briefer sketches a point, a route or an area on the map, sees its length or area while
drawing, and the page gets it as a geometry it can measure and keep. The toolbar is
Leaflet.draw through folium's `Draw` plugin, served from `static/vendor/` like every other
library (`layers.map.assets`). It belongs in the base map: the component would re-create a
control sent as a changing group on every rerun. So switching it on or off rebuilds the map
once, which is why it is a mode, off by default.

What comes back is untrusted: the browser may send anything as the component's value. So
`drawn_geometry` checks the GeoJSON it gets (type, shape, coordinate ranges, validity) and
raises `BadDrawing` with a message for the page to show, never a shapely or KeyError traceback.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import folium.plugins
from jinja2 import Template
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from layers.map.style import DRAWING, path_options

TEMPLATES_DIR = Path(__file__).with_name("templates")
DRAWINGS_PANE = "drawings"
DRAWINGS_PANE_Z = 450
"""Over the selection outline (440), under Leaflet's markers (600): a sketch is not hidden under
the areas it is drawn over, and the toolbar's vertex handles stay on top of it."""
DRAWING_RETURNS = ("all_drawings",)
"""What the component must send back in draw mode. Not `last_active_drawing`: streamlit-folium
also sets it to whatever layer a click lands on (any feature's GeoJSON), and it keeps a shape's
pre-edit geometry. `all_drawings` is the drawn group only, in the order drawn, edits included."""
MAX_VERTICES = 5_000
"""More than anyone draws by hand: a bigger value is not a drawing and is refused."""
_GEOD = Geod(ellps="WGS84")


def draw_options() -> dict[str, object]:
    """Leaflet.draw's `draw` options: line, area, rectangle and marker; no circles (GeoJSON has
    none). Lines show their length, areas their area as they are drawn, in metric units
    (Leaflet.draw 1.0.2 gives km² only when asked for `km` by name; `metric: true` stops at
    hectares). An area may not cross itself, or it would have no area to show or keep."""
    shape = {**path_options(DRAWING, "exact"), "pane": DRAWINGS_PANE}
    area_units = ["km", "ha"]
    return {
        "polyline": {"shapeOptions": shape, "showLength": True, "metric": True, "feet": False},
        "polygon": {"shapeOptions": shape, "allowIntersection": False, "showArea": True,
                    "showLength": True, "metric": area_units, "feet": False},
        "rectangle": {"shapeOptions": shape, "showArea": True, "metric": area_units},
        "marker": {},
        "circle": False,
        "circlemarker": False,
    }


class DrawControl(folium.plugins.Draw):
    """The draw toolbar, for the Map page's draw mode (`layers.map.mapview.base_map(draw=True)`).

    Derives from folium's `Draw` for its Leaflet.draw links, which `layers.map.assets` points at
    the local copies; its own template puts the drawings in `DRAWINGS_PANE` over the features,
    names the group streamlit-folium reads them from (`window.drawnItems`) instead of relying
    on the component renaming folium's variable, and shows no alert on a click.
    """

    _template = Template((TEMPLATES_DIR / "draw_control.js").read_text(encoding="utf-8"))

    def __init__(self, round_: int = 0) -> None:
        """`round_` counts the drawings the page has kept: a new one rebuilds the map, which
        clears the toolbar's own copy of the shape now drawn as a feature of My layers."""
        super().__init__(
            position="topleft",
            show_geometry_on_click=False,
            draw_options=draw_options(),
            edit_options={"poly": {"allowIntersection": False}},
        )
        self.pane = DRAWINGS_PANE
        self.pane_z = DRAWINGS_PANE_Z
        self.round = round_


class BadDrawing(ValueError):
    """What the map sent back as a drawing is not a point, line or area on the globe."""


def drawn_geometry(returned: Mapping[str, object] | None) -> BaseGeometry | None:
    """The latest drawing the map sent back (`st_folium`'s value in draw mode) as a point, line
    or polygon in (lon, lat); None while nothing is drawn (or everything drawn was deleted).

    Raises BadDrawing, with a message a briefer can read, for anything else: a value that is
    not a GeoJSON Feature, another geometry type, a position out of range, too many vertices,
    an area that crosses itself.
    """
    drawings = (returned or {}).get("all_drawings")
    if drawings is None:
        return None
    if not isinstance(drawings, list):
        raise BadDrawing("The map sent its drawings as something other than a list.")
    if not drawings:
        return None
    feature = drawings[-1]
    if not isinstance(feature, Mapping) or feature.get("type") != "Feature":
        raise BadDrawing("The drawing is not a GeoJSON Feature.")
    geometry = feature.get("geometry")
    if not isinstance(geometry, Mapping):
        raise BadDrawing("The drawing has no geometry.")
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind == "Point":
        return Point(_position(coordinates))
    if kind == "LineString":
        line = LineString(_positions(coordinates, 2, "A line"))
        if not line.is_valid:
            raise BadDrawing(f"The line is not a valid shape ({explain_validity(line)}).")
        return line
    if kind == "Polygon":
        return _polygon(coordinates)
    shown = kind if isinstance(kind, str) and kind.isalnum() and len(kind) <= 30 else "geometry"
    raise BadDrawing(f"A {shown} is not a point, a line or an area.")


def _position(raw: object) -> tuple[float, float]:
    """One GeoJSON position [lon, lat] (an altitude is dropped), in range."""
    if not isinstance(raw, list) or len(raw) not in (2, 3) or not all(
            isinstance(value, (int, float)) and not isinstance(value, bool) for value in raw):
        raise BadDrawing("A position of the drawing is not [longitude, latitude].")
    lon, lat = float(raw[0]), float(raw[1])
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180
            and -90 <= lat <= 90):
        raise BadDrawing("A position of the drawing is off the globe (longitude -180 to 180, "
                         "latitude -90 to 90).")
    return lon, lat


def _positions(raw: object, least: int, what: str) -> list[tuple[float, float]]:
    """A list of at least `least` and at most MAX_VERTICES positions."""
    if not isinstance(raw, list) or not least <= len(raw) <= MAX_VERTICES:
        raise BadDrawing(f"{what} needs {least} to {MAX_VERTICES:,} positions.")
    return [_position(item) for item in raw]


def _polygon(raw: object) -> Polygon:
    """An area with one outline (Leaflet.draw draws no holes), closed and not crossing itself."""
    if not isinstance(raw, list) or len(raw) != 1:
        raise BadDrawing("An area must have exactly one outline.")
    ring = _positions(raw[0], 4, "An area's outline")
    if ring[0] != ring[-1]:
        raise BadDrawing("An area's outline does not end where it starts.")
    polygon = Polygon(ring)
    if not polygon.is_valid:
        raise BadDrawing(f"The area is not a valid shape ({explain_validity(polygon)}).")
    return polygon


def describe_drawing(geometry: BaseGeometry) -> str:
    """One line saying what was drawn, measured on the WGS84 ellipsoid (what the toolbar showed
    while drawing, as the page confirms it): e.g. `Drawn: polygon, 4 vertices, area 312 km²`."""
    if isinstance(geometry, Point):
        return f"Drawn: point at {geometry.y:.4f}, {geometry.x:.4f} (latitude, longitude)"
    if isinstance(geometry, LineString):
        km = _GEOD.geometry_length(geometry) / 1000
        return f"Drawn: line, {len(geometry.coords)} vertices, length {km:,.1f} km"
    if isinstance(geometry, Polygon):
        km2 = abs(_GEOD.geometry_area_perimeter(geometry)[0]) / 1e6
        vertices = len(geometry.exterior.coords) - 1  # the closing position repeats the first
        return f"Drawn: polygon, {vertices} vertices, area {km2:,.1f} km²"
    raise TypeError(f"not a drawing: {geometry.geom_type}")
