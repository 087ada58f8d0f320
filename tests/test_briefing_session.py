"""The Briefing page's rules, one test each: what every click, upload and address does.

A `Session` is the page's whole state, so these tests drive it directly, with storyboards built
here against the small fixture catalog (`catalog`) and the real article (`article`).
`tests/test_briefing_page.py` checks that the page wires its widgets to these actions.
"""

import json
from pathlib import Path

import pytest

from layers.briefing.edit import FRAME_CURRENT, FRAME_HIGHLIGHT, FRAME_LAYERS, scene_from_view
from layers.briefing.session import (
    MAX_UPLOAD_BYTES,
    NO_TITLE,
    BuilderForm,
    Session,
    available_briefings,
    parse_scene_param,
    resolve_briefing,
    scene_params,
)
from layers.briefing.storyboard import PassageRef, Storyboard

SCRIPT = "<script>alert(1)</script>"
BOUNDS = (44.0, 39.0, 46.5, 41.0)


def board(*titles: str) -> Storyboard:
    scenes = tuple(scene_from_view(title, BOUNDS, ["borders"], ["armenia"], [], f"on {title}")
                   for title in titles)
    return Storyboard("Test", "", scenes)


def session(*titles: str, index: int = 0) -> Session:
    return Session(board(*titles), index=index)


def shown(session: Session) -> str | None:
    return session.current.title if session.current else None


def titles(session: Session) -> list[str]:
    return [scene.title for scene in session.board.scenes]


def storyboard_file(*titles: str) -> str:
    """A storyboard file's text, each scene framed on a feature of the fixture catalog."""
    scenes = [{"title": title, "frame": {"features": ["armenia"]}, "layers": ["borders"]}
              for title in titles]
    return json.dumps({"title": "From a file", "scenes": scenes})


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "default.json").write_text(storyboard_file("One", "Two", "Three"))
    (tmp_path / "short.json").write_text(storyboard_file("Only"))
    return available_briefings(tmp_path)


# --- the address ------------------------------------------------------------------------------

def test_scene_parameter_is_one_based_and_anything_else_opens_scene_one_with_a_notice():
    assert parse_scene_param(None, 8) == (0, None)
    assert parse_scene_param("3", 8) == (2, None)
    assert parse_scene_param("8", 8) == (7, None)
    for bad in ("0", "9", "99", "x", "-1", "2.5", "３", SCRIPT):
        index, notice = parse_scene_param(bad, 8)
        assert index == 0 and notice and "Scene 1 is shown" in notice


def test_a_scene_parameter_for_a_storyboard_without_scenes_says_so():
    assert parse_scene_param("1", 0) == (
        0, "Scene “1” cannot be shown: this storyboard has no scenes.")


def test_briefing_parameter_names_only_files_in_the_briefings_folder(tmp_path):
    (tmp_path / "default.json").write_text("{}")
    (tmp_path / "alpha.json").write_text("{}")
    files = available_briefings(tmp_path)
    assert list(files) == ["default", "alpha"]
    assert resolve_briefing(None, files) == ("default", None)
    assert resolve_briefing("alpha", files) == ("alpha", None)
    stem, notice = resolve_briefing("../../etc/passwd", files)
    assert stem == "default" and "no storyboard" in notice


def test_the_address_names_the_scene_and_a_file_other_than_the_default():
    assert scene_params(0, "default") == {"scene": "1"}
    assert scene_params(2, "short") == {"scene": "3", "briefing": "short"}
    assert Session(board(), stem="short").url_params() == {}  # no scene to name


def test_an_address_opens_its_file_on_its_scene(files, catalog, article):
    started = Session.start("short", "1", files, catalog, article)
    assert started.stem == "short" and shown(started) == "Only"
    assert started.notices == () and not started.edited
    assert started.url_params() == {"scene": "1", "briefing": "short"}


def test_bad_address_values_open_the_default_on_scene_one_and_say_why(files, catalog, article):
    started = Session.start("nope", "9", files, catalog, article)
    assert started.stem == "default" and shown(started) == "One"
    assert started.notices == (
        "There is no storyboard “nope”; the default briefing is shown.",
        "There is no scene “9”: scenes run from 1 to 3. Scene 1 is shown.",
    )


