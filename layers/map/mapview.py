"""Assemble the map: a base map built the same way on every run, plus the groups that change.

streamlit-folium keys its iframe on a hash of the base map's JavaScript, so anything that changes
between runs (visible layers, the selection) must travel as `feature_group_to_add`, never be
added to the base map; and moving the view goes through the `center`/`zoom` arguments, which
move the existing map instead of rebuilding it.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import folium
import folium.plugins
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from layers.data.catalog import Bounds, Feature, Layer, bounds_around, geometry_kind
from layers.map.assets import localize, offline_map
from layers.map.basemap import TileBasemap, add_offline_basemap
from layers.map.draw import DrawControl
from layers.map.elements import ValueMacro
from layers.map.geo_files import BASEMAP, CARDS, GEO_URL, LEGEND, GeoFiles
from layers.map.geo_layer import GeoLoader, MapScripts, SelectionHalo
from layers.map.label_layer import LabelEngine
from layers.map.layer import (
    AREA_PANES,
    LINE_PANE,
    POINT_PANE,
    SELECTION_PANE,
    feature_group,
)
from layers.map.state import MAX_ZOOM, MIN_ZOOM, layer_class_name
from layers.map.style import SELECTION, selection_outline

MAP_WIDTH_PX, MAP_HEIGHT_PX = 900, 620
POINT_ZOOM = 10
TEMPLATES_DIR = Path(__file__).with_name("templates")


def template(name: str) -> Template:
    """A map element's Jinja template, from `layers/map/templates/` (its JS lives there, not in
    a Python string). Only element attributes reach it, never data as template source."""
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))



def zoom_for_bounds(
    bounds: tuple[float, float, float, float],
    width_px: int = MAP_WIDTH_PX,
    height_px: int = MAP_HEIGHT_PX,
) -> int:
    """The largest web-mercator zoom at which (minx, miny, maxx, maxy) fits the map's pixels."""
    minx, miny, maxx, maxy = bounds
    if maxx - minx < 1e-9 and maxy - miny < 1e-9:
        return POINT_ZOOM

    def merc(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    fit_x = width_px * 360 / (256 * max(maxx - minx, 1e-9))
    fit_y = height_px * 2 * math.pi / (256 * max(merc(maxy) - merc(miny), 1e-9))
    return max(2, min(POINT_ZOOM, math.floor(math.log2(min(fit_x, fit_y)))))


FRAME_FEATURES = ("armenia", "azerbaijan")
"""The opening frame: Armenia and Azerbaijan with Nakhchivan, where every place of 12–14
September 2022 lies; framed from the data itself, so no coordinate is typed."""
FRAME_PADDING_PX = 12
ZOOM_SNAP = 0.25
"""Zoom in quarter steps, so a frame fills the map instead of the nearest whole zoom's box."""
SELECTION_UNDER_PANE = "selection-under"
"""A selected line's halo draws under the lines, so the route keeps its own colour on top."""



Camera = tuple[tuple[float, float], int]


def default_view(geometries: Iterable[BaseGeometry]) -> Camera:
    """The opening centre and zoom: the frame around the given (South Caucasus) geometries."""
    return camera_for_bounds(bounds_around(geometries))


def camera_for_bounds(
    bounds: Bounds, width_px: int = MAP_WIDTH_PX, height_px: int = MAP_HEIGHT_PX
) -> Camera:
    """Centre (lat, lon) and zoom that frame a (minx, miny, maxx, maxy) box in a map this size."""
    minx, miny, maxx, maxy = bounds
    return ((miny + maxy) / 2, (minx + maxx) / 2), zoom_for_bounds(bounds, width_px, height_px)


def initial_camera(
    center: tuple[float, float] | None,
    zoom: int | None,
    feature: BaseGeometry | None,
    default: Camera,
) -> Camera | None:
    """Where a permalink puts the map: its centre and zoom; else its feature (at the link's
    zoom if it gives one); else the default centre at the link's zoom; None for the default."""
    if center is not None:
        return center, zoom if zoom is not None else default[1]
    if feature is not None:
        around, fitting = view_of(feature)
        return around, zoom if zoom is not None else fitting
    if zoom is not None:
        return default[0], zoom
    return None


def fresh_camera(camera: Camera, previous: Camera | None) -> Camera:
    """`camera`, nudged by a hair when it equals the previous one.

    streamlit-folium moves the map only when the `center` or `zoom` it is given changes, so
    selecting the same feature again after panning away would not bring the map back.
    """
    if camera != previous:
        return camera
    (lat, lon), zoom = camera
    return (lat + 1e-7, lon), zoom


def view_box(camera: Camera, width_px: int = MAP_WIDTH_PX,
             height_px: int = MAP_HEIGHT_PX) -> Bounds:
    """The (minx, miny, maxx, maxy) a map of this size shows at this centre and zoom."""
    (lat, lon), zoom = camera
    scale = 256 * 2 ** zoom
    half_x = width_px / 2 * 360 / scale

    def y(latitude: float) -> float:
        latitude = max(min(latitude, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(latitude) / 2))

    def latitude(merc: float) -> float:
        return math.degrees(2 * math.atan(math.exp(merc)) - math.pi / 2)

    half_y = height_px / 2 * 2 * math.pi / scale
    return (lon - half_x, latitude(y(lat) - half_y), lon + half_x, latitude(y(lat) + half_y))


def mostly_outside(bounds: Bounds, view: Bounds, share: float = 0.5) -> bool:
    """Whether less than `share` of a layer's box lies in view: switching it on would leave
    most of it off the map, so the page offers to fit it."""
    width = max(bounds[2] - bounds[0], 1e-9)
    height = max(bounds[3] - bounds[1], 1e-9)
    inside_x = max(0.0, min(bounds[2], view[2]) - max(bounds[0], view[0]))
    inside_y = max(0.0, min(bounds[3], view[3]) - max(bounds[1], view[1]))
    return (inside_x / width) * (inside_y / height) < share


def view_of(geometry: BaseGeometry) -> Camera:
    """Centre (lat, lon) and zoom that frame a geometry: where the map flies on selection."""
    return camera_for_bounds(geometry.bounds)


class SyncViewToUrl(ValueMacro):
    """Keeps the page address's `center` and `zoom` in step with the map as the user pans.

    Panning must not rerun the script (the component returns only clicks), yet a copied URL must
    reproduce the view; so the map itself writes its view into the parent page's address.
    """

    _template = template("sync_view_to_url.js")


class FitFrame(ValueMacro):
    """Fills the component's frame with the map and, on first load, frames `bounds`.

    The frame's height comes from the page stylesheet (the window's height less the page's
    margins), which Python cannot know; Leaflet fits the subject to whatever that gives, on a
    laptop or a phone. A permalink's centre and zoom, applied by the component afterwards, win.
    """

    _template = template("fit_frame.js")

    def __init__(self, bounds: Bounds | None, padding: int = FRAME_PADDING_PX) -> None:
        super().__init__()
        self.bounds = None if bounds is None else [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
        self.padding = padding


class LegendControl(ValueMacro):
    """The legend as a collapsible box on the map; `LegendContent` fills it on each rerun."""

    _template = template("legend_control.js")


class LegendContent(ValueMacro):
    """One rerun's legend: the files whose rows it shows (the legend file, then each visible
    layer's, `layers.map.legend`) and whether a feature is selected; addresses, not rows."""

    _template = template("legend_content.js")

    def __init__(self, legend_url: str, layer_urls: Sequence[str], selection: bool) -> None:
        super().__init__()
        self.legend_url = legend_url
        self.layer_urls = list(layer_urls)
        self.selection = selection


class DoubleClickGuard(ValueMacro):
    """A double click zooms; it does not also select and fly to what lies under it."""

    _template = template("dblclick_guard.js")


def base_map(
    center: tuple[float, float],
    zoom: int,
    geo: GeoFiles,
    sync_url: bool = True,
    frame: Bounds | None = None,
    keyboard: bool = True,
    draw: bool = False,
    draw_round: int = 0,
) -> folium.Map:
    """The base map: same options and background on every run, so the iframe is never rebuilt.

    `sync_url` writes the view into the page address (the Map page's permalinks); pages whose
    address means something else (a briefing's `?scene=`) leave it off. `frame` is fitted on
    first load to the map's real size (`center`/`zoom` only seed it). `keyboard=False` leaves the
    arrow keys to the page (the Briefing page steps scenes with them). `draw` adds the draw
    toolbar (`layers.map.draw`, the Map page's draw mode): switching it rebuilds the map once,
    as does a new `draw_round` (a drawing kept, so the toolbar's copy of it goes). The
    basemap, the labels and the map's own scripts and stylesheet are files in `geo`
    (`layers.map.geo_files`), so the base map's script stays small.
    """
    fmap = offline_map(
        location=center,
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        min_zoom=MIN_ZOOM,
        # Without animation the component's first setView (a permalink or a selection) takes
        # effect at once; animated, it left vector layers projected at the old zoom.
        zoom_animation=False,
        max_zoom=MAX_ZOOM,
        zoom_snap=ZOOM_SNAP,
        keyboard=keyboard,
        width="100%",
        height=MAP_HEIGHT_PX,
    )
    LabelEngine().add_to(fmap)  # the label pane; its libraries load before our scripts
    MapScripts(geo.scripts(), geo.stylesheets()).add_to(fmap)
    GeoLoader().add_to(fmap)  # before any group that draws a geometry file
    add_offline_basemap(fmap, geo.url(BASEMAP))  # with the countries' and seas' names
    Panes(feature_panes()).add_to(fmap)
    Attribution("Background: Natural Earth (public domain)").add_to(fmap)
    measure = folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="kilometers",
        secondary_length_unit="miles",
        primary_area_unit="sqkilometers",
        secondary_area_unit=None,
    )
    localize(measure).add_to(fmap)
    if draw:
        localize(DrawControl(draw_round)).add_to(fmap)
    LegendControl().add_to(fmap)
    DoubleClickGuard().add_to(fmap)
    FitFrame(frame).add_to(fmap)
    if sync_url:
        SyncViewToUrl().add_to(fmap)
    return fmap


class LayerSwitches(ValueMacro):
    """The layers a page's checkboxes switch in the browser (geo_loader.js `sync`): each one's
    checkbox class name (`layer_class_name`), file as of the rerun's day (under `base`) and
    whether it is on, as `[name, file, on]`; every rerun sends it, so it is kept short. The map
    draws those that are on and keeps them drawn across reruns (geo_loader.js `switches`).
    `cards_url`, the index of the feature cards' files (`geo_files.card_files`), has a click
    show its feature's card at once (layers/html/templates/card_preview.js)."""

    _template = template("layer_switches.js")

    def __init__(self, legend_url: str, base: str, selection: bool,
                 layers: list[list[object]], cards_url: str | None = None) -> None:
        super().__init__()
        self.legend_url = legend_url
        self.base = base
        self.selection = selection
        self.layers = layers
        self.cards_url = cards_url


def legend_group(visible: Iterable[str], selection: bool, geo: GeoFiles,
                 day: datetime.date | None = None,
                 switchable: Iterable[Layer] = ()) -> folium.FeatureGroup:
    """This rerun's legend for the map's legend box (the visible layers' rows as they stood on
    `day`, in the order given, and the selection's row when there is one), as a group the
    component adds. With `switchable` layers (the Map page's, in registry order, each with its
    checkbox) the group also draws the visible ones, kept drawn across reruns, and lets the
    browser switch any at its checkbox's click: a page that passes them sends no `layer_groups`
    and must pass them on every rerun, as their list says which come off."""
    visible = list(visible)
    group = folium.FeatureGroup(name="Legend", control=False)
    LegendContent(geo.url(LEGEND), [geo.url(lid, day) for lid in visible],
                  selection).add_to(group)
    switches = [[layer_class_name(layer.id), geo.url(layer.id, day).removeprefix(GEO_URL + "/"),
                 layer.id in visible] for layer in switchable]
    if switches:
        cards = geo.url(CARDS) if CARDS in geo.names else None
        LayerSwitches(geo.url(LEGEND), GEO_URL + "/", selection, switches, cards).add_to(group)
    return group


class Attribution(ValueMacro):
    """Credits a source in the map's attribution control (the offline basemap has no tile layer
    to carry its credit)."""

    _template = template("attribution.js")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def tile_group(tiles: TileBasemap) -> folium.FeatureGroup:
    """An online tile basemap as a group, so switching background never rebuilds the map."""
    group = folium.FeatureGroup(name=tiles.name, control=False)
    folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, name=tiles.name,
                     max_zoom=tiles.max_zoom).add_to(group)
    return group


