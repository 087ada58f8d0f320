"""The Map page: layer toggles and legend, place search, the feature or event card, the date,
the map itself and the timeline strip under it; in draw mode (`?draw=1`) the draw toolbar,
and what was last drawn, measured, in the sidebar."""

from __future__ import annotations

import datetime

import streamlit as st
from streamlit_folium import st_folium

from layers.briefing.picture import view_png
from layers.data.catalog import USER_GROUP, Layer, bounds_around, is_user_layer
from layers.html.card import build_card, card_html
from layers.html.event_card import build_event_card, event_card_html
from layers.html.markup import markdown_literal, quoted_input
from layers.html.styles import (
    MAP_FRAME_KEY,
    MAP_REDRAW_KEY,
    SIDEBAR_CARD_KEY,
    TIME_BOX_KEY,
    UNDER_MAP_CARD_KEY,
    card_preview_script,
    layer_switch_script,
    mirror_card_html,
    print_script,
)
from layers.map.basemap import online_basemaps
from layers.map.draw import DRAWING_RETURNS
from layers.map.layer import clicked_feature_id
from layers.map.mapview import (
    FRAME_FEATURES,
    MAP_HEIGHT_PX,
    Camera,
    base_map,
    camera_for_bounds,
    event_focus,
    fresh_camera,
    initial_camera,
    legend_group,
    mostly_outside,
    selection_group,
    tile_group,
    view_box,
    view_of,
)
from layers.map.state import ViewState, layer_key, layers_param, parse_view, view_params
from layers.workspace.store import DRAWN_BY_USER
from views import timeline
from views.common import (
    article,
    catalog,
    events,
    geo_files,
    mentions,
    sync_query_params,
    url_notices,
    use_stylesheet,
    workspace_problem,
)
from views.drawing import DRAW_KEY, draw_round, draw_toggle, drawing_form
from views.search import lists_layer, place_search

MAP_KEY = "map"
SWITCHED_KEY = "layers-switched"  # the layers whose checkboxes were just clicked (on_change)
OFFLINE_BACKGROUND = "Offline map (Natural Earth)"

cat = catalog()
layer_ids = tuple(layer.id for layer in cat.layers)
default_layers = tuple(layer.id for layer in cat.layers if layer.visible)
feature_ids = {feature.properties["id"] for feature in cat.features}
all_events, events_problem = events()
events_by_id = {event.id: event for event in all_events}

frame = bounds_around(cat.feature(fid).geometry for fid in FRAME_FEATURES)
opening = camera_for_bounds(frame)

# --- state: read the URL once per session, then widgets own it --------------------------------
if "view_loaded" not in st.session_state:
    # every value of a repeated parameter, so the first one wins, as `parse_view` documents
    raw = {key: st.query_params.get_all(key) for key in st.query_params}
    initial, notices = parse_view(raw, feature_ids, layer_ids, default_layers, events_by_id)
    st.session_state.view_loaded = True
    st.session_state.notices = notices + ([events_problem] if events_problem else [])
    timeline.set_initial(initial.date, initial.window, initial.event, all_events)
    st.session_state.selected = initial.feature
    st.session_state.camera = initial_camera(
        initial.center, initial.zoom,
        cat.feature(initial.feature).geometry if initial.feature else None, opening,
    )
    for layer_id in layer_ids:
        st.session_state[layer_key(layer_id)] = layer_id in initial.layers
    st.session_state.known_layers = set(layer_ids)
    st.session_state[DRAW_KEY] = initial.draw

# the briefer's layers change under a running session (another page, another session): a layer
# new since this session began comes on as its registry says, and a selected feature that is
# gone (deleted on the My layers page) closes, saying so
for layer_id in set(layer_ids) - st.session_state.known_layers:
    st.session_state[layer_key(layer_id)] = cat.layer(layer_id).visible
st.session_state.known_layers = set(layer_ids)
if st.session_state.selected is not None and st.session_state.selected not in feature_ids:
    st.session_state.notices = [*st.session_state.notices,
                                f"“{quoted_input(st.session_state.selected)}” is no longer on "
                                "the map (deleted from My layers?); its card is closed."]
    st.session_state.selected = None


