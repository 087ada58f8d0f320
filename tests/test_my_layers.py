"""The briefer's own layers on the pages (AppTest): a file added on the My layers page after
its preview, a drawing kept from the Map page's form, both marked "added by you" on the map,
in the card, in search, on the Data page and in the handouts; an edit that lost to another
session's says so; a broken workspace file leaves every page on the shipped layers.

The store itself (transactions, a killed writer, two processes) is `test_workspace_store.py`'s;
reading each upload format is `test_workspace_upload.py`'s.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import streamlit as st
from pypdf import PdfReader
from shapely.geometry import Point

import views.common
from layers.briefing.export_html import export_html
from layers.briefing.export_pdf import export_pdf
from layers.briefing.storyboard import parse_storyboard
from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.html.markup import markdown_literal
from layers.workspace.store import open_workspace, user_source, with_user_layers
from tests.test_map_page import component_args, drawn_by_the_user, run_map
from tests.test_pages import open_page
from tests.test_workspace_store import PAYLOADS

SCRIPT = PAYLOADS[0]  # <script>alert(1)</script>


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh workspace file for this test, fresh caches, map files in a temporary folder."""
    path = tmp_path / "mine.gpkg"
    monkeypatch.setenv("CBM_WORKSPACE", str(path))
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def my_layers_page():
    return open_page("views/workspace.py")


def villages_geojson(name: str = "Shurnukh", note: str = "On the road south of Goris.") -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"Name": name, "notes": note, "when": "2022-09-13"},
         "geometry": {"type": "Point", "coordinates": [46.43, 39.42]}},
        {"type": "Feature", "properties": {"Name": "Vorotan", "notes": "", "when": "13 Sept"},
         "geometry": {"type": "Point", "coordinates": [46.35, 39.49]}}]}).encode()


def test_a_file_is_previewed_then_added_as_a_layer_marked_added_by_you(workspace):
    at = my_layers_page()
    assert not at.exception
    at.file_uploader[0].upload("villages.geojson", villages_geojson(), "application/geo+json")
    at.run()
    # the guess of which column is which is shown before anything is saved
    assert [box.value for box in at.selectbox][:3] == ["Name", "notes", "when"]
    assert open_workspace(workspace).layers() == []
    assert any("13 Sept" in info.value for info in at.info)  # a date it would not guess
    at.text_input(key="upload-source-0").input("a colleague's notes, 14 Sept 2022")
    at.button(key="upload-add").click().run()
    assert not at.exception
    assert "Added 2 features" in at.success[0].value
    (layer,) = open_workspace(workspace).layers()
    assert layer.title == "villages" and len(layer.features) == 2
    assert layer.source == {"kind": "user", "name": "uploaded by the user: villages.geojson",
                            "said": "a colleague's notes, 14 Sept 2022"}
    first = layer.features[0].properties
    assert (first["name"], first["date"], first["precision"]) == ("Shurnukh", "2022-09-13",
                                                                  "approximate")

    # on the Map page: under My layers, in search, and its card says whose it is
    at = run_map({"feature": first["id"]})
    assert not at.exception
    assert "My layers" in [caption.value for caption in at.sidebar.caption]
    assert at.sidebar.checkbox(key=f"layer:{layer.id}").value
    card = next(m.value for m in at.sidebar.markdown if "feature-card" in m.value)
    assert "added by you" in card and "uploaded by the user: villages.geojson" in card
    assert "their source, as typed: a colleague&#x27;s notes, 14 Sept 2022" in card
    found = views.common.catalog().search("shurnuk")  # a typo finds it, as it finds ours
    assert found[:1] == [first["id"]]


