"""The static edition's files, assembled from what the app itself shows.

What a reader gets (`publish`):

  index.html       the explorer: every layer, toggled per layer in the app's groups, the labels,
                   the legend in the layers' words, the place search, a feature's card (clicked
                   or found) and a permalink that reopens it (`#feature=goris`)
  article.html     the article as the Article page shows it: its text unchanged, every mapped
                   place a link to the explorer, every [n] to its reference; `article.txt` is
                   the file itself, byte for byte
  briefing.html    the default storyboard as the offline handout (`layers.briefing.export_html`)
  sources.html     the references with the features that rest on each, the datasets, the
                   statements, the pages, and the data files and libraries of this edition
  geo/  data/  cards/  assets/   content-hashed: the drawing instructions of each layer and of
                   the basemap with their labels (the documents the app's map fetches,
                   `layers.map.geo_files`), the search index, the data as built, one card per
                   feature, the pages' scripts (the app's feature drawer among them) and
                   stylesheets
  vendor/          Leaflet, rbush, labelgun, Leaflet.TextPath and fuzzball, copied from
                   `static/vendor/` under their versioned paths and checked against the sha256
                   `layers/build/packages.json` pins
  index.json       every file with its size and sha256, the layers and the article's hash
  _headers         cache rules in the format Netlify and Cloudflare Pages read: hashed files
                   for a year, pages always revalidated (other servers ignore it)

Escaping is the app's: every text from the data reaches a page through Jinja2's autoescaping or
through the builders of `layers.html` (the card, the article, the provenance); the config a page
script reads sits in `<script type="application/json">` written by `js_json` (no `<`, `>` or `&`
in it); the scripts put names into text nodes and only our builders' escaped HTML into the page
as HTML: the card (`layers.html.card`) and a feature's tooltip (`layers.map.layer.tooltip_html`,
in the layer's drawing instructions). Links our builders write for the app (`./?feature=`,
`article?paragraph=`) are pointed at the edition's pages (`static_links`).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from layers import ROOT, VENDOR_DIR
from layers.briefing.export_html import FIT_MAX_ZOOM, MissingAssets, export_html
from layers.briefing.storyboard import Storyboard
from layers.data.article import Article
from layers.data.catalog import Catalog, Layer, bounds_around
from layers.data.mentions import MentionIndex, build_index
from layers.html import markup
from layers.html.article_view import paragraph_html, places
from layers.html.card import feature_cards
from layers.html.provenance import (
    cited_reference_html,
    cited_references,
    datasets_frame,
    pages_frame,
    statements_html,
)
from layers.html.references import map_link, paragraph_link, references_html
from layers.html.styles import stylesheet
from layers.map.assets import LABEL_JS, MAP_CSS, MAP_JS, inlinable_text
from layers.map.basemap import BASEMAP_PANE, BASEMAP_Z
from layers.map.geo_files import BASEMAP, card_stem, documents, serialise
from layers.map.geo_layer import draw_source
from layers.map.label_layer import engine_options, engine_source, js_json
from layers.map.legend import layer_legend_html, legend_parts
from layers.map.mapview import (
    FRAME_FEATURES,
    FRAME_PADDING_PX,
    ZOOM_SNAP,
    feature_panes,
    selection_halo,
)
from layers.map.state import MAX_ZOOM, MIN_ZOOM
from layers.map.style import SELECTION
from layers.publish.files import GENERATOR, MANIFEST, Edition

PIN_MANIFEST = ROOT / "layers" / "build" / "packages.json"
"""Read as data (the pins), not imported: the renderers never import the build tools."""
TEMPLATES_DIR = Path(__file__).with_name("templates")
SEARCH_JS = ("fuzzball/2.2.6/fuzzball_ultra_lite.umd.min.js", "fuzzball/2.2.6/LICENSE.md")
"""fuzzball, the typo score of the edition's search (`templates/search.js`), and its licence."""
LEAFLET_JS = dict(MAP_JS)["leaflet"]
LEAFLET_CSS = dict(MAP_CSS)["leaflet_css"]
PAGES = (("map", "index.html", "Map"), ("article", "article.html", "Article"),
         ("briefing", "briefing.html", "Briefing"), ("sources", "sources.html", "Sources"))
"""(key, file, title) of the pages, in the order the navigation lists them."""
ATTRIBUTION = "Background: Natural Earth (public domain)"
EDITION_TITLE = "Caucasus Briefing Map"
_CSS_URL = re.compile(r"url\((?:'|\")?([^'\")]+)(?:'|\")?\)")
_LINK_SCHEMES = ("https://", "http://")

_TEMPLATES = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                         undefined=StrictUndefined, keep_trailing_newline=True)
"""The pages (`templates/*.html`); data reaches them only as values, which they escape."""