def test_notices_and_problems_go_away_when_dismissed():
    noisy = Session(board("a"), notices=("bad scene",), issues_heading="h", issues=("x",))
    assert noisy.dismiss_notices().notices == ()
    assert noisy.dismiss_issues().issues == () and noisy.dismiss_issues().issues_heading == ""


# --- files and uploads ------------------------------------------------------------------------

def test_opening_a_file_starts_over_on_its_first_scene_unedited(files, catalog, article):
    edited = session("a", "b", index=1).delete(0)
    opened = edited.open_file("short", files, catalog, article)
    assert titles(opened) == ["Only"] and opened.index == 0
    assert opened.stem == "short" and not opened.edited
    assert opened.issues == ()


def test_a_file_that_cannot_be_read_is_listed_as_a_problem(tmp_path, catalog, article):
    missing = {"default": tmp_path / "gone.json"}
    opened = session("a").open_file("default", missing, catalog, article)
    assert opened.issues_heading == "“default.json” has problems; everything else was loaded:"
    assert len(opened.issues) == 1 and "cannot be read" in opened.issues[0]
    assert opened.board.scenes == () and opened.current is None


def test_a_too_big_upload_is_refused_naming_its_size_and_keeps_the_storyboard(catalog, article):
    before = session("a", "b", index=1)
    after = before.upload("big.json", b" " * 1_200_000, catalog, article)
    assert after.upload_error == (
        "“big.json” is 1.2 MB; a storyboard may be at most 1 MB. "
        "Nothing was loaded: your current storyboard is unchanged.")
    assert after.board == before.board and after.index == 1 and not after.edited


def test_an_upload_of_exactly_the_limit_is_read(catalog, article):
    data = b"{" + b" " * (MAX_UPLOAD_BYTES - 2) + b"}"
    assert len(data) == MAX_UPLOAD_BYTES
    after = session("a").upload("edge.json", data, catalog, article)
    assert after.upload_error is None
    assert after.issues_heading.startswith("“edge.json” has no scene that can be shown")


def test_an_upload_with_no_usable_scene_keeps_the_storyboard_and_lists_why(catalog, article):
    before = session("a", "b", index=1)
    unusable = json.dumps({"title": "Bad", "scenes": [{"title": "No frame"}]}).encode()
    after = before.upload("bad.json", unusable, catalog, article)
    assert after.board == before.board and after.index == 1
    assert after.issues_heading == ("“bad.json” has no scene that can be shown, so your current "
                                    "storyboard is unchanged:")
    assert after.issues == ("Scene 1 “No frame” · frame: is missing; scene skipped",)


def test_an_upload_without_scenes_says_so_and_keeps_the_storyboard(catalog, article):
    before = session("a", "b", index=1)
    empty = json.dumps({"title": "Empty", "scenes": []}).encode()
    after = before.upload("empty.json", empty, catalog, article)
    assert after.board == before.board and after.index == 1
    assert after.upload_error == ("“empty.json” holds no scenes. Nothing was loaded: your "
                                  "current storyboard is unchanged.")


def test_an_upload_that_is_not_json_keeps_the_storyboard(catalog, article):
    before = session("a")
    after = before.upload("garbage.json", b"\xff\xfe\x00garbage", catalog, article)
    assert after.board == before.board and after.issues and after.upload_error is None


def test_an_upload_with_problems_loads_the_rest_and_lists_them(catalog, article):
    text = json.loads(storyboard_file("Good", "Half good"))
    text["scenes"][1]["highlight"] = ["atlantis"]
    after = session("a", "b", index=1).upload("mixed.json", json.dumps(text).encode(),
                                              catalog, article)
    assert titles(after) == ["Good", "Half good"] and after.index == 0 and after.edited
    assert after.issues_heading == "“mixed.json” has problems; everything else was loaded:"
    assert after.issues == (
        'Scene 2 “Half good” · highlight: no feature has the id "atlantis"; dropped',)


def test_a_good_upload_clears_an_earlier_refusal(catalog, article):
    refused = session("a").upload("big.json", b" " * 1_200_000, catalog, article)
    loaded = refused.upload("ok.json", storyboard_file("New").encode(), catalog, article)
    assert loaded.upload_error is None and titles(loaded) == ["New"]


# --- stepping through and editing scenes ------------------------------------------------------

