"""The map elements that draw geometry from the files `layers.map.geo_files` writes.

`GeoLoader` (part of the base map, before any group) defines `window.cbmGeo`, which fetches a
file once per page and keeps what it drew; `GeoFile` puts a file's features in its group;
`SelectionHalo` outlines one feature of a file. Their scripts are templates in
`layers/map/templates/`; only addresses, ids and path options reach them, as JSON values. How a
feature is drawn is `templates/geo_draw.js`, a plain script the loader inlines and the static
edition serves, so the two maps cannot draw a feature differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from layers.map.assets import inlinable_text

TEMPLATES_DIR = Path(__file__).with_name("templates")
DRAW_SCRIPT = TEMPLATES_DIR / "geo_draw.js"


def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def draw_source() -> str:
    """The feature drawer (`window.CbmGeoDraw`), checked to be inlinable."""
    return inlinable_text(DRAW_SCRIPT)


class GeoLoader(MacroElement):
    """Fetches and draws geometry files for the map it is added to (add it first)."""

    _template = _template("geo_loader.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "GeoLoader"
        self.draw_source = draw_source()


class GeoFile(MacroElement):
    """The features of one geometry file, drawn in the group this is added to."""

    _template = _template("geo_file.js")

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "GeoFile"
        self.url = url


class SelectionHalo(MacroElement):
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
