"""The map labels drawn with folium: the label engine in the base map, a briefing scene's
highlighted names in a group. Where labels go is `layers.map.labels`'s; how they are set,
`layers.map.style`'s.

The engine (`templates/labels.js`, loaded as a file, `layers.map.geo_layer.MapScripts`) makes a
pane that ignores the mouse, between the lines and the points, so clicks reach the features and
every marker draws over any text; it declutters with labelgun on every zoom, pan and layer
change. The always-on labels (countries, seas, Lake Sevan) travel in the basemap's file and a
layer's labels in the layer's (`layers.map.geo_files`), so they come and go with it and cross
the wire once.

Data text reaches the page only as JSON values in which `<`, `>`, `&`, `$` and backticks are
written as `\\u` escapes; the script puts every text into a text node, never into HTML.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import folium
from jinja2 import Template

from layers.data.catalog import Catalog
from layers.map.assets import LabelLibraries, inlinable_text
from layers.map.elements import ValueMacro
from layers.map.labels import Label, highlight_label
from layers.map.style import LABEL_FONT, LABEL_GAP_PX, LABEL_HALO, LABEL_HALO_PX, LABEL_STYLES

TEMPLATES_DIR = Path(__file__).with_name("templates")
ENGINE_SCRIPT = TEMPLATES_DIR / "labels.js"
LABEL_PANE = "labels"
LABEL_PANE_Z = 425
"""Above the lines (420), below the points (430): a marker is never under a label's text."""

_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "$": "\\u0024", "`": "\\u0060",
              "\u2028": "\\u2028", "\u2029": "\\u2029"}


def js_json(value: object) -> str:
    """JSON that is safe anywhere in a script: no character that could close a `<script>`,
    start a template literal's `${`, or end a line in older JavaScript."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _JS_UNSAFE.items():
        text = text.replace(char, escape)
    return text


def engine_source() -> str:
    """The label engine's script, checked to be inlinable (the handout inlines it too)."""
    return inlinable_text(ENGINE_SCRIPT)


def engine_options() -> dict[str, object]:
    """What the engine needs to know: its pane, the label styles, the halo and the gap."""
    return {"pane": LABEL_PANE, "zIndex": LABEL_PANE_Z, "styles": LABEL_STYLES,
            "font": LABEL_FONT, "halo": LABEL_HALO_PX, "haloColor": LABEL_HALO,
            "gap": LABEL_GAP_PX}


def labels_json(labels: Iterable[Label]) -> str:
    return js_json([label.as_json() for label in labels])


def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


class LabelEngine(LabelLibraries):
    """The label engine on a map (its script is one of the map's served files)."""

    _template = _template("label_engine.js")

    def __init__(self) -> None:
        super().__init__()
        self._name = "LabelEngine"
        self.options = js_json(engine_options())


class LabelGroup(ValueMacro):
    """A layer's labels inside its feature group: they show while the group is on the map."""

    _template = _template("label_group.js")

    def __init__(self, labels: Iterable[Label]) -> None:
        super().__init__()
        self._name = "LabelGroup"
        self.labels = labels_json(labels)


def highlight_group(catalog: Catalog, feature_ids: Iterable[str]) -> folium.FeatureGroup:
    """The names of a briefing scene's highlighted features, named before every other label
    and at every zoom (as in the handouts), as a group of their own."""
    group = folium.FeatureGroup(name="Highlighted names", control=False)
    found = []
    for fid in feature_ids:
        layer, props, geometry = catalog.feature(fid)
        label = highlight_label(layer, props, geometry)
        if label is not None:
            found.append(label)
    LabelGroup(found).add_to(group)
    return group
