"""The Briefing page: a storyboard shown one scene at a time, a builder to change it, and handouts.

The working storyboard lives in the session (starting from `content/briefings/default.json`);
every edit replaces it with a new one built by `layers.briefing.edit`. The map is the Map page's
base map, built the same way on every run, so moving between scenes only swaps the layer groups
and moves the camera — the iframe is never rebuilt.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

import layers.briefing.storyboard as storyboard_files
from layers.briefing.edit import (
    FRAME_CHOICES,
    add_scene,
    builder_frame,
    move_scene,
    remove_scene,
    scene_from_view,
    with_notes,
)
from layers.briefing.export_html import export_html
from layers.briefing.export_pdf import export_pdf
from layers.briefing.page import (
    DEFAULT_STEM,
    MAP_COLUMN_PX,
    NEXT_KEY,
    PREV_KEY,
    available_briefings,
    citations_html,
    keyboard_script,
    notes_html,
    parse_scene_param,
    passage_html,
    passages_html,
    resolve_briefing,
    scene_params,
)
from layers.briefing.storyboard import (
    PassageRef,
    Storyboard,
    load_storyboard,
    parse_storyboard,
    storyboard_to_json,
)
from layers.html import markup
from layers.map.mapview import (
    FRAME_FEATURES,
    MAP_HEIGHT_PX,
    base_map,
    camera_for_bounds,
    default_view,
    layer_groups,
    selection_group,
)
from views.common import article, catalog, geodata_stamp, use_stylesheet

MAP_KEY = "briefing-map"
BUILDER_KEY = "briefing-builder"
MAX_UPLOAD_BYTES = 1_000_000
UPLOAD_KEY = "briefing-upload"
PRESENTER_KEY = "briefing-presenter"


cat = catalog()
text = article()
files = available_briefings(storyboard_files.DEFAULT_STORYBOARD.parent)
state = st.session_state


def load_file(stem: str) -> tuple[Storyboard, list[str]]:
    """A storyboard file's scenes, with its problems as lines to show."""
    path = files.get(stem, storyboard_files.DEFAULT_STORYBOARD)
    board, issues = load_storyboard(path, cat, text)
    return board, [str(issue) for issue in issues]


def use(board: Storyboard, index: int, *, edited: bool = True) -> None:
    """Make `board` the working storyboard, showing scene `index` (clamped to its scenes)."""
    state.brief_board = board
    state.brief_index = max(0, min(index, len(board.scenes) - 1))
    state.brief_edited = edited
    state.brief_rev = state.get("brief_rev", 0) + 1


def open_file(stem: str) -> None:
    """Start over from a storyboard file, listing any problems it has."""
    board, issues = load_file(stem)
    state.brief_stem = stem
    state.brief_issues = (f"“{stem}.json” has problems; everything else was loaded:", issues)
    use(board, 0, edited=False)


@st.cache_data(show_spinner="Preparing the handouts…", max_entries=8)
def handouts(storyboard_json: str, geodata_stamp: float) -> tuple[str, bytes]:
    """The offline HTML and the PDF of a storyboard, made once per storyboard text and version
    of the geodata (so a `make geodata` under a running server is not served stale)."""
    prepared, _ = parse_storyboard(storyboard_json, catalog(), article())
    return export_html(prepared, catalog(), article()), export_pdf(prepared, catalog(), article())


# --- state: the URL is read once per session, then the session owns the storyboard ----------
if "brief_board" not in state:
    stem, notice = resolve_briefing(st.query_params.get("briefing"), files)
    open_file(stem)
    index, scene_notice = parse_scene_param(st.query_params.get("scene"),
                                            len(state.brief_board.scenes))
    state.brief_index = index
    state.brief_notices = [n for n in (notice, scene_notice) if n]
    state.brief_upload_error = None

board: Storyboard = state.brief_board
scenes = board.scenes
index: int = state.brief_index


def go(target: int) -> None:
    state.brief_index = target


