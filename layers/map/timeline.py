"""The timeline strip under the map: every event a mark on a time axis, coloured by kind.

A Vega-Lite chart built with Altair (Streamlit bundles Vega, so it draws offline) with one point
selection on the event id: the page reads the clicked id back (`st.altair_chart(...,
on_select="rerun")`) and opens that event. Pure: what to draw, from the events and the view.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

import altair as alt
import pandas as pd

from layers.data.events import Event
from layers.html.card import readable_date
from layers.map.style import EVENT_COLORS

SELECTION = "event"
"""The chart's selection parameter; Streamlit returns `selection[SELECTION]` as a list of
`{"id": ...}` for the clicked mark."""
HEIGHT_PX = 150


def timeline_frame(events: Sequence[Event], selected: str | None = None) -> pd.DataFrame:
    """One row per event: its id, title, kind, first and last day, the date as people read it
    (no more precise than its source), and whether it is the selected one."""
    rows = [{"id": e.id, "title": e.title, "kind": e.kind,
             "start": pd.Timestamp(e.span[0]), "end": pd.Timestamp(e.span[1]),
             "when": readable_date(e.date), "selected": e.id == selected} for e in events]
    return pd.DataFrame(rows, columns=["id", "title", "kind", "start", "end", "when", "selected"])


def timeline_chart(events: Sequence[Event], selected: str | None = None,
                   marker: datetime.date | None = None) -> alt.LayerChart:
    """The strip: a bar from first to last day (a dot for a single day), a row per kind, the
    selected event outlined in black, and a rule at `marker` (the map's date) when given.
    Drag to pan and scroll to zoom along time; the rows stay put."""
    frame = timeline_frame(events, selected)
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    kinds = [kind for kind in EVENT_COLORS if kind in set(frame["kind"])]
    color = alt.Color("kind:N", title="Kind of event",
                      scale=alt.Scale(domain=kinds, range=[EVENT_COLORS[k] for k in kinds]),
                      legend=alt.Legend(orient="right"))
    base = alt.Chart(frame).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%Y", labelOverlap=True)),
        y=alt.Y("kind:N", title=None, sort=kinds, axis=alt.Axis(labelLimit=90)),
        color=color,
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="When")],
    )
    spans = base.mark_bar(height=10, cornerRadius=3).encode(x2="end:T").transform_filter(
        "datum.end > datum.start")
    dots = base.mark_point(filled=True, size=110, opacity=0.95).encode(
        stroke=alt.condition("datum.selected", alt.value("#000000"), alt.value("#ffffff")),
        strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
    ).add_params(pick)
    layered = [spans, dots]
    if marker is not None:
        layered.append(alt.Chart(pd.DataFrame({"day": [pd.Timestamp(marker)]})).mark_rule(
            color="#333333", strokeDash=[4, 3]).encode(x="day:T"))
    return alt.layer(*layered).properties(height=HEIGHT_PX).interactive(bind_y=False)


def clicked_event(selection: object) -> str | None:
    """The event id a click on the strip selected, from what `st.altair_chart` returned."""
    try:
        picked = selection["selection"][SELECTION]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    if isinstance(picked, list) and picked and isinstance(picked[0], dict):
        ident = picked[0].get("id")
        return ident if isinstance(ident, str) else None
    return None
