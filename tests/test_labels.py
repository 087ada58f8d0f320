"""Map labels (layers/map/labels.py): what they say, where they hang, from what zoom, in what
order of importance, and that the page receives their text only as escaped JSON."""

from __future__ import annotations

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

from layers.data.catalog import Layer, Style, geometry_kind
from layers.map import labels as L
from layers.map.geo_files import layer_document
from layers.map.label_layer import LabelEngine, LabelGroup, js_json
from layers.map.layer import feature_group

XSS_NAME = '<script>alert("x")</script>`${alert(1)}`'


@pytest.fixture(scope="module")
def basemap() -> L.Basemap:
    return L.read_basemap()


@pytest.fixture(scope="module")
def base(real_catalog, basemap) -> dict[str, L.Label]:
    return {label.id: label for label in L.base_labels(real_catalog, basemap)}


def demo_layer(rows, layer_id="demo") -> Layer:
    """A layer from (id, name, category, geometry[, extra props]) rows."""
    columns: dict[str, list] = {"id": [], "name": [], "category": [], "precision": [],
                                "claims": [], "gazetteer": []}
    geometries = []
    for ident, name, category, geometry, *extra in rows:
        props = extra[0] if extra else {}
        columns["id"].append(ident)
        columns["name"].append(name)
        columns["category"].append(category)
        columns["precision"].append("exact")
        columns["claims"].append(props.get("claims"))
        columns["gazetteer"].append(props.get("gazetteer"))
        geometries.append(geometry)
    features = gpd.GeoDataFrame(columns, geometry=geometries, crs="EPSG:4326")
    return Layer(layer_id, "Demo", "Group", True, Style(color="#D55E00", radius=5.0), "Demo",
                 features, category_styles={"ring": Style(color="#0072B2", radius=11.0)})


# --- texts ---------------------------------------------------------------------------------


def test_a_two_name_place_offers_both_names_then_the_first():
    assert L.place_texts("Stepanakert / Khankendi") == ("Stepanakert / Khankendi", "Stepanakert")
    assert L.place_texts("Goris") == ("Goris",)


def test_remarks_in_parentheses_stay_on_the_card():
    assert L.place_texts("Sisian (Garakilsa in the statement)") == ("Sisian",)
    assert L.place_texts("Astara (Iran)") == ("Astara",)


def test_a_line_offers_its_plain_name_then_its_acronym():
    assert L.line_texts("Trans-Anatolian Natural Gas Pipeline (TANAP)") == (
        "Trans-Anatolian Natural Gas Pipeline", "TANAP")
    assert L.line_texts("Middle Corridor (Trans-Caspian International Transport Route)") == (
        "Middle Corridor",)


# --- tiers and weights ---------------------------------------------------------------------


def test_tiers_come_from_what_the_data_says_of_a_place():
    cities = {"source": L.CITIES1000}
    assert L.place_kind({"category": "capital"}) == L.CAPITAL
    assert L.place_kind({"category": "city"}) == L.TOWN
    assert L.place_kind({"category": "claim-armenia", "gazetteer": cities}) == L.TOWN
    assert L.place_kind({"category": "claim-armenia", "gazetteer": {"source": "page:sotk"}}) \
        == L.VILLAGE
    assert L.place_kind({"category": "border-crossing", "gazetteer": cities}) == L.VILLAGE


def test_density_follows_zoom():
    """Countries and seas at the opening view, capitals and towns one step in, villages one
    more; lines whenever their name fits."""
    zoom = L.MIN_ZOOM
    assert zoom[L.COUNTRY] == zoom[L.SEA] == zoom[L.LINE] == 0
    assert zoom[L.LAKE] <= L.OPENING_ZOOM
    assert zoom[L.CAPITAL] == zoom[L.TOWN] == L.OPENING_ZOOM + 1
    assert zoom[L.VILLAGE] == L.OPENING_ZOOM + 2


