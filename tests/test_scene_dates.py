"""Dated scenes: a scene may carry a date, and its map then shows the features as they stood.

A scene's `date` is a schema date (a day `2022-09-13`, a month `2020-11`, a year `2021`, or a
range `2022-09-12/2022-09-14`), checked like every other storyboard field. Its map shows the
last day that date covers (`scene_day`): the moment the scene is about and everything it led
to. What a dated scene draws is `scene_features`, which the Briefing page and both handouts
share. The examples use the seven districts around Nagorno-Karabakh: Agdam, Kalbajar and Lachin
districts were handed over in November and December 2020 (`valid_to` 2020-11-20, 2020-11-25
and 2020-12-01 in geodata/nagorno-karabakh.geojson), so a scene dated October 2020 draws them
and one dated December 2020 does not.
"""

from __future__ import annotations

import datetime
import io
import json

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

import views.common
from layers.briefing import export_pdf as pdf_module
from layers.briefing.edit import FRAME_HIGHLIGHT, scene_from_view, with_date
from layers.briefing.export_html import export_html
from layers.briefing.export_pdf import export_pdf
from layers.briefing.session import BuilderForm, Session
from layers.briefing.storyboard import (
    DEFAULT_STORYBOARD,
    Scene,
    Storyboard,
    StoryboardIssue,
    load_storyboard,
    parse_storyboard,
    scene_date_line,
    scene_day,
    scene_features,
    storyboard_to_json,
)
from layers.data.events import load_events, valid_on
from layers.html.markup import markdown_literal

# fresh_caches: test_briefing_page's autouse fixture (empty caches, geometry files to tmp)
from tests.test_briefing_page import fresh_caches, open_briefing  # noqa: F401

HANDED_OVER_NOV_DEC_2020 = {"agdam-district", "kalbajar-district", "lachin-district"}
BOUNDS = (45.5, 39.0, 47.5, 40.5)


def raw_scene(**changes: object) -> dict:
    """A valid scene of the Nagorno-Karabakh layer, with some fields replaced."""
    base = {"title": "The districts", "frame": {"features": ["nkao"]},
            "layers": ["borders", "nagorno-karabakh"]}
    base.update(changes)
    return base


def board(*scenes: dict) -> dict:
    return {"title": "Dated", "description": "", "scenes": list(scenes)}


@pytest.fixture(scope="module")
def parse(real_catalog, article):
    return lambda raw: parse_storyboard(raw, real_catalog, article)


@pytest.fixture(scope="module")
def october_and_december(real_catalog, article) -> Storyboard:
    """Two scenes of the districts: one dated October 2020, one December 2020."""
    loaded, issues = parse_storyboard(board(
        raw_scene(title="Before the handovers", date="2020-10"),
        raw_scene(title="After the handovers", date="2020-12"),
    ), real_catalog, article)
    assert issues == []
    return loaded


@pytest.fixture(scope="module")
def default_board(real_catalog, article) -> Storyboard:
    """The default storyboard as the page starts from it."""
    loaded, issues = load_storyboard(DEFAULT_STORYBOARD, real_catalog, article)
    assert issues == []
    return loaded


def dated(date: str | None) -> Scene:
    return scene_from_view("A scene", BOUNDS, ["nagorno-karabakh"], [], [], "", date)


def messages(issues: list[StoryboardIssue]) -> list[str]:
    return [str(issue) for issue in issues]


def normalised(text: str) -> str:
    return " ".join(text.split())


# --- the date field ------------------------------------------------------------------------------

@pytest.mark.parametrize("date", ["2022-09-13", "2020-11", "2021", "2022-09-12/2022-09-14",
                                  "2020-10/2020-12"])
def test_a_scene_date_is_any_schema_date_and_is_saved_as_written(parse, date):
    storyboard, issues = parse(board(raw_scene(date=date)))
    assert issues == []
    assert storyboard.scenes[0].date == date
    saved = json.loads(storyboard_to_json(storyboard))
    assert saved["scenes"][0]["date"] == date
    assert parse(storyboard_to_json(storyboard))[0] == storyboard


