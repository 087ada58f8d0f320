"""Editing a storyboard in the Briefing page's builder: pure operations that return new Storyboards.

Storyboards are frozen, so every edit builds a new one; the page keeps the latest in its session.
Nothing a user can click raises: a move past either end simply stops there (the Up button of the
first scene does nothing rather than fail), and an insertion position is clamped to the ends.
An index that names no scene can only come from a bug in the calling page, so removing, moving,
replacing, re-noting or re-dating such a scene raises IndexError rather than quietly doing
nothing; a frame choice outside FRAME_CHOICES is such a bug too, and raises ValueError, as does
a date the page did not check first (`storyboard.date_problem` says what is wrong with one).

A scene a user builds is framed by numeric bounds computed from the data it shows (the
highlighted features, or every feature of the chosen layers), or copied from the scene being
shown, so no coordinate is ever typed in by hand here either.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence

from layers.briefing.storyboard import PassageRef, Scene, Storyboard, date_problem
from layers.data.catalog import Catalog, bounds_around

Bounds = tuple[float, float, float, float]

FRAME_HIGHLIGHT = "the highlighted features"
FRAME_LAYERS = "every feature of the chosen layers"
FRAME_CURRENT = "the same frame as the current scene"
FRAME_VIEW = "the map's view as it is now"
FRAME_CHOICES = (FRAME_HIGHLIGHT, FRAME_LAYERS, FRAME_CURRENT, FRAME_VIEW)
"""How the builder can frame a new scene, in the order the page offers them."""


def _with_scenes(storyboard: Storyboard, scenes: Iterable[Scene]) -> Storyboard:
    return dataclasses.replace(storyboard, scenes=tuple(scenes))


def _check_index(storyboard: Storyboard, index: int) -> None:
    if not 0 <= index < len(storyboard.scenes):
        raise IndexError(f"scene index {index} outside 0..{len(storyboard.scenes) - 1}")


def add_scene(storyboard: Storyboard, scene: Scene, at: int | None = None) -> Storyboard:
    """The storyboard with `scene` inserted before position `at` (appended when `at` is None).

    `at` is clamped to the ends, so "after the current scene" works on an empty storyboard too.
    """
    scenes = list(storyboard.scenes)
    position = len(scenes) if at is None else max(0, min(at, len(scenes)))
    scenes.insert(position, scene)
    return _with_scenes(storyboard, scenes)


def remove_scene(storyboard: Storyboard, index: int) -> Storyboard:
    """The storyboard without scene `index` (0-based)."""
    _check_index(storyboard, index)
    return _with_scenes(storyboard, storyboard.scenes[:index] + storyboard.scenes[index + 1 :])


def move_scene(storyboard: Storyboard, index: int, offset: int) -> Storyboard:
    """The storyboard with scene `index` moved `offset` places (negative is earlier).

    The move stops at either end: moving the first scene up leaves the order as it was.
    """
    _check_index(storyboard, index)
    scenes = list(storyboard.scenes)
    scene = scenes.pop(index)
    scenes.insert(max(0, min(index + offset, len(scenes))), scene)
    return _with_scenes(storyboard, scenes)


def replace_scene(storyboard: Storyboard, index: int, scene: Scene) -> Storyboard:
    """The storyboard with scene `index` swapped for `scene`."""
    _check_index(storyboard, index)
    scenes = list(storyboard.scenes)
    scenes[index] = scene
    return _with_scenes(storyboard, scenes)


def with_notes(storyboard: Storyboard, index: int, notes: str) -> Storyboard:
    """The storyboard with new speaker notes on scene `index`; everything else unchanged."""
    _check_index(storyboard, index)
    return replace_scene(storyboard, index,
                         dataclasses.replace(storyboard.scenes[index], notes=notes))


def with_date(storyboard: Storyboard, index: int, date: str | None) -> Storyboard:
    """The storyboard with scene `index` dated `date` (None: undated); everything else
    unchanged. ValueError for a date that is not a schema date."""
    _check_index(storyboard, index)
    _check_date(date)
    return replace_scene(storyboard, index,
                         dataclasses.replace(storyboard.scenes[index], date=date))


def _check_date(date: str | None) -> None:
    problem = None if date is None else date_problem(date)
    if problem is not None:
        raise ValueError(f"scene date {problem}")


def scene_from_view(
    title: str,
    bounds: Bounds,
    layers: Sequence[str],
    highlight: Sequence[str],
    passages: Sequence[PassageRef],
    notes: str,
    date: str | None = None,
) -> Scene:
    """A scene built in the UI: numeric bounds, no feature frame, no extra citations, and the
    date the builder gave it (None: undated; ValueError for one that is not a schema date).

    The passages' own [n] markers still supply its citations (`scene_citations`), so a quoted
    sentence never appears without the reference the article gives for it.
    """
    _check_date(date)
    return Scene(
        title=title,
        bounds=tuple(float(value) for value in bounds),
        frame_features=(),
        layers=tuple(layers),
        highlight=tuple(highlight),
        passages=tuple(passages),
        citations=(),
        notes=notes,
        date=date,
    )


def features_bounds(catalog: Catalog, feature_ids: Iterable[str]) -> Bounds | None:
    """The box around these features' geometries; None when there are none to frame."""
    geometries = [
        catalog.feature(fid).geometry for fid in feature_ids
        if catalog.feature(fid).geometry is not None
    ]
    return bounds_around(geometries) if geometries else None


