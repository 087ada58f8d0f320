"""The Briefing page: a storyboard shown one scene at a time, a builder to change it, and handouts.

What a click does is decided in `layers.briefing.session`: the tab's `Session` (the working
storyboard, the scene on show, what to tell the user) is read from the address on the tab's first
run and kept in `st.session_state`; every widget's callback replaces it with the Session its action
returns. This file draws the Session and wires widgets to actions; the builder's fields are
widgets of their own, read into a `BuilderForm` for an action and written back from the one it
returns. The map is the Map page's base map, built the same way on every run, so moving between
scenes only swaps the layer groups and moves the camera — the iframe is never rebuilt. A dated
scene's groups are its layers' files as they stood on the scene's day (`scene_day`), as the Map
page draws a date.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from streamlit_folium import st_folium

import layers.briefing.storyboard as storyboard_files
from layers.briefing.edit import FRAME_CHOICES, view_bounds
from layers.briefing.export_html import export_html
from layers.briefing.export_pdf import export_pdf
from layers.briefing.export_pptx import export_pptx
from layers.briefing.handouts import (
    HANDOUT_SECONDS,
    POLL_SECONDS,
    HandoutJobs,
    Outcome,
    Request,
)
from layers.briefing.page import (
    NEXT_KEY,
    PREV_KEY,
    citations_html,
    keyboard_script,
    passage_html,
    passages_html,
    scroll_top_script,
)
from layers.briefing.rooms import AUDIENCE, PRESENTER, parse_present
from layers.briefing.session import (
    DEFAULT_STEM,
    MAX_UPLOAD_MB,
    URL_PARAMS,
    BuilderForm,
    Session,
    available_briefings,
    builder_rows,
)
from layers.briefing.storyboard import (
    PassageRef,
    parse_storyboard,
    scene_date_line,
    scene_day,
    scene_features,
    storyboard_to_json,
)
from layers.html import markup
from layers.html.card import readable_date
from layers.map.label_layer import highlight_group
from layers.map.mapview import (
    FRAME_FEATURES,
    MAP_HEIGHT_PX,
    base_map,
    default_view,
    layer_groups,
    legend_group,
    scene_frame_group,
    selection_group,
)
from views import present
from views.common import (
    article,
    catalog,
    geo_files,
    sync_query_params,
    url_notices,
    use_stylesheet,
    workspace_problem,
    workspace_version,
)

SESSION_KEY = "briefing_session"
MAP_KEY = "briefing-map"
BUILDER_KEY = "briefing-builder"
UPLOAD_KEY = "briefing-upload"
VIEW_KEY = "briefing-view"  # what the map shows now, while the builder is open
SCROLL_UP_KEY = "briefing-scroll-up"
ROOM_KEY = "present-room"  # the room this tab presents in, once it has joined one
DATE_PLACEHOLDER = "none: every date"
DATE_HELP = ("A day 2022-09-13, a month 2020-11, a year 2021, or a range "
             "2022-09-12/2022-09-14. The map shows the features as they stood on the last day "
             "it covers. Leave it empty for a scene about no one moment.")


cat = catalog()
text = article()
files = available_briefings(storyboard_files.DEFAULT_STORYBOARD.parent)
state = st.session_state


def act(action: Callable[..., Session], *args: object) -> None:
    """Replace the tab's Session with what `action` (a Session method) makes of it."""
    state[SESSION_KEY] = action(state[SESSION_KEY], *args)


def go_to(key: str) -> None:
    """The builder's "Go to scene" box: show the scene it names (1-based), builder kept open."""
    act(Session.show, int(state[key]) - 1)


def save_notes(at: int, key: str) -> None:
    act(Session.save_notes, at, state[key])


def save_date(at: int, key: str) -> None:
    act(Session.save_date, at, state[key])


def upload() -> None:
    uploaded = state.get(UPLOAD_KEY)
    if uploaded is not None:  # None when the user takes the file out of the uploader
        act(Session.upload, uploaded.name, uploaded.getvalue(), cat, text)


def sentences_key(paragraph_id: str) -> str:
    return f"builder-sentences-{paragraph_id}"