def test_a_scene_without_a_date_is_undated_and_saved_without_one(parse):
    for raw in (raw_scene(), raw_scene(date=None)):
        storyboard, issues = parse(board(raw))
        assert issues == [] and storyboard.scenes[0].date is None
        assert "date" not in json.loads(storyboard_to_json(storyboard))["scenes"][0]


@pytest.mark.parametrize(("value", "named"), [
    ("2020-13", "“2020-13”"),
    ("13 September 2022", "“13 September 2022”"),
    ("2022-09-14/2022-09-12", "“2022-09-14/2022-09-12”"),  # a range that runs backwards
    ("", "“”"),
    (2020, "2020 (a number, not a string in quotes)"),
    (["2020"], "a list"),
])
def test_a_bad_date_is_named_with_its_scene_and_the_scene_still_loads_undated(
        parse, value, named):
    storyboard, issues = parse(board(raw_scene(), raw_scene(title="Handovers", date=value)))
    assert messages(issues) == [
        f"Scene 2 “Handovers” · date: {named} is not a date: write YYYY-MM-DD, YYYY-MM or "
        "YYYY, or a range FROM/TO of those; the scene is left undated"]
    assert [s.title for s in storyboard.scenes] == ["The districts", "Handovers"]
    assert storyboard.scenes[1].date is None
    assert storyboard.scenes[1].layers == ("borders", "nagorno-karabakh")  # nothing else lost


def test_a_highlight_that_did_not_stand_on_the_scene_day_is_named_and_kept(parse, real_catalog):
    storyboard, issues = parse(board(raw_scene(date="2020-12", highlight=["agdam-district",
                                                                          "shusha"])))
    assert messages(issues) == [
        'Scene 1 “The districts” · highlight: "agdam-district" did not stand on 31 December '
        "2020, the day the scene's map shows; kept, but not drawn"]
    (only,) = storyboard.scenes
    assert only.highlight == ("agdam-district", "shusha")
    assert scene_features(only, real_catalog).highlight == ("shusha",)  # what the map outlines


# --- the day a scene's map shows -----------------------------------------------------------------

@pytest.mark.parametrize(("date", "day"), [
    ("2022-09-13", datetime.date(2022, 9, 13)),  # a day is itself
    ("2020-11", datetime.date(2020, 11, 30)),  # a month: its last day
    ("2020-02", datetime.date(2020, 2, 29)),  # a leap February too
    ("2021", datetime.date(2021, 12, 31)),  # a year: 31 December
    ("2022-09-12/2022-09-14", datetime.date(2022, 9, 14)),  # a range: its end
    ("2020-10/2020-12", datetime.date(2020, 12, 31)),  # a range of months: the last day of it
    (None, None),  # undated: no day, every feature of every date
])
def test_the_scene_day_is_the_last_day_its_date_covers(date, day):
    assert scene_day(dated(date)) == day


@pytest.mark.parametrize(("date", "line"), [
    ("2022-09-13", "13 September 2022"),
    ("2020-11", "November 2020 · map as of 30 November 2020"),
    ("2022-09-12/2022-09-14", "12–14 September 2022 · map as of 14 September 2022"),
    ("2021", "2021 · map as of 31 December 2021"),
    (None, None),
])
def test_a_scene_date_reads_as_precisely_as_it_is_written_with_the_map_day(date, line):
    assert scene_date_line(dated(date)) == line


def test_a_scene_draws_the_features_that_stood_on_its_day(october_and_december, real_catalog):
    october, december = (scene_features(s, real_catalog) for s in october_and_december.scenes)
    assert october.day == datetime.date(2020, 10, 31)
    assert october.shown >= HANDED_OVER_NOV_DEC_2020
    assert not HANDED_OVER_NOV_DEC_2020 & set(october.hidden)
    assert not HANDED_OVER_NOV_DEC_2020 & december.shown
    assert set(december.hidden) >= HANDED_OVER_NOV_DEC_2020
    # The peacekeeping area was set up on 10 November 2020: after October, before December.
    assert "russian-peacekeeping-area" in october.hidden
    assert "russian-peacekeeping-area" in december.shown
    # A feature with no dates always stands.
    assert {"armenia", "azerbaijan"} <= october.shown & december.shown
    for drawn in (october, december):
        for _, rows in drawn.layers:
            assert all(valid_on(row._asdict(), drawn.day) for row in rows.itertuples())


