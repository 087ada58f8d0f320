"""The Map page, run by Streamlit's AppTest against the real geodata.

What reaches the browser is read from the streamlit-folium component's arguments: the base map
script, and `feature_group` — the JavaScript for the groups that change between runs (one per
visible layer, plus the selection outline). Geometry is not in them: a layer's group names the
static file that holds its features (`layers/map/geo_files.py`), written here to a temporary
directory and read back to see which features a run draws.
"""

import hashlib
import json
import re
import shutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit_folium import generate_js_hash

import layers
import views.common
from layers.data.catalog import load_catalog
from layers.html.markup import markdown_literal
from layers.html.styles import (
    CARD_PREVIEW_SCRIPT,
    LAYER_SWITCH_SCRIPT,
    LAYER_SWITCH_STYLE,
    MAP_FRAME_KEY,
    MAP_REDRAW_KEY,
    SIDEBAR_CARD_KEY,
    STYLESHEET,
    TIME_BOX_KEY,
    UNDER_MAP_CARD_KEY,
)
from layers.map.state import LAYER_CLASS_PREFIX, key_class, layer_key
from views.search import QUERY_KEY

GROUP = re.compile(r"var feature_group_feature_group_\d+ = L\.featureGroup")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


SWITCHES = re.compile(r"cbmGeo\.switches\((.*?)\);", re.S)
HALO = re.compile(r'cbmGeo\.halo\([\w.]+, "/app/static/geo/[\w.-]+\.json",\s*"([a-z0-9-]+)"')