def read_form() -> BuilderForm:
    paragraphs = tuple(state.get("builder-paragraphs", ()))
    return BuilderForm(
        title=state.get("builder-title", ""),
        layers=tuple(state.get("builder-layers", ())),
        highlight=tuple(state.get("builder-highlight", ())),
        frame=state.get("builder-frame", FRAME_CHOICES[0]),
        paragraphs=paragraphs,
        sentences={pid: tuple(state.get(sentences_key(pid), ())) for pid in paragraphs},
        notes=state.get("builder-notes", ""),
        date=state.get("builder-date", ""),
        view=state.get(VIEW_KEY),
    )


def write_form(form: BuilderForm) -> None:
    state["builder-title"] = form.title
    state["builder-layers"] = list(form.layers)
    state["builder-highlight"] = list(form.highlight)
    state["builder-frame"] = form.frame
    state["builder-paragraphs"] = list(form.paragraphs)
    for pid in form.paragraphs:
        state[sentences_key(pid)] = list(form.sentences.get(pid, ()))
    state["builder-notes"] = form.notes
    state["builder-date"] = form.date


def act_on_form(action: Callable[..., tuple[Session, BuilderForm]], *args: object) -> None:
    """Run a builder action on the builder's fields and show the fields it leaves."""
    before = len(state[SESSION_KEY].board.scenes)
    state[SESSION_KEY], form = action(state[SESSION_KEY], read_form(), *args)
    write_form(form)
    if len(state[SESSION_KEY].board.scenes) > before:
        state[SCROLL_UP_KEY] = True  # the new scene is on show at the top: go there


@st.cache_resource(show_spinner=False)
def handout_jobs() -> HandoutJobs:
    """The server's one pool of handout builders, shared by every session."""
    return HandoutJobs()


# Each handout: its kind (and file extension), name in messages, button and MIME type. (A
# comment, not a docstring: Streamlit writes a page's bare strings on the page.)
HANDOUTS = (("html", "the offline HTML", "Download offline HTML", "text/html"),
            ("pdf", "the PDF", "Download PDF", "application/pdf"))


def handout_request(kind: str, what: str, storyboard_json: str) -> Request:
    """One handout of a storyboard, made once per storyboard text and version of the geodata
    and the workspace (so a `make geodata` under a running server, or a layer the briefer just
    added, is not served stale)."""
    made_from, made_with = cat, text  # this run's: the job runs outside the script's thread

    def make() -> str | bytes:
        prepared, _ = parse_storyboard(storyboard_json, made_from, made_with)
        export = export_html if kind == "html" else export_pdf
        return export(prepared, made_from, made_with)

    return Request((kind, storyboard_json, workspace_version()), what, make)


def handout_outcomes(board_json: str, wait: float) -> list[Outcome]:
    """Where each handout of the storyboard stands, after waiting at most `wait` seconds."""
    return handout_jobs().outcomes(
        [handout_request(kind, what, board_json) for kind, what, _, _ in HANDOUTS],
        wait=wait, limit=HANDOUT_SECONDS)


def show_handouts(board_json: str, stem: str) -> None:
    """The handouts, drawn by a fragment that looks again every second while one is being
    made (so the rest of the page stays usable meanwhile) and not at all once none is."""
    pending = any(outcome.pending for outcome in handout_outcomes(board_json, POLL_SECONDS))
    st.fragment(draw_handouts, run_every=POLL_SECONDS if pending else None)(
        board_json, stem, pending)


def draw_handouts(board_json: str, stem: str, polling: bool) -> None:
    """A download button for each handout that is ready, a short message for each that failed
    or is still being made; the whole page reruns when the last one is done, to stop polling."""
    outcomes = handout_outcomes(board_json, 0.0)
    if polling and not any(outcome.pending for outcome in outcomes):
        st.rerun()
    for (kind, what, label, mime), outcome in zip(HANDOUTS, outcomes, strict=True):
        if outcome.content is not None:
            st.download_button(label, data=outcome.content, file_name=f"{stem}.{kind}",
                               mime=mime, key=f"briefing-{kind}")
        elif outcome.problem is not None:
            st.error(markup.markdown_literal(outcome.problem))
        else:
            st.info(f"Preparing {what}…", icon=":material/hourglass_top:")


def prepare_handouts() -> None:
    """Ask for the handouts (again): a failed attempt is tried anew."""
    handout_jobs().forget_failures()
    act(Session.prepare_handouts)


mode, room_code, present_notices = parse_present(st.query_params.get("present"),
                                                 st.query_params.get("room"))