def test_script_payloads_in_a_file_stay_text_on_every_page(workspace):
    at = my_layers_page()
    at.file_uploader[0].upload("payload.geojson", villages_geojson(SCRIPT, PAYLOADS[1]),
                               "application/geo+json")
    at.run()
    at.text_input(key="upload-title-0").input(f"{PAYLOADS[2]} {SCRIPT}")
    at.button(key="upload-add").click().run()
    assert not at.exception
    (layer,) = open_workspace(workspace).layers()
    at = run_map({"feature": layer.features[0].properties["id"]})
    assert not at.exception
    card = next(m.value for m in at.sidebar.markdown if "feature-card" in m.value)
    assert SCRIPT not in card and "&lt;script&gt;" in card
    assert PAYLOADS[1] not in card
    label = at.sidebar.checkbox(key=f"layer:{layer.id}").label
    assert label.startswith("\\{\\{ x \\}\\}")  # the title as text, never Markdown or a template
    groups = component_args(at)["feature_group"]
    assert SCRIPT not in groups


def test_a_drawing_is_kept_from_the_map_page_form_with_its_source_as_typed(workspace):
    triangle = [[46.30, 39.50], [46.42, 39.50], [46.36, 39.59], [46.30, 39.50]]
    polygon = {"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [triangle]}}
    at = drawn_by_the_user(run_map({"draw": "1"}), [polygon])
    assert at.sidebar.info and "polygon" in at.sidebar.info[0].value
    at.sidebar.text_input(key="draw-name").input("Shelled ridge")
    at.sidebar.text_input(key="draw-source").input("my notes from Goris, 13 September 2022")
    at.sidebar.text_input(key="draw-date").input("2022-09-13")
    at.sidebar.form_submit_button[0].click().run()
    assert not at.exception
    (layer,) = open_workspace(workspace).layers()
    (feature,) = layer.features
    props = feature.properties
    assert (layer.title, props["name"], props["category"], props["date"]) == (
        "My drawings", "Shelled ridge", "area", "2022-09-13")
    assert props["derivation"] == ("Drawn on the map by the user; source as typed: my notes "
                                   "from Goris, 13 September 2022")
    assert feature.geometry.geom_type == "Polygon" and len(feature.geometry.exterior.coords) == 4
    # the kept drawing's card opens, its layer is on, the toolbar's copy goes (a new map)
    assert at.session_state["selected"] == props["id"]
    assert at.sidebar.checkbox(key=f"layer:{layer.id}").value
    assert "drawings kept so far: 1" in component_args(at)["script"]
    assert at.sidebar.success[0].value == markdown_literal("Kept “Shelled ridge” in My layers.")


def test_a_drawing_without_a_name_is_not_kept_and_the_form_says_why(workspace):
    point = {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [46.4, 39.5]}}
    at = drawn_by_the_user(run_map({"draw": "1"}), [point])
    at.sidebar.form_submit_button[0].click().run()
    assert at.sidebar.error[0].value == markdown_literal("Give the feature a name.")
    assert open_workspace(workspace).layers() == []


def test_an_edit_that_lost_to_another_sessions_says_so_and_theirs_stands(workspace):
    store = open_workspace(workspace)
    layer_id, (ident,) = store.add_layer(
        "Checkpoints", user_source("checkpoints.csv"),
        lambda lid: [({"id": "my-c", "name": "Checkpoint", "aliases": [], "category": "place",
                       "description": "Seen.", "article": [], "citations": [],
                       "sources": [lid], "precision": "approximate",
                       "derivation": "As uploaded."}, Point(46.4, 39.5))])
    mine, theirs = my_layers_page(), my_layers_page()
    key = f"edit-{ident}-{store.layers()[0].features[0].revision}"  # both opened this one
    theirs.text_input(key=f"{key}-name").input("Their name")
    theirs.form_submit_button[0].click().run()
    assert store.layers()[0].features[0].properties["name"] == "Their name"
    mine.text_input(key=f"{key}-name").input("My name")
    mine.form_submit_button[0].click().run()
    assert "changed by someone else" in mine.error[0].value
    assert store.layers()[0].features[0].properties["name"] == "Their name"