Pane = tuple[str, int, bool]  # name, z-index, whether it takes the mouse


def feature_panes() -> list[Pane]:
    """The panes features draw in (see `layers.map.layer.pane_for`), lowest first: areas by
    size, a selected line's halo, lines, points, and the selection outline on top. One list for
    this map and the static edition's."""
    return [*((f"areas-{index}", 400 + index, True) for index in range(AREA_PANES)),
            (SELECTION_UNDER_PANE, 419, False), (LINE_PANE, 420, True), (POINT_PANE, 430, True),
            (SELECTION_PANE, 440, False)]


class Panes(ValueMacro):
    """Creates the feature panes in one short loop (a folium CustomPane each cost ~150 bytes of
    the base map's script, which travels with every rerun). Part of the base map."""

    _template = template("panes.js")

    def __init__(self, panes: Sequence[Pane]) -> None:
        super().__init__()
        self._name = "Panes"
        self.panes = [list(pane) for pane in panes]


SCENE_PADDING_SHARE = 0.08
"""A scene's margin: this share of the map's smaller side on every edge (86 px on a 1080-line
screen, 40 px in a 500 px page column), so nothing highlighted sits flush against an edge."""
SCENE_MIN_PADDING_PX = 24
SCENE_MAX_ZOOM = 9
"""The closest a scene frames: a single town shows the valleys and towns around it, not a
street map with nothing to place it by (zoom 9 spans about 150 km across a laptop's map)."""


