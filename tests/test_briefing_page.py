"""The Briefing page, run by Streamlit's AppTest against the real geodata and default storyboard.

The first tests pin what a scene reads like (`layers.briefing.page`); the rest run the whole app
(`app.py` and its st.navigation) and switch to the Briefing page, so they check that the page
wires its widgets to the rules `tests/test_briefing_session.py` pins one by one. What the map
receives is read from the streamlit-folium component's arguments: `script` is the base map (its
hash keys the iframe), `feature_group` the scene's layers and highlights, `center`/`zoom` the
framing.
"""

import html
import json
import re
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import layers
import layers.briefing.export_html
import layers.briefing.export_pdf
import layers.briefing.storyboard
import views.common
from layers.briefing.edit import FRAME_HIGHLIGHT, features_bounds
from layers.briefing.page import keyboard_script, passages_html
from layers.briefing.storyboard import load_storyboard, passage_text, scene_citations
from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.html.markup import markdown_literal
from layers.html.references import reference_html

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def fresh_caches(tmp_path, monkeypatch):
    """Empty caches; geometry files go to a temporary directory, not a server's static/geo/."""
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def default():
    """The default storyboard as the loader reads it: what the page starts from."""
    board, issues = load_storyboard(layers.briefing.storyboard.DEFAULT_STORYBOARD, load_catalog(),
                                    load_article())
    assert not issues and len(board.scenes) >= 3
    return board


# --- how a scene reads -------------------------------------------------------------------------

def test_keyboard_script_clicks_the_buttons_but_not_while_typing():
    script = keyboard_script("briefing-prev", "briefing-next")
    body = script.removeprefix("<script>").removesuffix("</script>")
    assert "<" not in body  # an HTML sanitiser would read "<" as the start of a tag
    assert '"ArrowLeft": "briefing-prev"' in body and '"ArrowRight": "briefing-next"' in body
    assert "window.parent" in body and "'.st-key-' + key + ' button'" in body
    for guard in ("TEXTAREA", "INPUT", "contenteditable", "e.ctrlKey"):
        assert guard in body
    assert "removeEventListener" in body  # a rerun replaces the listener, never stacks one


def test_passages_are_quoted_exactly_and_link_to_their_paragraph(default):
    article = load_article()
    scene = next(s for s in default.scenes if s.passages)
    rendered = passages_html(scene, article)
    for ref in scene.passages:
        assert html.escape(passage_text(ref, article)) in rendered
        number = article.paragraph(ref.paragraph).number
        assert (f'<a href="article?paragraph={ref.paragraph}" target="_blank" rel="noopener" '
                f'title="Paragraph {number} on the Article page (opens in a new tab)">'
                f'¶ {number}</a>') in rendered
    assert 'target="_self"' not in rendered  # same-tab links would end the session's edits


# --- the page ----------------------------------------------------------------------------------

