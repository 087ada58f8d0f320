"""Point folium at the locally served Leaflet & co. so the map draws with no internet.

Why: folium 0.20 and its plugins link every script and stylesheet from CDNs (jsdelivr, cdnjs,
code.jquery.com, netdna.bootstrapcdn.com). In a briefing room without internet that is a blank
map. `make assets` puts pinned copies in `static/vendor/` (see `layers/build/packages.json`);
Streamlit serves them at `/app/static/vendor/`. Here we swap the CDN links for those local ones.

How: folium keeps the links in `default_js` / `default_css`, class-level lists of
(name, url). streamlit-folium collects the same attributes from every element of the tree
(`getattr(elem, "default_js")`) and injects them into its iframe, and `Map.save()` renders them
into the header, so setting them on the INSTANCES before rendering covers both paths without
touching folium's class attributes (which `add_js_link` would mutate for every map in the process).

Dropped on purpose: jQuery and Bootstrap (folium links them for every map, but neither folium's
own templates nor any element of ours uses them: 360 kB each map frame parsed for nothing), and
Font Awesome with awesome-markers unless a `folium.Icon` is on the map (`localize` keeps them only
then). With no offline equivalent worth serving:
- `glyphicons_css` (Bootstrap 3 glyphicons, only for `folium.Icon(prefix="glyphicon")`, the
  default icon set): use `folium.CircleMarker`, or `folium.Icon(prefix="fa")` (served locally).
- `awesome_rotate_css` (a folium-repo stylesheet not published on any registry): it only rotates
  awesome-marker icons given `angle=`; we do not rotate icons.
Not supported at all: branca colormaps (streamlit-folium adds d3 from a CDN for them), TopoJson,
Vega, RegularPolygonMarker and every plugin not in `PLUGIN_ASSETS`: `localize` refuses them
loudly rather than let them load from the internet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import branca.colormap
import folium
import folium.plugins
from branca.element import Element
from folium.elements import JSCSSMixin

from layers import VENDOR_DIR

STATIC_URL = "/app/static/vendor"

Links = tuple[tuple[str, str], ...]  # (folium's link name, path under static/vendor/)

# folium.Map's own links that we serve, by the names folium gives them.
MAP_JS: Links = (
    ("leaflet", "leaflet/1.9.3/leaflet.js"),
    ("awesome_markers", "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.js"),
)
MAP_CSS: Links = (
    ("leaflet_css", "leaflet/1.9.3/leaflet.css"),
    ("awesome_markers_font_css", "fontawesome-free/6.2.0/css/all.min.css"),
    ("awesome_markers_css", "leaflet.awesome-markers/2.0.5/leaflet.awesome-markers.css"),
)
ICON_LINKS = frozenset({"awesome_markers", "awesome_markers_font_css", "awesome_markers_css"})
"""The links only a `folium.Icon` needs (its marker shapes and glyphs)."""
DROPPED_MAP_LINKS = ("jquery", "bootstrap", "bootstrap_css", "glyphicons_css", "awesome_rotate_css")

# The map labels' libraries (layers/map/label_layer.py; the HTML handout inlines the same files).
LABEL_JS: Links = (
    ("rbush", "rbush/2.0.2/rbush.js"),
    ("labelgun", "labelgun/6.1.0/labelgun.js"),
    ("leaflet_textpath", "leaflet-textpath/1.3.0/leaflet.textpath.js"),
)


class LabelLibraries(JSCSSMixin):
    """Loads the label engine's libraries (labelgun on rbush, leaflet-textpath) for the element
    that draws the map labels (`layers.map.label_layer.LabelEngine` derives from it)."""

    default_js = [(name, f"{STATIC_URL}/{path}") for name, path in LABEL_JS]
    default_css: list[tuple[str, str]] = []


# The plugins the dashboard may use, with folium's own link names so header de-duplication works.
PLUGIN_ASSETS: dict[type[JSCSSMixin], tuple[Links, Links]] = {
    folium.plugins.MeasureControl: (
        (("leaflet_measure_js", "leaflet-measure/2.1.7/leaflet-measure.min.js"),),
        (("leaflet_measure_css", "leaflet-measure/2.1.7/leaflet-measure.css"),),
    ),
    folium.plugins.Fullscreen: (
        (("Control.Fullscreen.js", "leaflet.fullscreen/3.0.0/Control.FullScreen.js"),),
        (("Control.FullScreen.css", "leaflet.fullscreen/3.0.0/Control.FullScreen.css"),),
    ),
    folium.plugins.MarkerCluster: (
        (("markerclusterjs", "leaflet.markercluster/1.1.0/leaflet.markercluster.js"),),
        (
            ("markerclustercss", "leaflet.markercluster/1.1.0/MarkerCluster.css"),
            ("markerclusterdefaultcss", "leaflet.markercluster/1.1.0/MarkerCluster.Default.css"),
        ),
    ),
    folium.plugins.Draw: (  # layers.map.draw.DrawControl derives from it
        (("leaflet_draw_js", "leaflet-draw/1.0.2/leaflet.draw.js"),),
        (("leaflet_draw_css", "leaflet-draw/1.0.2/leaflet.draw.css"),),
    ),
    LabelLibraries: (LABEL_JS, ()),
}
ASSETS: dict[type[JSCSSMixin], tuple[Links, Links]] = {
    folium.Map: (MAP_JS, MAP_CSS),
    **PLUGIN_ASSETS,
}

# A URL the page could fetch: quoted (attribute, JS string, JSON) or in CSS url(...). Bare URLs
# in comments (folium's MeasureControl template cites a GitHub issue in one) are not requests.
_URL = re.compile(r"""(?:["'`]|url\(\s*)(https?://[^\s"'`<>()\\]+)""", re.IGNORECASE)
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class NotOffline(ValueError):
    """An element would load code or styles from the internet and has no local copy."""


def inlinable_text(path: Path) -> str:
    """A script or stylesheet of ours, refused if it holds `</`. Why: inlined in a page (folium's
    map, the one-file handout) a `</` could close its own block; the files we only serve are
    held to it too, so any of them may be inlined later."""
    text = path.read_text(encoding="utf-8")
    if "</" in text:
        raise ValueError(f"{path} must not contain '</'")
    return text


def local_paths() -> set[str]:
    """Every path under static/vendor/ the links above point at (the manifest must hold each)."""
    return {path for js, css in ASSETS.values() for _, path in (*js, *css)}


def missing_files(vendor_dir: Path = VENDOR_DIR) -> tuple[str, ...]:
    """The libraries the map links that are not on disk, sorted: without them the map frame is
    blank and says nothing, so the pages say it for it (the hashes are `make assets`'s job)."""
    return tuple(sorted(path for path in local_paths() if not (vendor_dir / path).is_file()))


def missing_message(missing: Sequence[str]) -> str | None:
    """What a page says when the map's libraries are missing, or None when none is."""
    if not missing:
        return None
    what = (f"The map's library static/vendor/{missing[0]} is missing" if len(missing) == 1
            else f"The map's libraries are missing from static/vendor/ ({missing[0]} and "
                 f"{len(missing) - 1} more)")
    return (f"{what}, so the map cannot be drawn and the offline HTML cannot be made. Stop "
            "the server and run “make run” (it runs “make assets”, which fetches the pinned "
            "libraries from the npm registry, or from .cache/npm when they were fetched "
            "before), then reload this page. Everything else works meanwhile.")


def _walk(element: Element) -> Iterator[Element]:
    """The element and all its descendants, the same tree streamlit-folium walks."""
    yield element
    for child in element._children.values():
        yield from _walk(child)


def _links_for(element: JSCSSMixin) -> tuple[Links, Links] | None:
    """The local links for this element's class (or a folium class it derives from)."""
    for cls in type(element).__mro__:
        if cls in ASSETS:
            return ASSETS[cls]
    return None


def _own_origin(url: str) -> bool:
    """A path on the page's own server (`/app/static/...`), not a URL to another host."""
    return url.startswith("/") and not url.startswith("//")


def localize(element: Element, base_url: str = STATIC_URL) -> Element:
    """Point `element` and everything under it at local copies; return it for chaining.

    Call it on the finished map (after every plugin and layer is added) right before
    `st_folium` or `save`; calling it again is harmless. `base_url` is where `static/vendor/` is
    served: Streamlit's `/app/static/vendor` by default, another origin in tests.
    Raises NotOffline for anything that would still reach a CDN.
    """
    base = base_url.rstrip("/")
    icons = any(isinstance(node, folium.Icon) for node in _walk(element))
    for node in _walk(element):
        if isinstance(node, branca.colormap.ColorMap):
            raise NotOffline(
                f"{type(node).__name__}: streamlit-folium loads d3 from a CDN for branca "
                "colormaps; draw the legend in Streamlit instead"
            )
        if not isinstance(node, JSCSSMixin):
            continue
        links = _links_for(node)
        if links is None:
            urls = [url for _, url in (*node.default_js, *node.default_css)]
            if not all(_own_origin(url) for url in urls):  # our own served files may stay
                raise NotOffline(
                    f"{type(node).__name__} links {[u for _, u in node.default_js]} "
                    f"{[u for _, u in node.default_css]} and has no local copy: add its package "
                    "to layers/build/packages.json and its links to layers.map.assets.PLUGIN_ASSETS"
                )
            continue
        js, css = links
        if isinstance(node, folium.Map) and not icons:
            js, css = _without_icons(js), _without_icons(css)
        node.default_js = [(name, f"{base}/{path}") for name, path in js]
        node.default_css = [(name, f"{base}/{path}") for name, path in css]
    return element


def _without_icons(links: Links) -> Links:
    return tuple((name, path) for name, path in links if name not in ICON_LINKS)


def offline_map(base_url: str = STATIC_URL, **folium_kwargs: Any) -> folium.Map:
    """A folium.Map with no tile layer (our vector basemap replaces it) and local assets.

    Pass `tiles=` explicitly for the online option; add plugins, then call `localize(m)` again.
    """
    folium_kwargs.setdefault("tiles", None)
    return localize(folium.Map(**folium_kwargs), base_url)


def external_urls(html: str) -> list[str]:
    """Every quoted or CSS `url()` http(s) URL in `html` not on this machine, in order, once each.

    Used by tests to prove a rendered map asks nothing of the internet: script and stylesheet
    links, tile URL templates, images. Plain links count too (an article reference in a popup's
    `href`), so check maps without such content, or filter the result.
    """
    found: list[str] = []
    for url in _URL.findall(html):
        host = urlsplit(url).hostname or ""
        if host in _LOCAL_HOSTS or host.startswith("127."):
            continue
        if url not in found:
            found.append(url)
    return found