joined = present.rooms().get(room_code) if mode and room_code else None
if joined is not None and state.get(ROOM_KEY) != joined.code:
    # a window joining a presentation (often another tab): the room's storyboard and scene
    state[SESSION_KEY] = Session.joining(joined.board, joined.stem, joined.index)
    state[ROOM_KEY] = joined.code
def deck(storyboard_json: str) -> bytes:
    """The PowerPoint deck of a storyboard, made when its download is clicked (on a thread of
    its own, so the page is not held up)."""
    prepared, _ = parse_storyboard(storyboard_json, cat, text)
    return export_pptx(prepared, cat, text)


if SESSION_KEY not in state:
    state[SESSION_KEY] = Session.start(st.query_params.get("briefing"),
                                       st.query_params.get("scene"), files, cat, text)
state[SESSION_KEY] = state[SESSION_KEY].recheck(cat, text)  # a feature deleted meanwhile
state["builder-highlight"] = [fid for fid in state.get("builder-highlight", [])
                              if fid in {props["id"] for _, props, _ in cat.features}]
session: Session = state[SESSION_KEY]
board = session.board
scenes = board.scenes
index = session.index
current = session.current
geo = geo_files()
# keyboard=False: the arrow keys step scenes (templates/keys.js), even with focus on the map
fmap = base_map(*default_view(cat.feature(fid).geometry for fid in FRAME_FEATURES), geo,
                sync_url=False, keyboard=False)


def draw_map() -> None:
    """The scene on show: its layers as they stood on its day, its highlights outlined and
    named first, the legend, framed in the browser at the map's real size (`SceneFit`)."""
    scene = state[SESSION_KEY].current
    day = scene_day(scene)  # None: undated, every feature of every date
    standing = scene_features(scene, cat).highlight  # what did not stand then is not outlined
    groups = layer_groups(cat.layers, scene.layers, geo, day)
    groups.extend(selection_group(fid, cat.feature(fid).layer.id, cat.feature(fid).geometry, geo,
                                  day) for fid in standing)
    groups.append(highlight_group(cat, standing))  # their names, first
    groups.append(legend_group(scene.layers, bool(standing), geo, day))
    groups.append(scene_frame_group(scene.bounds))
    # the view comes back only while the builder is open (its "the map's view as it is now"),
    # so stepping through scenes costs no rerun per pan
    watch_view = mode is None and state[SESSION_KEY].builder_open
    returned = st_folium(fmap, key=MAP_KEY, height=MAP_HEIGHT_PX, use_container_width=True,
                         returned_objects=["bounds"] if watch_view else [],
                         feature_group_to_add=groups)
    if watch_view:
        state[VIEW_KEY] = view_bounds(returned) or state.get(VIEW_KEY)


if mode is not None:
    use_stylesheet()  # it hides the sidebar and sets the large type
    room = present.join(room_code, session)
    state[ROOM_KEY] = room.code
    for notice in present_notices:
        st.warning(markup.markdown_literal(notice), icon=":material/link_off:")
    present.show(mode, room, text, draw_map, act, lambda: state[SESSION_KEY])
    sync_query_params({**state[SESSION_KEY].url_params(), "present": mode, "room": room.code},
                      owned=(*URL_PARAMS, "present", "room"))
    st.stop()


def start_presenting(view: str) -> None:
    """Open a room for this storyboard and scene, and show this window as `view`."""
    room = present.rooms().open(state[SESSION_KEY].board, state[SESSION_KEY].stem,
                                state[SESSION_KEY].index)
    state[ROOM_KEY] = room.code
    state[present.STEP_SEEN] = room.step
    st.query_params["present"] = view
    st.query_params["room"] = room.code

