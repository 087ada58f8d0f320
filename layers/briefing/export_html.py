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

All data text is escaped (`markup.text`); the JSON the script reads sits in a
`<script type="application/json">` block with every `</` written as `<\\/`, so no data string
can close the block.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from layers import ROOT
from layers.briefing.storyboard import (
    Scene,
    Storyboard,
    passage_text,
    scene_citations,
    used_feature_ids,
    used_layer_ids,
)
from layers.data.article import Article
from layers.data.catalog import Catalog, Layer
from layers.html import markup
from layers.html.references import reference_html
from layers.map.assets import MAP_CSS, MAP_JS
from layers.map.basemap import BASEMAP_DIR
from layers.map.legend import swatch_svg
from layers.map.style import BASEMAP_STYLES, halo_options, halo_style, path_options

VENDOR_DIR = ROOT / "static" / "vendor"
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
# Defined before Leaflet runs: an element the HTML parser puts in the SVG namespace tells us it.
_SVG_NS_SCRIPT = (
    'var LEAFLET_SVG_NS = (function () { var d = document.createElement("div"); '
    'd.innerHTML = "<svg></svg>"; return d.firstChild.namespaceURI; })();'
)


class MissingAssets(FileNotFoundError):
    """Leaflet is not in static/vendor/: the export cannot inline it."""


