"""The offline HTML briefing: one self-contained file that opens from a USB stick with no network.

Everything is inlined: Leaflet's JS and CSS (read from `static/vendor/` at export time, so `make
assets` must have run), the Natural Earth basemap, and only the layers and features the storyboard
uses. A small hand-written Leaflet page is used instead of folium: folium's template pulls in
jQuery, Bootstrap and Font Awesome, several times the size, none of which a slide deck needs.

The only URLs in the file are the article's reference links. Leaflet's source carries three
others, rewritten in the inlined copy (see `_LEAFLET_JS_REWRITES`): its home page in the licence
header and in the attribution prefix (we pass `prefix: false`, so the prefix is never shown), and
the SVG namespace URI, which is an identifier Leaflet never fetches but which a reviewer scanning
the file for URLs cannot tell from a download; the page computes the same namespace at run time
from an `<svg>` parsed by the browser. Leaflet's CSS background images become data: URIs.

The page is `templates/handout.html` (with `handout.css` and `handout.js` beside it), rendered by
Jinja2 with autoescaping: storyboard and data text reach it as values and are escaped there. The
JSON the script reads sits in a `<script type="application/json">` block with every `<` written
as `\\u003c`, so no data string can close the block or open a comment in it.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers import VENDOR_DIR
from layers.briefing.storyboard import (
    Scene,
    Storyboard,
    passage_text,
    scene_citations,
    scene_date_line,
    scene_features,
    used_feature_ids,
    used_layer_ids,
)
from layers.data.article import Article
from layers.data.catalog import Catalog, Layer, shown_name
from layers.html.references import references_html
from layers.html.styles import stylesheet
from layers.map.assets import LABEL_JS, MAP_CSS, MAP_JS, inlinable_text
from layers.map.basemap import BASEMAP_DIR
from layers.map.geo_files import LEGEND_CSS
from layers.map.label_layer import engine_options, engine_source
from layers.map.labels import cached_base_labels, cached_layer_labels, highlight_label
from layers.map.legend import entry_html
from layers.map.style import BASEMAP_STYLES, halo_options, halo_style, path_options

TEMPLATES_DIR = Path(__file__).with_name("templates")
_TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                         undefined=StrictUndefined, keep_trailing_newline=True)
"""The handout's page (`templates/handout.html`); data reaches it only as values, which it
escapes, never as template source."""
LEAFLET_JS = dict(MAP_JS)["leaflet"]
LEAFLET_CSS = dict(MAP_CSS)["leaflet_css"]
FIT_MAX_ZOOM = 10  # a scene framed on one town should not zoom to street level

# (literal in leaflet.js, replacement, how many times it occurs once the rewrites above it ran).
# Applied in order and the counts checked, so a Leaflet upgrade that moves these strings fails
# the export instead of leaking a URL.
_LEAFLET_JS_REWRITES: tuple[tuple[str, str, int], ...] = (
    ("https://leafletjs.com", "leafletjs.com", 2),
    (' xmlns="http://www.w3.org/2000/svg"', "", 1),  # inside the unused attribution prefix
    ('"http://www.w3.org/2000/svg"', "LEAFLET_SVG_NS", 2),
)
_LEAFLET_CSS_REWRITES: tuple[tuple[str, str, int], ...] = (
    ("/* workaround for https://bugzilla.mozilla.org/show_bug.cgi?id=888319 */",
     "/* workaround for Mozilla bug 888319 */", 1),
)
_CSS_IMAGE = re.compile(r"url\((images/[\w.-]+\.png)\)")
# The label libraries, inlined after Leaflet: leaflet-textpath names the XLink namespace (an
# identifier, never fetched, computed at run time like Leaflet's SVG one) and cites an archived
# article in its header; both are rewritten so the file holds no URL but the citations.
_LABEL_JS_REWRITES: dict[str, tuple[tuple[str, str, int], ...]] = {
    "leaflet_textpath": (
        ("https://web.archive.org/web/20130312131812/http://mapbox.com/osmdev/2012/11/20/"
         "getting-serious-about-svg/", "Tom MacWright, \"Getting serious about SVG\" (2012)",
         1),
        ('"http://www.w3.org/1999/xlink"', "LEAFLET_XLINK_NS", 1),
    ),
}


class MissingAssets(FileNotFoundError):
    """Leaflet is not in static/vendor/: the export cannot inline it."""


def scene_count(count: int) -> str:
    """How the handouts state the number of scenes ("1 scene", "8 scenes"): always counted from
    the storyboard, never typed, so it cannot disagree with the scenes shown."""
    return f"{count} scene" if count == 1 else f"{count} scenes"


def export_html(
    storyboard: Storyboard, catalog: Catalog, article: Article, vendor_dir: Path = VENDOR_DIR
) -> str:
    """The whole briefing as one HTML document (map, scenes, passages, citations, navigation)."""
    leaflet_js, leaflet_css = _leaflet(Path(vendor_dir))
    labels_js = _label_scripts(Path(vendor_dir))
    data = _map_data(storyboard, catalog)
    # every "<" escaped, not only "</": a name holding "<!--<script" would otherwise put the
    # HTML parser in a state where the data block swallows the page's next script
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
    return _TEMPLATES.get_template("handout.html").render(
        storyboard=storyboard,
        scenes=[_scene(scene, catalog, article) for scene in storyboard.scenes],
        scene_count=scene_count(len(storyboard.scenes)),
        leaflet_css=Markup(leaflet_css),
        leaflet_js=Markup(leaflet_js),
        labels_js=Markup(labels_js),
        leaflet_version=LEAFLET_JS.split("/")[1],
        stylesheet=Markup(stylesheet()),
        page_css=Markup(_template_text("handout.css") + inlinable_text(LEGEND_CSS)),
        page_js=Markup(_template_text("handout.js")),
        payload=Markup(payload),
    )


def _scene(scene: Scene, catalog: Catalog, article: Article) -> dict[str, object]:
    """What the template shows of one scene: plain values it escapes itself, and the legend and
    citations as fragments our builders have already escaped."""
    legend = [entry for lid in scene.layers for entry in catalog.layer(lid).legend_entries()]
    return {
        "title": scene.title,
        "date": scene_date_line(scene),
        "passages": [{"text": passage_text(ref, article),
                      "number": article.paragraph(ref.paragraph).number}
                     for ref in scene.passages],
        "notes": scene.notes,
        "highlighted": [shown_name(catalog.feature(fid).properties, catalog.feature(fid).layer)
                        for fid in scene.highlight],
        "legend": Markup("".join(entry_html(entry) for entry in legend)),
        "citations": Markup(references_html(
            article.reference(n) for n in scene_citations(scene, article))),
    }


def _template_text(name: str) -> str:
    """A template file's text, checked to be inlinable: it must not close its own block."""
    return inlinable_text(TEMPLATES_DIR / name)