def test_previous_and_next_stop_at_the_first_and_last_scene():
    middle = session("a", "b", "c", index=1)
    assert middle.go(2).index == 2
    assert middle.go(-1).index == 0 and middle.go(7).index == 2
    assert Session(board()).go(1).index == 0


def test_stepping_through_scenes_leaves_the_builder_folded_and_the_storyboard_unedited():
    stepped = session("a", "b").go(1)
    assert not stepped.builder_open and not stepped.edited


def test_deleting_a_scene_before_the_current_one_keeps_the_same_scene_on_show():
    after = session("a", "b", "c", index=2).delete(0)
    assert titles(after) == ["b", "c"] and shown(after) == "c"


def test_deleting_a_scene_after_the_current_one_keeps_the_same_scene_on_show():
    after = session("a", "b", "c", index=1).delete(2)
    assert shown(after) == "b"


def test_deleting_the_scene_on_show_shows_the_next_one_or_the_new_last():
    assert shown(session("a", "b", "c", index=1).delete(1)) == "c"
    assert shown(session("a", "b", "c", index=2).delete(2)) == "b"


def test_deleting_the_only_scene_leaves_an_empty_storyboard_and_no_address():
    emptied = session("a").delete(0)
    assert emptied.board.scenes == () and emptied.index == 0 and emptied.current is None
    assert emptied.url_params() == {}


def test_an_edit_marks_the_storyboard_edited_and_opens_the_builder():
    before = session("a", "b")
    after = before.delete(1)
    assert after.edited and after.builder_open and after.revision == before.revision + 1


def test_moving_a_scene_keeps_it_on_show_where_it_lands():
    down = session("a", "b", "c").move(0, 1)
    assert titles(down) == ["b", "a", "c"] and shown(down) == "a"
    up = down.move(1, -1)
    assert titles(up) == ["a", "b", "c"] and shown(up) == "a"


def test_moving_past_either_end_stops_there():
    top = session("a", "b").move(0, -1)
    assert titles(top) == ["a", "b"] and shown(top) == "a"
    bottom = session("a", "b").move(1, 1)
    assert titles(bottom) == ["a", "b"] and shown(bottom) == "b"


def test_showing_a_scene_from_the_builder_keeps_the_builder_open():
    shown_from_list = session("a", "b").show(1)
    assert shown(shown_from_list) == "b" and shown_from_list.builder_open
    assert not shown_from_list.edited


def test_saving_notes_changes_that_scene_only_and_keeps_it_on_show():
    after = session("a", "b", index=1).save_notes(1, "Pause here.")
    assert after.board.scenes[1].notes == "Pause here." and after.board.scenes[0].notes == "on a"
    assert after.index == 1 and after.edited


def test_a_click_on_a_scene_that_is_gone_changes_nothing():
    """A button drawn for scene 3 that is clicked after scene 3 went (a double click on Delete)."""
    before = session("a", "b")
    for stale in (before.delete(2), before.move(2, -1), before.save_notes(2, "x")):
        assert stale.board == before.board and stale.index == before.index
        assert stale.revision == before.revision


# --- the builder ------------------------------------------------------------------------------

def form(**fields) -> BuilderForm:
    return BuilderForm(**{"title": "New", "highlight": ("armenia",), "layers": ("borders",),
                          "frame": FRAME_HIGHLIGHT, **fields})


def test_a_builder_without_a_title_says_give_the_scene_a_title(catalog):
    before = session("a")
    for blank in ("", "   "):
        after, kept = before.add_scene(form(title=blank), catalog)
        assert after.builder_error == NO_TITLE == "Give the scene a title."
        assert after.board == before.board and kept == form(title=blank)


def test_a_builder_framed_on_no_highlight_says_to_pick_a_feature(catalog):
    after, _ = session("a").add_scene(form(highlight=()), catalog)
    assert after.builder_error == ("Pick at least one feature to highlight, or frame the scene "
                                   "another way.")
    assert titles(after) == ["a"]


def test_adding_a_scene_inserts_it_after_the_current_one_and_shows_it(catalog):
    after, _ = session("a", "b", "c", index=1).add_scene(form(title="  New  "), catalog)
    assert titles(after) == ["a", "b", "New", "c"] and shown(after) == "New"
    assert after.edited and after.builder_error is None