class SceneFit(ValueMacro):
    """Frames a scene's bounds in the browser at the map's real size (templates/scene_fit.js):
    the page column, a 16:9 presenting screen and a phone each get the same subject with the
    same margin, which a zoom computed on the server for one assumed width could not give."""

    _template = template("scene_fit.js")

    def __init__(self, bounds: Bounds, padding_share: float = SCENE_PADDING_SHARE,
                 min_padding: int = SCENE_MIN_PADDING_PX, max_zoom: int = SCENE_MAX_ZOOM) -> None:
        super().__init__()
        self.bounds = [[bounds[1], bounds[0]], [bounds[3], bounds[2]]]
        self.padding_share = padding_share
        self.min_padding = min_padding
        self.max_zoom = max_zoom


def scene_frame_group(bounds: Bounds) -> folium.FeatureGroup:
    """The group that frames a scene when the component adds it (`SceneFit`)."""
    group = folium.FeatureGroup(name="Scene frame", control=False)
    SceneFit(bounds).add_to(group)
    return group


def selection_group(feature_id: str, layer_id: str, geometry: BaseGeometry,
                    geo: GeoFiles, day: datetime.date | None = None) -> folium.FeatureGroup:
    """A black outline over the selected feature, on top of every layer and deaf to the mouse,
    so the features inside a selected area stay clickable. A selected line gets a wide halo
    under the lines instead, so the route keeps its own colour on top. Drawn in the browser from
    the feature's layer file (as it stood on `day`: no outline for what did not stand then),
    so a selection sends its id, not its geometry."""
    group = folium.FeatureGroup(name="Selection")
    options, pane = selection_halo(geometry_kind(geometry))
    SelectionHalo(geo.url(layer_id, day), feature_id, options, SELECTION.radius,
                  pane).add_to(group)
    return group


