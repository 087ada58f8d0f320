"""How the map is assembled: stable base map, layers as groups drawn from their geometry files,
the selection outline, framing."""

import hashlib
import json
import os
import re
import time

import folium
import geopandas as gpd
from shapely.geometry import LineString, Point, box

from layers.data.catalog import Layer, Style, bounds_around
from layers.map.assets import _walk, localize
from layers.map.geo_files import (
    BASEMAP,
    CARDS,
    LEGEND,
    UNUSED_FOR_S,
    GeoFiles,
    card_files,
    is_card_file,
    layer_document,
    serialise,
    served_files,
    write_files,
)
from layers.map.geo_layer import draw_source
from layers.map.layer import feature_group
from layers.map.legend import legend_parts
from layers.map.mapview import (
    base_map,
    fresh_camera,
    initial_camera,
    layer_groups,
    legend_group,
    selection_group,
    view_of,
    zoom_for_bounds,
)

XSS_NAME = '<script>alert("x")</script>`${alert(1)}`'
XSS_DESCRIPTION = '<img src=x onerror="alert(2)">'


def make_layer(layer_id="demo", name="Jermuk", title="Demo"):
    features = gpd.GeoDataFrame(
        {
            "id": ["a-point", "a-line", "an-area"],
            "name": [name, "Route", "Area"],
            "category": ["town", "route", "area"],
            "precision": ["exact", "schematic", "approximate"],
            "description": [XSS_DESCRIPTION] * 3,
        },
        geometry=[Point(45.67, 39.84), LineString([(44, 40), (45, 41)]), box(44, 39, 45, 40)],
        crs="EPSG:4326",
    )
    return Layer(layer_id, title, "Group", True, Style(color="#D55E00"), "Demo legend", features)


def files_for(layers, tmp_path) -> GeoFiles:
    return write_files({layer.id: layer_document(layer) for layer in layers}, tmp_path)


def rendered(groups):
    fmap = folium.Map(tiles=None)
    for group in groups:
        group.add_to(fmap)
    return fmap.get_root().render()


def test_a_wider_area_gets_a_smaller_zoom():
    caucasus = zoom_for_bounds((40.0, 38.4, 50.4, 43.6))
    armenia_south = zoom_for_bounds((45.5, 38.8, 46.6, 39.9))
    assert 4 <= caucasus < armenia_south <= 10


def test_a_point_is_framed_at_town_zoom():
    center, zoom = view_of(Point(45.67, 39.84))
    assert center == (39.84, 45.67) and zoom == 10


def test_bounds_around_covers_every_geometry():
    assert bounds_around([box(0, 0, 1, 1), box(2, -1, 3, 0.5)]) == (0, -1, 3, 1)


def test_only_visible_layers_become_groups_in_registry_order(tmp_path):
    """Later layers draw on top, so the registry (not the order layers were ticked in) decides
    what covers what: the same groups whichever order `visible` lists them in."""
    first = make_layer("first", name="Goris", title="First")
    second = make_layer("second", name="Kapan", title="Second")
    third = make_layer("third", name="Sisian", title="Third")
    registry = [first, second, third]
    geo = files_for(registry, tmp_path)
    groups = layer_groups(registry, visible=["third", "first"], geo=geo)
    assert [group.layer_name for group in groups] == ["First", "Third"]
    assert [g.layer_name for g in layer_groups(registry, visible=["first", "third"], geo=geo)] == [
        "First", "Third"]
    assert layer_groups(registry, visible=[], geo=geo) == []
    html = rendered(groups)
    assert html.index(geo.url("first")) < html.index(geo.url("third"))  # drawn in that order
    assert geo.url("second") not in html


def test_a_layer_file_holds_each_feature_s_drawing_an_escaped_tooltip_and_its_labels(tmp_path):
    """Points as circle markers, lines with a wide invisible stroke to click, areas with a hover
    highlight; the tooltip escaped HTML; the labels plain text (labels.js writes them as text
    nodes); the description never reaches the browser at all."""
    layer = make_layer(name=XSS_NAME)
    geo = files_for([layer], tmp_path)
    content = (tmp_path / geo.names["demo"]).read_text(encoding="utf-8")
    document = json.loads(content)
    assert [f["properties"]["draw"] for f in document["features"]] == ["point", "line", "area"]
    point, line, area = (f["properties"] for f in document["features"])
    assert point["pane"] == "points" and point["radius"] > 0
    assert line["hit"]["opacity"] == 0.0 and line["hit"]["weight"] > line["options"]["weight"]
    assert area["pane"].startswith("areas-")
    assert "[[id:a-point]]" in point["tooltip"] and "&lt;script&gt;" in point["tooltip"]
    assert "<script>alert" not in json.dumps(document["features"]) and "onerror" not in content
    assert [label["feature"] for label in document["labels"]] == ["a-point", "a-line"]
    html = rendered([feature_group(layer, geo.url("demo"))])
    assert "<script>alert" not in html and "${alert(1)}" not in html


