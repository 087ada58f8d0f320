"""Storyboard files: the default loads cleanly; each kind of mistake is named by scene and field,
the bad part is dropped or defaulted, and everything else still loads."""

from __future__ import annotations

import copy
import json
import re

import pytest

from layers.briefing.storyboard import (
    DEFAULT_STORYBOARD,
    PassageRef,
    StoryboardIssue,
    load_storyboard,
    parse_storyboard,
    passage_text,
    scene_citations,
    storyboard_to_json,
)


def scene(**changes: object) -> dict:
    """A valid scene, with some fields replaced (a value of `...` removes the field)."""
    base = {
        "title": "Strikes",
        "frame": {"features": ["armenia"]},
        "layers": ["borders", "september-2022"],
        "highlight": ["jermuk"],
        "passages": [{"paragraph": "p1", "sentence": 1}],
        "citations": [1],
        "notes": "Notes.",
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


def board(*scenes: dict) -> dict:
    return {"title": "Test", "description": "", "scenes": list(scenes)}


@pytest.fixture(scope="module")
def parse(real_catalog, article):
    """`parse_storyboard` against the built catalog and the article."""
    return lambda raw: parse_storyboard(raw, real_catalog, article)


def messages(issues: list[StoryboardIssue]) -> list[str]:
    return [str(issue) for issue in issues]


def test_default_storyboard_loads_without_issue(real_catalog, article):
    storyboard, issues = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    assert issues == []
    assert 7 <= len(storyboard.scenes) <= 9
    for item in storyboard.scenes:
        assert item.passages, f"{item.title} quotes nothing"
        assert item.frame_features, f"{item.title} is framed by typed coordinates"
        assert item.notes


# "8 scenes", "Eight scenes", "nine scenes": a count typed into a storyboard's text.
TYPED_SCENE_COUNT = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+scenes?\b",
    re.IGNORECASE)


def test_default_storyboard_types_no_scene_count(real_catalog, article):
    """The handouts show the number of scenes they hold; a count typed into the title or the
    description would disagree with them as soon as a scene is added or dropped."""
    storyboard, _ = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    for text in (storyboard.title, storyboard.description):
        assert not TYPED_SCENE_COUNT.search(text), text


def test_a_valid_scene_resolves_its_frame_from_the_feature(parse, real_catalog, article):
    storyboard, issues = parse(board(scene()))
    assert issues == []
    (only,) = storyboard.scenes
    assert only.bounds == real_catalog.feature("armenia").geometry.bounds
    assert only.frame_features == ("armenia",)
    assert passage_text(only.passages[0], article).startswith("In a wide-ranging attack")


def test_scene_citations_add_the_quoted_sentences_markers(parse, article):
    storyboard, _ = parse(board(scene(passages=[{"paragraph": "p3", "sentence": 1}],
                                      citations=[1])))
    assert scene_citations(storyboard.scenes[0], article) == (1, 4)


def test_invalid_json_loads_nothing_and_says_where(parse):
    storyboard, issues = parse('{"title": "x",')
    assert storyboard.scenes == ()
    assert messages(issues) == [
        "Storyboard · file: is not valid JSON: Expecting property name enclosed in double "
        "quotes at line 1 column 15; nothing loaded"
    ]


def test_a_file_that_is_not_an_object(parse):
    storyboard, issues = parse("[1, 2]")
    assert storyboard.scenes == ()
    assert messages(issues) == [
        'Storyboard · file: must be a JSON object {"title", "description", "scenes"}; '
        "nothing loaded"
    ]


def test_scenes_not_a_list(parse):
    storyboard, issues = parse({"title": "T", "scenes": {"title": "x"}})
    assert storyboard.title == "T"
    assert messages(issues) == [
        "Storyboard · scenes: must be a list of scene objects; no scenes loaded"]