def test_a_broken_workspace_file_leaves_every_page_on_the_shipped_layers(workspace):
    workspace.write_bytes(b"this is not a GeoPackage" * 100)
    at = my_layers_page()
    assert not at.exception and "could not be opened" in at.error[0].value
    at = run_map()
    assert not at.exception
    assert "My layers" in [caption.value for caption in at.sidebar.caption]  # the draw toggle
    assert workspace.read_bytes() == b"this is not a GeoPackage" * 100  # never written


def test_a_user_feature_in_a_scene_is_marked_in_both_handouts(tmp_path):
    store = open_workspace(tmp_path / "mine.gpkg")
    layer_id, (ident,) = store.add_layer(
        "Checkpoints", user_source("checkpoints.csv"),
        lambda lid: [({"id": "my-c", "name": "Checkpoint K", "aliases": [], "category": "place",
                       "description": "Seen.", "article": [], "citations": [],
                       "sources": [lid], "precision": "approximate",
                       "derivation": "As uploaded."}, Point(46.4, 39.5))])
    catalog = with_user_layers(load_catalog(), store.layers(), store.path)
    article = load_article()
    board = {"title": "Mine", "description": "A briefer's own point in a scene.",
             "scenes": [{"title": "A checkpoint", "frame": {"features": [ident, "goris"]},
                         "layers": ["borders", layer_id], "highlight": [ident],
                         "passages": [{"paragraph": "p1", "sentence": 0}], "notes": ""}]}
    prepared, problems = parse_storyboard(json.dumps(board), catalog, article)
    assert problems == []
    html = export_html(prepared, catalog, article)
    assert "Checkpoint K (added by you)" in html
    pdf = PdfReader(io.BytesIO(export_pdf(prepared, catalog, article)))
    assert "Checkpoint K (added by you)" in " ".join(pdf.pages[1].extract_text().split())


def test_a_file_whose_points_lie_off_the_region_is_questioned_before_it_is_added(workspace):
    """Latitude and longitude swapped (a common slip in a CSV) puts a village in the Indian
    Ocean: the preview says so before anything is saved."""
    at = my_layers_page()
    at.file_uploader[0].upload("swapped.csv", b"name,lat,lon\nShurnukh,46.43,39.42\n",
                               "text/csv")
    at.run()
    assert any("swapped" in warning.value for warning in at.warning)
    assert open_workspace(workspace).layers() == []


def test_the_data_and_sources_pages_list_the_users_features_and_sources_apart(workspace):
    store = open_workspace(workspace)
    store.add_layer("Checkpoints", user_source("checkpoints.csv", said="a colleague, 2022"),
                    lambda lid: [({"id": "my-c", "name": "Checkpoint K", "aliases": [],
                                   "category": "place", "description": "Seen.", "article": [],
                                   "citations": [], "sources": [lid],
                                   "precision": "approximate", "derivation": "As uploaded."},
                                  Point(46.4, 39.5))])
    data = open_page("views/data.py")
    (table,) = data.dataframe
    rows = table.value.set_index("id")
    assert bool(rows.loc["my-c", "added_by_you"]) and not rows["added_by_you"].drop("my-c").any()
    sources = open_page("views/sources.py")
    mine = sources.dataframe[-1].value
    assert mine.to_dict("records") == [{"layer": "Checkpoints",
                                        "how": "uploaded by the user: checkpoints.csv",
                                        "said": "a colleague, 2022", "features": 1}]


def checkpoint_layer(store, name="Checkpoint K"):
    return store.add_layer(
        "Checkpoints", user_source("checkpoints.csv"),
        lambda lid: [({"id": "my-c", "name": name, "aliases": [], "category": "place",
                       "description": "Seen.", "article": [], "citations": [],
                       "sources": [lid], "precision": "approximate",
                       "derivation": "As uploaded."}, Point(46.4, 39.5))])


def test_a_layer_added_while_the_map_is_open_comes_on_there(workspace):
    at = run_map()
    layer_id, _ = checkpoint_layer(open_workspace(workspace))  # as the My layers page would
    at.run()
    assert at.sidebar.checkbox(key=f"layer:{layer_id}").value


