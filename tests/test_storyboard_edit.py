"""Builder edits: each returns a new storyboard and leaves the one it was given untouched.

The scenes are built in the tests (numeric bounds, no geodata needed); framing a new scene from
features or layers is checked against the small fixture catalog.
"""


import pytest

from layers.briefing.edit import (
    FRAME_CURRENT,
    FRAME_HIGHLIGHT,
    FRAME_LAYERS,
    add_scene,
    builder_frame,
    features_bounds,
    layers_bounds,
    move_scene,
    remove_scene,
    replace_scene,
    scene_from_view,
    with_notes,
)
from layers.briefing.storyboard import PassageRef, Storyboard


def scene(title: str, notes: str = ""):
    return scene_from_view(title, (40.0, 38.0, 50.0, 42.0), ["borders"], [], [], notes)


def board(*titles: str) -> Storyboard:
    return Storyboard("Test", "", tuple(scene(title) for title in titles))


def titles(storyboard: Storyboard) -> list[str]:
    return [s.title for s in storyboard.scenes]


def test_scene_from_view_keeps_numeric_bounds_and_adds_no_citations():
    built = scene_from_view("Here", (44, 39, 46.5, 41), ["borders"], ["armenia"],
                            [PassageRef("p1", 0)], "Say this")
    assert built.bounds == (44.0, 39.0, 46.5, 41.0)
    assert all(isinstance(value, float) for value in built.bounds)
    assert built.frame_features == () and built.citations == ()
    assert built.layers == ("borders",) and built.highlight == ("armenia",)
    assert built.passages == (PassageRef("p1", 0),) and built.notes == "Say this"


def test_add_scene_appends_or_inserts_and_clamps_the_position():
    start = board("a", "b")
    assert titles(add_scene(start, scene("c"))) == ["a", "b", "c"]
    assert titles(add_scene(start, scene("c"), at=1)) == ["a", "c", "b"]
    assert titles(add_scene(start, scene("c"), at=99)) == ["a", "b", "c"]
    assert titles(add_scene(board(), scene("only"), at=1)) == ["only"]
    assert titles(start) == ["a", "b"]  # the original is unchanged


def test_remove_scene_drops_exactly_that_scene():
    assert titles(remove_scene(board("a", "b", "c"), 1)) == ["a", "c"]
    with pytest.raises(IndexError):
        remove_scene(board("a"), 1)


def test_move_scene_up_and_down_stops_at_either_end():
    start = board("a", "b", "c")
    assert titles(move_scene(start, 1, -1)) == ["b", "a", "c"]
    assert titles(move_scene(start, 1, +1)) == ["a", "c", "b"]
    assert titles(move_scene(start, 0, -1)) == ["a", "b", "c"]
    assert titles(move_scene(start, 2, +1)) == ["a", "b", "c"]
    with pytest.raises(IndexError):
        move_scene(start, 3, -1)


def test_replace_scene_and_with_notes_change_one_scene_only():
    start = board("a", "b")
    assert titles(replace_scene(start, 0, scene("z"))) == ["z", "b"]
    noted = with_notes(start, 1, "Pause here.")
    assert [s.notes for s in noted.scenes] == ["", "Pause here."]
    assert noted.scenes[1].title == "b" and noted.title == start.title


def test_frame_from_highlighted_features_covers_exactly_them(catalog):
    bounds, reason = builder_frame(FRAME_HIGHLIGHT, catalog, ["baku", "stepanakert"], [], None)
    assert reason is None
    assert bounds == features_bounds(catalog, ["baku", "stepanakert"])
    for fid in ("baku", "stepanakert"):
        x, y = catalog.feature(fid).geometry.coords[0]
        assert bounds[0] <= x <= bounds[2] and bounds[1] <= y <= bounds[3]


def test_frame_from_layers_covers_every_feature_of_them(catalog):
    bounds, reason = builder_frame(FRAME_LAYERS, catalog, [], ["borders"], None)
    assert reason is None
    assert bounds == tuple(catalog.layer("borders").features.total_bounds)
    assert layers_bounds(catalog, ["borders", "september-2022"]) is not None


def test_frame_same_as_current_copies_its_bounds(catalog):
    current = scene("now")
    assert builder_frame(FRAME_CURRENT, catalog, [], [], current) == (current.bounds, None)


def test_a_frame_with_nothing_to_frame_says_why(catalog):
    assert builder_frame(FRAME_HIGHLIGHT, catalog, [], ["borders"], None)[1].startswith(
        "Pick at least one feature")
    assert builder_frame(FRAME_LAYERS, catalog, ["baku"], [], None)[1].startswith(
        "Pick at least one layer")
    assert builder_frame(FRAME_CURRENT, catalog, [], [], None) == (
        None, "There is no current scene to copy the frame from.")
