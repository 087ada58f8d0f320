"""The map view's shareable state and its round trip through URL query parameters.

A briefer copies the address bar and a colleague sees the same map: the selected feature or
event, the visible layers, the centre and the zoom, the date it shows (`date`, or a window
`from`/`to`), and whether the draw toolbar is on (`draw=1`). Anything in a URL is untrusted
input, so parsing never raises: what does not fit is dropped and reported as a notice the page
shows.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from layers.data.events import parse_day
from layers.html.markup import quoted_input

MIN_ZOOM, MAX_ZOOM = 2, 14
"""The zooms the map offers (`layers.map.mapview.base_map`); a link asking for more is told so."""
_NUMBER = re.compile(r"-?[0-9]{1,3}(\.[0-9]{1,8})?")
_ZOOM = re.compile(r"[0-9]{1,2}(\.(?:25|5|75?))?")
"""A zoom in the map's quarter steps (`layers.map.mapview.ZOOM_SNAP`): 7, 7.25, 7.5, 7.75."""


def layer_key(layer_id: str) -> str:
    """The session-state key of a layer's checkbox on the Map page."""
    return f"layer:{layer_id}"


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the container of the widget with this key (its frontend
    trims the key and turns every character outside [a-zA-Z0-9_-] into "-"), by which a page
    script finds that widget."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


LAYER_CLASS_PREFIX = "st-key-layer-"
"""How the class of every layer checkbox's container begins (`key_class(layer_key(id))`)."""


def layer_class_name(layer_id: str) -> str:
    """What follows `LAYER_CLASS_PREFIX` in the class of the layer's checkbox container: how the
    Map page's script and its map name a layer to each other, in few bytes."""
    return key_class(layer_key(layer_id)).removeprefix(LAYER_CLASS_PREFIX)


def layers_param(layers: tuple[str, ...], default_layers: tuple[str, ...]) -> dict[str, str]:
    """The `layers` parameter for these layers: none when they are the default ones."""
    return {} if layers == default_layers else {"layers": ",".join(layers)}


@dataclass(frozen=True)
class ViewState:
    """What the Map page shows. `None` centre/zoom means the default frame."""

    feature: str | None
    layers: tuple[str, ...]
    center: tuple[float, float] | None = None
    zoom: float | None = None
    date: datetime.date | None = None
    """The map as it stood on this day (None: every date at once)."""
    window: tuple[datetime.date, datetime.date] | None = None
    """Only the events between these days (the map as it stood on the last)."""
    event: str | None = None
    draw: bool = False
    """The draw mode: the map shows the draw toolbar (`layers.map.draw`)."""


