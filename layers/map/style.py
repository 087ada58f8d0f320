"""How the map draws things, in one place: read by the Leaflet paths, the legend, the offline HTML
handout and the PDF, so a screen, a handout and a printout never disagree about what a dash means.

A layer's own colours come from `geodata/layers.json` (`layers.data.catalog.Style`); this module
owns what is the same for every layer: how precision is drawn (schematic dashed, approximate
dotted with a lighter fill), the selection outline, the halo around a scene's highlighted
features, and the offline basemap's colours. Sizes are Leaflet CSS pixels; paper converts them
with `PX_TO_PT`.
"""

from __future__ import annotations

from layers.data.catalog import Style

DASH_PX: dict[str, tuple[float, float]] = {"schematic": (8.0, 6.0), "approximate": (2.0, 5.0)}
"""(on, off) dash lengths in pixels by precision; `exact` geometry is drawn solid."""

APPROXIMATE_FILL_FACTOR = 0.5
"""An approximate area's fill is this share of its style's fill opacity: lighter, so it reads as
less certain. Points keep their fill (a faded town marker all but vanishes)."""

LINE_OPACITY = 0.9

SELECTION = Style(color="#000000", weight=4.0, fill=None, fill_opacity=0.0, radius=11.0)
"""The outline drawn over the feature selected on the Map page."""
LINE_HALO_EXTRA = 6.0
"""A selected line's halo is this many pixels wider than the selection outline, drawn under
the line so the line keeps its colour."""
SELECTED_LINE_OPACITY = 0.45
"""That halo's opacity: faint, so it reads as a frame round the route, not as a black line."""

DRAWING = Style(color="#E4007C", weight=3.0, fill=None, fill_opacity=0.15)
"""What a briefer draws on the Map page (`layers.map.draw`): solid, in a magenta no layer uses,
so a sketch is never mistaken for the data."""

HALO_COLOR = "#000000"
HALO_EXTRA_WEIGHT = 4.0
"""A highlighted feature's halo is this many pixels wider than the feature's own line."""
HALO_EXTRA_RADIUS = 3.0
"""A highlighted point's halo ring is this many pixels larger in radius than the point."""

PX_TO_PT = 0.75
"""CSS pixels (1/96 inch) to PDF points (1/72 inch)."""

NEUTRAL = "#333333"
"""The ink of keys that are about drawing, not about a layer (the legend's precision key)."""

LAND = "#f2efe9"
WATER = "#aad3df"
BASEMAP_BORDER = "#9a9a9a"
BASEMAP_STYLES: dict[str, dict[str, object]] = {
    "sea": {"stroke": False, "fillColor": WATER, "fillOpacity": 1.0},
    "land": {"stroke": False, "fillColor": LAND, "fillOpacity": 1.0},
    "lakes": {"stroke": False, "fillColor": WATER, "fillOpacity": 1.0},
    "rivers": {"color": WATER, "weight": 1.2, "opacity": 1.0, "fill": False},
    "borders": {"color": BASEMAP_BORDER, "weight": 1.0, "opacity": 1.0, "fill": False},
}
"""Each offline basemap file (`geodata/basemap/<stem>.geojson`) in drawing order, first lowest,
as Leaflet path options."""


def dash_array(precision: str) -> str | None:
    """Leaflet's `dashArray` for a precision ("8 6"), or None for a solid line."""
    dash = DASH_PX.get(precision)
    return None if dash is None else " ".join(f"{length:g}" for length in dash)


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
        "opacity": LINE_OPACITY,
    }
    if style.fill_opacity <= 0:
        # a ring: only its stroke is drawn, and only it takes clicks (folium turns the fill
        # back on whenever a fill colour is given, so none is)
        options["fill"] = False
        del options["fillColor"]
    dash = dash_array(precision)
    if dash is not None:
        options["dashArray"] = dash
    if precision == "approximate" and not point:
        options["fillOpacity"] = round(style.fill_opacity * APPROXIMATE_FILL_FACTOR, 3)
    return options


def halo_style(style: Style) -> Style:
    """The black halo under a highlighted feature drawn in `style`: wider, larger, unfilled."""
    return Style(color=HALO_COLOR, weight=style.weight + HALO_EXTRA_WEIGHT, fill=None,
                 fill_opacity=0.0, radius=style.radius + HALO_EXTRA_RADIUS)


def halo_options(style: Style, precision: str, point: bool) -> dict[str, object]:
    """Path options of the halo under a highlighted feature.

    A line's or area's halo keeps the feature's dash pattern, so a highlighted schematic line
    still reads as schematic; a point's halo is a solid ring (a dotted ring reads as a cog).
    """
    options = path_options(halo_style(style), precision)
    options["fill"] = False
    if point:
        options.pop("dashArray", None)
    return options


def selection_options() -> dict[str, object]:
    """Path options of the Map page's selection outline: solid, unfilled."""
    options = path_options(SELECTION, "exact")
    options["fillOpacity"] = 0.0
    options["fill"] = False
    return options


def selection_outline(kind: str) -> dict[str, object]:
    """The selection outline's path options for a feature drawn as `kind` (point, line or area):
    for a line a wide faint halo, drawn under the lines so the route keeps its own colour on
    top; the outline otherwise. One rule for the Map page, the static edition and the picture
    of a view (`layers.briefing.picture`), which draws it with matplotlib."""
    options = selection_options()
    if kind == "line":
        options.update(weight=float(options["weight"]) + LINE_HALO_EXTRA,
                       opacity=SELECTED_LINE_OPACITY)
    return options


LABEL_FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"
"""The map labels' typeface on screen; paper sets them in DejaVu Sans, the PDF's one font."""
LABEL_HALO = "#ffffff"
LABEL_HALO_PX = 3.0
"""Every label has a white halo this wide, so it reads over fills, lines and water alike."""
LABEL_GAP_PX = 3.0
"""A place's label starts this far beyond the rim of its marker."""
LABEL_STYLES: dict[str, dict[str, object]] = {
    "country": {"size": 13.0, "color": "#4a4a4a", "bold": True, "italic": False, "caps": True},
    "sea": {"size": 13.0, "color": "#1d5a7a", "bold": False, "italic": True, "caps": False},
    "lake": {"size": 11.0, "color": "#1d5a7a", "bold": False, "italic": True, "caps": False},
    "capital": {"size": 12.5, "color": "#111111", "bold": True, "italic": False, "caps": False},
    "town": {"size": 12.0, "color": "#1a1a1a", "bold": False, "italic": False, "caps": False},
    "village": {"size": 11.0, "color": "#2e2e2e", "bold": False, "italic": False, "caps": False},
    "line": {"size": 11.0, "color": "#2e2e2e", "bold": False, "italic": True, "caps": False},
    "area": {"size": 11.5, "color": "#222222", "bold": True, "italic": False, "caps": False},
}
"""How each kind of label (`layers.map.labels.KINDS`) is set: size in CSS pixels, ink, weight,
slant, and letter-spaced capitals for countries. Seas and lakes in the ink of deep water;
`area` is a handout scene's highlighted area, named at its pole."""

EVENT_COLORS: dict[str, str] = {
    "war": "#D55E00", "fighting": "#E69F00", "ceasefire": "#009E73", "agreement": "#0072B2",
    "meeting": "#56B4E9", "deal": "#CC79A7", "protest": "#F0E442", "handover": "#000000",
    "statement": "#7f7f7f", "deadline": "#882255",
}
"""The timeline's colour for each kind of event (`layers.data.events.KINDS`), Okabe–Ito plus
grey and wine; the chart names each kind in its legend, so no colour stands alone."""