def select(feature_id: str | None) -> None:
    """Select a feature (or none) and fly the map to it; an open event closes."""
    st.session_state.selected = feature_id
    if feature_id is not None:
        st.session_state.event = None
        st.session_state.camera = fresh_camera(view_of(cat.feature(feature_id).geometry),
                                               st.session_state.camera)


def select_event(event_id: str | None) -> None:
    """Open an event (or none): frame its places, switching on the layers they are on."""
    st.session_state.event = event_id
    event = events_by_id.get(event_id) if event_id else None
    if event is None:
        return
    st.session_state.selected = None
    places = [cat.feature(ident) for ident in event.places]
    for place in places:
        st.session_state[layer_key(place.layer.id)] = True
    focus = event_focus(places)
    if focus:
        st.session_state.camera = fresh_camera(
            camera_for_bounds(bounds_around(place.geometry for place in focus)),
            st.session_state.camera)


def current_camera() -> Camera:
    """Where the map is now: the view it writes into the address as it moves, else the last
    one the page set, else the opening frame."""
    raw = {key: st.query_params.get_all(key) for key in ("center", "zoom")}
    seen, _ = parse_view(raw, feature_ids, layer_ids, default_layers)
    if seen.center is not None and seen.zoom is not None:
        return seen.center, seen.zoom
    return st.session_state.camera or opening


def visible_layers() -> tuple[str, ...]:
    """The layers switched on, in registry order, as their checkboxes stand now."""
    return tuple(lid for lid in layer_ids if st.session_state.get(layer_key(lid)))


def fit_to(layer_id: str) -> None:
    st.session_state.fit_offers = set()
    st.session_state.camera = fresh_camera(
        camera_for_bounds(bounds_around(cat.layer(layer_id).features.geometry)),
        st.session_state.camera)


def offer_to_fit(layer: Layer, on: bool) -> None:
    """A layer just switched on that lies mostly outside the view gets a button, under its
    checkbox, that fits it, so a route no longer runs off the map unnoticed. Each offer stands
    until it is taken or its layer goes off: the buttons are in their layers' fragments, so an
    offer for another layer cannot take one away from the screen."""
    was_on = st.session_state.setdefault("was_on", {})
    offers = st.session_state.setdefault("fit_offers", set())
    if on and not was_on.get(layer.id, on) and len(layer.features) and mostly_outside(
            bounds_around(layer.features.geometry), view_box(current_camera())):
        offers.add(layer.id)
    was_on[layer.id] = on
    if not on:
        offers.discard(layer.id)
    if layer.id in offers and st.button(
            markdown_literal(f"Show all of {layer.title}"), key=f"fit-layer:{layer.id}",
            icon=":material/zoom_out_map:",
            help="It reaches beyond the map's view: fit the map to it."):
        fit_to(layer.id)
        st.rerun()  # the whole page: the button sits in its layer's fragment, the map does not


def mark_switched(layer_id: str) -> None:
    """A layer checkbox's on_change: the user switched it. A set, as two clicks during a long
    run are taken in one run, each box's fragment then finding its own."""
    st.session_state.setdefault(SWITCHED_KEY, set()).add(layer_id)


@st.fragment
def layer_switch(layer_id: str) -> None:
    """One layer's checkbox, and the offer to fit the layer when it was just switched on.

    A fragment of its own: a click reruns only this (one checkbox, not the page, nor even the
    sidebar's other checkboxes, each a message the page then draws), while the page's script
    (`layer_switch_script`) switches the layer on the map in the browser at once; the
    address's `layers` is written here. The map's own arguments then lag until the next full
    rerun, which draws the same layers from this session's checkboxes.
    """
    layer = cat.layer(layer_id)  # a title is text, not Markdown: a briefer's may hold anything
    st.checkbox(markdown_literal(layer.title), key=layer_key(layer.id),
                on_change=mark_switched, args=(layer.id,))
    offer_to_fit(layer, bool(st.session_state.get(layer_key(layer.id))))
    sync_query_params(layers_param(visible_layers(), default_layers), owned=("layers",))
    # the search's results say whether their layers are on, and this rerun is only this box's
    switched = st.session_state.setdefault(SWITCHED_KEY, set())
    if layer.id in switched:
        switched.discard(layer.id)
        if lists_layer(cat, layer.id):
            st.rerun()