@dataclass(frozen=True)
class Assets:
    """Where the pages find their scripts and stylesheets inside the edition."""

    styles: tuple[str, ...]
    scripts: tuple[str, ...]
    libraries: tuple[dict[str, str], ...]
    """(name, version, licence, path) of each copied library, for the Sources page."""


def build_edition(catalog: Catalog, article: Article, storyboard: Storyboard,
                  vendor_dir: Path = VENDOR_DIR) -> Edition:
    """Every file of the edition, in memory; nothing is written (`Edition.write` does that)."""
    edition = Edition()
    index = build_index(article, catalog)
    assets = _assets(edition, Path(vendor_dir))
    data_files = _data_files(edition, catalog)
    docs = documents(catalog)  # the app's map files: the basemap and each layer, with labels
    geo = {layer.id: edition.add_hashed(f"geo/{layer.id}", ".geojson", serialise(docs[layer.id]))
           for layer in catalog.layers}
    config = {
        "layers": [{"id": layer.id, "title": layer.title, "visible": layer.visible,
                    "geo": geo[layer.id]} for layer in catalog.layers],
        "basemap": edition.add_hashed("geo/basemap", ".geojson", serialise(docs[BASEMAP])),
        "labelOptions": engine_options(),
        "search": edition.add_hashed("data/search", ".json", serialise(_search(catalog))),
        "cards": _cards(edition, catalog, article, index),
        **map_settings(catalog),
    }
    common = {"pages": PAGES, "styles": assets.styles, "edition_title": EDITION_TITLE}
    edition.add("index.html", _render("index.html", page="map", title="Map", **common,
                                      scripts=assets.scripts, groups=_groups(catalog),
                                      legend=_legend(catalog), config=Markup(js_json(config))))
    edition.add("article.html", _render("article.html", page="article", title="The article",
                                        **common, article=article,
                                        sections=_article_sections(article, catalog, index),
                                        references=Markup(references_html(article.references,
                                                                          anchored=True))))
    edition.add("article.txt", article.text.encode("utf-8"))
    edition.add("sources.html", _render(
        "sources.html", page="sources", title="Sources", **common,
        cited=[Markup(static_links(cited_reference_html(c)))
               for c in cited_references(article, catalog, index)],
        datasets=_rows(datasets_frame(catalog), link="home"),
        statements=Markup(statements_html(catalog)),
        source_pages=_rows(pages_frame(catalog), link="address"),
        data_files=data_files, libraries=assets.libraries))
    edition.add("briefing.html",
                export_html(storyboard, catalog, article, Path(vendor_dir)).encode("utf-8"))
    edition.add("_headers", _template_text("_headers").encode("utf-8"))
    edition.add(MANIFEST, json.dumps(_manifest(edition, catalog, article, geo, data_files),
                                     ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return edition


def publish(out: Path, catalog: Catalog, article: Article, storyboard: Storyboard,
            vendor_dir: Path = VENDOR_DIR) -> Edition:
    """Build the edition and write it into `out` (see `Edition.write`); returns it."""
    edition = build_edition(catalog, article, storyboard, vendor_dir)
    edition.write(Path(out))
    return edition


# --- what the explorer draws ---------------------------------------------------------------------


def map_settings(catalog: Catalog) -> dict[str, object]:
    """The app's map constants the explorer's script needs: the opening frame (Armenia and
    Azerbaijan, from the data), zooms, panes and the selection outline of each kind of feature
    (`layers.map.mapview.selection_halo`)."""
    minx, miny, maxx, maxy = bounds_around(catalog.feature(fid).geometry
                                           for fid in FRAME_FEATURES)
    return {
        "frame": [[miny, minx], [maxy, maxx]], "padding": FRAME_PADDING_PX,
        "fitMaxZoom": FIT_MAX_ZOOM, "minZoom": MIN_ZOOM, "maxZoom": MAX_ZOOM,
        "zoomSnap": ZOOM_SNAP, "panes": [[BASEMAP_PANE, BASEMAP_Z, False], *feature_panes()],
        "selection": _selection_outlines(), "selectionRadius": SELECTION.radius,
        "attribution": markup.text(ATTRIBUTION),
    }


def _selection_outlines() -> dict[str, dict[str, object]]:
    """The app's selection outline for each kind of feature the explorer may open, by the
    `draw` of its drawing instructions."""
    outlines = {}
    for kind in ("point", "line", "area"):
        options, pane = selection_halo(kind)
        outlines[kind] = {"options": options, "pane": pane}
    return outlines


def _search(catalog: Catalog) -> dict[str, object]:
    """The app's search index (`SearchIndex.as_json`) and, by feature, what a result says:
    its name and its layer."""
    features = {}
    for layer, props, _ in catalog.features:
        if isinstance(props.get("id"), str):
            features.setdefault(props["id"], {"name": str(props.get("name", props["id"])),
                                              "layer": layer.id})
    return {"index": catalog.search_index.as_json(), "features": features}


def _cards(edition: Edition, catalog: Catalog, article: Article, index: MentionIndex
           ) -> dict[str, str]:
    """One file per feature: the app's card (`layers.html.card`), its links pointed at the
    edition; the explorer fetches it when the feature is opened."""
    found: dict[str, str] = {}
    for ident, html in feature_cards(catalog, article, index).items():
        found[ident] = edition.add_hashed(f"cards/{card_stem(ident)}", ".html",
                                          static_links(html, here="map").encode("utf-8"))
    return found


def _groups(catalog: Catalog) -> list[dict[str, object]]:
    """The layer toggles in the app's groups (`layers.json`'s `group`), in registry order."""
    groups: dict[str, list[Layer]] = {}
    for layer in catalog.layers:
        groups.setdefault(layer.group, []).append(layer)
    return [{"title": title, "layers": members} for title, members in groups.items()]


def _legend(catalog: Catalog) -> dict[str, object]:
    """The legend's rows, escaped by `layers.map.legend`: each layer's (shown while it is), the
    selection outline (while a feature is open) and the key to how precision is drawn."""
    parts = legend_parts()
    return {
        "layers": [{"id": layer.id, "visible": layer.visible,
                    "rows": Markup(layer_legend_html(layer))} for layer in catalog.layers],
        "selection": Markup(parts["selection"]),
        "key": Markup(parts["key"]),
    }


# --- the article and the sources -----------------------------------------------------------------


def static_links(fragment: str, here: str = "") -> str:
    """A fragment of `layers.html` with its links to the app's pages pointed at the edition's:
    a feature on the Map page (`./?feature=x`) → `index.html#feature=x` (`#feature=x` on the
    explorer itself, which opens it without reloading), a paragraph of the Article page
    (`article?paragraph=p5`) → `article.html#p5`. Data text cannot fake a link: it reaches the
    fragment escaped, its quotes as `&quot;`."""
    to_map = "#feature=" if here == "map" else "index.html#feature="
    return (fragment.replace(f'href="{markup.text(map_link(""))}', f'href="{to_map}')
            .replace(f'href="{markup.text(paragraph_link(""))}', 'href="article.html#'))


def _article_sections(article: Article, catalog: Catalog, index: MentionIndex
                      ) -> list[dict[str, object]]:
    """The article's sections, each paragraph as the Article page renders it (its text exact,
    places and citations linked)."""
    known = places(catalog)
    return [{"title": section.title,
             "paragraphs": [Markup(static_links(paragraph_html(article.paragraph(pid), index,
                                                                known)))
                            for pid in section.paragraph_ids]}
            for section in article.sections]


def _rows(frame: pd.DataFrame, link: str) -> list[dict[str, object]]:
    """A provenance table's rows as plain strings for the template (which escapes them), with
    the `link` column kept as an address only when it is an http(s) one."""
    rows = []
    for record in frame.to_dict("records"):
        row = {key: _cell(value) for key, value in record.items()}
        row["href"] = row[link] if row[link].startswith(_LINK_SCHEMES) else ""
        rows.append(row)
    return rows


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _data_files(edition: Edition, catalog: Catalog) -> list[dict[str, object]]:
    """The data as built, copied byte for byte (what the app's Data page offers for download):
    each layer's GeoJSON, and the registry, sources and search terms files."""
    geodata = _geodata_dir(catalog)
    found = []
    for layer in catalog.layers:
        path = catalog.files[layer.id]
        found.append({"title": layer.title, "name": path.name,
                      "path": edition.add_hashed(f"data/{path.stem}", ".geojson",
                                                 path.read_bytes()),
                      "features": len(layer.features)})
    for name, title in (("layers.json", "Layer registry"), ("sources.json", "Provenance registry"),
                        ("search_terms.json", "Search terms")):
        path = geodata / name
        if path.is_file():
            found.append({"title": title, "name": name,
                          "path": edition.add_hashed(f"data/{path.stem}", ".json",
                                                     path.read_bytes()), "features": None})
    return found


def _geodata_dir(catalog: Catalog) -> Path:
    """The folder the catalog was loaded from (where its layer files lie)."""
    folders = {path.parent for path in catalog.files.values()}
    if len(folders) != 1:
        raise ValueError(f"the catalog's layer files lie in {len(folders)} folders, not one")
    return folders.pop()


# --- assets -------------------------------------------------------------------------------------


def _assets(edition: Edition, vendor_dir: Path) -> Assets:
    """Copy the libraries from `static/vendor/` (each checked against its pinned sha256) and
    add the edition's own stylesheets and scripts under hashed names."""
    pins = _pins()
    copied = []
    leaflet_css = _vendor_file(vendor_dir, LEAFLET_CSS, pins)
    for path in [LEAFLET_JS, LEAFLET_CSS, *_css_images(LEAFLET_CSS, leaflet_css),
                 *(local for _, local in LABEL_JS), *SEARCH_JS]:
        edition.add(f"vendor/{path}", _vendor_file(vendor_dir, path, pins))
        copied.append(path)
    libraries: dict[str, dict[str, str]] = {}
    for path in copied:
        package = pins[path]
        libraries.setdefault(package["name"], {
            "name": package["name"], "version": package["version"],
            "licence": package["licence"], "path": f"vendor/{path}"})
    styles = (f"vendor/{LEAFLET_CSS}",
              edition.add_hashed("assets/style", ".css", stylesheet().encode("utf-8")),
              edition.add_hashed("assets/site", ".css",
                                 _template_text("site.css").encode("utf-8")))
    scripts = (f"vendor/{LEAFLET_JS}", *(f"vendor/{local}" for _, local in LABEL_JS),
               f"vendor/{SEARCH_JS[0]}",
               edition.add_hashed("assets/labels", ".js", engine_source().encode("utf-8")),
               edition.add_hashed("assets/geo-draw", ".js", draw_source().encode("utf-8")),
               edition.add_hashed("assets/search", ".js",
                                  _template_text("search.js").encode("utf-8")),
               edition.add_hashed("assets/explorer", ".js",
                                  _template_text("explorer.js").encode("utf-8")))
    return Assets(styles, scripts, tuple(libraries.values()))


def _pins() -> dict[str, dict[str, str]]:
    """Each pinned browser file by its path under static/vendor/: its package and sha256."""
    raw = json.loads(PIN_MANIFEST.read_text(encoding="utf-8"))
    return {entry["local"]: {"name": package["name"], "version": package["version"],
                             "licence": package["licence"], "sha256": entry["sha256"]}
            for package in raw["packages"] for entry in package["files"] if entry.get("local")}


def _vendor_file(vendor_dir: Path, local: str, pins: dict[str, dict[str, str]]) -> bytes:
    """A library file's bytes, refused unless they are the ones packages.json pins."""
    path = vendor_dir / local
    if local not in pins:
        raise MissingAssets(f"{local} is not pinned in {PIN_MANIFEST.name}")
    if not path.is_file():
        raise MissingAssets(f"{path} is missing: run `make assets` first (it fetches the pinned "
                            "libraries into static/vendor/, which the static edition copies)")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != pins[local]["sha256"]:
        raise MissingAssets(f"{path} is not the file {PIN_MANIFEST.name} pins: run `make assets`")
    return data


def _css_images(css_path: str, css: bytes) -> list[str]:
    """The files a stylesheet's `url(...)`s name, as paths under static/vendor/."""
    base = css_path.rsplit("/", 1)[0]
    found = []
    for ref in _CSS_URL.findall(css.decode("utf-8")):
        if not ref.startswith(("data:", "#")) and f"{base}/{ref}" not in found:
            found.append(f"{base}/{ref}")
    return found


def _template_text(name: str) -> str:
    """A template file's text as it is served; a script is kept inlinable (`inlinable_text`),
    as the handout inlines the label engine, so no data could close its block either."""
    path = TEMPLATES_DIR / name
    return inlinable_text(path) if name.endswith(".js") else path.read_text(encoding="utf-8")


def _render(template: str, **values: object) -> bytes:
    return _TEMPLATES.get_template(template).render(**values).encode("utf-8")


# --- the manifest -------------------------------------------------------------------------------


def _manifest(edition: Edition, catalog: Catalog, article: Article, geo: dict[str, str],
              data_files: Iterable[dict[str, object]]) -> dict[str, object]:
    """index.json: what the edition is, made from what, and every other file with its size and
    sha256 (a mirror or a CDN upload can check each against it)."""
    listing = edition.listing()
    data_by_name = {str(d["name"]): d["path"] for d in data_files}
    return {
        "generator": GENERATOR,
        "title": f"{EDITION_TITLE}: static edition",
        "pages": {key: path for key, path, _ in PAGES},
        "article": {"file": "article.txt", "sha256": article.sha256},
        "layers": [{"id": layer.id, "title": layer.title, "group": layer.group,
                    "visible": layer.visible, "features": len(layer.features),
                    "geo": geo[layer.id],
                    "data": data_by_name.get(catalog.files[layer.id].name)}
                   for layer in catalog.layers],
        "files": listing,
        "listed": {"files": len(listing), "bytes": sum(int(f["bytes"]) for f in listing)},
    }
