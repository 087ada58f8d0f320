"""The Map page's place search, in the sidebar: results as the user types, no Enter.

`st_keyup` (PyPI streamlit-keyup, a Components v2 text input: plain HTML and JavaScript in the
page, no iframe, nothing fetched) reports every keystroke; the block runs as a fragment, so typing
reruns only it, not the map. The ranking is `Catalog.search`'s (typos, search terms). A result
whose layer is off says so; choosing it switches the layer on, says it did, selects the feature
(the map flies there, the card opens) and reruns the whole page.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from st_keyup import st_keyup

from layers.data.catalog import Catalog, shown_name
from layers.html.markup import markdown_literal
from layers.map.state import layer_key

QUERY_KEY = "place-search"
CHOSEN_KEY = "place-search-chosen"
NOTICE_KEY = "place-search-notice"
SHOWN_KEY = "place-search-shown"
MAX_HITS = 8
DEBOUNCE_MS = 150
LAYER_OFF = "layer off"


def result_label(cat: Catalog, feature_id: str) -> str:
    """`Meghri · Railways · layer off`: the feature, its layer, and whether it is hidden."""
    found = cat.feature(feature_id)
    label = f"{shown_name(found.properties, found.layer)} · {found.layer.title}"
    shown = st.session_state.get(layer_key(found.layer.id))
    return label if shown else f"{label} · {LAYER_OFF}"


def _choose(cat: Catalog, feature_id: str, select: Callable[[str], None]) -> None:
    """A result's on_click: show its layer if hidden (and say so), then select the feature."""
    layer, props, _ = cat.feature(feature_id)
    notice = None
    if not st.session_state.get(layer_key(layer.id)):
        st.session_state[layer_key(layer.id)] = True
        notice = f"Switched on the {layer.title} layer to show {props['name']}."
    st.session_state[NOTICE_KEY] = notice
    st.session_state[CHOSEN_KEY] = True
    select(feature_id)


def lists_layer(cat: Catalog, layer_id: str) -> bool:
    """Whether a result the search shows now is on `layer_id`: its label says whether that layer
    is on, so a checkbox switching it (a rerun of the checkbox's own fragment, not of the
    search's) has the page rerun, lest the label still say "layer off" over a layer on."""
    for hit in st.session_state.get(SHOWN_KEY, ()):
        try:
            if cat.feature(hit).layer.id == layer_id:
                return True
        except KeyError:  # deleted from My layers since it was shown: the rerun drops it
            return True
    return False


@st.fragment
def place_search(cat: Catalog, select: Callable[[str], None]) -> None:
    """The search box, its results as buttons, and the notice of a layer switched on."""
    if st.session_state.pop(CHOSEN_KEY, False):
        st.rerun()  # a choice changes the card and the map: the whole page, not this block
    query = st_keyup("Find a place", key=QUERY_KEY, debounce=DEBOUNCE_MS,
                     placeholder="e.g. Nakhichevan, Karabakh, Jermuk")
    hits = cat.search(query)[:MAX_HITS] if query.strip() else []
    st.session_state[SHOWN_KEY] = tuple(hits)
    if query.strip() and not hits:
        st.caption("No place matches that name or spelling.")
    for hit in hits:
        # a name is text, not Markdown (a briefer's own may hold anything)
        st.button(markdown_literal(result_label(cat, hit)), key=f"hit:{hit}", width="stretch",
                  on_click=_choose, args=(cat, hit, select))
    # said once, after the choice, under the results (above the card), so the results the
    # pointer is over do not move
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.caption(markdown_literal(notice))
