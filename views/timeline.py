"""The Map page's time: the date controls in the sidebar, the timeline strip under the map, and
playback. The rules (which events and features a date shows) are `layers.data.events`'; the
chart is `layers.map.timeline`'s; this module only wires them to widgets.

State lives in `st.session_state`: `time-mode` (every date, as of a day, or between two days),
`time-date`, `time-window`, `event` (the selected event id) and `playing`.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence

import streamlit as st

from layers.data.events import Event, events_between, events_until
from layers.map.timeline import SELECTION, clicked_event, timeline_chart
from views.common import events, geodata_stamp

ALL, AS_OF, BETWEEN = "Every date", "As of a day", "Between two days"
MODES = (ALL, AS_OF, BETWEEN)
EARLIEST, LATEST = datetime.date(1900, 1, 1), datetime.date(2035, 12, 31)
"""What the date pickers allow (Streamlit's default starts ten years ago)."""
PLAY_EVERY_S = 3.0


def set_initial(day: datetime.date | None, window: tuple[datetime.date, datetime.date] | None,
                event: str | None, events: Sequence[Event]) -> None:
    """The widgets' state from a link (`layers.map.state.parse_view`), once per session."""
    first = events[0].span[0] if events else datetime.date(2022, 9, 13)
    last = events[-1].span[1] if events else first
    st.session_state["time-mode"] = AS_OF if day else BETWEEN if window else ALL
    st.session_state["time-date"] = day or datetime.date(2022, 9, 13)
    st.session_state["time-window"] = window or (first, last)
    st.session_state.event = event
    st.session_state.playing = False


def map_day() -> datetime.date | None:
    """The day the map shows the features of (None: every feature of every date)."""
    mode = st.session_state.get("time-mode", ALL)
    if mode == AS_OF:
        return st.session_state["time-date"]
    window = _window()
    return window[1] if mode == BETWEEN and window else None


def url_time() -> tuple[datetime.date | None, tuple[datetime.date, datetime.date] | None]:
    """(date, window) for the address, as `layers.map.state.view_params` writes them."""
    mode = st.session_state.get("time-mode", ALL)
    if mode == AS_OF:
        return st.session_state["time-date"], None
    return None, _window() if mode == BETWEEN else None


def _window() -> tuple[datetime.date, datetime.date] | None:
    picked = st.session_state.get("time-window")
    if isinstance(picked, tuple | list) and len(picked) == 2:  # one day while still picking
        return picked[0], picked[1]
    return None


def shown_events(events: Sequence[Event]) -> list[Event]:
    """The events the strip shows: all, those begun by the day, or those in the window."""
    mode = st.session_state.get("time-mode", ALL)
    if mode == AS_OF:
        return events_until(events, st.session_state["time-date"])
    window = _window()
    if mode == BETWEEN and window:
        return events_between(events, *window)
    return list(events)


def time_controls(events: Sequence[Event], on_event: Callable[[str | None], None]) -> None:
    """The sidebar's Time section: the mode, its date or dates, and Play / Pause."""
    st.subheader("Time")
    mode = st.radio("Show", MODES, key="time-mode", horizontal=True,
                    help="Every date at once; the map as it stood on a day, with the events up "
                         "to it; or only the events between two days.")
    if mode == AS_OF:
        st.date_input("As of", key="time-date", min_value=EARLIEST, max_value=LATEST,
                      format="YYYY-MM-DD")
    elif mode == BETWEEN:
        st.date_input("Between", key="time-window", min_value=EARLIEST, max_value=LATEST,
                      format="YYYY-MM-DD")
    if not events:
        return
    if st.session_state.get("playing"):
        st.button("Pause", key="pause", icon=":material/pause:", on_click=_pause)
        _playback(events, on_event)
    else:
        st.button("Play the events", key="play", icon=":material/play_arrow:",
                  on_click=_play, args=(events, on_event),
                  help="Step through the events in order, the map following each; pause "
                       "at any time.")


def _play(events: Sequence[Event], on_event: Callable[[str | None], None]) -> None:
    st.session_state.playing = True
    st.session_state.played_at = None
    current = st.session_state.get("event")
    ids = [event.id for event in events]
    if current not in ids or current == ids[-1]:  # from the start, or on from where it stands
        _step_to(events[0], on_event)


def _pause() -> None:
    st.session_state.playing = False
    st.session_state.played_at = None


def _step_to(event: Event, on_event: Callable[[str | None], None]) -> None:
    """Show the map as of the event's first day and open it."""
    st.session_state["time-mode"] = AS_OF
    st.session_state["time-date"] = event.span[0]
    on_event(event.id)


@st.fragment(run_every=PLAY_EVERY_S)
def _playback(events: Sequence[Event], on_event: Callable[[str | None], None]) -> None:
    """While playing, every few seconds: the next event, then the whole page again."""
    if not st.session_state.get("playing"):
        return
    now = datetime.datetime.now()
    last = st.session_state.get("played_at")
    # the whole page runs this too (after each step): step only when the interval has passed
    if last is None or (now - last).total_seconds() < PLAY_EVERY_S * 0.8:
        if last is None:
            st.session_state.played_at = now
        return
    ids = [event.id for event in events]
    current = st.session_state.get("event")
    at = ids.index(current) + 1 if current in ids else 0
    if at >= len(ids):
        st.session_state.playing = False
    else:
        _step_to(events[at], on_event)
    st.session_state.played_at = now
    st.rerun(scope="app")


def timeline_strip(events: Sequence[Event], on_event: Callable[[str | None], None],
                   opened: bool) -> None:
    """The strip under the map, in a fold that is open when a date or an event is shown; a
    click on a mark opens that event (in a callback, which runs before the page does, so
    opening it may still switch on the layers of its places).

    Why a fold, and one that runs its content only when open (`on_change="rerun"`): drawing
    the Vega chart costs the opening view about a second before the map's first shape on this
    machine (bench, with and without the strip); a plain fold still sends the spec and makes the
    browser load the chart's code. Opening it is one rerun that builds the chart."""
    if opened and not st.session_state.get(FOLD_WAS_OPENED):
        st.session_state[FOLD_KEY] = True  # a date or an event just came on screen: unfold
    st.session_state[FOLD_WAS_OPENED] = opened
    with st.container(key=STRIP_BOX_KEY):
        fold = st.expander(f"Timeline · {len(events)} events", key=FOLD_KEY, on_change="rerun",
                           icon=":material/timeline:")
    with fold:
        if not fold.open:
            return
        if not events:
            st.caption("No event falls in the dates shown.")
            return
        spec = _spec(tuple(event.id for event in events), st.session_state.get("event"),
                     map_day(), geodata_stamp())
        st.vega_lite_chart(spec, on_select=functools.partial(_picked, on_event), key=STRIP_KEY,
                           width="stretch", selection_mode=SELECTION)


@st.cache_resource(show_spinner=False, max_entries=256)
def _spec(ids: tuple[str, ...], selected: str | None, marker: datetime.date | None,
          stamp: float) -> dict:
    """The strip's Vega-Lite spec, built once per (events shown, selection, day, version of
    the events file) for every session: building and validating it with Altair takes about
    0.2 s, four times the rest of the Map page's rerun."""
    by_id = {event.id: event for event in events()[0]}
    return timeline_chart([by_id[i] for i in ids if i in by_id], selected, marker).to_dict()


STRIP_KEY = "timeline"
STRIP_BOX_KEY = "timeline-box"  # the stylesheet leaves it off paper
FOLD_KEY = "timeline-fold"
FOLD_WAS_OPENED = "timeline-fold-forced"


def _picked(on_event: Callable[[str | None], None]) -> None:
    ident = clicked_event(st.session_state.get(STRIP_KEY))
    if ident is not None and ident != st.session_state.get("event"):
        on_event(ident)