@pytest.fixture(autouse=True)
def fresh_caches(tmp_path, monkeypatch):
    """Empty caches, and geometry files written to a temporary directory (not static/geo/,
    which a running server may be serving)."""
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def run_map(query: dict[str, str] | None = None, **state) -> AppTest:
    at = AppTest.from_file(str(layers.ROOT / "app.py"), default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def component_args(at: AppTest) -> dict:
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def shown_files(feature_group: str) -> list[str]:
    """The geometry files a Map page rerun shows: the rows that are on in its list of layers
    (`layers.map.mapview.LayerSwitches`, `[name, file, on]`), which draws them."""
    (call,) = SWITCHES.findall(feature_group)
    _legend, _base, _selection, rows, _cards = json.loads(f"[{call}]")
    return [file for _name, file, on in rows if on]


def drawn_files(at: AppTest) -> list[str]:
    """The geometry files the changing groups draw."""
    return shown_files(component_args(at)["feature_group"])


def sent_ids(at: AppTest) -> set[str]:
    """Feature ids drawn by the changing groups, read from the files they name."""
    ids = set()
    for name in drawn_files(at):
        document = json.loads((views.common.GEO_DIR / name).read_text(encoding="utf-8"))
        ids.update(f["properties"]["id"] for f in document["features"])
    return ids


def layer_ids(layer_id: str) -> set[str]:
    catalog = load_catalog()
    return {f.properties["id"] for f in catalog.features if f.layer.id == layer_id}


def card_html(at: AppTest) -> str:
    return "".join(m.value for m in at.sidebar.markdown if "feature-card" in m.value)


def test_the_page_runs_and_sends_the_default_layers():
    at = run_map()
    assert not at.exception
    catalog = load_catalog()
    defaults = [layer for layer in catalog.layers if layer.visible]
    groups = component_args(at)["feature_group"]
    # one group, the legend's: it lists every layer, and the map draws those that are on
    assert len(GROUP.findall(groups)) == 1 and "cbmGeo.attach(" not in groups
    assert len(drawn_files(at)) == len(defaults)
    assert "cbmShowLegend(" in groups and "legend-row" not in groups  # its rows are in files
    expected = {f.properties["id"] for f in catalog.features if f.layer.visible}
    assert sent_ids(at) == expected
    assert not at.sidebar.warning


def test_toggling_a_layer_changes_the_groups_sent_not_the_base_map():
    at = run_map()
    before = component_args(at)
    at.sidebar.checkbox(key="layer:energy").check().run()
    after = component_args(at)
    assert layer_ids("energy") <= sent_ids(at)
    assert after["script"] == before["script"]  # the iframe's key is a hash of this script
    assert "energy" in at.query_params["layers"].split(",")
    at.sidebar.checkbox(key="layer:energy").uncheck().run()
    assert not layer_ids("energy") & sent_ids(at)
    assert "layers" not in at.query_params  # back to the defaults: the link stays short


def test_geometry_travels_as_file_addresses_never_in_the_arguments():
    """Every rerun sends the component its arguments whole, so they hold no coordinates: the
    basemap and each layer are static files, fetched once per page, named by their content."""
    at = run_map({"feature": "goris"})
    at.sidebar.checkbox(key="layer:context").check().run()  # the largest layer
    args = component_args(at)
    assert '"coordinates"' not in args["script"] and '"coordinates"' not in args["feature_group"]
    assert "basemap." in args["script"]
    assert len(drawn_files(at)) == 1 + sum(layer.visible for layer in load_catalog().layers)
    for name in [*drawn_files(at), *re.findall(r"(basemap\.[0-9a-f]+\.json)", args["script"])]:
        content = (views.common.GEO_DIR / name).read_bytes()
        assert name.split(".")[1] == hashlib.sha256(content).hexdigest()[:16]


def type_in_search(at: AppTest, text: str) -> AppTest:
    """What typing into the sidebar's search box sends: st_keyup keeps its value under its own
    component key (no Enter is involved)."""
    at.session_state[f"_st_keyup_{QUERY_KEY}"] = {"value": text}
    return at.run()


def hit_buttons(at: AppTest) -> list:
    return [button for button in at.sidebar.button if button.key.startswith("hit:")]


def test_search_finds_a_place_by_another_spelling_and_opens_its_card():
    at = type_in_search(run_map(), "Nakhichevan")
    labels = [button.label for button in hit_buttons(at)]
    assert labels[0].startswith("Nakhchivan")
    at.sidebar.button[0].click().run()
    card = card_html(at)
    assert 'data-feature="nakhchivan"' in card
    # the article's own spelling, inside the highlighted phrase, with its paragraph
    assert "between Nakhichevan and Azerbaijan proper</mark>" in card and "¶ 23" in card
    assert at.query_params["feature"] == "nakhchivan"
    args = component_args(at)
    assert args["zoom"] is not None and args["center"] is not None  # the map flies there


def test_a_typo_finds_the_place_and_a_hidden_layer_is_said_then_switched_on():
    at = type_in_search(run_map(), "Meghry")  # Meghri, on the Railways layer, off at first
    assert not at.sidebar.checkbox(key="layer:railways").value
    (first, *_) = hit_buttons(at)
    assert first.key == "hit:meghri" and first.label == "Meghri · Railways · layer off"
    first.click().run()
    assert at.sidebar.checkbox(key="layer:railways").value
    assert markdown_literal("Switched on the Railways layer to show Meghri.") in [
        caption.value for caption in at.sidebar.caption]  # names are shown as text
    assert 'data-feature="meghri"' in card_html(at)
    assert layer_ids("railways") <= sent_ids(at)
    assert "railways" in at.query_params["layers"].split(",")
    assert hit_buttons(at)[0].label == "Meghri · Railways"  # no longer off


def test_a_search_term_lists_its_features_and_nonsense_says_nothing_matches():
    at = type_in_search(run_map(), "Karabakh")
    assert [button.key for button in hit_buttons(at)] == [
        "hit:nkao", "hit:russian-peacekeeping-area", "hit:stepanakert", "hit:lachin-corridor"]
    at = type_in_search(at, "qwxz")
    assert not hit_buttons(at)
    assert "No place matches that name or spelling." in [c.value for c in at.sidebar.caption]


def test_a_map_click_selects_the_clicked_feature_with_passages_and_citations():
    tooltip = "Shusha / Shushi town · exact [[id:shusha]]"
    at = run_map(map={"last_object_clicked": {"lat": 39.76, "lng": 46.75},
                      "last_object_clicked_tooltip": tooltip})
    card = card_html(at)
    assert 'data-feature="shusha"' in card
    assert "Shusha Declaration" in card and "<blockquote class=\"passage\">" in card
    assert "[11]" in card and 'href="https://coe.mfa.gov.az/' in card
    groups = component_args(at)["feature_group"]
    assert HALO.findall(groups) == ["shusha"] and '"selection"' in groups  # the outline, on top


def test_a_click_on_something_without_an_id_changes_nothing():
    at = run_map(map={"last_object_clicked": {"lat": 40, "lng": 45},
                      "last_object_clicked_tooltip": "no id here"})
    assert not card_html(at)


def test_a_permalink_restores_selection_layers_and_view():
    at = run_map({"feature": "jermuk", "layers": "borders,september-2022",
                  "center": "39.8,45.6", "zoom": "9"})
    assert 'data-feature="jermuk"' in card_html(at)
    assert at.sidebar.checkbox(key="layer:borders").value
    assert not at.sidebar.checkbox(key="layer:nagorno-karabakh").value
    args = component_args(at)
    assert args["center"] == [39.8, 45.6] and args["zoom"] == 9
    assert sent_ids(at) == layer_ids("borders") | layer_ids("september-2022")
    assert not at.sidebar.warning


def test_bad_query_parameters_show_a_notice_and_the_page_still_works():
    at = run_map({"feature": SCRIPT, "zoom": "99", "center": "north", "layers": "nope,borders"})
    assert not at.exception
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "No feature has the id" in notices and "zoom" in notices and "centre" in notices
    assert "Unknown layer ids ignored" in notices
    assert "<script>" not in notices  # shown as escaped Markdown text, never as markup
    assert not card_html(at)
    assert sent_ids(at) == layer_ids("borders")


def test_hostile_feature_text_is_rendered_as_text(tmp_path, monkeypatch):
    directory = tmp_path / "geodata"
    shutil.copytree(layers.GEODATA_DIR, directory)
    path = directory / "september-2022.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["id"] == "jermuk":
            feature["properties"].update(name=SCRIPT, description=IMAGE)
    path.write_text(json.dumps(collection), encoding="utf-8")
    monkeypatch.setattr(views.common, "load_catalog", lambda: load_catalog(directory))
    at = run_map({"feature": "jermuk"})
    card = card_html(at)
    groups = component_args(at)["feature_group"]
    drawn = "".join((views.common.GEO_DIR / name).read_text(encoding="utf-8")
                    for name in drawn_files(at))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawn  # the tooltip, escaped
    for payload in (SCRIPT, IMAGE):
        assert payload not in card and payload not in groups and payload not in drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in card
    assert "&lt;img src=x onerror=alert(1)&gt;" in card



def test_the_offline_background_is_the_default_and_tiles_are_opt_in():
    at = run_map()
    assert "L.tileLayer" not in component_args(at)["feature_group"]
    assert "tileLayer" not in component_args(at)["script"]  # the first view needs no network
    at.sidebar.radio(key="background").set_value("OpenStreetMap.Mapnik").run()
    groups = component_args(at)["feature_group"]
    assert "L.tileLayer" in groups and "tile.openstreetmap.org" in groups
    assert "OpenStreetMap" in groups  # the attribution travels with the tiles


def test_the_card_travels_once_and_the_page_copies_it_under_the_map():
    """Phones and paper show the card under the map; that copy is made in the browser from the
    sidebar's (`layers.html.styles.mirror_card_html`), so the card's HTML is sent once."""
    at = run_map({"feature": "goris"})
    cards = [m for m in at.markdown if 'data-feature="goris"' in m.value]
    assert len(cards) == 1 and cards[0] in at.sidebar.markdown
    mirrors = [h for h in at.get("html") if "card-mirror" in h.proto.body]
    assert len(mirrors) == 1 and "cloneNode" in mirrors[0].proto.body


def drawn_by_the_user(at: AppTest, drawings: object) -> AppTest:
    """What the component sends after a drawing: its value, kept under the key streamlit-folium
    gives it (a hash of the base map's script and the page's key)."""
    key = generate_js_hash(component_args(at)["script"], "map", False)
    at.session_state[key] = {"last_object_clicked": None, "last_object_clicked_tooltip": None,
                             "all_drawings": drawings}
    return at.run()


def test_the_draw_toolbar_and_its_drawings_come_only_in_draw_mode():
    plain = component_args(run_map())
    assert "L.Control.Draw" not in plain["script"]
    assert not any("leaflet-draw" in url for url in plain["js_links"])
    assert "all_drawings" not in plain["returned_objects"]  # an ordinary rerun carries no more
    at = run_map({"draw": "1"})
    drawing = component_args(at)
    assert "L.Control.Draw" in drawing["script"]
    assert "/app/static/vendor/leaflet-draw/1.0.2/leaflet.draw.js" in drawing["js_links"]
    assert drawing["returned_objects"] == ["last_object_clicked", "last_object_clicked_tooltip",
                                           "all_drawings"]
    assert not at.sidebar.info and not at.sidebar.warning  # nothing drawn yet
    assert at.query_params["draw"] == "1"  # the mode stays in a shared link


def test_a_drawing_is_described_in_the_sidebar_and_garbage_is_said_to_be():
    triangle = [[46.30, 39.50], [46.42, 39.50], [46.36, 39.59], [46.30, 39.50]]
    polygon = {"type": "Feature", "properties": {},
               "geometry": {"type": "Polygon", "coordinates": [triangle]}}
    at = drawn_by_the_user(run_map({"draw": "1"}), [polygon])
    (info,) = at.sidebar.info
    assert re.fullmatch(r"Drawn: polygon, 3 vertices, area [\d.,]+ km²", info.value)
    at = drawn_by_the_user(at, [{"type": "Feature", "geometry": {"type": "Point",
                                                                 "coordinates": [500, 0]}}])
    assert not at.sidebar.info
    assert "off the globe" in " ".join(warning.value for warning in at.sidebar.warning)
    assert not at.exception


def test_a_picture_of_the_view_is_made_on_the_server_on_a_click():
    """The view as it is (layers, selection, centre, zoom) drawn into a 1600×900 PNG from the
    same data as the PDF: made when asked for, then offered for download."""
    at = run_map({"feature": "goris", "center": "39.51,46.34", "zoom": "9"})
    assert not [b for b in at.get("download_button") if "picture" in b.proto.label]
    at.sidebar.button(key="make-picture").click().run()
    assert not at.exception
    picture = at.session_state["view-picture"]
    assert picture.startswith(b"\x89PNG")
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    assert (width, height) == (1600, 900)
    assert [b.proto.label for b in at.get("download_button")] == ["Download the picture (PNG)"]


def test_a_click_shows_the_card_the_rerun_brings_from_a_file_the_server_wrote():
    """At a click the browser shows the feature's card from the cards' files before the server
    answers (`card_preview.js`): the file is the very card the rerun then brings, so nothing
    changes when one takes the other's place."""
    (call,) = SWITCHES.findall(component_args(run_map())["feature_group"])
    _legend, _base, _selection, _rows, cards = json.loads(f"[{call}]")
    index = json.loads((views.common.GEO_DIR / cards.rsplit("/", 1)[1]).read_text("utf-8"))
    assert set(index) == {f.properties["id"] for f in load_catalog().features}
    sent = card_html(run_map({"feature": "goris"}))
    assert (views.common.GEO_DIR / index["goris"]).read_text(encoding="utf-8") == sent


def test_a_map_file_deleted_under_a_running_server_is_written_again_on_the_next_rerun():
    """Someone cleans static/geo/ while the server runs: the next rerun writes the map's files
    again (the map would otherwise fetch a missing layer). A card's file is not looked for on
    every rerun (a workspace may hold 2,000): its click shows the card once the rerun brings
    it, as when no file was written, until the map's files are next written."""
    at = run_map()
    (layer_file, *_) = drawn_files(at)
    (call,) = SWITCHES.findall(component_args(at)["feature_group"])
    index_file = json.loads(f"[{call}]")[4].rsplit("/", 1)[1]
    goris_card = json.loads((views.common.GEO_DIR / index_file).read_text("utf-8"))["goris"]
    (views.common.GEO_DIR / goris_card).unlink()
    at.run()
    assert not (views.common.GEO_DIR / goris_card).exists()
    for gone in (layer_file, index_file):
        (views.common.GEO_DIR / gone).unlink()
        at.run()
        assert (views.common.GEO_DIR / gone).exists()
        assert (views.common.GEO_DIR / goris_card).exists()  # written with the rest
        (views.common.GEO_DIR / goris_card).unlink()


def test_the_card_preview_script_finds_the_card_boxes_by_their_keys():
    """card_preview.js puts its copy where the page's card stands, before the box that follows
    it, or under the map: found by the classes Streamlit gives those containers' keys, the
    keys the page gives them and the stylesheet shows and hides them by."""
    script = CARD_PREVIEW_SCRIPT.read_text(encoding="utf-8")
    css = STYLESHEET.read_text(encoding="utf-8")
    for key in (SIDEBAR_CARD_KEY, UNDER_MAP_CARD_KEY, TIME_BOX_KEY, MAP_FRAME_KEY):
        assert re.search(rf"[ '\"]\.{key_class(key)}['\"]", script), key
    for key in (SIDEBAR_CARD_KEY, UNDER_MAP_CARD_KEY, MAP_FRAME_KEY):
        assert f".{key_class(key)} " in css, key


def test_the_layer_switch_script_finds_checkboxes_and_its_button_by_their_keys():
    """layer_switch.js finds a layer's checkbox and the redraw button by the classes Streamlit
    gives their keys: the script's names and the Python ones are one."""
    script = LAYER_SWITCH_SCRIPT.read_text(encoding="utf-8")
    assert f'var PREFIX = "{key_class(layer_key(""))}";' in script
    assert key_class(layer_key("")) == LAYER_CLASS_PREFIX
    assert f'var REDRAW = ".{key_class(MAP_REDRAW_KEY)} button";' in script
    assert f".{key_class(MAP_REDRAW_KEY)} {{ display: none; }}" in LAYER_SWITCH_STYLE.read_text(
        encoding="utf-8")
    assert any(button.key == MAP_REDRAW_KEY for button in run_map().button)