def test_an_undated_scene_draws_every_feature(real_catalog):
    drawn = scene_features(dated(None), real_catalog)
    assert drawn.day is None and drawn.hidden == ()
    assert drawn.shown == set(real_catalog.layer("nagorno-karabakh").features["id"])


# --- editing the date ----------------------------------------------------------------------------

def test_the_editor_sets_and_clears_a_scene_date():
    storyboard = Storyboard("Test", "", (dated(None), dated(None)))
    set_ = with_date(storyboard, 1, "2020-11")
    assert [s.date for s in set_.scenes] == [None, "2020-11"]
    assert with_date(set_, 1, None).scenes[1].date is None
    with pytest.raises(ValueError, match="2020-13"):
        with_date(storyboard, 0, "2020-13")
    with pytest.raises(IndexError):
        with_date(storyboard, 2, "2020-11")


def test_the_builder_dates_the_scene_on_show_and_refuses_a_bad_date_by_name():
    session = Session(Storyboard("Test", "", (dated(None), dated("2021"))))
    typed = session.save_date(0, " 2020-11 ")
    assert typed.board.scenes[0].date == "2020-11" and typed.date_error is None
    assert typed.edited and typed.builder_open
    refused = typed.save_date(0, "November 2020")
    assert refused.board == typed.board  # the scene keeps its date
    assert refused.date_error == ("The date “November 2020” is not a date: write YYYY-MM-DD, "
                                  "YYYY-MM or YYYY, or a range FROM/TO of those.")
    assert refused.go(1).date_error is None  # the message was about the scene left behind
    cleared = typed.save_date(0, "")
    assert cleared.board.scenes[0].date is None


def test_a_new_scene_takes_the_builder_date_and_a_bad_one_adds_nothing(real_catalog):
    session = Session(Storyboard("Test", "", (dated(None),)))
    form = BuilderForm(title="Handovers", highlight=("nkao",), frame=FRAME_HIGHLIGHT,
                       layers=("nagorno-karabakh",), date="2020-12")
    added, left = session.add_scene(form, real_catalog)
    assert added.current.title == "Handovers" and added.current.date == "2020-12"
    assert left.date == ""  # the next scene starts undated
    refused, kept = session.add_scene(BuilderForm(**{**form.__dict__, "date": "2020-12-32"}),
                                      real_catalog)
    assert len(refused.board.scenes) == 1
    assert refused.builder_error.startswith("The date “2020-12-32” is not a date")
    assert kept.date == "2020-12-32"  # the fields stay, to be corrected


# --- the handouts --------------------------------------------------------------------------------

def handout_payload(page: str) -> dict:
    start = page.index('<script type="application/json" id="briefing-data">')
    return json.loads(page[page.index(">", start) + 1:page.index("</script>", start)])


def test_the_html_handout_shows_each_scene_date_and_draws_as_of_it(
        october_and_december, real_catalog, article):
    page = export_html(october_and_december, real_catalog, article)
    assert ('<h2>Before the handovers</h2>\n<p class="scene-date">October 2020 · map as of '
            "31 October 2020</p>") in page
    assert ('<h2>After the handovers</h2>\n<p class="scene-date">December 2020 · map as of '
            "31 December 2020</p>") in page
    october, december = handout_payload(page)["scenes"]
    # The page script leaves out each scene's `hidden` features and their labels.
    assert not HANDED_OVER_NOV_DEC_2020 & set(october["hidden"])
    assert set(december["hidden"]) >= HANDED_OVER_NOV_DEC_2020
    drawn = {item["id"] for item in handout_payload(page)["layers"]["nagorno-karabakh"]}
    assert drawn >= HANDED_OVER_NOV_DEC_2020  # every feature travels once, by id
    assert "layerGroup(id, scene.hidden)" in page


def test_an_undated_scene_has_no_date_line_and_hides_nothing(real_catalog, article):
    undated, _ = parse_storyboard(board(raw_scene()), real_catalog, article)
    page = export_html(undated, real_catalog, article)
    assert 'class="scene-date"' not in page
    assert handout_payload(page)["scenes"][0]["hidden"] == []