def layers_bounds(catalog: Catalog, layer_ids: Iterable[str]) -> Bounds | None:
    """The box around every feature of these layers; None when they hold no geometry."""
    geometries = [
        geometry for lid in layer_ids for geometry in catalog.layer(lid).features.geometry
        if geometry is not None and not geometry.is_empty
    ]
    return bounds_around(geometries) if geometries else None


def builder_frame(
    choice: str,
    catalog: Catalog,
    highlight: Sequence[str],
    layers: Sequence[str],
    current: Scene | None,
    view: Bounds | None = None,
) -> tuple[Bounds | None, str | None]:
    """The bounds a new scene gets for a FRAME_CHOICES `choice`, or None and why it has none.

    The reason is phrased for the builder to show as it is ("Pick at least one feature …").
    """
    if choice == FRAME_HIGHLIGHT:
        bounds = features_bounds(catalog, highlight)
        reason = "Pick at least one feature to highlight, or frame the scene another way."
        return bounds, None if bounds else reason
    if choice == FRAME_LAYERS:
        bounds = layers_bounds(catalog, layers)
        reason = "Pick at least one layer that has features, or frame the scene another way."
        return bounds, None if bounds else reason
    if choice == FRAME_CURRENT:
        if current is None:
            return None, "There is no current scene to copy the frame from."
        return current.bounds, None
    if choice == FRAME_VIEW:
        if view is not None:
            return view, None
        if current is not None:  # not moved since it framed the scene on show: that frame
            return current.bounds, None
        return None, ("The map has not said what it shows yet: move or zoom it to the view "
                      "you want, then add the scene.")
    raise ValueError(f"unknown frame choice {choice!r}")


def view_bounds(returned: object) -> Bounds | None:
    """The (minx, miny, maxx, maxy) the map component says it shows (its `bounds`: Leaflet's
    south-west and north-east corners), or None for anything else: the browser may send
    anything, and a frame is only taken from four finite numbers on the globe."""
    corners = returned.get("bounds") if isinstance(returned, dict) else None
    try:
        south_west, north_east = corners["_southWest"], corners["_northEast"]
        box = (float(south_west["lng"]), float(south_west["lat"]),
               float(north_east["lng"]), float(north_east["lat"]))
    except (KeyError, TypeError, ValueError):
        return None
    west, south, east, north = box
    if not (all(math.isfinite(v) for v in box) and -90 <= south < north <= 90
            and west < east and west >= -540 and east <= 540):
        return None
    return box