def builder_used() -> None:
    """Keep the builder open from now on: every builder action reruns the page, which must not
    fold away what the user is working in."""
    state.brief_builder_open = True


def show(at: int) -> None:
    builder_used()
    go(at)


def move(at: int, offset: int) -> None:
    builder_used()
    moved = move_scene(state.brief_board, at, offset)
    use(moved, max(0, min(at + offset, len(moved.scenes) - 1)))


def delete(at: int) -> None:
    builder_used()
    current = state.brief_index
    use(remove_scene(state.brief_board, at), current - 1 if at < current else current)


def save_notes(at: int, key: str) -> None:
    builder_used()
    use(with_notes(state.brief_board, at, state[key]), at)


def handle_upload() -> None:
    """Load an uploaded storyboard, or explain why not and keep the current one untouched."""
    uploaded = state.get(UPLOAD_KEY)
    if uploaded is None:
        return
    name = uploaded.name
    data = uploaded.getvalue()
    state.brief_upload_error = None
    if len(data) > MAX_UPLOAD_BYTES:
        state.brief_upload_error = (
            f"“{name}” is {len(data) / 1_000_000:.1f} MB; a storyboard may be at most 1 MB. "
            "Nothing was loaded: your current storyboard is unchanged.")
        return
    loaded, issues = parse_storyboard(data, cat, text)
    lines = [str(issue) for issue in issues]
    if not loaded.scenes:
        state.brief_issues = (f"“{name}” has no scene that can be shown, so your current "
                              "storyboard is unchanged:", lines)
        return
    state.brief_issues = (f"“{name}” has problems; everything else was loaded:", lines)
    use(loaded, 0)


def add_from_builder() -> None:
    """Add the builder's scene after the current one and show it, or say what is missing."""
    builder_used()
    current = state.brief_board.scenes[state.brief_index] if state.brief_board.scenes else None
    title = state["builder-title"].strip()
    bounds, reason = builder_frame(state["builder-frame"], cat, state["builder-highlight"],
                                   state["builder-layers"], current)
    if not title:
        reason = "Give the scene a title."
    if reason:
        state.brief_builder_error = reason
        return
    passages = [PassageRef(pid, sentence) for pid in state["builder-paragraphs"]
                for sentence in sorted(state.get(f"builder-sentences-{pid}", []))]
    scene = scene_from_view(title, bounds, state["builder-layers"], state["builder-highlight"],
                            passages, state["builder-notes"])
    at = state.brief_index + 1 if state.brief_board.scenes else 0
    use(add_scene(state.brief_board, scene, at=at), at)
    state.brief_builder_error = None
    state["builder-title"] = ""
    state["builder-notes"] = ""
    state["builder-paragraphs"] = []


def choose_layers() -> None:
    """The user picked layers: from now on the Layers box keeps them instead of following the
    scene on show."""
    builder_used()
    state.brief_builder_layers_chosen = True


def copy_current_view() -> None:
    """Fill the builder with the current scene's layers and highlighted features."""
    builder_used()
    if state.brief_board.scenes:
        current = state.brief_board.scenes[state.brief_index]
        state["builder-layers"] = list(current.layers)
        state["builder-highlight"] = list(current.highlight)
        state.brief_builder_layers_chosen = True