def test_scene_missing_title_gets_a_numbered_one_and_the_rest_loads(parse):
    storyboard, issues = parse(board(scene(), scene(title=...)))
    assert messages(issues) == ["Scene 2 · title: is missing; “Scene 2” used"]
    assert [s.title for s in storyboard.scenes] == ["Strikes", "Scene 2"]


def test_unknown_layer_is_dropped(parse):
    storyboard, issues = parse(board(scene(layers=["borders", "atlantis"])))
    assert messages(issues) == [
        'Scene 1 “Strikes” · layers: no layer has the id "atlantis"; dropped']
    assert storyboard.scenes[0].layers == ("borders",)


def test_unknown_feature_in_highlight_is_dropped(parse):
    storyboard, issues = parse(board(scene(highlight=["atlantis", "goris"])))
    assert messages(issues) == [
        'Scene 1 “Strikes” · highlight: no feature has the id "atlantis"; dropped']
    assert storyboard.scenes[0].highlight == ("goris",)


def test_unknown_feature_in_frame_is_dropped_and_the_rest_frames_the_scene(parse):
    storyboard, issues = parse(board(scene(frame={"features": ["atlantis", "armenia"]})))
    assert messages(issues) == [
        'Scene 1 “Strikes” · frame.features: no feature has the id "atlantis"; dropped']
    assert storyboard.scenes[0].frame_features == ("armenia",)


def test_a_frame_of_only_unknown_features_skips_the_scene(parse):
    storyboard, issues = parse(board(scene(frame={"features": ["atlantis"]}), scene()))
    assert messages(issues) == [
        'Scene 1 “Strikes” · frame.features: no feature has the id "atlantis"; dropped',
        "Scene 1 “Strikes” · frame.features: no usable feature is left to frame; scene skipped",
    ]
    assert len(storyboard.scenes) == 1


def test_unknown_paragraph_drops_the_passage(parse):
    storyboard, issues = parse(board(scene(passages=[{"paragraph": "p99", "sentence": 0},
                                                     {"paragraph": "p2", "sentence": 0}])))
    assert messages(issues) == [
        'Scene 1 “Strikes” · passages[0].paragraph: "p99" is not a paragraph of the article '
        "(p1–p29); passage dropped"]
    assert storyboard.scenes[0].passages == (PassageRef("p2", 0),)


def test_sentence_index_out_of_range_drops_the_passage(parse):
    storyboard, issues = parse(board(scene(passages=[{"paragraph": "p3", "sentence": 2}])))
    assert messages(issues) == [
        "Scene 1 “Strikes” · passages[0].sentence: p3 has sentences 0–1, not 2; "
        "passage dropped"]
    assert storyboard.scenes[0].passages == ()


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ([44, 38, 47], "must be 4 numbers [minx, miny, maxx, maxy], got 3 values; scene skipped"),
        ([44, 38, 47, "41"], "must be 4 numbers [minx, miny, maxx, maxy], got 4 values; "
                             "scene skipped"),
        ([44, 38, 190, 41], "longitudes must lie within -180..180 and latitudes within "
                            "-90..90; scene skipped"),
        ([44, -95, 47, 41], "longitudes must lie within -180..180 and latitudes within "
                            "-90..90; scene skipped"),
        ([47, 38, 44, 41], "min must not exceed max (minx 47, maxx 44, miny 38, maxy 41); "
                           "scene skipped"),
        ([44, 41, 47, 38], "min must not exceed max (minx 44, maxx 47, miny 41, maxy 38); "
                           "scene skipped"),
    ],
)
def test_bad_bounds_skip_the_scene_and_keep_the_rest(bounds, message, parse):
    storyboard, issues = parse(board(scene(title="Bad", frame={"bounds": bounds}), scene()))
    assert messages(issues) == [f"Scene 1 “Bad” · frame.bounds: {message}"]
    assert [s.title for s in storyboard.scenes] == ["Strikes"]


