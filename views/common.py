"""What every page shares: the loaded article and catalog, cached per server process, and the
way a page talks to its address (notices about what it could not use, the parameters it writes).

`st.cache_resource` (not `cache_data`) because the catalog holds GeoDataFrames that pages only
read: one shared copy, no pickling on every rerun. The cache is keyed by the geodata files'
modification times, so a `make geodata` under a running server takes effect on the next rerun
instead of leaving old geometry beside new storyboards.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

import streamlit as st

import layers
from layers.data.article import Article, load_article
from layers.data.catalog import (
    LAYERS_FILE,
    SOURCES_FILE,
    TERMS_FILE,
    Catalog,
    CatalogError,
    load_catalog,
)
from layers.data.events import EVENTS_FILE, Event, EventsError, load_events
from layers.data.mentions import MentionIndex, build_index
from layers.html import markup
from layers.html.card import feature_cards
from layers.html.styles import CAUGHT_UP_MARK, RECONNECT_KEY, connection_script, style_tag
from layers.map.assets import missing_files, missing_message
from layers.map.basemap import BASEMAP_DIR, BasemapError
from layers.map.geo_files import GEO_DIR, GeoFiles, is_card_file, write_map_files
from layers.map.geo_layer import TEMPLATES_DIR
from layers.workspace.features import resolved
from layers.workspace.store import (
    Workspace,
    WorkspaceError,
    open_workspace,
    with_user_layers,
    workspace_path,
)

LOG = logging.getLogger(__name__)


def geodata_files() -> list[Path]:
    """Every file `load_catalog` and `load_events` read: layers.json, sources.json,
    search_terms.json, events.json and each layer file layers.json lists (none of those when it
    cannot be read: loading it then names the problem)."""
    directory = layers.GEODATA_DIR
    registry = directory / LAYERS_FILE
    try:
        listed = _listed_files(registry, registry.stat().st_mtime_ns)
    except OSError:
        listed = ()
    return [directory / name for name in (LAYERS_FILE, SOURCES_FILE, TERMS_FILE, EVENTS_FILE,
                                          *listed)]


@functools.lru_cache(maxsize=4)
def _listed_files(registry: Path, modified_ns: int) -> tuple[str, ...]:
    """The layer files a layers.json lists, read once per version of it (every rerun asks)."""
    try:
        return tuple(str(entry["file"])
                     for entry in json.loads(registry.read_text(encoding="utf-8"))["layers"])
    except (OSError, ValueError, RecursionError, LookupError, TypeError):
        return ()


def geodata_stamp() -> float:
    """The newest modification time among the files the catalog and events are read from, so a
    changed layer file (`.geojson`) is read again on the next rerun; missing files count as
    nothing (loading names them)."""
    times = []
    for path in geodata_files():
        try:
            times.append(path.stat().st_mtime)
        except OSError:
            continue
    return max(times, default=0.0)


@st.cache_resource(show_spinner=False)
def article() -> Article:
    """The article, parsed once."""
    return load_article()


@st.cache_resource(show_spinner=False, max_entries=1)
def _shipped(stamp: float) -> Catalog | CatalogError:
    """The catalog, or what stopped it loading: kept either way, so a broken file is read once
    per version rather than on every call."""
    try:
        return load_catalog()
    except CatalogError as error:
        return error


@st.cache_resource(show_spinner=False)
def _last_good() -> dict[str, Catalog]:
    """The last catalog that loaded, for the pages to go on with when a file breaks under a
    running server."""
    return {}


def shipped_catalog() -> Catalog:
    """The geodata the app ships, without the briefer's layers, loaded once per version; while
    a file cannot be read, the catalog as last read (`geodata_notice` says so on the page)."""
    loaded = _shipped(geodata_stamp())
    if isinstance(loaded, Catalog):
        _last_good()["catalog"] = loaded
        return loaded
    if "catalog" in _last_good():
        return _last_good()["catalog"]
    raise loaded  # only where `geodata_notice` did not stop the page first


def geodata_notice() -> None:
    """Say at the top of every page (`every_page` runs it) when a geodata file cannot be read,
    naming it: the page goes on with the layers as last read, or stops after the message when
    this server never read them, so no page shows a CatalogError's traceback."""
    loaded = _shipped(geodata_stamp())
    if isinstance(loaded, Catalog):
        _last_good()["catalog"] = loaded
        return
    if "catalog" in _last_good():
        st.warning(markup.markdown_literal(
            f"A geodata file cannot be read ({loaded}): the layers are shown as they were last "
            "read. Fix the file or run make geodata; the page catches up on the next click."),
            icon=":material/warning:")
        return
    st.error(markup.markdown_literal(
        f"The geodata cannot be loaded ({loaded}). Fix the file or run make geodata, then "
        "reload the page."), icon=":material/error:")
    st.stop()


def every_page() -> None:
    """What app.py runs before any page: the script that makes Streamlit's connection-lost
    dialog true of this app (no internet needed; how to restart), then the notices of broken
    geodata and missing map libraries, so no page has to remember them."""
    st.html(connection_script(), unsafe_allow_javascript=True)
    # hidden; clicked by that script once a lost server is back, so the new session reads the
    # address before the briefer's next click (which that first run would otherwise overrule)
    if st.button("Catch up with the server", key=RECONNECT_KEY):
        st.html(CAUGHT_UP_MARK)  # the script lifts its cover once this run shows it and ends
    geodata_notice()
    assets_notice()