def test_weights_rank_countries_over_towns_over_villages():
    w = L.WEIGHT
    assert w[L.COUNTRY] > w[L.SEA] > w[L.CAPITAL] > w[L.LAKE] > w[L.TOWN] > w[L.LINE] \
        > w[L.VILLAGE]
    assert min(w[L.TOWN] - w[L.LINE], w[L.LINE] - w[L.VILLAGE]) > L.MAX_CLAIM_BONUS
    assert L.claim_bonus({"claims": [{}] * 3}) == 3 * L.CLAIM_BONUS
    assert L.claim_bonus({"claims": [{}] * 40}) == L.MAX_CLAIM_BONUS


def test_real_labels_show_more_as_the_map_zooms_in(real_catalog, basemap):
    every = L.catalog_labels(real_catalog, basemap)
    counts = [sum(label.shown_at(zoom) for label in every) for zoom in (6, 7, 8, 9)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


# --- geometry ------------------------------------------------------------------------------


def test_the_pole_of_a_square_is_its_middle():
    found = L.pole(box(0, 0, 2, 2))
    assert found.distance(Point(1, 1)) < 0.02


def test_the_pole_lies_inside_a_bent_shape_and_in_its_largest_part():
    bent = Polygon([(0, 0), (6, 0), (6, 1), (1, 1), (1, 6), (0, 6)])
    assert bent.contains(L.pole(bent))
    two = box(0, 0, 1, 1).union(box(10, 10, 14, 14))
    assert box(10, 10, 14, 14).contains(L.pole(two))


def test_a_pole_inside_a_frame_and_none_outside_it():
    wide = box(0, 0, 10, 2)
    assert box(8, 0, 10, 2).contains(L.pole(wide, (8, -1, 11, 3)))
    assert L.pole(wide, (20, 20, 30, 30)) is None


def test_a_line_label_runs_west_to_east_along_the_longest_part():
    path = L.label_path(LineString([(45, 40), (44, 40.5), (43, 40)]))
    assert path.coords[0][0] < path.coords[-1][0]
    parts = L.label_path(LineString([(0, 0), (1, 0)]).union(LineString([(5, 5), (9, 5)])))
    assert parts.length == pytest.approx(4)


# --- the shipped labels --------------------------------------------------------------------


def test_countries_are_named_inside_themselves(real_catalog, base):
    for ident in ("armenia", "azerbaijan", "georgia", "turkey", "iran", "russia"):
        label = base[f"country:{ident}"]
        country = real_catalog.feature(ident).geometry
        assert label.layer is None, "country names are always on"
        for lat, lon in label.all_anchors():
            assert country.contains(Point(lon, lat)), (ident, lat, lon)


def test_russia_is_named_near_the_caucasus_when_siberia_is_out_of_view(real_catalog, base):
    frame = L.label_frame(real_catalog)
    assert any(L.inside(Point(lon, lat), frame)
               for lat, lon in base["country:russia"].all_anchors())


def test_the_seas_and_lake_sevan_sit_on_water(real_catalog, basemap, base):
    water = basemap.water  # the frame less the land
    black, caspian, sevan = base["sea:black-sea"], base["sea:caspian-sea"], base["lake:sevan"]
    assert black.texts == ("Black Sea",) and caspian.texts == ("Caspian Sea",)
    for lat, lon in black.all_anchors():
        assert water.contains(Point(lon, lat))
    sea = real_catalog.feature(L.CASPIAN_FEATURE).geometry
    assert all(sea.contains(Point(lon, lat)) for lat, lon in caspian.all_anchors())
    lake = Point(sevan.lon, sevan.lat)
    assert real_catalog.feature("armenia").geometry.contains(lake)
    assert any(part.contains(lake) for part in basemap.lakes)


def test_no_label_hangs_outside_the_basemap(real_catalog, basemap):
    minx, miny, maxx, maxy = basemap.frame
    for label in L.base_labels(real_catalog, basemap):
        for lat, lon in label.all_anchors():
            assert minx <= lon <= maxx and miny <= lat <= maxy, label.id


def test_every_point_and_line_of_every_layer_is_labelled(real_catalog):
    for layer in real_catalog.layers:
        labelled = {label.feature: label for label in L.layer_labels(layer)}
        spots = {(label.lat, label.lon) for label in labelled.values()}
        for row in layer.features.itertuples(index=False):
            kind = geometry_kind(row.geometry)
            if kind == "line":
                assert row.id in labelled, row.id
            elif kind == "point":
                at = (round(row.geometry.y, 4), round(row.geometry.x, 4))
                assert row.id in labelled or at in spots, row.id
        assert all(label.layer == layer.id for label in labelled.values())


def test_coinciding_points_get_one_label_clear_of_the_largest_marker():
    layer = demo_layer([
        ("vardenis", "Vardenis", "town", Point(45.4, 40.2)),
        ("basarkechar", "Vardenis (Basarkechar in the statement)", "ring", Point(45.4, 40.2)),
        ("line", "Road (schematic)", "road", LineString([(45, 40), (44, 41)])),
    ])
    found = L.layer_labels(layer)
    assert [label.feature for label in found] == ["vardenis", "line"]
    assert found[0].radius == 11.0 and found[0].texts == ("Vardenis",)
    assert found[1].path[0][1] < found[1].path[-1][1]  # west to east


def test_two_name_places_keep_both_names(real_catalog):
    texts = {label.feature: label.texts for layer in real_catalog.layers
             for label in L.layer_labels(layer)}
    assert texts["stepanakert"] == ("Stepanakert / Khankendi", "Stepanakert")


def test_layer_labels_are_computed_once_per_layer_object(real_catalog):
    layer = real_catalog.layer("september-2022")
    assert L.cached_layer_labels(layer) is L.cached_layer_labels(layer)


# --- reaching the page ---------------------------------------------------------------------


def test_a_layers_labels_travel_in_its_geometry_file_not_in_the_page():
    layer = demo_layer([("x", XSS_NAME, "town", Point(45, 40))])
    document = layer_document(layer)
    assert document["labels"] == [label.as_json() for label in L.layer_labels(layer)]
    assert "<script>" in document["labels"][0]["texts"][0]  # data; labels.js makes a text node
    html = folium.Map(tiles=None)
    feature_group(layer, "/app/static/geo/demo.0123456789abcdef.json").add_to(html)
    rendered = html.get_root().render()
    assert XSS_NAME not in rendered and "alert" not in rendered  # only the file's address


def test_label_text_in_a_page_script_is_escaped_json():
    html = folium.Map(tiles=None)
    group = folium.FeatureGroup(name="x")
    LabelGroup(L.layer_labels(demo_layer([("x", XSS_NAME, "town", Point(45, 40))]))).add_to(group)
    group.add_to(html)
    rendered = html.get_root().render()
    assert "<script>alert" not in rendered and "${alert(1)}" not in rendered
    assert "\\u003cscript\\u003e" in rendered
    escaped = '["a\\u003c/script\\u003e","\\u0060\\u0024{x}\\u0060"]'
    assert js_json(["a</script>", "`${x}`"]) == escaped


def test_the_engine_and_a_groups_labels_are_elements_of_the_map(real_catalog):
    fmap = folium.Map(tiles=None)
    LabelEngine().add_to(fmap)
    group = folium.FeatureGroup(name="x")
    LabelGroup(L.layer_labels(real_catalog.layer("september-2022"))).add_to(group)
    group.add_to(fmap)
    rendered = fmap.get_root().render()
    assert "CbmLabels.attach(" in rendered
    assert '"Goris"' in rendered and "cbmLabelEngine.layer(" in rendered
    for name in ("rbush/2.0.2/rbush.js", "labelgun/6.1.0/labelgun.js",
                 "leaflet-textpath/1.3.0/leaflet.textpath.js"):
        assert name in rendered
