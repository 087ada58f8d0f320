"""The library's one stylesheet (`style.css`, beside this file), for pages and handouts alike.

Every class the HTML builders emit is styled there once, so a quote, a reference list or the
speaker notes look the same on the Map, Article, Sources and Briefing pages and in the handout.
`print_script` is its one companion for paper: it keeps the map's view when the page is printed;
`connection_script` makes Streamlit's connection-lost dialog say what is true of this app.
"""

from __future__ import annotations

import functools
from pathlib import Path

STYLESHEET = Path(__file__).with_name("style.css")
PRINT_SCRIPT = Path(__file__).with_name("templates") / "print_map.js"
MIRROR_SCRIPT = Path(__file__).with_name("templates") / "mirror_card.js"
CONNECTION_SCRIPT = Path(__file__).with_name("templates") / "connection.js"
CONNECTION_STYLE = Path(__file__).with_name("templates") / "connection.css"
RECONNECT_KEY = "page-reconnect"
"""The hidden catch-up button's key: connection.js and connection.css find it as
`.st-key-page-reconnect` (a test holds the three to one name)."""
LAYER_SWITCH_SCRIPT = Path(__file__).with_name("templates") / "layer_switch.js"
LAYER_SWITCH_STYLE = Path(__file__).with_name("templates") / "layer_switch.css"
SIDEBAR_CARD_KEY = "card-in-sidebar"
UNDER_MAP_CARD_KEY = "card-under-map"
"""The Map page's two copies of the card (the stylesheet shows one, by screen width)."""
MAP_FRAME_KEY = "map-frame"
"""The Map page's map, which the stylesheet gives the window's height."""
TIME_BOX_KEY = "time-controls"
"""The sidebar's box after the card: card_preview.js puts a card before it when none is up."""
CARD_PREVIEW_SCRIPT = Path(__file__).with_name("templates") / "card_preview.js"
CARD_PREVIEW_STYLE = Path(__file__).with_name("templates") / "card_preview.css"
MAP_REDRAW_KEY = "map-redraw"
"""The Map page's hidden redraw button: layer_switch.js and layer_switch.css find it as
`.st-key-map-redraw`."""
CAUGHT_UP_MARK = '<span class="cbm-caught-up" hidden></span>'
"""What the catch-up run shows so that connection.js knows that run has begun."""


@functools.cache
def stylesheet() -> str:
    """The CSS text, read once per process (it ships with the code, it does not change)."""
    css = STYLESHEET.read_text(encoding="utf-8")
    if "</" in css:  # it is inlined into <style> blocks; it must not be able to close one
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    return css


def style_tag() -> str:
    """The stylesheet as a `<style>` element, for `st.markdown(..., unsafe_allow_html=True)`."""
    return f"<style>\n{stylesheet()}</style>"


def print_script() -> str:
    """A `<script>` for the Map page that keeps the map's centre and zoom on paper.

    Leaflet keeps a map's top-left corner when its frame changes size, and the paper's frame
    (`html.printing` in style.css) is smaller than the window's, so the printed map would show
    the top-left of the view, the selected feature at its bottom edge. Just before printing
    (`beforeprint`, which Chromium also fires for `page.pdf()`) the script gives the frame its
    paper size and sets the view it had again; after printing it gives both back. It holds no
    `<`: the sanitiser `st.html` runs (DOMPurify) would drop a script that looks like a tag.
    """
    return _page_script(PRINT_SCRIPT)


def mirror_card_html() -> str:
    """The card under the map (for phones, where the sidebar folds away, and for paper) as a
    live copy of the sidebar's, made in the browser: the card's HTML crosses the websocket once
    per selection instead of twice. The copy is the sidebar card's own DOM, cloned, never HTML
    re-parsed; it follows the sidebar card as it changes (a MutationObserver)."""
    return '<div class="card-mirror"></div>' + _page_script(MIRROR_SCRIPT)


@functools.cache
def connection_script() -> str:
    """A `<style>` and `<script>` for every page (`templates/connection.css` and `.js`): when
    the server stops answering, Streamlit's dialog is made to say what is true of this app (its
    server stopped or is restarting, no internet is needed, how to start it again) instead of
    "Are you connected to the internet?", which sends an offline briefer looking for a network
    they never needed; when the server is back, the script clicks the page's hidden catch-up
    button so the new session reads the page's address before the briefer's next click. The
    style hides that button from the first paint, before the page's stylesheet arrives."""
    return (f'<span class="cbm-connection" hidden></span>{_style(CONNECTION_STYLE)}'
            f"{_page_script(CONNECTION_SCRIPT)}")


@functools.cache
def layer_switch_script() -> str:
    """A `<style>` and `<script>` for the Map page (`templates/layer_switch.js` and `.css`): a
    layer's checkbox switches the layer on the map in the browser at the click, and the
    checkbox's rerun is only that checkbox's (a fragment); when the map cannot (not drawn yet,
    a layer it does not know), the script clicks the hidden redraw button for a full rerun."""
    return (f'<span class="cbm-layer-switch" hidden></span>{_style(LAYER_SWITCH_STYLE)}'
            f"{_page_script(LAYER_SWITCH_SCRIPT)}")


@functools.cache
def card_preview_script() -> str:
    """A `<style>` and `<script>` for the Map page (`templates/card_preview.js` and `.css`): a
    clicked feature's card shows at the click, from the card files the server wrote, instead of
    after the map's 250 ms wait for a double click and the rerun that brings it; the rerun's
    card then takes its place."""
    return (f'<span class="cbm-card-preview-script" hidden></span>{_style(CARD_PREVIEW_STYLE)}'
            f"{_page_script(CARD_PREVIEW_SCRIPT)}")


def _style(path: Path) -> str:
    css = path.read_text(encoding="utf-8")
    if "<" in css:
        raise ValueError(f"{path} must hold no '<'")
    return f"<style>{css}</style>"


def _page_script(path: Path) -> str:
    source = path.read_text(encoding="utf-8").strip()
    if "<" in source:
        raise ValueError(f"{path} must hold no '<' (DOMPurify would drop it)")
    return f"<script>{source}</script>"