def assets_notice() -> None:
    """Say at the top of every page (`every_page` runs it) when the map's libraries are missing:
    the map frame alone would stay blank without a word. Looked up on every run (a dozen
    file checks), so the notice goes as soon as `make assets` has run."""
    message = missing_message(missing_files(layers.VENDOR_DIR))
    if message:
        st.error(markup.markdown_literal(message), icon=":material/extension_off:")


def workspace() -> tuple[Workspace | None, str | None]:
    """The briefer's workspace (`layers.workspace.store`), or None and a message naming what is
    wrong with its file, so every page carries on with the shipped layers. Opened (and its
    file checked, which reads it whole) once per version of the file, not on every call: a
    page asks several times a rerun."""
    path = workspace_path()
    try:
        seen = path.stat()
        identity = (str(path), seen.st_mtime_ns, seen.st_size)
    except OSError:
        identity = (str(path), 0, 0)  # not made yet: opening creates it
    return _opened(identity)


@st.cache_resource(show_spinner=False, max_entries=4)
def _opened(identity: tuple[str, int, int]) -> tuple[Workspace | None, str | None]:
    try:
        return open_workspace(Path(identity[0])), None
    except WorkspaceError as error:
        return None, f"Your layers could not be opened: {error}"


def workspace_version() -> tuple[float, int]:
    """The version of what the pages draw: the geodata files' and the workspace's revision (-1
    when the workspace cannot be read)."""
    store, _ = workspace()
    try:
        revision = store.revision() if store is not None else -1
    except WorkspaceError:
        revision = -1
    return geodata_stamp(), revision


@st.cache_resource(show_spinner=False, max_entries=2)
def _catalog(version: tuple[float, int]) -> tuple[Catalog, str | None]:
    shipped = shipped_catalog()
    store, _ = workspace()
    if store is None or version[1] < 0:
        return shipped, None
    try:
        mine, dropped = resolved(store.layers(), article())
        merged = with_user_layers(shipped, mine, store.path)
    except Exception as error:  # noqa: BLE001 (a file edited elsewhere may hold anything)
        LOG.exception("the workspace %s could not be read", store.path)
        return shipped, (f"Your layers could not be read ({type(error).__name__}: {error}); "
                         "the map shows its own layers. The My layers page can export or "
                         "replace the file.")
    for line in dropped:
        LOG.warning("workspace %s: %s", store.path, line)
    return merged, None


def catalog() -> Catalog:
    """Every layer: the shipped geodata and, after it, the briefer's own ("My layers"), built
    once per version of both and shared by every session, so a layer one session adds appears
    in the others on their next rerun."""
    return _catalog(workspace_version())[0]


def workspace_problem() -> str | None:
    """Why the briefer's layers are not shown, if they are not: a file that cannot be opened
    or read. Every page that draws them says so, so a briefer is never left wondering."""
    _, problem = workspace()
    return problem or _catalog(workspace_version())[1]


@st.cache_resource(show_spinner=False, max_entries=2)
def _mentions(version: tuple[float, int]) -> MentionIndex:
    return build_index(article(), catalog())


def mentions() -> MentionIndex:
    """The feature ↔ paragraph ↔ citation index, computed once per version of the layers."""
    return _mentions(workspace_version())


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


EARLY_CARDS = 2_000
"""The features whose cards a click shows before its rerun (the shipped ones come first): a
workspace of 20,000 uploaded features would otherwise cost every Map session an index of them
and the server their cards at every edit; beyond these a click waits for its rerun's card."""


@st.cache_resource(show_spinner=False, max_entries=2)
def _geo_files(stamp: float, revision: int) -> GeoFiles:
    return write_map_files(catalog(), GEO_DIR, cards=feature_cards(
        catalog(), article(), mentions(), limit=EARLY_CARDS))


def geo_files() -> GeoFiles:
    """The map's files (`layers.map.geo_files`, the feature cards among them), written once per
    version of the geodata, the basemap and the map's scripts, and again if someone deleted them
    under a running server."""
    stamp, revision = workspace_version()
    stamp = max(stamp, *(p.stat().st_mtime for p in BASEMAP_DIR.glob("*.geojson")),
                *(p.stat().st_mtime for p in TEMPLATES_DIR.iterdir()))
    try:
        files = _geo_files(stamp, revision)
        # the map's own files and the cards' index, not each card (up to EARLY_CARDS stats, some
        # 18 ms a rerun): a card file gone under a running server only has a click wait for its
        # rerun's card, which the page shows in any case
        if not all((GEO_DIR / name).exists() for key, name in files.names.items()
                   if not is_card_file(key)):
            _geo_files.clear()
            files = _geo_files(stamp, revision)
    except BasemapError as error:
        st.error(markup.markdown_literal(
            f"The offline basemap cannot be read ({error}), so the map cannot be drawn. Run "
            "make basemap to rebuild it; the other pages work without it."),
            icon=":material/error:")
        st.stop()
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
