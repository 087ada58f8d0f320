"""Storyboards too big to be briefings (issue 15, defect 9): a file of 90,000 misspelt keys, one
of 10,000 scenes. What loads is capped, what is wrong is counted rather than listed line by
line, and the builder lists the same few rows however long the storyboard is."""

from __future__ import annotations

import json

import pytest

import layers.briefing.storyboard as storyboard_files
from layers.briefing.edit import FRAME_VIEW
from layers.briefing.session import BUILDER_ROWS, BuilderForm, Session, builder_rows
from layers.briefing.storyboard import (
    MAX_LISTED,
    MAX_SCENES,
    listed,
    parse_storyboard,
)
from layers.data.article import load_article
from layers.data.catalog import load_catalog
from tests.hostile.test_hostile_briefing import upload
from tests.test_briefing_page import fresh_caches, open_briefing  # noqa: F401 (autouse)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def article():
    return load_article()


@pytest.fixture(scope="module")
def one_scene() -> dict:
    """The default briefing's first scene, as its file writes it."""
    return json.loads(storyboard_files.DEFAULT_STORYBOARD.read_text("utf-8"))["scenes"][0]


def many_scenes(scene: dict, count: int) -> bytes:
    return json.dumps({"title": "Long", "scenes": [
        {**scene, "title": f"Scene {n}"} for n in range(1, count + 1)]}).encode()


def test_thousands_of_unknown_keys_are_named_a_few_then_counted(catalog, article, one_scene):
    keys = {f"key{n}": n for n in range(90_000)}
    raw = json.dumps({"title": "Keys", **keys, "scenes": [{**one_scene, **keys}]})
    board, issues = parse_storyboard(raw, catalog, article)
    assert len(board.scenes) == 1  # the scene itself is good
    assert len(issues) == 22  # ten named and one count, at the top and in the scene
    assert str(issues[10]) == ("Storyboard · keys: 89,990 more keys are not a storyboard field "
                               "either; ignored")
    assert issues[-1].scene == 1 and "89,990 more keys are not a scene field" in str(issues[-1])


def test_a_long_list_of_problems_is_cut_with_a_count_of_the_rest(catalog, article, one_scene):
    bad = {**one_scene, "layers": [f"no-such-{n}" for n in range(500)]}
    _, issues = parse_storyboard(json.dumps({"title": "Bad", "scenes": [bad]}), catalog,
                                 article)
    lines = listed(issues)
    assert len(issues) == 500 and len(lines) == MAX_LISTED + 1
    assert lines[-1] == "… and 450 more problems, not listed"
    assert listed(issues[:MAX_LISTED]) == tuple(str(issue) for issue in issues[:MAX_LISTED])


def test_one_more_key_and_one_scene_too_many_are_said_in_the_singular(catalog, article,
                                                                     one_scene):
    keys = {f"key{n}": n for n in range(11)}
    raw = json.dumps({"title": "Keys", **keys, "scenes": [one_scene] * 201})
    _, issues = parse_storyboard(raw, catalog, article)
    lines = [str(issue) for issue in issues]
    assert "Storyboard · keys: 1 more key is not a storyboard field either; ignored" in lines
    assert ("Storyboard · scenes: lists 201 scenes; a storyboard holds at most 200, so scene "
            "201 was not loaded (split the file into several briefings)") in lines


def test_ten_thousand_scenes_load_the_first_two_hundred_and_say_so(catalog, article,
                                                                   one_scene):
    board, issues = parse_storyboard(many_scenes(one_scene, 10_000), catalog, article)
    assert len(board.scenes) == MAX_SCENES == 200
    assert board.scenes[-1].title == "Scene 200"
    assert [str(issue) for issue in issues] == [
        "Storyboard · scenes: lists 10,000 scenes; a storyboard holds at most 200, so scenes "
        "201–10,000 were not loaded (split the file into several briefings)"]


def test_a_full_storyboard_takes_no_more_scenes(catalog, article, one_scene):
    board, _ = parse_storyboard(many_scenes(one_scene, MAX_SCENES), catalog, article)
    session = Session(board)
    form = BuilderForm(title="One more", frame=FRAME_VIEW,
                       view=(44.0, 39.0, 47.0, 41.0))
    after, kept = session.add_scene(form, catalog)
    assert len(after.board.scenes) == MAX_SCENES and kept == form
    assert after.builder_error == ("This storyboard has 200 scenes, the most one can hold: "
                                   "delete one first, or save this storyboard and load another.")
    shorter, _ = Session(parse_storyboard(many_scenes(one_scene, 3), catalog, article)[0]) \
        .add_scene(form, catalog)
    assert len(shorter.board.scenes) == 4 and shorter.builder_error is None


@pytest.mark.parametrize(("count", "index", "rows"), [
    (5, 0, range(5)), (12, 11, range(12)), (200, 0, range(0, 12)), (200, 100, range(94, 106)),
    (200, 199, range(188, 200)), (10_000, 5_000, range(4_994, 5_006))])
def test_the_builder_lists_a_window_of_rows_around_the_scene_on_show(count, index, rows):
    assert builder_rows(count, index) == rows
    assert len(builder_rows(count, index)) <= BUILDER_ROWS


def test_the_page_lists_the_same_rows_for_two_hundred_scenes_and_jumps(one_scene):
    at = upload(open_briefing(), "long.json", many_scenes(one_scene, 300))
    listed_problems = " ".join(element.value for element in at.markdown)
    assert "lists 300 scenes; a storyboard holds at most 200" in listed_problems
    shows = [button for button in at.button if button.key.startswith("scene-show-")]
    assert len(shows) == BUILDER_ROWS
    at.number_input(key=next(box.key for box in at.number_input
                             if box.key.startswith("builder-goto-"))).set_value(150).run()
    assert not at.exception
    (bar,) = at.get("progress")
    assert bar.proto.text == f"Scene 150 of {MAX_SCENES}"
    shows = [button.key for button in at.button if button.key.startswith("scene-show-")]
    assert shows == [f"scene-show-{at}" for at in range(143, 155)]