def keep_view() -> None:
    """The draw mode rebuilds the map: it comes back where the user had it, not where the page
    last put it."""
    st.session_state.camera = current_camera()


def kept(layer_id: str, feature_id: str) -> None:
    """A drawing kept in My layers: its layer on, and its card open (with no fly-to: the map is
    already there)."""
    st.session_state[layer_key(layer_id)] = True
    st.session_state.selected = feature_id
    st.session_state.event = None
    st.session_state.camera = current_camera()


PICTURE_KEY = "view-picture"
PICTURE_PX = (1600, 900)


def make_picture(selected: str | None, day: datetime.date | None) -> None:
    """Draw the view as it is now (this click's run carries the address the map keeps up to
    date as it moves, and the checkboxes as they stand, which the toggles' fragment may have
    changed since this button was drawn) into a PNG, on the server, from the same data as the
    PDF handout."""
    bounds = view_box(current_camera(), *PICTURE_PX)
    try:
        st.session_state[PICTURE_KEY] = view_png(cat, visible_layers(), selected, bounds, day,
                                                  PICTURE_PX)
    except ValueError as error:
        st.session_state[PICTURE_KEY] = None
        st.session_state.picture_problem = f"No picture could be made: {error}"


def picture_of_view(selected: str | None, day: datetime.date | None) -> None:
    """A picture of the view (layers, selection, frame, labels, legend, credit) as a PNG for a
    slide or a report: made on a click, then offered for download."""
    st.button("Make a picture of this view", key="make-picture", icon=":material/image:",
              on_click=make_picture, args=(selected, day),
              help=f"A {PICTURE_PX[0]}×{PICTURE_PX[1]} PNG drawn on the server from the same "
                   "data as the handouts: the layers on, the selection, the labels, the legend "
                   "and the credit; no internet needed.")
    picture = st.session_state.get(PICTURE_KEY)
    if picture:
        st.download_button("Download the picture (PNG)", picture, "caucasus-map.png",
                           mime="image/png", on_click="ignore", icon=":material/download:",
                           key="download-picture")
    problem = st.session_state.pop("picture_problem", None)
    if problem:
        st.error(markdown_literal(problem))


def clear() -> None:
    """Close the open feature or event."""
    st.session_state.selected = None
    st.session_state.event = None


# A click on the map arrives as the component's value (its on_change copies it under MAP_KEY).
click = st.session_state.get(MAP_KEY) or {}
click_token = (str(click.get("last_object_clicked")), click.get("last_object_clicked_tooltip"))
if click_token != st.session_state.get("last_click"):
    st.session_state.last_click = click_token
    clicked = clicked_feature_id(click.get("last_object_clicked_tooltip"))
    if clicked in feature_ids:
        select(clicked)

# --- sidebar: search, card, toggles, background, legend ----------------------------------------
drawing = bool(st.session_state.get(DRAW_KEY))
use_stylesheet()
with st.sidebar:
    url_notices(st.session_state.notices, key="dismiss-notices",
                on_dismiss=lambda: st.session_state.update(notices=[]))
    if workspace_problem():
        st.warning(markdown_literal(workspace_problem()), icon=":material/folder_off:")
    # what is drawn is known once the map has run, below: its place is kept here, on top
    drawing_slot = st.empty() if drawing else None

    place_search(cat, select)  # type-ahead; a hidden layer is switched on (views/search.py)

    selected = st.session_state.selected
    event = events_by_id.get(st.session_state.get("event") or "")
    card = None
    if selected is not None:
        card = card_html(build_card(cat.feature(selected), article(), mentions(), cat))
    elif event is not None:
        card = event_card_html(build_event_card(event, article(), cat))
    if card is not None:
        with st.container(key=SIDEBAR_CARD_KEY):
            st.markdown(card, unsafe_allow_html=True)
            st.button("Clear selection", key="clear-selection", on_click=clear)
            st.divider()

    with st.container(key=TIME_BOX_KEY):
        timeline.time_controls(all_events, select_event)
    day = timeline.map_day()

    st.subheader("Layers")
    groups: dict[str, list[Layer]] = {}
    for layer in cat.layers:
        groups.setdefault(layer.group, []).append(layer)
    for group, members in groups.items():
        st.caption(markdown_literal(group))
        for layer in members:
            layer_switch(layer.id)
    if USER_GROUP not in groups:
        st.caption(USER_GROUP)
    visible = visible_layers()
    draw_toggle(keep_view)
    st.page_link("views/workspace.py", label="Add a file, edit, export",
                 icon=":material/upload_file:")

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
    picture_of_view(selected, day)


