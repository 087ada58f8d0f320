"""What every page shares: the loaded article and catalog, cached per server process, and the
way a page talks to its address (notices about what it could not use, the parameters it writes).

`st.cache_resource` (not `cache_data`) because the catalog holds GeoDataFrames that pages only
read: one shared copy, no pickling on every rerun. The cache is keyed by the geodata files'
modification times, so a `make geodata` under a running server takes effect on the next rerun
instead of leaving old geometry beside new storyboards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import streamlit as st

import layers
from layers.data.article import Article, load_article
from layers.data.catalog import Catalog, load_catalog
from layers.data.events import Event, EventsError, load_events
from layers.data.mentions import MentionIndex, build_index
from layers.html import markup
from layers.html.styles import style_tag
from layers.map.basemap import BASEMAP_DIR
from layers.map.geo_files import GEO_DIR, GeoFiles, write_map_files
from layers.map.geo_layer import TEMPLATES_DIR


def geodata_stamp() -> float:
    """The newest modification time among the layer registry and layer files (a few stats)."""
    return max(path.stat().st_mtime for path in layers.GEODATA_DIR.glob("*.json*"))


@st.cache_resource(show_spinner=False)
def article() -> Article:
    """The article, parsed once."""
    return load_article()


@st.cache_resource(show_spinner=False, max_entries=1)
def _catalog(stamp: float) -> Catalog:
    return load_catalog()


def catalog() -> Catalog:
    """Every geodata layer, loaded once per version of the files."""
    return _catalog(geodata_stamp())


@st.cache_resource(show_spinner=False, max_entries=1)
def _mentions(stamp: float) -> MentionIndex:
    return build_index(article(), catalog())


def mentions() -> MentionIndex:
    """The feature ↔ paragraph ↔ citation index, computed once per version of the geodata."""
    return _mentions(geodata_stamp())


@st.cache_resource(show_spinner=False, max_entries=1)
def _events(stamp: float) -> tuple[tuple[Event, ...], str | None]:
    try:
        return load_events(), None
    except EventsError as error:
        return (), f"The events could not be read ({error}); the timeline is empty."


def events() -> tuple[tuple[Event, ...], str | None]:
    """The dated events (`geodata/events.json`), in date order, once per version of the files,
    with a message when the file cannot be read (the pages carry on without a timeline)."""
    return _events(geodata_stamp())


@st.cache_resource(show_spinner=False, max_entries=1)
def _geo_files(stamp: float) -> GeoFiles:
    return write_map_files(catalog(), GEO_DIR)


def geo_files() -> GeoFiles:
    """The map's files (`layers.map.geo_files`), written once per version of the geodata, the
    basemap and the map's scripts, and again if someone deleted them under a running server."""
    stamp = max(geodata_stamp(), *(p.stat().st_mtime for p in BASEMAP_DIR.glob("*.geojson")),
                *(p.stat().st_mtime for p in TEMPLATES_DIR.iterdir()))
    files = _geo_files(stamp)
    if not all((GEO_DIR / name).exists() for name in files.names.values()):
        _geo_files.clear()
        files = _geo_files(stamp)
    return files


def use_stylesheet() -> None:
    """Put the library's one stylesheet (`layers/html/style.css`) on the page."""
    st.markdown(style_tag(), unsafe_allow_html=True)


def url_notices(notices: Sequence[str], *, key: str, on_dismiss: Callable[[], None]) -> None:
    """Warn about each part of the address the page could not use, with one Dismiss button.

    A notice quotes what someone typed into a URL, so it is shown as literal Markdown text.
    The page owns the notices (they outlive the run that read the address), so dismissing them
    is its callback's job: the run the click starts already shows none.
    """
    for notice in notices:
        st.warning(markup.markdown_literal(notice), icon=":material/link_off:")
    if notices:
        st.button("Dismiss", key=key, on_click=on_dismiss)


def sync_query_params(wanted: Mapping[str, str], owned: Iterable[str]) -> None:
    """Make the address hold `wanted`, and none of the `owned` parameters it does not want.

    Only values that differ are written, since every write is a round trip to the browser; and
    only `owned` parameters are deleted, so ones kept by someone else (the map's own script
    writes the centre and zoom as the user pans) are left alone.
    """
    for key, value in wanted.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value
    for key in owned:
        if key not in wanted and key in st.query_params:
            del st.query_params[key]