def test_a_feature_deleted_while_its_card_is_open_closes_it_and_says_so(workspace):
    store = open_workspace(workspace)
    _, (ident,) = checkpoint_layer(store)
    at = run_map({"feature": ident})
    assert at.session_state["selected"] == ident
    store.delete_feature(ident, store.layers()[0].features[0].revision)
    at.run()
    assert not at.exception and at.session_state["selected"] is None
    assert any("no longer on the map" in warning.value for warning in at.sidebar.warning)


def test_a_scene_highlighting_a_deleted_feature_drops_it_and_says_so(workspace):
    store = open_workspace(workspace)
    layer_id, (ident,) = checkpoint_layer(store)
    at = open_page("views/briefing.py")
    at.multiselect(key="builder-highlight").set_value([ident]).run()
    at.text_input(key="builder-title").input("A checkpoint").run()
    at.button(key="builder-add").click().run()
    assert not at.exception
    store.delete_layer(layer_id)
    at.run()
    assert not at.exception
    assert any("no longer on the map" in warning.value for warning in at.main.warning)


def test_a_workspace_that_cannot_be_read_is_said_on_the_map_and_briefing_pages(workspace):
    workspace.write_bytes(b"this is not a GeoPackage" * 100)
    for at in (run_map(), open_page("views/briefing.py")):
        assert not at.exception
        assert any("could not be opened" in w.value for w in at.sidebar.warning)


def test_a_second_drawing_goes_into_the_layer_of_the_first(workspace):
    triangle = [[46.30, 39.50], [46.42, 39.50], [46.36, 39.59], [46.30, 39.50]]
    polygon = {"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [triangle]}}
    point = {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [46.4, 39.5]}}
    at = drawn_by_the_user(run_map({"draw": "1"}), [polygon])
    at.sidebar.text_input(key="draw-name").input("Ridge")
    at.sidebar.form_submit_button[0].click().run()
    at = drawn_by_the_user(at, [polygon, point])
    at.sidebar.text_input(key="draw-name").input("Checkpoint")
    at.sidebar.form_submit_button[0].click().run()
    assert not at.exception
    (layer,) = open_workspace(workspace).layers()
    assert [f.properties["name"] for f in layer.features] == ["Ridge", "Checkpoint"]


def test_an_uploaded_layer_is_not_offered_for_drawings(workspace):
    """A drawing kept in an upload's layer would cite that file as its source."""
    checkpoint_layer(open_workspace(workspace))
    point = {"type": "Feature", "properties": {},
             "geometry": {"type": "Point", "coordinates": [46.4, 39.5]}}
    at = drawn_by_the_user(run_map({"draw": "1"}), [point])
    assert at.sidebar.selectbox(key="draw-layer").options == ["a new layer, My drawings"]


def test_a_name_holding_a_feature_mark_does_not_select_another_feature():
    from layers.map.layer import clicked_feature_id, tooltip_html

    tooltip = tooltip_html("my-trap", "Trap [[id:goris]]", "place", "approximate", mine=True)
    assert clicked_feature_id(tooltip) == "my-trap"


def test_a_name_that_opens_an_html_comment_cannot_break_the_handouts_map(tmp_path):
    store = open_workspace(tmp_path / "mine.gpkg")
    layer_id, (ident,) = checkpoint_layer(store, name="K <!--<script> x")
    catalog = with_user_layers(load_catalog(), store.layers(), store.path)
    article = load_article()
    board = {"title": "Mine", "description": "",
             "scenes": [{"title": "A checkpoint", "frame": {"features": [ident, "goris"]},
                         "layers": ["borders", layer_id], "highlight": [ident],
                         "passages": [], "notes": ""}]}
    prepared, _ = parse_storyboard(json.dumps(board), catalog, article)
    html = export_html(prepared, catalog, article)
    data = html.split('type="application/json"')[1].split("</script>")[0]
    assert "<" not in data.split(">", 1)[1] and "\\u003c!--\\u003cscript" in data