def _vendored(path: Path, vendor_dir: Path) -> str:
    """A library file as a message names it: under static/vendor/, never the server's own
    absolute path (the message reaches the page)."""
    try:
        return f"static/vendor/{path.relative_to(vendor_dir).as_posix()}"
    except ValueError:  # outside it (a "../" in a stylesheet): the file's name alone
        return path.name


def _leaflet(vendor_dir: Path) -> tuple[str, str]:
    """Leaflet's JS and CSS as inlined: URLs rewritten, CSS images as data: URIs."""
    js_path, css_path = vendor_dir / LEAFLET_JS, vendor_dir / LEAFLET_CSS
    for path in (js_path, css_path):
        if not path.is_file():
            raise MissingAssets(
                f"{_vendored(path, vendor_dir)} is missing: run `make assets` first (it fetches "
                "the pinned Leaflet into static/vendor/, which the offline HTML export inlines)"
            )
    js = _rewrite(js_path.read_text(encoding="utf-8"), _LEAFLET_JS_REWRITES, js_path)
    css = _rewrite(css_path.read_text(encoding="utf-8"), _LEAFLET_CSS_REWRITES, css_path)

    def data_uri(match: re.Match[str]) -> str:
        image = css_path.parent / match.group(1)
        if not image.is_file():
            raise MissingAssets(f"{_vendored(image, vendor_dir)} is missing: run `make assets` "
                                "first")
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = _CSS_IMAGE.sub(data_uri, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ValueError("Leaflet's source closes its own inline block; it cannot be inlined")
    return js, css


def _label_scripts(vendor_dir: Path) -> str:
    """rbush, labelgun and leaflet-textpath as inlined (URLs rewritten), then the label engine."""
    sources = []
    for name, local in LABEL_JS:
        path = vendor_dir / local
        if not path.is_file():
            raise MissingAssets(f"{_vendored(path, vendor_dir)} is missing: run `make assets` "
                                "first (the offline HTML export inlines the map label "
                                "libraries)")
        sources.append(_rewrite(path.read_text(encoding="utf-8"),
                                _LABEL_JS_REWRITES.get(name, ()), path))
    sources.append(engine_source())
    joined = "\n;\n".join(sources)
    if "</script" in joined.lower():
        raise ValueError("a label library closes its own inline block; it cannot be inlined")
    return joined


def _labels(storyboard: Storyboard, catalog: Catalog, layer_ids: list[str]) -> dict:
    """The map labels the page script draws: the always-on ones, each used layer's, and each
    highlighted feature's, named first (`layers.map.labels`)."""
    highlights = {}
    for fid in used_feature_ids(storyboard):
        layer, props, geometry = catalog.feature(fid)
        label = highlight_label(layer, props, geometry)
        if label is not None:
            highlights[fid] = [label.as_json()]
    return {
        "options": engine_options(),
        "base": [label.as_json() for label in cached_base_labels(catalog)],
        "layers": {lid: [label.as_json() for label in cached_layer_labels(catalog.layer(lid))]
                   for lid in layer_ids},
        "highlights": highlights,
    }


def _rewrite(source: str, rewrites: tuple[tuple[str, str, int], ...], path: Path) -> str:
    for literal, replacement, count in rewrites:
        found = source.count(literal)
        if found != count:
            raise ValueError(f"{path}: expected {literal!r} {count} time(s), found {found}; "
                             "review _LEAFLET_*_REWRITES for this Leaflet version")
        source = source.replace(literal, replacement)
    return source


def _map_data(storyboard: Storyboard, catalog: Catalog) -> dict:
    """What the page script draws: basemap, the used layers, highlights, and each scene's view:
    its frame, its layers, the features of them that did not stand on its day (`hidden`, left
    out with their labels) and its highlights that did (`scene_features`)."""
    basemap = [
        {"geojson": json.loads((BASEMAP_DIR / f"{stem}.geojson").read_text(encoding="utf-8")),
         "style": style}
        for stem, style in BASEMAP_STYLES.items()
    ]
    layer_ids = used_layer_ids(storyboard, catalog)
    layers = {lid: _layer_items(catalog.layer(lid)) for lid in layer_ids}
    highlights = {}
    for fid in used_feature_ids(storyboard):
        layer, props, geometry = catalog.feature(fid)
        highlights[fid] = _highlight_items(layer, props, geometry)
    scenes = []
    for scene in storyboard.scenes:
        drawn = scene_features(scene, catalog)
        scenes.append({
            "bounds": [[scene.bounds[1], scene.bounds[0]], [scene.bounds[3], scene.bounds[2]]],
            "layers": [lid for lid in layer_ids if lid in scene.layers],
            "hidden": list(drawn.hidden),
            "highlight": list(drawn.highlight),
        })
    return {"basemap": basemap, "layers": layers, "highlights": highlights, "scenes": scenes,
            "labels": _labels(storyboard, catalog, layer_ids), "fitMaxZoom": FIT_MAX_ZOOM}


def _item(geometry: BaseGeometry, options: dict[str, object], radius: float, name: str) -> dict:
    return {"geometry": mapping(geometry), "options": options, "radius": radius, "name": name}


def _layer_items(layer: Layer) -> list[dict]:
    """Every feature of a layer, by id (a dated scene leaves some out), with the path options
    the dashboard map uses for it."""
    items = []
    for row in layer.features.itertuples(index=False):
        style = layer.style_for(row.category)
        point = row.geometry.geom_type == "Point"
        items.append({"id": row.id, **_item(row.geometry, path_options(style, row.precision, point),
                                            style.radius, shown_name(row._asdict(), layer))})
    return items


def _highlight_items(layer: Layer, props: dict, geometry: BaseGeometry) -> list[dict]:
    """A black halo under the feature (`layers.map.style.halo_options`), then the feature in its
    own style on top, drawn again so it shows even when its layer is hidden."""
    style = layer.style_for(props["category"])
    point = geometry.geom_type == "Point"
    return [_item(geometry, halo_options(style, props["precision"], point),
                  halo_style(style).radius, shown_name(props, layer)),
            _item(geometry, path_options(style, props["precision"], point), style.radius,
                  shown_name(props, layer))]