def test_numeric_bounds_are_kept_as_given(parse):
    storyboard, issues = parse(board(scene(frame={"bounds": [44.5, 38.8, 46.7, 41.3]})))
    assert issues == []
    assert storyboard.scenes[0].bounds == (44.5, 38.8, 46.7, 41.3)
    assert storyboard.scenes[0].frame_features == ()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": 7}, "title: must be a non-empty string; “Scene 1” used"),
        ({"layers": "borders"}, "layers: must be a list of layer ids; none used"),
        ({"highlight": [1]}, "highlight: must be a list of feature ids; none used"),
        ({"passages": {"paragraph": "p1"}},
         "passages: must be a list of {paragraph, sentence} objects; none used"),
        ({"passages": ["p1"]},
         'passages[0]: must be an object {"paragraph": "p1", "sentence": 0}; dropped'),
        ({"passages": [{"paragraph": 1, "sentence": 0}]},
         'passages[0].paragraph: must be a paragraph id such as "p1"; passage dropped'),
        ({"passages": [{"paragraph": "p1", "sentence": "1"}]},
         "passages[0].sentence: must be a whole number, the 0-based sentence index; "
         "passage dropped"),
        ({"passages": [{"paragraph": "p1", "sentence": True}]},
         "passages[0].sentence: must be a whole number, the 0-based sentence index; "
         "passage dropped"),
        ({"citations": "4"}, "citations: must be a list of reference numbers; none used"),
        ({"citations": [12]},
         "citations: [12] is not one of the article's references [1]–[11]; dropped"),
        ({"notes": ["a"]}, "notes: must be a string; left empty"),
        ({"highlights": ["goris"]}, "highlights: is not a scene field; ignored"),
    ],
)
def test_wrong_types_are_named_and_the_scene_still_loads(changes, message, parse):
    storyboard, issues = parse(board(scene(**changes)))
    title = "" if "title" in changes else " “Strikes”"
    assert messages(issues) == [f"Scene 1{title} · {message}"]
    assert len(storyboard.scenes) == 1


def test_missing_frame_and_non_object_scene_are_skipped(parse):
    storyboard, issues = parse(board("scene", scene(frame=...), scene(title="Kept")))
    assert messages(issues) == [
        "Scene 1 · scene: must be an object; scene skipped",
        "Scene 2 “Strikes” · frame: is missing; scene skipped",
    ]
    assert [s.title for s in storyboard.scenes] == ["Kept"]


def test_top_level_wrong_types_are_defaulted(parse):
    storyboard, issues = parse({"title": 3, "description": 4, "scenes": [scene()]})
    assert messages(issues) == [
        "Storyboard · title: must be a non-empty string; “Untitled briefing” used",
        "Storyboard · description: must be a string; left empty",
    ]
    assert (storyboard.title, storyboard.description) == ("Untitled briefing", "")
    assert len(storyboard.scenes) == 1


def test_unreadable_file_is_an_issue(tmp_path, real_catalog, article):
    storyboard, issues = load_storyboard(tmp_path / "missing.json", real_catalog, article)
    assert storyboard.scenes == ()
    assert messages(issues) == [
        "Storyboard · file: cannot be read (No such file or directory); nothing loaded"]


def test_bytes_and_dict_input_parse_alike(parse):
    raw = board(scene())
    assert parse(json.dumps(raw).encode("utf-8")) == parse(copy.deepcopy(raw))


def test_round_trip_through_json_is_identity(parse, real_catalog, article):
    default, _ = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    numeric, _ = parse(board(scene(frame={"bounds": [44.123456789, 38.5, 46.25, 41.0]})))
    for storyboard in (default, numeric):
        again, issues = parse(storyboard_to_json(storyboard))
        assert issues == []
        assert again == storyboard
        assert storyboard_to_json(again) == storyboard_to_json(storyboard)


def test_already_decoded_json_that_is_not_an_object_is_an_issue_not_a_crash(parse):
    storyboard, issues = parse([1, 2])
    assert storyboard.scenes == ()
    assert len(issues) == 1 and "object" in str(issues[0])