# --- sidebar: view, files, handouts ------------------------------------------------------------
with st.sidebar:
    url_notices(session.notices, key="briefing-dismiss",
                on_dismiss=lambda: act(Session.dismiss_notices))
    if workspace_problem():
        st.warning(markup.markdown_literal(workspace_problem()), icon=":material/folder_off:")

    st.subheader("Present", anchor=False)
    st.button("Present full screen", key="present-audience-start", icon=":material/slideshow:",
              on_click=start_presenting, args=(AUDIENCE,), disabled=not scenes,
              help="The map fills the screen with the scene's title and passages in large "
                   "type; no notes. Keys ← → and space step, Esc leaves; F11 for full screen.")
    st.button("Open presenter view", key="present-presenter-start", icon=":material/co_present:",
              on_click=start_presenting, args=(PRESENTER,), disabled=not scenes,
              help="This window shows the notes, the next scene and a clock; it gives you a "
                   "link to open the audience's window (another tab or screen), which follows "
                   "every step you take here.")
    st.caption("Keys ← and → step through the scenes.")

    if len(files) > 1:
        st.selectbox("Storyboard file", list(files), key="briefing-file",
                     index=list(files).index(session.stem),
                     on_change=lambda: act(Session.open_file, state["briefing-file"], files,
                                           cat, text))

    st.subheader("Save and load", anchor=False)
    st.download_button("Save storyboard (JSON)", data=storyboard_to_json(board),
                       file_name=f"{session.stem}.json", mime="application/json",
                       key="briefing-save")
    st.file_uploader(f"Load a storyboard (JSON, at most {MAX_UPLOAD_MB} MB)", type=["json"],
                     key=UPLOAD_KEY, on_change=upload, max_upload_size=MAX_UPLOAD_MB)
    if session.upload_error:
        st.error(markup.markdown_literal(session.upload_error))
    st.button("Reset to default", key="briefing-reset",
              on_click=act, args=(Session.open_file, DEFAULT_STEM, files, cat, text),
              help="Throws away your changes and reloads the default briefing.")

    st.subheader("Handouts", anchor=False)
    st.button("Prepare handouts", key="briefing-prepare", disabled=not scenes,
              on_click=prepare_handouts)
    if session.handouts_ready:
        show_handouts(storyboard_to_json(board), session.stem)
    if scenes:
        board_json = storyboard_to_json(board)
        st.download_button(
            "Download PowerPoint (.pptx)", data=lambda: deck(board_json), on_click="ignore",
            file_name=f"{session.stem}.pptx", key="briefing-pptx", icon=":material/slideshow:",
            mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
            help="A 16:9 deck: a title slide, one slide per scene (the map as the PDF draws it, "
                 "the title, the passages with their ¶ and citation numbers, your notes as "
                 "speaker notes) and the sources, all as text you can edit. Made when you "
                 "click, in a few seconds.")

# --- the scene ---------------------------------------------------------------------------------
use_stylesheet()
st.title(markup.markdown_literal(board.title), anchor=False)
if board.description:
    st.caption(markup.markdown_literal(board.description))

if session.issues:
    with st.container(border=True):
        st.warning(markup.markdown_literal(session.issues_heading))
        st.markdown("\n".join(f"- {markup.markdown_literal(line)}" for line in session.issues))
        st.button("Dismiss these problems", key="briefing-dismiss-issues",
                  on_click=act, args=(Session.dismiss_issues,))
if session.edited:
    st.caption("This storyboard has changes that are in no file yet: save it as JSON to keep "
               "them. The address reopens the scene number in the saved file only.")

if current is None:
    st.info("This storyboard has no scenes. Add one with the builder below.")
else:
    st.progress((index + 1) / len(scenes), text=f"Scene {index + 1} of {len(scenes)}")
    back, title_column, forward = st.columns([1, 6, 1], vertical_alignment="center")
    back.button("← Previous", key=PREV_KEY, on_click=act, args=(Session.go, index - 1),
                disabled=index == 0, use_container_width=True)
    title_column.header(markup.markdown_literal(current.title), anchor=False)
    dated = scene_date_line(current)
    if dated:
        title_column.caption(markup.markdown_literal(dated))
    forward.button("Next →", key=NEXT_KEY, on_click=act, args=(Session.go, index + 1),
                   disabled=index == len(scenes) - 1, use_container_width=True)

    map_column, text_column = st.columns([3, 2])
    with map_column:
        draw_map()
    with text_column:
        if current.passages:
            st.markdown("**The article**")
            st.markdown(passages_html(current, text), unsafe_allow_html=True)
        cited = citations_html(current, text)
        if cited:
            st.markdown("**Citations**")
            st.markdown(cited, unsafe_allow_html=True)

    st.iframe(keyboard_script(), height=1)  # st.components.v1.html's successor: same iframe

