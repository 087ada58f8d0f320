"""The timeline strip under the map: every event a mark on a time axis, coloured by kind.

A Vega-Lite chart built with Altair (Streamlit bundles Vega, so it draws offline) with one point
selection on the event id: the page reads the clicked id back (`st.altair_chart(...,
on_select=<callback>)`, `views/timeline.py`) and opens that event. Pure: what to draw, from the
events and the view.
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
ROW_PX = 26
"""The height of one kind's row; the strip is as tall as its rows."""


def timeline_frame(events: Sequence[Event], selected: str | None = None) -> pd.DataFrame:
    """One row per event: its id, title, kind, first and last day, the date as people read it
    (no more precise than its source), and whether it is the selected one."""
    rows = [{"id": e.id, "title": e.title, "kind": e.kind,
             "start": pd.Timestamp(e.span[0]), "end": pd.Timestamp(e.span[1]),
             "when": readable_date(e.date), "selected": e.id == selected} for e in events]
    return pd.DataFrame(rows, columns=["id", "title", "kind", "start", "end", "when", "selected"])


def split_day(events: Sequence[Event]) -> datetime.date | None:
    """Where the strip's time changes speed, or None: when the events run over decades (the
    first war of the 1990s, the fighting of 2022), the years before the recent ones are drawn
    narrower so the dense recent years are not squeezed into a corner. The change is on
    1 January two years before the median event's year, if events lie on both sides of it."""
    if len(events) < 2:
        return None
    years = sorted(event.span[0].year for event in events)
    split = datetime.date(years[len(years) // 2] - 2, 1, 1)
    if events[0].span[0] >= split or years[-1] - years[0] < 10:
        return None
    return split


EARLY_SHARE = 0.22
"""The share of the strip's width the years before `split_day` get."""


def timeline_chart(events: Sequence[Event], selected: str | None = None,
                   marker: datetime.date | None = None) -> alt.LayerChart:
    """The strip: a bar from first to last day (a dot for a single day), a row per kind, the
    selected event outlined in black, and a dashed rule at `marker` (the map's date) when given.
    When the events run over decades, time runs at two speeds: the years before `split_day`
    take the left `EARLY_SHARE` of the width (a grey rule marks the change), the recent years the
    rest, so the dense weeks of 2022 do not pile into one corner."""
    frame = timeline_frame(events, selected)
    pick = alt.selection_point(name=SELECTION, fields=["id"], on="click", clear="dblclick")
    kinds = [kind for kind in EVENT_COLORS if kind in set(frame["kind"])]
    split = split_day(events)
    scale: alt.Scale | alt.UndefinedType = alt.Undefined
    ticks: list | alt.UndefinedType = alt.Undefined
    if split is not None:
        first = (min(frame["start"]) - pd.Timedelta(days=365)).date()
        last = (max(frame["end"]) + pd.Timedelta(days=120)).date()
        scale = alt.Scale(domain=[_iso(first), _iso(split), _iso(last)],
                          range=[0, alt.ExprRef(f"width * {EARLY_SHARE}"), alt.ExprRef("width")])
        early = range((first.year + 9) // 10 * 10, split.year, 10)
        ticks = [_iso(datetime.date(year, 1, 1)) for year in (*early, *range(
            split.year, last.year + 1))]
    color = alt.Color("kind:N", title="Kind of event",
                      scale=alt.Scale(domain=kinds, range=[EVENT_COLORS[k] for k in kinds]),
                      legend=alt.Legend(orient="top", direction="horizontal", title=None,
                                        columns=5, symbolSize=60, labelFontSize=11))
    x = alt.X("start:T", title=None, scale=scale,
              axis=alt.Axis(format="%Y", values=ticks, labelOverlap=True))
    base = alt.Chart(frame).encode(
        y=alt.Y("kind:N", title=None, sort=kinds,
                axis=alt.Axis(labelLimit=90, labelFontSize=11, labelOverlap=False)),
        color=color,
        tooltip=[alt.Tooltip("title:N", title="Event"), alt.Tooltip("when:N", title="When")],
    )
    # the scale is given once, on the dots; the other layers share it (given twice, Vega-Lite
    # merges the two piecewise domains into one straight one)
    spans = base.mark_bar(height=10, cornerRadius=3).encode(
        x="start:T", x2="end:T").transform_filter("datum.end > datum.start")
    dots = base.mark_point(filled=True, size=110, opacity=0.95).encode(
        x=x,
        stroke=alt.condition("datum.selected", alt.value("#000000"), alt.value("#ffffff")),
        strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
    ).add_params(pick)
    layered = [dots, spans]
    rules = [(split, "#bbbbbb", [2, 2])] if split else []
    if marker is not None:
        rules.append((marker, "#333333", [4, 3]))
    for day, ink, dash in rules:
        layered.append(alt.Chart(pd.DataFrame({"day": [_iso(day)]})).mark_rule(
            color=ink, strokeDash=dash).encode(x="day:T"))  # the strip's own x scale
    return alt.layer(*layered).properties(height=ROW_PX * max(len(kinds), 2))


def _iso(day: datetime.date) -> str:
    return day.isoformat()


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