def test_a_file_is_named_by_its_content_and_older_versions_are_removed(tmp_path):
    layer = make_layer()
    first = files_for([layer], tmp_path)
    assert first.names["demo"].split(".")[1] == hashlib.sha256(
        serialise(layer_document(layer))).hexdigest()[:16]
    changed = make_layer(name="Vardenis")
    second = files_for([changed], tmp_path)
    assert second.names["demo"] != first.names["demo"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [second.names["demo"]]
    assert files_for([changed], tmp_path) == second  # the same content, the same name


def test_the_map_loads_its_own_scripts_as_files_not_in_its_arguments(tmp_path):
    """The label engine, the feature drawer (`geo_draw.js`, the file the static edition serves)
    and the loader are written beside the geometry and loaded by address, after Leaflet and the
    label libraries; the map's script only starts them, so a rerun never carries them."""
    empty = {"type": "FeatureCollection", "features": [], "labels": []}
    geo = write_files({BASEMAP: empty, "demo": layer_document(make_layer()), **served_files()},
                      tmp_path)
    assert (tmp_path / geo.names["geo-draw.js"]).read_text(encoding="utf-8") == draw_source()
    fmap = base_map((40.0, 45.0), 7, geo)
    localize(fmap)
    js = [url for node in _walk(fmap) for _, url in getattr(node, "default_js", [])]
    ours = [js.index(url) for url in geo.scripts()]
    assert ours == sorted(ours) and js[0].endswith("leaflet.js")  # in order, after Leaflet
    assert max(i for i, url in enumerate(js) if url.endswith("labelgun.js")) < ours[0]
    assert geo.stylesheets() == [geo.url("map.css")]
    html = fmap.get_root().render()
    assert "CbmGeo.create(" in html and "CbmGeoDraw.build" not in html
    assert "Engine.prototype" not in html and ".map-legend" not in html  # in the files only


def test_selection_outline_is_a_group_of_its_own(tmp_path):
    layer = make_layer()
    geo = files_for([layer], tmp_path)
    html = rendered([selection_group("a-point", "demo", Point(45.67, 39.84), geo)])
    assert "cbmGeo.halo(" in html and '"a-point"' in html and '"selection"' in html
    line = rendered([selection_group("a-line", "demo", LineString([(44, 40), (45, 41)]), geo)])
    assert '"selection-under"' in line  # a selected route keeps its colour over its halo


DEFAULT_CAMERA = ((41.0, 45.3), 6)


def test_a_permalink_camera_uses_what_the_link_gives():
    point = Point(45.67, 39.84)
    assert initial_camera((40.0, 45.0), 8, point, DEFAULT_CAMERA) == ((40.0, 45.0), 8)
    assert initial_camera((40.0, 45.0), None, None, DEFAULT_CAMERA) == ((40.0, 45.0), 6)
    assert initial_camera(None, 7, point, DEFAULT_CAMERA) == ((39.84, 45.67), 7)
    assert initial_camera(None, None, point, DEFAULT_CAMERA) == ((39.84, 45.67), 10)
    assert initial_camera(None, 9, None, DEFAULT_CAMERA) == ((41.0, 45.3), 9)
    assert initial_camera(None, None, None, DEFAULT_CAMERA) is None


def test_selecting_the_same_place_again_still_moves_the_map():
    camera = ((39.84, 45.67), 10)
    again = fresh_camera(camera, previous=camera)
    assert again != camera and again[1] == 10
    assert abs(again[0][0] - 39.84) < 1e-6
    assert fresh_camera(camera, previous=again) == camera


def test_a_layer_mostly_off_the_view_is_offered_a_fit():
    from layers.map.mapview import mostly_outside, view_box

    caucasus = view_box(((40.3, 47.0), 7), 900, 620)
    assert caucasus[0] < 45 < 49 < caucasus[2]  # the view spans the South Caucasus
    assert not mostly_outside((45.5, 39.5, 46.5, 40.5), caucasus)  # Syunik: in view
    assert mostly_outside((26.0, 36.0, 75.0, 45.0), caucasus)  # the Middle Corridor: mostly not


def with_legend(layers, tmp_path) -> GeoFiles:
    return write_files({**{layer.id: layer_document(layer) for layer in layers},
                        LEGEND: legend_parts()}, tmp_path)


def test_the_map_page_legend_lists_every_layer_its_checkboxes_switch(tmp_path):
    """The legend group of a rerun carries each switchable layer's checkbox class, file and
    state, so the browser can switch one at a click; titles and names never go in (the file
    holds them, escaped)."""
    shown, hidden = make_layer("shown", name=XSS_NAME), make_layer("hidden", title=XSS_NAME)
    geo = with_legend([shown, hidden], tmp_path)
    html = rendered([legend_group(["shown"], False, geo, switchable=[shown, hidden])])
    call = html[html.index("cbmGeo.switches("):]
    call = call[:call.index(");") + 2]
    _legend, base, _selection, rows, cards = json.loads(
        f"[{call[len('cbmGeo.switches('):-2]}]")
    assert rows == [["shown", geo.url("shown").removeprefix(base), True],
                    ["hidden", geo.url("hidden").removeprefix(base), False]]
    assert cards is None  # no card files written: a click waits for the rerun's card
    assert "<script>" not in call and "alert" not in call


def test_a_card_file_is_told_from_a_layer_whose_id_starts_like_one():
    """The per-rerun check and the stale-file clean-up pass over the cards' files: a layer with
    the id "card-routes" is not one of them (ids are slugs, cards' keys end in .html)."""
    (key,) = [k for k in card_files({"goris": "<div>Goris</div>"}) if k != CARDS]
    assert is_card_file(key)
    assert not is_card_file("card-routes") and not is_card_file(CARDS)


def test_each_card_is_a_file_named_by_its_content_and_listed_by_feature_id(tmp_path):
    """The cards a click shows before its rerun (`card_files`): one file per feature, its HTML
    as given, and an index the map fetches once; an id that is not a plain slug never becomes a
    file name. Another server's cards (another workspace's) stay until unused for a day."""
    odd = "user-x/../<b>"
    layer = make_layer()
    geo = write_files({**card_files({"goris": "<div>Goris</div>", odd: "<div>odd</div>"}),
                       LEGEND: legend_parts(), layer.id: layer_document(layer)}, tmp_path)
    index = json.loads((tmp_path / geo.names[CARDS]).read_text(encoding="utf-8"))
    assert index["goris"] == geo.names["card-goris.html"]
    assert re.fullmatch(r"card-goris\.[0-9a-f]{16}\.html", index["goris"])
    assert (tmp_path / index["goris"]).read_text(encoding="utf-8") == "<div>Goris</div>"
    assert re.fullmatch(r"card-feature-[0-9a-f]{16}\.[0-9a-f]{16}\.html", index[odd])
    assert (tmp_path / index[odd]).read_text(encoding="utf-8") == "<div>odd</div>"
    html = rendered([legend_group([], False, geo, switchable=[layer])])
    assert json.dumps(geo.url(CARDS)) in html[html.index("cbmGeo.switches("):]
    again = write_files({**card_files({"goris": "<div>Goris, edited</div>"}),
                         LEGEND: legend_parts(), layer.id: layer_document(layer)}, tmp_path)
    assert (tmp_path / index["goris"]).exists() and (tmp_path / geo.names[CARDS]).exists()
    day_ago = time.time() - UNUSED_FOR_S - 60
    for name in (index["goris"], geo.names[CARDS], again.names["card-goris.html"]):
        os.utime(tmp_path / name, (day_ago, day_ago))
    write_files({**card_files({"goris": "<div>Goris, edited</div>"}), LEGEND: legend_parts(),
                 layer.id: layer_document(layer)}, tmp_path)
    assert not (tmp_path / index["goris"]).exists() and not (tmp_path / geo.names[CARDS]).exists()
    assert (tmp_path / again.names["card-goris.html"]).exists()  # in use: touched when written


def test_other_pages_legends_switch_nothing(tmp_path):
    geo = with_legend([make_layer()], tmp_path)
    assert "cbmGeo.switches(" not in rendered([legend_group(["demo"], False, geo)])