def _first(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[0] if value else None
    return value



def parse_view(
    params: Mapping[str, str | list[str]],
    feature_ids: Collection[str],
    layer_ids: tuple[str, ...],
    default_layers: tuple[str, ...],
    event_ids: Collection[str] = (),
) -> tuple[ViewState, list[str]]:
    """Read a ViewState from query parameters; return it with a notice for each value dropped.

    `layers` is a comma-separated list of layer ids (`layers=` alone shows none); `center` is
    `lat,lon`; `zoom` a whole or quarter step (`7.25`); `feature` a feature id; `event` an
    event id; `date` a day `YYYY-MM-DD`, or `from` and `to` two days (a window; `date` wins
    over it); `draw` is `1` for the draw mode (`0`, like no `draw`, for none). Unknown keys are
    left alone: other pages own them.
    """
    notices: list[str] = []
    date, window = _parse_time(params, notices)

    event = _first(params.get("event"))
    if event is not None and event not in event_ids:
        notices.append(f"No event has the id “{quoted_input(event)}”; no event is selected.")
        event = None

    feature = _first(params.get("feature"))
    if feature is not None and feature not in feature_ids:
        notices.append(f"No feature has the id “{quoted_input(feature)}”; nothing is selected.")
        feature = None

    layers = default_layers
    raw_layers = _first(params.get("layers"))
    if raw_layers is not None:
        asked = [part for part in raw_layers.split(",") if part]
        unknown = [part for part in asked if part not in layer_ids]
        layers = tuple(layer for layer in layer_ids if layer in asked)
        if unknown:
            names = ", ".join(f"“{quoted_input(part)}”" for part in unknown[:5])
            if layers:
                notices.append(f"Unknown layer ids ignored: {names}.")
            else:  # a link naming only unknown layers would otherwise open an empty map
                layers = default_layers
                notices.append(f"Unknown layer ids ignored: {names}; the default layers are shown.")

    center = None
    raw_center = _first(params.get("center"))
    if raw_center is not None:
        center = _parse_center(raw_center)
        if center is None:
            notices.append(
                f"The centre “{quoted_input(raw_center)}” is not “latitude,longitude” in range; "
                "the default frame is used."
            )

    zoom = None
    raw_zoom = _first(params.get("zoom"))
    if raw_zoom is not None:
        if _ZOOM.fullmatch(raw_zoom) and MIN_ZOOM <= float(raw_zoom) <= MAX_ZOOM:
            zoom = float(raw_zoom) if "." in raw_zoom else int(raw_zoom)
        else:
            notices.append(
                f"The zoom “{quoted_input(raw_zoom)}” is not a zoom from {MIN_ZOOM} to "
                f"{MAX_ZOOM} in quarter steps; the default zoom is used."
            )

    draw = False
    raw_draw = _first(params.get("draw"))
    if raw_draw is not None:
        draw = raw_draw == "1"
        if raw_draw not in ("0", "1"):
            notices.append(f"The draw mode “{quoted_input(raw_draw)}” is not 1 (on) or 0 (off); "
                           "drawing is off.")

    return ViewState(feature=feature, layers=layers, center=center, zoom=zoom, date=date,
                     window=window, event=event, draw=draw), notices


def _parse_time(params: Mapping[str, str | list[str]], notices: list[str]
                ) -> tuple[datetime.date | None, tuple[datetime.date, datetime.date] | None]:
    raw_date = _first(params.get("date"))
    if raw_date is not None:
        day = parse_day(raw_date)
        if day is not None:
            return day, None
        notices.append(f"The date “{quoted_input(raw_date)}” is not a day written YYYY-MM-DD "
                       "(2020-11-10); the map shows every date.")
    raw_from, raw_to = _first(params.get("from")), _first(params.get("to"))
    if raw_from is None and raw_to is None:
        return None, None
    first, last = parse_day(raw_from or ""), parse_day(raw_to or "")
    if first is None or last is None or first > last:
        shown = f"“{quoted_input(raw_from or '')}” to “{quoted_input(raw_to or '')}”"
        notices.append(f"The dates {shown} are not two days written YYYY-MM-DD, the first not "
                       "after the second; the map shows every date.")
        return None, None
    return None, (first, last)


def _parse_center(raw: str) -> tuple[float, float] | None:
    parts = raw.split(",")
    if len(parts) != 2 or not all(_NUMBER.fullmatch(part.strip()) for part in parts):
        return None
    lat, lon = (float(part) for part in parts)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not all(map(math.isfinite, (lat, lon))):
        return None
    return lat, lon


def view_params(
    state: ViewState, default_layers: tuple[str, ...]
) -> dict[str, str]:
    """The query parameters that reproduce `state`; defaults are left out to keep links short."""
    params: dict[str, str] = {}
    if state.feature:
        params["feature"] = state.feature
    params.update(layers_param(state.layers, default_layers))
    if state.center is not None:
        params["center"] = f"{state.center[0]:.4f},{state.center[1]:.4f}"
    if state.zoom is not None:
        params["zoom"] = f"{state.zoom:g}"
    if state.event:
        params["event"] = state.event
    if state.date is not None:
        params["date"] = state.date.isoformat()
    elif state.window is not None:
        params["from"], params["to"] = (day.isoformat() for day in state.window)
    if state.draw:
        params["draw"] = "1"
    return params