def test_the_pdf_shows_each_scene_date(october_and_december, real_catalog, article):
    reader = PdfReader(io.BytesIO(export_pdf(october_and_december, real_catalog, article)))
    title_page = normalised(reader.pages[0].extract_text())
    assert "1. Before the handovers · October 2020" in title_page
    assert "2. After the handovers · December 2020" in title_page
    october, december = (normalised(reader.pages[n].extract_text()) for n in (1, 2))
    assert "Scene 1 of 2 · October 2020 · map as of 31 October 2020" in october
    assert "Scene 2 of 2 · December 2020 · map as of 31 December 2020" in december


def test_the_pdf_draws_each_scene_as_of_its_day(monkeypatch, october_and_december,
                                                real_catalog, article):
    """What each scene's map draws, recorded as the PDF draws it."""
    drawn: list[list[object]] = []
    original = pdf_module._draw_map

    def draw_map(figure, scene, catalog, basemap):
        drawn.append([])
        original(figure, scene, catalog, basemap)

    monkeypatch.setattr(pdf_module, "_draw_map", draw_map)
    monkeypatch.setattr(pdf_module, "_draw_feature",
                        lambda axes, geometry, *args, **kwargs: drawn[-1].append(geometry.wkb))
    export_pdf(october_and_december, real_catalog, article)
    districts = {fid: real_catalog.feature(fid).geometry.wkb for fid in HANDED_OVER_NOV_DEC_2020}
    october, december = (set(geometries) for geometries in drawn)
    assert set(districts.values()) <= october
    assert not set(districts.values()) & december


# --- the default storyboard ---------------------------------------------------------------------

def test_the_default_storyboard_dates_its_scenes_about_a_moment_by_the_events(default_board):
    """A dated scene of the default storyboard carries the date of an event in
    geodata/events.json, which says where that date comes from; the scenes about a route or a
    trend rather than a moment stay undated."""
    events = load_events()
    if not events:
        pytest.skip("geodata/events.json is not there yet")
    event_dates = {event.date for event in events}
    dated_scenes = [scene for scene in default_board.scenes if scene.date is not None]
    assert len(dated_scenes) >= 3
    for scene in dated_scenes:
        assert scene.date in event_dates, (scene.title, scene.date)
    first = default_board.scenes[0]
    assert scene_day(first) == datetime.date(2022, 9, 14)  # the fighting's last day


# --- the Briefing page ---------------------------------------------------------------------------

def map_groups(at: AppTest) -> str:
    """The scene's layer and highlight groups as sent to the map component."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)["feature_group"]


def test_the_page_draws_a_dated_scene_from_the_layer_file_of_its_day(default_board):
    first = default_board.scenes[0]
    assert first.date is not None and "nagorno-karabakh" in first.layers
    at = open_briefing()
    files = views.common.geo_files()  # the files the page wrote, with each layer's periods
    groups = map_groups(at)
    assert files.url("nagorno-karabakh", scene_day(first)) in groups
    assert files.url("nagorno-karabakh") not in groups  # not the file of every date
    captions = [caption.value for caption in at.main.caption]
    assert markdown_literal(scene_date_line(first)) in captions


def test_dating_a_scene_on_the_page_sends_the_layer_as_it_stood(default_board):
    at = open_briefing(scene="3")  # the balance of power since 2020: no one moment, undated
    undated = at.session_state["briefing_session"].current
    assert undated.date is None and "nagorno-karabakh" in undated.layers
    files = views.common.geo_files()
    assert files.url("nagorno-karabakh") in map_groups(at)
    (date_box,) = [box for box in at.text_input if box.label == "Date of scene 3"]
    date_box.input("2020-10").run()
    assert at.session_state["briefing_session"].current.date == "2020-10"
    assert files.url("nagorno-karabakh", datetime.date(2020, 10, 31)) in map_groups(at)
    assert markdown_literal("October 2020 · map as of 31 October 2020") in [
        caption.value for caption in at.main.caption]
    (date_box,) = [box for box in at.text_input if box.label == "Date of scene 3"]
    date_box.input("Oct 2020").run()
    assert "“Oct 2020” is not a date" in " ".join(e.value for e in at.error)
    assert at.session_state["briefing_session"].current.date == "2020-10"