def export_html(
    storyboard: Storyboard, catalog: Catalog, article: Article, vendor_dir: Path = VENDOR_DIR
) -> str:
    """The whole briefing as one HTML document (map, scenes, passages, citations, navigation)."""
    leaflet_js, leaflet_css = _leaflet(Path(vendor_dir))
    data = _map_data(storyboard, catalog)
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    t = markup.text
    scenes = "\n".join(
        _scene_html(number, len(storyboard.scenes), scene, catalog, article)
        for number, scene in enumerate(storyboard.scenes, start=1)
    )
    total = len(storyboard.scenes)
    description = (f"<p class=\"description\">{t(storyboard.description)}</p>"
                   if storyboard.description else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{t(storyboard.title)}</title>
<style>
{leaflet_css}
</style>
<style>
{_PAGE_CSS}
</style>
</head>
<body>
<header>
<h1>{t(storyboard.title)}</h1>
{description}
</header>
<main>
<div id="map" role="img" aria-label="Map of the current scene"></div>
<section id="panel">
<nav aria-label="Scenes">
<button type="button" id="prev" aria-label="Previous scene">&#8592; Previous</button>
<span id="progress" aria-live="polite">{min(total, 1)} / {total}</span>
<button type="button" id="next" aria-label="Next scene">Next &#8594;</button>
</nav>
{scenes}
</section>
</main>
<footer>
<p>Quotations: the article as published, by paragraph (¶) and sentence. Map: Natural Earth
(public domain) and GeoNames (CC BY 4.0) data; dashed lines are schematic, dotted outlines
approximate. Drawn with Leaflet {t(LEAFLET_JS.split("/")[1])} (BSD-2-Clause), inlined.
Keys: &#8592; &#8594; (or Page Up / Page Down) step through the scenes.</p>
</footer>
<script>{_SVG_NS_SCRIPT}</script>
<script>
{leaflet_js}
</script>
<script type="application/json" id="briefing-data">{payload}</script>
<script>
{_PAGE_JS}
</script>
</body>
</html>
"""


def _leaflet(vendor_dir: Path) -> tuple[str, str]:
    """Leaflet's JS and CSS as inlined: URLs rewritten, CSS images as data: URIs."""
    js_path, css_path = vendor_dir / LEAFLET_JS, vendor_dir / LEAFLET_CSS
    for path in (js_path, css_path):
        if not path.is_file():
            raise MissingAssets(
                f"{path} is missing: run `make assets` first (it fetches the pinned Leaflet "
                "into static/vendor/, which the offline HTML export inlines)"
            )
    js = _rewrite(js_path.read_text(encoding="utf-8"), _LEAFLET_JS_REWRITES, js_path)
    css = _rewrite(css_path.read_text(encoding="utf-8"), _LEAFLET_CSS_REWRITES, css_path)

    def data_uri(match: re.Match[str]) -> str:
        image = css_path.parent / match.group(1)
        if not image.is_file():
            raise MissingAssets(f"{image} is missing: run `make assets` first")
        encoded = base64.b64encode(image.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{encoded})"

    css = _CSS_IMAGE.sub(data_uri, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise ValueError("Leaflet's source closes its own inline block; it cannot be inlined")
    return js, css


def _rewrite(source: str, rewrites: tuple[tuple[str, str, int], ...], path: Path) -> str:
    for literal, replacement, count in rewrites:
        found = source.count(literal)
        if found != count:
            raise ValueError(f"{path}: expected {literal!r} {count} time(s), found {found}; "
                             "review _LEAFLET_*_REWRITES for this Leaflet version")
        source = source.replace(literal, replacement)
    return source


def _map_data(storyboard: Storyboard, catalog: Catalog) -> dict:
    """What the page script draws: basemap, the used layers, highlights, and each scene's view."""
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
    scenes = [
        {
            "bounds": [[scene.bounds[1], scene.bounds[0]], [scene.bounds[3], scene.bounds[2]]],
            "layers": [lid for lid in layer_ids if lid in scene.layers],
            "highlight": list(scene.highlight),
        }
        for scene in storyboard.scenes
    ]
    return {"basemap": basemap, "layers": layers, "highlights": highlights, "scenes": scenes,
            "fitMaxZoom": FIT_MAX_ZOOM}


def _item(geometry: BaseGeometry, options: dict[str, object], radius: float, name: str) -> dict:
    return {"geometry": mapping(geometry), "options": options, "radius": radius, "name": name}


def _layer_items(layer: Layer) -> list[dict]:
    """Every feature of a layer with the path options the dashboard map uses for it."""
    items = []
    for row in layer.features.itertuples(index=False):
        style = layer.style_for(row.category)
        point = row.geometry.geom_type == "Point"
        items.append(_item(row.geometry, path_options(style, row.precision, point), style.radius,
                           row.name))
    return items


def _highlight_items(layer: Layer, props: dict, geometry: BaseGeometry) -> list[dict]:
    """A black halo under the feature (`layers.map.style.halo_options`), then the feature in its
    own style on top, drawn again so it shows even when its layer is hidden."""
    style = layer.style_for(props["category"])
    point = geometry.geom_type == "Point"
    return [_item(geometry, halo_options(style, props["precision"], point),
                  halo_style(style).radius, props["name"]),
            _item(geometry, path_options(style, props["precision"], point), style.radius,
                  props["name"])]


def _scene_html(number: int, total: int, scene: Scene, catalog: Catalog, article: Article
                ) -> str:
    """One scene's panel: title, passages with paragraph numbers, notes, legend, citations."""
    t = markup.text
    parts = [f'<article class="scene" id="scene-{number}" data-scene="{number}"'
             f'{"" if number == 1 else " hidden"}>',
             f'<p class="count">Scene {number} of {total}</p>',
             f"<h2>{t(scene.title)}</h2>"]
    for ref in scene.passages:
        paragraph = article.paragraph(ref.paragraph)
        parts.append(f"<blockquote>{t(passage_text(ref, article))}"
                     f'<cite>¶ {paragraph.number}</cite></blockquote>')
    if scene.notes:
        parts.append(f'<h3>Speaker notes</h3><p class="notes">{t(scene.notes)}</p>')
    if scene.highlight:
        names = ", ".join(catalog.feature(fid).properties["name"] for fid in scene.highlight)
        parts.append(f'<p class="highlighted"><b>Outlined in black:</b> {t(names)}</p>')
    legend = [entry for lid in scene.layers for entry in catalog.layer(lid).legend_entries()]
    if legend:
        parts.append('<ul class="legend">')
        parts.extend(f"<li>{swatch_svg(entry)} {t(entry.label)}</li>" for entry in legend)
        parts.append("</ul>")
    numbers = scene_citations(scene, article)
    if numbers:
        parts.append('<h3>Citations</h3><ul class="refs">')
        parts.extend(f"<li>{reference_html(article.reference(n))}</li>" for n in numbers)
        parts.append("</ul>")
    parts.append("</article>")
    return "\n".join(parts)


_PAGE_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { display: flex; flex-direction: column; font: 16px/1.45 "DejaVu Sans", "Segoe UI", Arial,
  sans-serif; color: #1a1a1a; background: #fff; }
header { padding: 0.5rem 1rem; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.25rem; margin: 0; }
header .description { margin: 0.2rem 0 0; font-size: 0.9rem; color: #444; }
main { flex: 1; display: flex; min-height: 0; }
#map { flex: 3; min-height: 300px; background: #aad3df; }
#panel { flex: 2; overflow-y: auto; padding: 0.75rem 1rem; border-left: 1px solid #ddd; }
nav { display: flex; align-items: center; gap: 0.75rem; margin-bottom: 0.5rem; }
nav button { font: inherit; padding: 0.3rem 0.8rem; cursor: pointer; }
nav button:disabled { cursor: default; opacity: 0.4; }
#progress { font-variant-numeric: tabular-nums; min-width: 4em; text-align: center; }
.scene h2 { font-size: 1.3rem; margin: 0.2rem 0 0.6rem; }
.scene .count { margin: 0; color: #666; font-size: 0.85rem; }
blockquote { margin: 0 0 0.7rem; padding: 0.3rem 0.8rem; border-left: 4px solid #0072B2;
  background: #f5f8fb; }
blockquote cite { display: block; font-size: 0.8rem; color: #555; font-style: normal; }
.scene h3 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
.legend { list-style: none; padding: 0; font-size: 0.85rem; }
.legend svg { vertical-align: middle; }
.refs { padding-left: 1.1rem; font-size: 0.85rem; }
.refs a { word-break: break-all; }
footer { font-size: 0.75rem; color: #555; padding: 0.3rem 1rem; border-top: 1px solid #ddd; }
footer p { margin: 0; }
@media (max-width: 800px) { main { flex-direction: column; } #map { min-height: 55vh; }
  #panel { border-left: 0; } }
"""

# No data text reaches innerHTML: tooltips are text nodes, everything else was escaped in Python.
_PAGE_JS = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("briefing-data").textContent);
  var map = L.map("map", {attributionControl: false, keyboard: false, zoomSnap: 0.25});
  window.briefingMap = map;  // for a look from the browser console (and the browser tests)
  L.control.attribution({prefix: false})
    .addAttribution("Natural Earth · GeoNames").addTo(map);
  L.control.scale({imperial: false}).addTo(map);

  function tooltip(name) {
    var span = document.createElement("span");
    span.textContent = name;
    return span;
  }
  function draw(item, interactive) {
    var g = item.geometry;
    if (g.type === "Point") {
      var opts = Object.assign({radius: item.radius, fill: true, interactive: interactive},
                               item.options);
      var marker = L.circleMarker([g.coordinates[1], g.coordinates[0]], opts);
      if (interactive) { marker.bindTooltip(tooltip(item.name)); }
      return marker;
    }
    var shape = L.geoJSON(g, {style: function () { return item.options; },
                              interactive: interactive});
    if (interactive) { shape.bindTooltip(tooltip(item.name), {sticky: true}); }
    return shape;
  }
  data.basemap.forEach(function (part) {
    L.geoJSON(part.geojson, {style: function () { return part.style; }, interactive: false})
      .addTo(map);
  });
  var groups = {};
  Object.keys(data.layers).forEach(function (id) {
    groups[id] = L.layerGroup(data.layers[id].map(function (item) { return draw(item, true); }));
  });
  var highlights = {};
  Object.keys(data.highlights).forEach(function (id) {
    highlights[id] = data.highlights[id].map(function (item, i) { return draw(item, i > 0); });
  });

  var scenes = document.querySelectorAll(".scene");
  var total = data.scenes.length;
  var current = 0;
  var shown = L.layerGroup().addTo(map);

  function show(n) {
    n = Math.max(1, Math.min(total, n));
    var scene = data.scenes[n - 1];
    shown.clearLayers();
    scene.layers.forEach(function (id) { shown.addLayer(groups[id]); });
    scene.highlight.forEach(function (id) {
      highlights[id].forEach(function (layer) { shown.addLayer(layer); });
    });
    map.fitBounds(scene.bounds, {padding: [16, 16], maxZoom: data.fitMaxZoom, animate: false});
    scenes.forEach(function (el, i) { el.hidden = i !== n - 1; });
    document.getElementById("progress").textContent = n + " / " + total;
    document.getElementById("prev").disabled = n === 1;
    document.getElementById("next").disabled = n === total;
    current = n;
    if (location.hash !== "#scene-" + n) { location.hash = "scene-" + n; }
  }
  function fromHash() {
    var match = /^#scene-(\\d+)$/.exec(location.hash);
    return match ? parseInt(match[1], 10) : 1;
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var step = {ArrowRight: 1, PageDown: 1, ArrowLeft: -1, PageUp: -1}[event.key];
    if (step) { event.preventDefault(); show(current + step); }
    else if (event.key === "Home") { show(1); }
    else if (event.key === "End") { show(total); }
  });
  window.addEventListener("hashchange", function () {
    if (fromHash() !== current) { show(fromHash()); }
  });
  if (total > 0) { show(fromHash()); } else { map.fitWorld(); }
})();
"""
