"""The map elements that draw from the files `layers.map.geo_files` writes, and the map's own
scripts, which it writes beside them.

`MapScripts` loads the map's plain scripts and frame stylesheet as links
(`layers.map.geo_files.SERVED`: the label engine, the feature drawer, the loader), so a rerun's
arguments never carry them. `GeoLoader`
(part of the base map, before any group) starts `window.cbmGeo`, which fetches a file once per
page and keeps what it drew; `GeoFile` puts a file's features and labels in its group;
`SelectionHalo` outlines one feature of a file. Only addresses, ids and path options reach their
templates, as JSON values. How a feature is drawn is `templates/geo_draw.js`, which the static
edition serves too, so the two maps cannot draw a feature differently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from folium.elements import JSCSSMixin
from jinja2 import Template

from layers.map.assets import inlinable_text
from layers.map.elements import ValueMacro

TEMPLATES_DIR = Path(__file__).with_name("templates")
DRAW_SCRIPT = TEMPLATES_DIR / "geo_draw.js"
LOADER_SCRIPT = TEMPLATES_DIR / "geo_loader.js"


def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def draw_source() -> str:
    """The feature drawer (`window.CbmGeoDraw`), checked to be inlinable."""
    return inlinable_text(DRAW_SCRIPT)


class MapScripts(JSCSSMixin):
    """The map's own scripts and stylesheet, loaded by address like Leaflet's (streamlit-folium
    loads every element's `default_js` in order before it runs the map's script)."""

    def __init__(self, scripts: Sequence[str], stylesheets: Sequence[str]) -> None:
        super().__init__()
        self._name = "MapScripts"
        self.default_js = [(f"cbm-script-{i}", url) for i, url in enumerate(scripts)]
        self.default_css = [(f"cbm-css-{i}", url) for i, url in enumerate(stylesheets)]


class GeoLoader(ValueMacro):
    """Fetches and draws geometry files for the map it is added to (add it first)."""

    _template = _template("geo_loader_attach.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeoLoader"


class GeoFile(ValueMacro):
    """The features of one geometry file, drawn in the group this is added to."""

    _template = _template("geo_file.js")

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "GeoFile"
        self.url = url


class SelectionHalo(ValueMacro):
    """An outline under or over one feature, drawn from the file that holds it, by id."""

    _template = _template("selection_halo.js")

    def __init__(self, url: str, feature_id: str, options: Mapping[str, object], radius: float,
                 pane: str) -> None:
        super().__init__()
        self._name = "SelectionHalo"
        self.url = url
        self.feature_id = feature_id
        self.options = dict(options)
        self.radius = radius
        self.pane = pane