# --- sidebar: view, files, handouts ------------------------------------------------------------
with st.sidebar:
    for notice in state.brief_notices:
        st.warning(markup.markdown_literal(notice), icon=":material/link_off:")
    if state.brief_notices and st.button("Dismiss", key="briefing-dismiss"):
        state.brief_notices = []
        st.rerun()

    presenter = st.toggle("Presenter view", key=PRESENTER_KEY,
                          help="Shows the speaker notes and the next scene's title. "
                               "Audience view hides them.")
    st.caption("Keys ← and → step through the scenes.")

    if len(files) > 1:
        st.selectbox("Storyboard file", list(files), key="briefing-file",
                     index=list(files).index(state.brief_stem),
                     on_change=lambda: open_file(state["briefing-file"]))

    st.subheader("Save and load", anchor=False)
    st.download_button("Save storyboard (JSON)", data=storyboard_to_json(board),
                       file_name=f"{state.brief_stem}.json", mime="application/json",
                       key="briefing-save")
    st.file_uploader("Load a storyboard (JSON, at most 1 MB)", type=["json"],
                     key=UPLOAD_KEY, on_change=handle_upload, max_upload_size=1)
    if state.get("brief_upload_error"):
        st.error(markup.markdown_literal(state.brief_upload_error))
    st.button("Reset to default", key="briefing-reset",
              on_click=lambda: open_file(DEFAULT_STEM),
              help="Throws away your changes and reloads the default briefing.")

    st.subheader("Handouts", anchor=False)
    board_json = storyboard_to_json(board)
    if st.button("Prepare handouts", key="briefing-prepare", disabled=not scenes):
        state.brief_handouts = board_json
    if scenes and state.get("brief_handouts") == board_json:
        handout_html, handout_pdf = handouts(board_json, geodata_stamp())
        st.download_button("Download offline HTML", data=handout_html,
                           file_name=f"{state.brief_stem}.html", mime="text/html",
                           key="briefing-html")
        st.download_button("Download PDF", data=handout_pdf,
                           file_name=f"{state.brief_stem}.pdf", mime="application/pdf",
                           key="briefing-pdf")

# --- the scene ---------------------------------------------------------------------------------
use_stylesheet()
st.title(markup.markdown_literal(board.title), anchor=False)
if board.description:
    st.caption(markup.markdown_literal(board.description))

heading, issues = state.brief_issues
if issues:
    with st.container(border=True):
        st.warning(markup.markdown_literal(heading))
        st.markdown("\n".join(f"- {markup.markdown_literal(line)}" for line in issues))
        if st.button("Dismiss these problems", key="briefing-dismiss-issues"):
            state.brief_issues = ("", [])
            st.rerun()
if state.brief_edited:
    st.caption("This storyboard has changes that are in no file yet: save it as JSON to keep "
               "them. The address reopens the scene number in the saved file only.")

fmap = base_map(*default_view(cat.feature(fid).geometry for fid in FRAME_FEATURES),
                sync_url=False)

if not scenes:
    st.info("This storyboard has no scenes. Add one with the builder below.")
else:
    scene = scenes[index]
    st.progress((index + 1) / len(scenes), text=f"Scene {index + 1} of {len(scenes)}")
    back, title_column, forward = st.columns([1, 6, 1], vertical_alignment="center")
    back.button("← Previous", key=PREV_KEY, on_click=go, args=(index - 1,),
                disabled=index == 0, use_container_width=True)
    title_column.subheader(markup.markdown_literal(scene.title), anchor=False)
    forward.button("Next →", key=NEXT_KEY, on_click=go, args=(index + 1,),
                   disabled=index == len(scenes) - 1, use_container_width=True)

    groups = layer_groups(cat.layers, scene.layers)
    groups.extend(selection_group(cat.feature(fid).geometry) for fid in scene.highlight)
    center, zoom = camera_for_bounds(scene.bounds, MAP_COLUMN_PX, MAP_HEIGHT_PX)

    map_column, text_column = st.columns([3, 2])
    with map_column:
        st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT_PX, use_container_width=True,
                  returned_objects=[], feature_group_to_add=groups, center=center, zoom=zoom)
    with text_column:
        if presenter:
            st.markdown("**Speaker notes**")
            st.markdown(notes_html(scene.notes or "(no notes for this scene)"),
                        unsafe_allow_html=True)
            following = (f"Next: {scenes[index + 1].title}" if index + 1 < len(scenes)
                         else "This is the last scene.")
            st.caption(markup.markdown_literal(following))
        if scene.passages:
            st.markdown("**The article**")
            st.markdown(passages_html(scene, text), unsafe_allow_html=True)
        cited = citations_html(scene, text)
        if cited:
            st.markdown("**Citations**")
            st.markdown(cited, unsafe_allow_html=True)

    st.iframe(keyboard_script(), height=1)  # st.components.v1.html's successor: same iframe