# --- the map -------------------------------------------------------------------------------------
geo = geo_files()
fmap = base_map(*opening, geo, frame=frame, draw=drawing, draw_round=draw_round())

groups_to_add = []  # the layers are drawn by the legend group's list of them (switchable)
if background in tiles_by_name:
    groups_to_add.insert(0, tile_group(tiles_by_name[background]))
outlined = [selected] if selected is not None else [
    place.properties["id"] for place in event_focus([cat.feature(i) for i in event.places])
] if event else []
for ident in outlined:
    chosen = cat.feature(ident)
    groups_to_add.append(selection_group(ident, chosen.layer.id, chosen.geometry, geo, day))
groups_to_add.append(legend_group(visible, bool(outlined), geo, day, switchable=cat.layers))

camera = st.session_state.camera
with st.container(key="page-title"):  # one line, so the map below keeps the window's height
    st.title("Caucasus Briefing Map", anchor=False)
with st.container(key=MAP_FRAME_KEY):  # the stylesheet gives this frame the window's height
    returned = st_folium(
        fmap,
        key=MAP_KEY,
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        # the drawings only in draw mode, so an ordinary rerun carries no more than the click
        returned_objects=["last_object_clicked", "last_object_clicked_tooltip",
                          *(DRAWING_RETURNS if drawing else ())],
        feature_group_to_add=groups_to_add,
        center=camera[0] if camera else None,
        zoom=camera[1] if camera else None,
    )
if drawing_slot is not None:
    # this map's own value, not st.session_state[MAP_KEY]: switching the mode rebuilds the map,
    # and the copy there would still hold the drawings of the map before
    with drawing_slot.container():
        drawing_form(returned, {layer.id: layer.title for layer in cat.layers
                                if is_user_layer(layer)
                                and cat.sources[layer.id].get("name") == DRAWN_BY_USER}, kept)
if card is not None:
    # The same card again under the map, which the stylesheet shows instead of the sidebar's on
    # a phone (where Streamlit folds the sidebar away) and on paper: copied in the browser from
    # the sidebar's, so its HTML travels once.
    with st.container(key=UNDER_MAP_CARD_KEY):
        st.html(mirror_card_html(), unsafe_allow_javascript=True)
        st.button("Clear selection", key="clear-selection-under-map", on_click=clear)
# the strip after the card, so on a phone a tapped place's card comes right under the map
timeline.timeline_strip(timeline.shown_events(all_events), select_event,
                        opened=event is not None or day is not None)
st.html(print_script(), unsafe_allow_javascript=True)  # paper keeps the map's view
st.html(layer_switch_script(), unsafe_allow_javascript=True)  # a checkbox draws its layer at once
st.html(card_preview_script(), unsafe_allow_javascript=True)  # a click shows its card at once
# what layer_switch.js clicks when the map cannot switch a layer itself: a full rerun
st.button("Redraw the map", key=MAP_REDRAW_KEY)
st.caption(
    "The fighting of 12–14 September 2022, the corridors at stake, and who says what. Click a "
    "feature, or find a place in the sidebar, to read what the article says."
)

# --- the URL mirrors the view ------------------------------------------------------------------
url_date, url_window = timeline.url_time()
state = ViewState(
    feature=selected,
    layers=visible,
    center=camera[0] if camera else None,
    zoom=camera[1] if camera else None,
    date=url_date,
    window=url_window,
    event=event.id if event else None,
    draw=drawing,
)
# centre and zoom are written by the map itself as it moves (SyncViewToUrl), so not owned here
sync_query_params(view_params(state, default_layers),
                  owned=("feature", "layers", "event", "date", "from", "to", "draw"))
