"""Presenting a briefing: the audience's full-screen window and the briefer's presenter window.

Part of the Briefing page (`views/briefing.py` hands over when the address says `?present=`).
Both windows of one presentation share a room (`layers.briefing.rooms`) on the server: a step
in either moves the room, and each window polls it every 0.3 s (a fragment) and follows.
The audience's window shows the scene's map filling the screen with its legend and labels, the
title and the quoted passages in large type, and a progress bar; it never shows the notes. The
presenter window shows the scene on show, the next one, the speaker notes and a clock.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from layers.briefing.page import (
    NEXT_KEY,
    PREV_KEY,
    citations_html,
    clock_script,
    keyboard_script,
    notes_html,
    passages_html,
)
from layers.briefing.rooms import AUDIENCE, PRESENTER, Room, Rooms
from layers.briefing.session import Session
from layers.briefing.storyboard import scene_date_line
from layers.data.article import Article
from layers.html import markup

EXIT_KEY = "present-exit"
STEP_SEEN = "present-step"  # the room's move this window last followed
FOLLOW_SECONDS = 0.3  # a poll is one tiny fragment run: a step shows in the room within a second


@st.cache_resource(show_spinner=False)
def rooms() -> Rooms:
    """Every presentation of this server, shared by all sessions."""
    return Rooms()


def join(code: str | None, session: Session) -> Room:
    """The room this window presents in: the one its address names, else a new one showing
    this window's storyboard and scene (the address then names it)."""
    room = rooms().get(code) if code else None
    if room is None:
        room = rooms().open(session.board, session.stem, session.index)
    st.session_state[STEP_SEEN] = st.session_state.get(STEP_SEEN, room.step)
    return room


def follow(code: str, act: Callable[..., None]) -> None:
    """Every FOLLOW_SECONDS: if the room moved since this window last looked, show its scene."""

    @st.fragment(run_every=FOLLOW_SECONDS)
    def watch() -> None:
        room = rooms().get(code)
        if room is not None and room.step != st.session_state.get(STEP_SEEN):
            st.session_state[STEP_SEEN] = room.step
            act(Session.go, room.index)
            st.rerun()

    watch()


def step(code: str, act: Callable[..., None], session_of: Callable[[], Session],
         target: int) -> None:
    """Move this window and the room (so every other window follows)."""
    act(Session.go, target)
    room = rooms().move(code, session_of().index)
    if room is not None:
        st.session_state[STEP_SEEN] = room.step


def leave() -> None:
    """Esc, or the Leave button: back to the Briefing page on the same scene."""
    for key in ("present", "room"):
        if key in st.query_params:
            del st.query_params[key]


def controls(code: str, act: Callable[..., None], session_of: Callable[[], Session]) -> None:
    session = session_of()
    count = len(session.board.scenes)
    back, forward, out = st.columns(3)
    back.button("← Previous", key=PREV_KEY, on_click=step,
                args=(code, act, session_of, session.index - 1), disabled=session.index == 0,
                width="stretch")
    forward.button("Next →", key=NEXT_KEY, on_click=step,
                   args=(code, act, session_of, session.index + 1),
                   disabled=session.index >= count - 1, width="stretch")
    out.button("Leave (Esc)", key=EXIT_KEY, on_click=leave, width="stretch")
    st.iframe(keyboard_script(exit_key=EXIT_KEY), height=1)


def audience(room: Room, session: Session, text: Article, draw_map: Callable[[], None],
             act: Callable[..., None], session_of: Callable[[], Session]) -> None:
    """The window the room sees: map, title, passages, citations, progress; never notes."""
    current = session.current
    count = len(session.board.scenes)
    with st.container(key="present-audience"):
        if current is None:
            st.info("This storyboard has no scenes to present.")
            controls(room.code, act, session_of)
            return
        map_column, text_column = st.columns([5, 3], gap="medium")
        # the words first: their few bytes reach the room before the map's geometry does, so
        # a step shows its title and passages at once and the map follows
        with text_column:
            st.progress((session.index + 1) / count,
                        text=f"Scene {session.index + 1} of {count}")
            st.markdown(f'<h1 class="present-title">{markup.text(current.title)}</h1>',
                        unsafe_allow_html=True)
            dated = scene_date_line(current)
            if dated:
                st.markdown(f'<p class="present-date">{markup.text(dated)}</p>',
                            unsafe_allow_html=True)
            st.markdown(f'<div class="present-passages">{passages_html(current, text)}</div>',
                        unsafe_allow_html=True)
            cited = citations_html(current, text)
            if cited:
                st.markdown(f'<div class="present-citations">{cited}</div>',
                            unsafe_allow_html=True)
            controls(room.code, act, session_of)
            st.caption(markup.markdown_literal(
                f"Room {room.code} · keys ← → (or space), Esc to leave · F11 for full screen"))
        with map_column, st.container(key="present-map"):
            draw_map()


def presenter(room: Room, session: Session, text: Article, act: Callable[..., None],
              session_of: Callable[[], Session]) -> None:
    """The briefer's window: the clock, the scene on show, the next one, the speaker notes."""
    scenes = session.board.scenes
    current = session.current
    with st.container(key="present-presenter"):
        clock, opener = st.columns([3, 2], vertical_alignment="center")
        with clock:
            st.iframe(clock_script(room.started), height=44)
        opener.link_button("Open the audience's window ↗", f"?present={AUDIENCE}&room={room.code}",
                           icon=":material/cast:", width="stretch",
                           help="A new tab on this presentation: drag it to the screen the room "
                                "sees and press F11. It follows every step taken here.")
        if current is None:
            st.info("This storyboard has no scenes to present.")
            controls(room.code, act, session_of)
            return
        now, coming = st.columns([3, 2], gap="large")
        with now:
            st.markdown(f'<p class="present-date">Now · scene {session.index + 1} of '
                        f'{len(scenes)}</p><h2 class="present-title">'
                        f"{markup.text(current.title)}</h2>", unsafe_allow_html=True)
            st.markdown('<p class="present-label">Speaker notes</p>', unsafe_allow_html=True)
            st.markdown(f'<div class="present-notes">'
                        f"{notes_html(current.notes or '(no notes for this scene)')}</div>",
                        unsafe_allow_html=True)
            controls(room.code, act, session_of)
        with coming:
            if session.index + 1 < len(scenes):
                following = scenes[session.index + 1]
                st.markdown(f'<p class="present-date">Next · scene {session.index + 2}</p>'
                            f'<h3>{markup.text(following.title)}</h3>', unsafe_allow_html=True)
                st.markdown(passages_html(following, text), unsafe_allow_html=True)
            else:
                st.markdown('<p class="present-date">This is the last scene.</p>',
                            unsafe_allow_html=True)
            st.caption(markup.markdown_literal(
                f"Room {room.code}: the audience's window follows every step taken here, and "
                "this one follows theirs."))


def show(mode: str, room: Room, text: Article, draw_map: Callable[[], None],
         act: Callable[..., None], session_of: Callable[[], Session]) -> None:
    """Present in `mode` (AUDIENCE or PRESENTER), following the room. The poll comes last: a
    move it finds mid-run starts the page again only once this run has drawn everything."""
    if mode == PRESENTER:
        presenter(room, session_of(), text, act, session_of)
    elif mode == AUDIENCE:
        audience(room, session_of(), text, draw_map, act, session_of)
    follow(room.code, act)