def open_briefing(**query: str) -> AppTest:
    """The app run once on its default page, then switched to the Briefing page."""
    at = AppTest.from_file(str(layers.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.query_params.update(query)
    at.switch_page("views/briefing.py").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def progress(at: AppTest) -> str:
    (bar,) = at.get("progress")
    return bar.proto.text


def scene_title(at: AppTest) -> str:
    return at.main.header[0].value


def component_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def framed(args: dict) -> tuple[float, float, float, float]:
    """The bounds the scene's map frames in the browser (`SceneFit`), as (minx, miny, maxx,
    maxy): framed at the map's real size, whatever the screen."""
    (found,) = re.findall(r"var bounds = (\[\[[^\]]+\], \[[^\]]+\]\]);", args["feature_group"])
    (south, west), (north, east) = json.loads(found)
    return west, south, east, north


def presenting(at: AppTest, view: str = "presenter") -> AppTest:
    """The sidebar's button that starts presenting in this window as `view`."""
    at.sidebar.button(key=f"present-{view}-start").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def outlined(args: dict) -> list[str]:
    """The ids of the features a scene outlines (drawn from their layers' files by id)."""
    return re.findall(r'cbmGeo\.halo\([\w.]+, "[^"]+",\s*"([a-z0-9-]+)"', args["feature_group"])


def text_column(at: AppTest) -> str:
    """The scene's passages, citations and (in presenter view) notes, as sent to the browser."""
    return "".join(m.value for m in at.main.markdown if m.allow_html)


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.sidebar.file_uploader(key="briefing-upload").set_value(
        (name, content, "application/json")).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_the_page_opens_on_scene_one_framed_layered_and_cited(default):
    at = open_briefing()
    first = default.scenes[0]
    assert progress(at) == f"Scene 1 of {len(default.scenes)}"
    assert scene_title(at) == markdown_literal(first.title)
    args = component_args(at)
    assert framed(args) == pytest.approx(first.bounds)
    assert args["center"] is None and args["zoom"] is None  # the browser frames it
    assert outlined(args) == list(first.highlight)
    column = text_column(at)
    assert passages_html(first, load_article()) in column
    assert at.query_params["scene"] == "1" and "briefing" not in at.query_params
    assert at.button(key="briefing-prev").disabled
    assert at.get("iframe")  # the keyboard script


def test_every_link_on_the_page_opens_a_new_tab_so_unsaved_edits_survive(default):
    """The working storyboard lives in this tab's session: no link may navigate the tab away."""
    at = open_briefing()
    at.multiselect(key="builder-paragraphs").set_value(["p1"]).run()
    at.multiselect(key="builder-sentences-p1").set_value([0]).run()  # the builder's preview too
    links = []
    for step in range(len(default.scenes)):
        if step:
            at.button(key="briefing-next").click().run()
        links += re.findall(r"<a [^>]*>", "".join(m.value for m in at.markdown if m.allow_html))
    assert any("article?paragraph=p1" in link for link in links)
    for link in links:
        assert 'target="_blank"' in link and 'rel="noopener' in link, link


def test_next_and_previous_change_scene_progress_and_url_but_not_the_base_map(default):
    at = open_briefing()
    base = component_args(at)["script"]
    at.button(key="briefing-next").click().run()
    assert progress(at) == f"Scene 2 of {len(default.scenes)}"
    assert scene_title(at) == markdown_literal(default.scenes[1].title)
    assert at.query_params["scene"] == "2"
    assert component_args(at)["script"] == base  # same iframe, new groups and camera
    second = default.scenes[1]
    assert outlined(component_args(at)) == list(second.highlight)
    article = load_article()
    cited = scene_citations(second, article)
    assert cited, "the second default scene quotes sentences that cite references"
    for number in cited:  # full references with working links
        assert reference_html(article.reference(number)) in text_column(at)
    at.button(key="briefing-prev").click().run()
    assert progress(at).startswith("Scene 1 of")


def test_the_last_scene_disables_next(default):
    at = open_briefing(scene=str(len(default.scenes)))
    assert at.button(key="briefing-next").disabled


def test_scene_parameter_opens_that_scene(default):
    at = open_briefing(scene="3")
    assert progress(at) == f"Scene 3 of {len(default.scenes)}"
    assert scene_title(at) == markdown_literal(default.scenes[2].title)
    assert not at.sidebar.warning


@pytest.mark.parametrize("query", [{"scene": "99"}, {"scene": "x"}, {"briefing": "nope"}])
def test_bad_parameters_show_a_notice_and_open_scene_one(query):
    at = open_briefing(**query)
    assert progress(at).startswith("Scene 1 of")
    assert at.sidebar.warning, "the bad value must be named in a notice"
    assert at.query_params["scene"] == "1"


def test_dismiss_clears_the_notices_and_they_stay_gone():
    at = open_briefing(scene="x")
    assert at.sidebar.warning
    at.sidebar.button(key="briefing-dismiss").click().run()
    assert not at.sidebar.warning
    at.button(key="briefing-next").click().run()
    assert not at.sidebar.warning and progress(at).startswith("Scene 2 of")


def test_a_briefing_parameter_opens_that_file(tmp_path, monkeypatch, default):
    folder = tmp_path / "briefings"
    folder.mkdir()
    shutil.copy(layers.briefing.storyboard.DEFAULT_STORYBOARD, folder / "default.json")
    short = json.loads(layers.briefing.storyboard.DEFAULT_STORYBOARD.read_text(encoding="utf-8"))
    short["title"] = "Two scenes only"
    short["scenes"] = short["scenes"][:2]
    (folder / "short.json").write_text(json.dumps(short), encoding="utf-8")
    monkeypatch.setattr(layers.briefing.storyboard, "DEFAULT_STORYBOARD", folder / "default.json")
    at = open_briefing(briefing="short", scene="2")
    assert at.main.title[0].value == "Two scenes only"
    assert progress(at) == "Scene 2 of 2"
    assert at.query_params["briefing"] == "short"


def test_presenter_view_shows_the_notes_and_the_next_title(default):
    at = open_briefing()
    notes = html.escape(default.scenes[0].notes, quote=True)
    assert 'class="notes"' not in text_column(at)  # the page a room may see shows no notes
    presenting(at)
    assert notes[:60] in text_column(at)
    assert f"<h3>{html.escape(default.scenes[1].title)}</h3>" in text_column(at)  # the next
    assert at.query_params["present"] == "presenter" and len(at.query_params["room"]) == 6


def test_the_audience_window_shows_the_scene_large_and_never_the_notes(default):
    at = presenting(open_briefing(), "audience")
    shown = text_column(at)
    assert 'class="present-title"' in shown and 'class="present-passages"' in shown
    assert 'class="notes"' not in shown
    assert progress(at) == f"Scene 1 of {len(default.scenes)}"


def test_editing_notes_keeps_them_for_that_scene():
    at = open_briefing()
    (notes,) = [t for t in at.text_area if t.label == "Speaker notes for scene 1"]
    notes.input("Pause for questions.").run()
    presenting(at)
    assert '<div class="notes">Pause for questions.</div>' in text_column(at)


def test_the_builder_adds_a_scene_after_the_current_one_and_shows_it(default):
    at = open_briefing()
    at.text_input(key="builder-title").input("Jermuk up close").run()
    at.multiselect(key="builder-highlight").set_value(["jermuk"]).run()
    at.multiselect(key="builder-layers").set_value(["borders", "september-2022"]).run()
    at.radio(key="builder-frame").set_value(FRAME_HIGHLIGHT).run()
    at.multiselect(key="builder-paragraphs").set_value(["p1"]).run()
    at.multiselect(key="builder-sentences-p1").set_value([0]).run()
    at.button(key="builder-add").click().run()
    assert not at.exception
    assert progress(at) == f"Scene 2 of {len(default.scenes) + 1}"
    assert scene_title(at) == "Jermuk up close"
    args = component_args(at)
    assert framed(args) == pytest.approx(features_bounds(load_catalog(), ["jermuk"]))
    assert html.escape(load_article().paragraph("p1").sentences[0].text) in text_column(at)
    assert at.text_input(key="builder-title").value == ""  # ready for the next one


def builder(at: AppTest):
    (expander,) = [e for e in at.expander if e.label == "Edit this storyboard"]
    return expander


@pytest.mark.parametrize("action", [
    lambda at: at.button(key="scene-down-0").click(),
    lambda at: at.button(key="scene-up-1").click(),
    lambda at: at.button(key="scene-delete-0").click(),
    lambda at: at.button(key="scene-show-2").click(),
    lambda at: at.button(key="builder-copy").click(),
    lambda at: [t for t in at.text_area if t.label == "Speaker notes for scene 1"][0].input("x"),
    lambda at: at.multiselect(key="builder-highlight").set_value(["jermuk"]),
], ids=["down", "up", "delete", "show", "copy", "notes", "highlight"])
def test_the_builder_stays_open_once_used(action):
    at = open_briefing()
    assert not builder(at).proto.expanded  # folded away until someone edits
    action(at).run()
    assert not at.exception
    assert builder(at).proto.expanded
    at.button(key="briefing-next").click().run()  # and stays open while stepping through
    assert builder(at).proto.expanded


def test_the_builder_stays_open_after_adding_a_scene():
    at = open_briefing()
    at.text_input(key="builder-title").input("Jermuk").run()
    at.multiselect(key="builder-highlight").set_value(["jermuk"]).run()
    at.radio(key="builder-frame").set_value(FRAME_HIGHLIGHT).run()
    at.button(key="builder-add").click().run()
    assert scene_title(at) == "Jermuk" and builder(at).proto.expanded


def test_the_builder_starts_with_no_highlight_and_the_shown_scene_layers(default):
    """Adding one town to a scene must give a scene with that town, not the current scene's too."""
    at = open_briefing()
    assert at.multiselect(key="builder-highlight").value == []
    assert at.multiselect(key="builder-layers").value == list(default.scenes[0].layers)
    at.button(key="briefing-next").click().run()
    assert at.multiselect(key="builder-layers").value == list(default.scenes[1].layers)
    at.button(key="briefing-prev").click().run()
    at.text_input(key="builder-title").input("Jermuk alone").run()
    at.multiselect(key="builder-highlight").set_value(["jermuk"]).run()
    at.radio(key="builder-frame").set_value(FRAME_HIGHLIGHT).run()
    at.button(key="builder-add").click().run()
    assert scene_title(at) == "Jermuk alone"
    added = at.session_state["briefing_session"].board.scenes[1]
    assert added.highlight == ("jermuk",)
    assert added.layers == default.scenes[0].layers


def test_chosen_layers_stay_put_and_the_copy_button_copies_the_scene(default):
    at = open_briefing()
    at.multiselect(key="builder-layers").set_value(["energy"]).run()
    at.button(key="briefing-next").click().run()
    assert at.multiselect(key="builder-layers").value == ["energy"]  # the user's choice holds
    at.button(key="builder-copy").click().run()
    second = default.scenes[1]
    assert at.multiselect(key="builder-layers").value == list(second.layers)
    assert at.multiselect(key="builder-highlight").value == list(second.highlight)


def test_the_builder_says_what_is_missing_and_adds_nothing(default):
    at = open_briefing()
    at.radio(key="builder-frame").set_value(FRAME_HIGHLIGHT).run()
    at.multiselect(key="builder-highlight").set_value([]).run()
    at.text_input(key="builder-title").input("No frame").run()
    at.button(key="builder-add").click().run()
    assert "Pick at least one feature" in " ".join(e.value for e in at.error)
    assert progress(at) == f"Scene 1 of {len(default.scenes)}"


def test_scenes_move_up_and_down_and_delete(default):
    at = open_briefing()
    first, second = (markdown_literal(s.title) for s in default.scenes[:2])
    at.button(key="scene-down-0").click().run()
    assert scene_title(at) == first and progress(at).startswith("Scene 2 of")
    at.button(key="scene-show-0").click().run()
    assert scene_title(at) == second
    at.button(key="scene-up-1").click().run()
    assert scene_title(at) == first and progress(at).startswith("Scene 1 of")
    at.button(key="scene-delete-0").click().run()
    assert progress(at) == f"Scene 1 of {len(default.scenes) - 1}"
    assert scene_title(at) == second


def broken_storyboard() -> bytes:
    good = {"title": "Good", "frame": {"features": ["armenia"]}, "layers": ["borders"]}
    return json.dumps({"title": "Mixed", "scenes": [
        good,
        {**good, "title": "Half good", "highlight": ["jermuk", "atlantis"]},
        {"title": "No frame", "layers": ["borders"]},
    ]}).encode()


def test_a_broken_upload_lists_every_issue_and_loads_the_rest():
    at = upload(open_briefing(), "mixed.json", broken_storyboard())
    assert at.main.title[0].value == "Mixed"
    assert progress(at) == "Scene 1 of 2"
    listed = " ".join(m.value for m in at.main.markdown)
    assert markdown_literal('Scene 2 “Half good” · highlight: no feature has the id "atlantis"') \
        in listed
    assert markdown_literal("Scene 3 “No frame” · frame: is missing; scene skipped") in listed


@pytest.mark.parametrize("content", [b"this is not json {", b"\xff\xfe\x00garbage",
                                     b"[1, 2, 3]", b"{" + b" " * 1_000_001 + b"}"])
def test_an_unusable_upload_keeps_the_current_storyboard(default, content):
    at = open_briefing(scene="2")
    at = upload(at, "garbage.json", content)
    assert at.main.title[0].value == markdown_literal(default.title)
    assert progress(at) == f"Scene 2 of {len(default.scenes)}"
    message = " ".join(e.value for e in at.error) + " ".join(w.value for w in at.main.warning)
    assert "unchanged" in message


def test_markup_in_an_uploaded_storyboard_is_shown_as_text():
    hostile = {"title": SCRIPT, "description": SCRIPT, "scenes": [
        {"title": SCRIPT, "frame": {"features": ["armenia"]}, "notes": SCRIPT},
        {"title": SCRIPT + " two", "frame": {"features": ["azerbaijan"]}, "notes": ""},
    ]}
    at = upload(open_briefing(), "hostile.json", json.dumps(hostile).encode())
    for shown in (at.main.title[0].value, scene_title(at), at.caption[0].value):
        assert shown.startswith(markdown_literal(SCRIPT))  # Markdown shows it as typed
    presenting(at)
    raw_html = "".join(m.value for m in at.markdown if m.allow_html)
    assert "<script" not in raw_html
    assert html.escape(SCRIPT) in raw_html  # the notes and titles, escaped


def test_the_problems_of_an_upload_can_be_dismissed():
    at = upload(open_briefing(), "mixed.json", broken_storyboard())
    assert at.main.warning
    at.button(key="briefing-dismiss-issues").click().run()
    assert not at.main.warning
    assert at.main.title[0].value == "Mixed"  # the loaded storyboard stays


def test_reset_returns_to_the_default_storyboard(default):
    at = upload(open_briefing(), "mixed.json", broken_storyboard())
    at.sidebar.button(key="briefing-reset").click().run()
    assert at.main.title[0].value == markdown_literal(default.title)
    assert progress(at) == f"Scene 1 of {len(default.scenes)}"


def test_handouts_are_prepared_on_demand_for_the_current_storyboard(monkeypatch, default):
    made = []

    def fake_html(board, catalog, article):
        made.append(board.title)
        return "<html></html>"

    monkeypatch.setattr(layers.briefing.export_html, "export_html", fake_html)
    monkeypatch.setattr(layers.briefing.export_pdf, "export_pdf", lambda board, c, a: b"%PDF-1.7")
    at = open_briefing()
    labels = [b.proto.label for b in at.get("download_button")]
    # nothing is generated until asked for (the deck is made only when its button is clicked)
    assert labels == ["Save storyboard (JSON)", "Download PowerPoint (.pptx)"]
    at.sidebar.button(key="briefing-prepare").click().run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Save storyboard (JSON)", "Download offline HTML", "Download PDF",
                      "Download PowerPoint (.pptx)"]
    at.button(key="briefing-next").click().run()
    assert len(made) == 1  # the same storyboard is not exported twice
    at = upload(at, "mixed.json", broken_storyboard())
    assert [b.proto.label for b in at.get("download_button")] == [
        "Save storyboard (JSON)", "Download PowerPoint (.pptx)"]
    assert made == [default.title]


def test_the_builder_frames_a_new_scene_on_the_maps_view_as_it_is_now(default):
    """Pan and zoom the map to what the scene should show, then "the map's view as it is now":
    the scene keeps that frame. The view comes back only while the builder is open."""
    from streamlit_folium import generate_js_hash

    from layers.briefing.edit import FRAME_VIEW

    at = open_briefing()
    assert component_args(at)["returned_objects"] == []  # stepping scenes costs no view reruns
    at.text_input(key="builder-title").input("Syunik close up").run()  # the builder is in use
    args = component_args(at)
    assert args["returned_objects"] == ["bounds"]
    key = generate_js_hash(args["script"], "briefing-map", False)
    at.session_state[key] = {"bounds": {"_southWest": {"lat": 39.0, "lng": 45.9},
                                        "_northEast": {"lat": 39.8, "lng": 46.8}}}
    at.run()
    at.radio(key="builder-frame").set_value(FRAME_VIEW).run()
    at.button(key="builder-add").click().run()
    assert not at.exception and scene_title(at) == "Syunik close up"
    assert framed(component_args(at)) == pytest.approx((45.9, 39.0, 46.8, 39.8))


@pytest.mark.parametrize("returned", [
    None, {}, {"bounds": None}, {"bounds": {"_southWest": {"lat": "x", "lng": 1}}},
    {"bounds": {"_southWest": {"lat": 50, "lng": 45}, "_northEast": {"lat": 40, "lng": 46}}},
    {"bounds": {"_southWest": {"lat": 39, "lng": float("nan")},
                "_northEast": {"lat": 40, "lng": 46}}},
])
def test_a_view_the_browser_sends_is_taken_only_when_it_is_a_box_on_the_globe(returned):
    from layers.briefing.edit import view_bounds

    assert view_bounds(returned) is None