# --- the builder -------------------------------------------------------------------------------
edits_builder = {"on_change": act, "args": (Session.builder_used,)}  # keeps the builder open
with st.expander("Edit this storyboard", expanded=session.builder_open, key=BUILDER_KEY):
    st.markdown("**Scenes**")
    shown = builder_rows(len(scenes), index)
    if len(shown) < len(scenes):
        st.caption(f"Scenes {shown.start + 1}–{shown.stop} of {len(scenes)}, around the one "
                   "on show.")
        st.number_input("Go to scene", min_value=1, max_value=len(scenes), value=index + 1,
                        step=1, key=f"builder-goto-{session.revision}-{index}",
                        on_change=go_to, args=(f"builder-goto-{session.revision}-{index}",))
    for at in shown:
        listed = scenes[at]
        row = st.columns([6, 1, 1, 1, 1], vertical_alignment="center")
        marker = "▶ " if at == index else ""
        when = f" · {readable_date(listed.date)}" if listed.date else ""
        row[0].markdown(markup.markdown_literal(f"{marker}{at + 1}. {listed.title}{when}"))
        row[1].button("Show", key=f"scene-show-{at}", on_click=act, args=(Session.show, at))
        row[2].button("Up", key=f"scene-up-{at}", on_click=act, args=(Session.move, at, -1),
                      disabled=at == 0)
        row[3].button("Down", key=f"scene-down-{at}", on_click=act, args=(Session.move, at, 1),
                      disabled=at == len(scenes) - 1)
        row[4].button("Delete", key=f"scene-delete-{at}", on_click=act,
                      args=(Session.delete, at))
    if current is not None:
        notes_key = f"scene-notes-{session.revision}-{index}"
        st.text_area(f"Speaker notes for scene {index + 1}", value=current.notes,
                     key=notes_key, on_change=save_notes, args=(index, notes_key))
        date_key = f"scene-date-{session.revision}-{index}"
        st.text_input(f"Date of scene {index + 1}", value=current.date or "", key=date_key,
                      on_change=save_date, args=(index, date_key), placeholder=DATE_PLACEHOLDER,
                      help=DATE_HELP)
        if session.date_error:
            st.error(markup.markdown_literal(session.date_error))

    st.divider()
    st.markdown("**Add a scene** after the current one")
    layer_ids = [layer.id for layer in cat.layers]
    feature_ids = sorted({f.properties["id"] for f in cat.features},
                         key=lambda fid: cat.feature(fid).properties["name"].casefold())
    following_layers = session.following_layers()
    if following_layers is not None:
        state["builder-layers"] = list(following_layers)
    st.text_input("Title", key="builder-title", **edits_builder)
    st.button("Start from the current scene's layers and highlights",
              key="builder-copy", on_click=act_on_form, args=(Session.copy_view,),
              disabled=current is None)
    st.multiselect("Layers", layer_ids, key="builder-layers",
                   on_change=act, args=(Session.choose_layers,),
                   format_func=lambda lid: cat.layer(lid).title,
                   help="Starts as the layers of the scene on show, and follows it until you "
                        "change this box.")
    st.multiselect("Highlight", feature_ids, key="builder-highlight", **edits_builder,
                   format_func=lambda fid: f"{cat.feature(fid).properties['name']} · "
                                           f"{cat.feature(fid).layer.title}",
                   help="Starts empty; the button above copies the current scene's highlights.")
    st.radio("Frame the map on", FRAME_CHOICES, key="builder-frame", **edits_builder)
    chosen_paragraphs = st.multiselect(
        "Passages from paragraphs", [p.id for p in text.paragraphs], key="builder-paragraphs",
        **edits_builder, format_func=lambda pid: f"¶ {text.paragraph(pid).number} · "
                                        f"{text.paragraph(pid).text[:70]}…")
    for pid in chosen_paragraphs:
        paragraph = text.paragraph(pid)
        picked = st.multiselect(
            f"Sentences from ¶ {paragraph.number}", [s.index for s in paragraph.sentences],
            key=sentences_key(pid), **edits_builder,
            format_func=lambda i, p=paragraph: p.sentences[i].text)
        for i in sorted(picked):
            st.markdown(passage_html(PassageRef(pid, i), text), unsafe_allow_html=True)
    st.text_input("Date", key="builder-date", **edits_builder, placeholder=DATE_PLACEHOLDER,
                  help=DATE_HELP)
    st.text_area("Speaker notes", key="builder-notes", **edits_builder)
    st.button("Add scene", key="builder-add", type="primary", on_click=act_on_form,
              args=(Session.add_scene, cat))
    if session.builder_error:
        st.error(markup.markdown_literal(session.builder_error))

if state.pop(SCROLL_UP_KEY, False):
    st.iframe(scroll_top_script(), height=1)

# --- the URL names the scene -------------------------------------------------------------------
sync_query_params(session.url_params(), owned=URL_PARAMS)
