"""The Map page: layer toggles and legend, place search, the feature card, and the map itself."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from layers.data.catalog import bounds_around
from layers.html.card import build_card, card_html
from layers.html.styles import mirror_card_html, print_script
from layers.map.basemap import online_basemaps
from layers.map.layer import clicked_feature_id
from layers.map.mapview import (
    FRAME_FEATURES,
    MAP_HEIGHT_PX,
    Camera,
    base_map,
    camera_for_bounds,
    fresh_camera,
    initial_camera,
    layer_groups,
    legend_group,
    mostly_outside,
    selection_group,
    tile_group,
    view_box,
    view_of,
)
from layers.map.state import ViewState, parse_view, view_params
from views.common import (
    article,
    catalog,
    geo_files,
    mentions,
    sync_query_params,
    url_notices,
    use_stylesheet,
)
from views.search import place_search

MAP_KEY = "map"
MAP_FRAME_KEY = "map-frame"
SIDEBAR_CARD_KEY = "card-in-sidebar"  # the stylesheet shows one of these two copies of the card
UNDER_MAP_CARD_KEY = "card-under-map"
OFFLINE_BACKGROUND = "Offline map (Natural Earth)"

cat = catalog()
layer_ids = tuple(layer.id for layer in cat.layers)
default_layers = tuple(layer.id for layer in cat.layers if layer.visible)
feature_ids = {feature.properties["id"] for feature in cat.features}

frame = bounds_around(cat.feature(fid).geometry for fid in FRAME_FEATURES)
opening = camera_for_bounds(frame)

# --- state: read the URL once per session, then widgets own it --------------------------------
if "view_loaded" not in st.session_state:
    # every value of a repeated parameter, so the first one wins, as `parse_view` documents
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    initial, notices = parse_view(raw, feature_ids, layer_ids, default_layers)
    st.session_state.view_loaded = True
    st.session_state.notices = notices
    st.session_state.selected = initial.feature
    st.session_state.camera = initial_camera(
        initial.center, initial.zoom,
        cat.feature(initial.feature).geometry if initial.feature else None, opening,
    )
    for layer_id in layer_ids:
        st.session_state[f"layer:{layer_id}"] = layer_id in initial.layers


def select(feature_id: str | None) -> None:
    """Select a feature (or none) and fly the map to it."""
    st.session_state.selected = feature_id
    if feature_id is not None:
        st.session_state.camera = fresh_camera(view_of(cat.feature(feature_id).geometry),
                                               st.session_state.camera)


def current_camera() -> Camera:
    """Where the map is now: the view it writes into the address as it moves, else the last
    one the page set, else the opening frame."""
    raw = {key: st.query_params.get_all(key) for key in ("center", "zoom")}
    seen, _ = parse_view(raw, feature_ids, layer_ids, default_layers)
    if seen.center is not None and seen.zoom is not None:
        return seen.center, seen.zoom
    return st.session_state.camera or opening


def fit_to(layer_id: str) -> None:
    st.session_state.fit_offer = None
    st.session_state.camera = fresh_camera(
        camera_for_bounds(bounds_around(cat.layer(layer_id).features.geometry)),
        st.session_state.camera)


def offer_to_fit(visible: tuple[str, ...]) -> None:
    """A layer just switched on that lies mostly outside the view gets a button that fits it, so
    a route no longer runs off the map unnoticed."""
    before = st.session_state.get("visible_before", visible)
    st.session_state.visible_before = visible
    for layer_id in (lid for lid in visible if lid not in before):
        layer = cat.layer(layer_id)
        if len(layer.features) and mostly_outside(bounds_around(layer.features.geometry),
                                                  view_box(current_camera())):
            st.session_state.fit_offer = layer_id
    offer = st.session_state.get("fit_offer")
    if offer is not None and offer in visible:
        st.button(f"Show all of {cat.layer(offer).title}", key="fit-layer", on_click=fit_to,
                  args=(offer,), icon=":material/zoom_out_map:",
                  help="It reaches beyond the map's view: fit the map to it.")


# A click on the map arrives as the component's value (its on_change copies it under MAP_KEY).
click = st.session_state.get(MAP_KEY) or {}
click_token = (str(click.get("last_object_clicked")), click.get("last_object_clicked_tooltip"))
if click_token != st.session_state.get("last_click"):
    st.session_state.last_click = click_token
    clicked = clicked_feature_id(click.get("last_object_clicked_tooltip"))
    if clicked in feature_ids:
        select(clicked)

# --- sidebar: search, card, toggles, background, legend ----------------------------------------
use_stylesheet()
with st.sidebar:
    url_notices(st.session_state.notices, key="dismiss-notices",
                on_dismiss=lambda: st.session_state.update(notices=[]))

    place_search(cat, select)  # type-ahead; a hidden layer is switched on (views/search.py)

    selected = st.session_state.selected
    card = None
    if selected is not None:
        card = card_html(build_card(cat.feature(selected), article(), mentions(), cat))
        with st.container(key=SIDEBAR_CARD_KEY):
            st.markdown(card, unsafe_allow_html=True)
            st.button("Clear selection", key="clear-selection", on_click=select, args=(None,))
            st.divider()

    st.subheader("Layers")
    groups: dict[str, list] = {}
    for layer in cat.layers:
        groups.setdefault(layer.group, []).append(layer)
    for group, members in groups.items():
        st.caption(group)
        for layer in members:
            st.checkbox(layer.title, key=f"layer:{layer.id}")
    visible = tuple(lid for lid in layer_ids if st.session_state.get(f"layer:{lid}"))
    offer_to_fit(visible)

    tiles_by_name = {tiles.name: tiles for tiles in online_basemaps()}
    background = st.radio(
        "Background",
        [OFFLINE_BACKGROUND, *tiles_by_name],
        key="background",
        format_func=lambda name: name if name == OFFLINE_BACKGROUND else f"{name} (online)",
        help="The offline map always works. Tile backgrounds need an internet connection.",
    )

    st.caption("Copy the address bar to share this exact view: it always holds the layers, "
               "the selected feature, the centre and the zoom.")


# --- the map -------------------------------------------------------------------------------------
geo = geo_files()
fmap = base_map(*opening, geo, frame=frame)

groups_to_add = layer_groups(cat.layers, visible, geo)
if background in tiles_by_name:
    groups_to_add.insert(0, tile_group(tiles_by_name[background]))
if selected is not None:
    chosen = cat.feature(selected)
    groups_to_add.append(selection_group(selected, chosen.layer.id, chosen.geometry, geo))
groups_to_add.append(legend_group(visible, selected is not None, geo))

camera = st.session_state.camera
with st.container(key="page-title"):  # one line, so the map below keeps the window's height
    st.title("Caucasus Briefing Map", anchor=False)
with st.container(key=MAP_FRAME_KEY):  # the stylesheet gives this frame the window's height
    st_folium(
        fmap,
        key=MAP_KEY,
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip"],
        feature_group_to_add=groups_to_add,
        center=camera[0] if camera else None,
        zoom=camera[1] if camera else None,
    )
if card is not None:
    # The same card again under the map, which the stylesheet shows instead of the sidebar's on
    # a phone (where Streamlit folds the sidebar away) and on paper: copied in the browser from
    # the sidebar's, so its HTML travels once.
    with st.container(key=UNDER_MAP_CARD_KEY):
        st.html(mirror_card_html(), unsafe_allow_javascript=True)
        st.button("Clear selection", key="clear-selection-under-map", on_click=select,
                  args=(None,))
st.html(print_script(), unsafe_allow_javascript=True)  # paper keeps the map's view
st.caption(
    "The fighting of 12–14 September 2022, the corridors at stake, and who says what. Click a "
    "feature, or find a place in the sidebar, to read what the article says."
)

# --- the URL mirrors the view ------------------------------------------------------------------
state = ViewState(
    feature=selected,
    layers=visible,
    center=camera[0] if camera else None,
    zoom=camera[1] if camera else None,
)
# centre and zoom are written by the map itself as it moves (SyncViewToUrl), so not owned here
sync_query_params(view_params(state, default_layers), owned=("feature", "layers"))