def test_adding_a_scene_to_an_empty_storyboard_makes_it_the_first(catalog):
    after, _ = Session(board()).add_scene(form(), catalog)
    assert titles(after) == ["New"] and after.index == 0


def test_the_new_scene_is_framed_on_its_highlight_its_layers_or_the_current_scene(catalog):
    start = session("a")
    on_armenia, _ = start.add_scene(form(), catalog)
    on_layers, _ = start.add_scene(form(frame=FRAME_LAYERS), catalog)
    on_current, _ = start.add_scene(form(frame=FRAME_CURRENT, highlight=()), catalog)
    armenia = on_armenia.current.bounds
    borders = on_layers.current.bounds
    assert armenia != borders and armenia[0] >= borders[0] and armenia[2] <= borders[2]
    assert on_current.current.bounds == BOUNDS
    assert on_armenia.current.highlight == ("armenia",)
    assert on_armenia.current.layers == ("borders",)


def test_the_new_scene_quotes_the_chosen_sentences_paragraph_by_paragraph(catalog, article):
    first, second = (p.id for p in article.paragraphs[:2])
    chosen = form(paragraphs=(second, first),
                  sentences={first: (1, 0), second: (0,), "p99": (3,)}, notes="Say it")
    after, _ = session("a").add_scene(chosen, catalog)
    assert after.current.passages == (PassageRef(second, 0), PassageRef(first, 0),
                                      PassageRef(first, 1))
    assert after.current.notes == "Say it"


def test_adding_a_scene_clears_its_title_passages_and_notes_but_keeps_the_map_fields(catalog):
    filled = form(paragraphs=("p1",), sentences={"p1": (0,)}, notes="n")
    _, left = session("a").add_scene(filled, catalog)
    assert left == BuilderForm(layers=("borders",), highlight=("armenia",),
                               frame=FRAME_HIGHLIGHT)


def test_a_successful_add_clears_the_builder_error(catalog):
    refused, _ = session("a").add_scene(form(title=""), catalog)
    added, _ = refused.add_scene(form(), catalog)
    assert added.builder_error is None


def test_the_builder_layers_follow_the_scene_on_show_until_the_user_picks():
    first = Storyboard("T", "", (scene_from_view("a", BOUNDS, ["borders"], [], [], ""),
                                 scene_from_view("b", BOUNDS, ["september-2022"], [], [], "")))
    following = Session(first)
    assert following.following_layers() == ("borders",)
    assert following.go(1).following_layers() == ("september-2022",)
    assert Session(board()).following_layers() == ()
    assert following.choose_layers().go(1).following_layers() is None


def test_copying_the_current_view_fills_layers_and_highlight_and_stops_following():
    copied, filled = session("a").copy_view(BuilderForm(title="Kept", layers=("x",)))
    assert filled == BuilderForm(title="Kept", layers=("borders",), highlight=("armenia",))
    assert copied.following_layers() is None and copied.builder_open


def test_every_builder_action_keeps_the_builder_open(catalog):
    start = session("a", "b")
    for used in (start.builder_used(), start.choose_layers(), start.copy_view(form())[0],
                 start.add_scene(form(title=""), catalog)[0], start.add_scene(form(), catalog)[0],
                 start.show(1), start.move(0, 1), start.delete(0), start.save_notes(0, "x")):
        assert used.builder_open


def test_nothing_a_user_can_click_on_an_empty_storyboard_raises(catalog):
    empty = Session(board())
    for after in (empty.go(1), empty.show(0), empty.move(0, 1), empty.delete(0),
                  empty.save_notes(0, "x"), empty.copy_view(form())[0]):
        assert after.board == empty.board and after.index == 0
    after, _ = empty.add_scene(form(frame=FRAME_CURRENT), catalog)
    assert after.builder_error == "There is no current scene to copy the frame from."


# --- handouts ---------------------------------------------------------------------------------

def test_handouts_are_offered_only_for_the_storyboard_they_were_prepared_for():
    prepared = session("a", "b").prepare_handouts()
    assert not session("a", "b").handouts_ready and prepared.handouts_ready
    assert prepared.go(1).handouts_ready  # stepping through changes no handout
    assert not prepared.delete(0).handouts_ready
    assert not Session(board()).prepare_handouts().handouts_ready  # nothing to hand out