# --- the builder -------------------------------------------------------------------------------
current = scenes[index] if scenes else None
rev = state.brief_rev
with st.expander("Edit this storyboard", expanded=state.get("brief_builder_open", False),
                 key=BUILDER_KEY):
    st.markdown("**Scenes**")
    for at, listed in enumerate(scenes):
        row = st.columns([6, 1, 1, 1, 1], vertical_alignment="center")
        marker = "▶ " if at == index else ""
        row[0].markdown(markup.markdown_literal(f"{marker}{at + 1}. {listed.title}"))
        row[1].button("Show", key=f"scene-show-{at}", on_click=show, args=(at,))
        row[2].button("Up", key=f"scene-up-{at}", on_click=move, args=(at, -1),
                      disabled=at == 0)
        row[3].button("Down", key=f"scene-down-{at}", on_click=move, args=(at, 1),
                      disabled=at == len(scenes) - 1)
        row[4].button("Delete", key=f"scene-delete-{at}", on_click=delete, args=(at,))
    if current is not None:
        notes_key = f"scene-notes-{rev}-{index}"
        st.text_area(f"Speaker notes for scene {index + 1}", value=current.notes,
                     key=notes_key, on_change=save_notes, args=(index, notes_key))

    st.divider()
    st.markdown("**Add a scene** after the current one")
    layer_ids = [layer.id for layer in cat.layers]
    feature_ids = sorted({f.properties["id"] for f in cat.features},
                         key=lambda fid: cat.feature(fid).properties["name"].casefold())
    if not state.get("brief_builder_layers_chosen"):
        state["builder-layers"] = list(current.layers) if current else []
    st.text_input("Title", key="builder-title", on_change=builder_used)
    st.button("Start from the current scene's layers and highlights",
              key="builder-copy", on_click=copy_current_view, disabled=current is None)
    st.multiselect("Layers", layer_ids, key="builder-layers", on_change=choose_layers,
                   format_func=lambda lid: cat.layer(lid).title,
                   help="Starts as the layers of the scene on show, and follows it until you "
                        "change this box.")
    st.multiselect("Highlight", feature_ids, key="builder-highlight", on_change=builder_used,
                   format_func=lambda fid: f"{cat.feature(fid).properties['name']} · "
                                           f"{cat.feature(fid).layer.title}",
                   help="Starts empty; the button above copies the current scene's highlights.")
    st.radio("Frame the map on", FRAME_CHOICES, key="builder-frame", on_change=builder_used)
    chosen_paragraphs = st.multiselect(
        "Passages from paragraphs", [p.id for p in text.paragraphs], key="builder-paragraphs",
        on_change=builder_used,
        format_func=lambda pid: f"¶ {text.paragraph(pid).number} · "
                                f"{text.paragraph(pid).text[:70]}…")
    for pid in chosen_paragraphs:
        paragraph = text.paragraph(pid)
        picked = st.multiselect(
            f"Sentences from ¶ {paragraph.number}", [s.index for s in paragraph.sentences],
            key=f"builder-sentences-{pid}", on_change=builder_used,
            format_func=lambda i, p=paragraph: p.sentences[i].text)
        for i in sorted(picked):
            st.markdown(passage_html(PassageRef(pid, i), text), unsafe_allow_html=True)
    st.text_area("Speaker notes", key="builder-notes", on_change=builder_used)
    st.button("Add scene", key="builder-add", type="primary", on_click=add_from_builder)
    if state.get("brief_builder_error"):
        st.error(state.brief_builder_error)

# --- the URL names the scene -------------------------------------------------------------------
wanted = scene_params(index, state.brief_stem) if scenes else {}
for key, value in wanted.items():
    if st.query_params.get(key) != value:
        st.query_params[key] = value
for key in ("scene", "briefing"):
    if key not in wanted and key in st.query_params:
        del st.query_params[key]