def event_focus(places: Sequence[Feature]) -> list[Feature]:
    """The places the map frames and outlines for an event: its points and lines when it names
    any, else all of them. The fighting of September 2022 concerns Armenia, Azerbaijan and a
    dozen towns, the gas deal the European Union, Baku and the pipelines: framing the countries
    or the Union (overseas regions and all) would bury the towns and routes in a world map."""
    finer = [place for place in places if geometry_kind(place.geometry) in ("point", "line")]
    return finer or list(places)


def selection_halo(kind: str) -> tuple[dict[str, object], str]:
    """The selection outline's path options and pane for a feature drawn as `kind` (point, line
    or area, `geometry_kind`): a wide faint halo under the lines for a line, the outline on top
    otherwise. One rule for this map and the static edition's, which outlines in the browser
    whatever feature a reader opens."""
    pane = SELECTION_UNDER_PANE if kind == "line" else SELECTION_PANE
    return selection_outline(kind), pane


def layer_groups(layers: Iterable[Layer], visible: Iterable[str], geo: GeoFiles,
                 day: datetime.date | None = None) -> list[folium.FeatureGroup]:
    """Feature groups for the visible layers, in registry order (later ones draw on top), each
    as it stood on `day` (None: every feature of every date)."""
    shown = set(visible)
    return [feature_group(layer, geo.url(layer.id, day)) for layer in layers
            if layer.id in shown]
