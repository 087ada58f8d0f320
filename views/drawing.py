"""The Map page's draw mode: the toggle, and the form that keeps a drawing in My layers.

A drawing arrives as the map component's value (`layers.map.draw.drawn_geometry` checks it);
the form asks for a name, a description, the precision, the briefer's source and, optionally,
the article sentences it is about, then writes it to the workspace in one transaction
(`layers.workspace`). Streamlit calls only; the rules are `layers.workspace.features`'.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st
from shapely.geometry.base import BaseGeometry

from layers.html.markup import markdown_literal
from layers.map.draw import BadDrawing, describe_drawing, drawn_geometry
from layers.workspace.features import (
    FormError,
    Typed,
    drawn_properties,
    sentence_choices,
    sentence_label,
)
from layers.workspace.store import InvalidFeaturesError, WorkspaceError, user_source
from views.common import article, workspace

DRAW_KEY = "draw-mode"  # the draw mode, from the address (`draw=1`) and the toggle
ROUND_KEY = "draw-round"  # drawings kept: a new one rebuilds the map, clearing the toolbar's
KEPT_KEY = "draw-kept"  # the shapes already kept, so a stale value is not offered again
NEW_LAYER = "new"
DRAWINGS_TITLE = "My drawings"
PRECISIONS = ("approximate", "exact", "schematic")
PRECISION_HELP = ("approximate: where you believe it is, from a source you trust; exact: you "
                  "copied the position from a survey or a dataset; schematic: a diagram "
                  "through real places, not a line on the ground.")


def draw_toggle(on_change: Callable[[], None]) -> None:
    """The switch of the draw mode (it rebuilds the map once: `on_change` keeps its view)."""
    st.toggle("Draw on the map", key=DRAW_KEY, on_change=on_change,
              help="Add your own point, line or area: draw it with the tools on the map's "
                   "left, then name it and say where it comes from. It is kept under My "
                   "layers, marked “added by you”.")


def draw_round() -> int:
    return int(st.session_state.get(ROUND_KEY, 0))


def drawing_form(returned: Mapping[str, object] | None,
                 user_layers: Mapping[str, str],
                 on_kept: Callable[[str, str], None]) -> None:
    """What was last drawn, measured, with the form that keeps it; `user_layers` are the
    workspace's layers of drawings (id → title: an upload's layer cites its file, which a
    drawing does not come from), `on_kept(layer_id, feature_id)` runs after a save."""
    flash = st.session_state.pop("draw-flash", None)
    if flash:
        (st.success if flash[0] == "success" else st.error)(markdown_literal(flash[1]))
    try:
        drawn = drawn_geometry(returned)
    except BadDrawing as problem:
        st.warning(markdown_literal(str(problem)), icon=":material/draw:")
        return
    if drawn is None or drawn.wkb_hex in st.session_state.get(KEPT_KEY, ()):
        st.caption("Draw a point, a line or an area with the tools on the map's left: a form "
                   "to keep it appears here.")
        return
    st.info(describe_drawing(drawn), icon=":material/draw:")
    choices = sentence_choices(article())
    layer_options = [*user_layers, NEW_LAYER]
    with st.form("drawing-form", border=True):
        st.text_input("Name", key="draw-name", max_chars=200,
                      placeholder="e.g. Checkpoint on the Goris–Kapan road")
        st.text_area("Description", key="draw-description", max_chars=4000,
                     placeholder="What it is, in your words; say who claims it, if it is a claim.")
        st.text_input("Source, in your words", key="draw-source", max_chars=300,
                      placeholder="e.g. a colleague's field notes, 14 September 2022")
        st.selectbox("Precision", PRECISIONS, key="draw-precision", help=PRECISION_HELP)
        st.text_input("Date (optional)", key="draw-date",
                      placeholder="YYYY-MM-DD, YYYY-MM or YYYY")
        st.multiselect("Article sentences it is about (optional)", choices,
                       key="draw-sentences", format_func=lambda c: sentence_label(article(), c))
        if state_layer_gone(layer_options):
            st.session_state.pop("draw-layer", None)
        st.selectbox("Keep it in", layer_options, key="draw-layer",
                     format_func=lambda lid: (f"{user_layers[lid]} ({lid})" if lid in user_layers
                                              else f"a new layer, {DRAWINGS_TITLE}"))
        st.form_submit_button("Keep this drawing", type="primary", on_click=_keep,
                              args=(drawn, on_kept))


def state_layer_gone(options: list[str]) -> bool:
    return st.session_state.get("draw-layer") not in (None, *options)


def _keep(drawn: BaseGeometry, on_kept: Callable[[str, str], None]) -> None:
    state = st.session_state
    typed = Typed(name=state.get("draw-name", ""), description=state.get("draw-description", ""),
                  precision=state.get("draw-precision", "approximate"),
                  source=state.get("draw-source", ""), date=state.get("draw-date", ""),
                  sentences=list(state.get("draw-sentences") or []))
    store, problem = workspace()
    if store is None:
        state["draw-flash"] = ("error", problem or "The workspace could not be opened.")
        return
    try:
        layer_id = state.get("draw-layer", NEW_LAYER)
        if layer_id == NEW_LAYER:
            layer_id, (feature_id,) = store.add_layer(
                DRAWINGS_TITLE, user_source(None),
                lambda lid: [(drawn_properties(typed, drawn, lid, article()), drawn)])
        else:
            (feature_id,) = store.add_features(
                layer_id, [(drawn_properties(typed, drawn, layer_id, article()), drawn)])
    except (FormError, WorkspaceError) as error:
        message = ("Not kept: " + "; ".join(str(p) for p in error.problems[:5])
                   if isinstance(error, InvalidFeaturesError) else str(error))
        state["draw-flash"] = ("error", message)
        return
    state[KEPT_KEY] = (*state.get(KEPT_KEY, ()), drawn.wkb_hex)
    state["draw-layer"] = layer_id  # the next drawing goes into the same layer, not a new one
    state[ROUND_KEY] = draw_round() + 1
    for key in ("draw-name", "draw-description", "draw-date", "draw-sentences"):
        state.pop(key, None)
    state["draw-flash"] = ("success", f"Kept “{typed.name.strip()}” in My layers.")
    on_kept(layer_id, feature_id)
