"""The Data page: every feature in a table, filtered, and exported as GeoJSON and CSV."""

import io
import json

import pandas as pd
import pytest
import shapely
from shapely.geometry import Polygon, shape

from layers.data.catalog import Feature
from layers.data.mentions import build_index
from layers.data.tables import (
    COLUMNS,
    WKT_COLUMN,
    Filters,
    csv_bytes,
    features_frame,
    filter_features,
    geojson_bytes,
)


@pytest.fixture(scope="module")
def index(catalog, article):
    return build_index(article, catalog)


def ids(features):
    return [feature.properties["id"] for feature in features]


def test_no_filter_keeps_every_feature_in_catalog_order(catalog):
    assert ids(filter_features(catalog, Filters())) == ids(catalog.features)


def test_text_filter_ignores_case_and_accents_and_reads_aliases(catalog):
    assert ids(filter_features(catalog, Filters(query="khankendi"))) == ["stepanakert"]
    assert ids(filter_features(catalog, Filters(query="XANKENDI"))) == ["stepanakert"]
    assert ids(filter_features(catalog, Filters(query="baki"))) == ["baku"]
    assert ids(filter_features(catalog, Filters(query="nowhere-at-all"))) == []


def test_layer_category_and_precision_filters_combine(catalog):
    assert len(filter_features(catalog, Filters(layers={"borders"}))) == 4
    assert ids(filter_features(catalog, Filters(precisions={"schematic"}))) == ["seven-regions"]
    assert ids(filter_features(catalog, Filters(layers={"september-2022"},
                                                categories={"capital", "city"}))) == [
        "baku", "stepanakert"]
    assert filter_features(catalog, Filters(layers={"borders"}, categories={"capital"})) == []


def test_table_flattens_lists_and_counts_mentions(catalog, index):
    frame = features_frame(list(catalog.features), index).set_index("id")
    assert tuple(frame.reset_index().columns) == COLUMNS
    assert frame.loc["stepanakert", "aliases"] == "Xankəndi"
    assert frame.loc["reported-strike", "citations"] == "1"
    assert frame.loc["reported-strike", "reported_by"] == "A fixture ministry"
    assert frame.loc["baku", "layer"] == "September 2022"
    assert frame.loc["baku", "mentions"] == len(index.for_feature("baku")) > 0
    assert frame.loc["reported-strike", "mentions"] == 0


def test_geojson_download_parses_back_with_every_property(catalog):
    chosen = filter_features(catalog, Filters(layers={"september-2022"}))
    collection = json.loads(geojson_bytes(chosen).decode("utf-8"))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    for (layer, props, geometry), out in zip(chosen, collection["features"], strict=True):
        assert out["properties"] == {**props, "layer": layer.id}
        assert shape(out["geometry"]).equals(geometry)


def test_geojson_polygons_follow_the_right_hand_rule(catalog):
    layer = catalog.layer("borders")
    clockwise = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])
    assert not clockwise.exterior.is_ccw
    out = json.loads(geojson_bytes([Feature(layer, {"id": "cw"}, clockwise)]))
    assert shapely.geometry.LinearRing(
        out["features"][0]["geometry"]["coordinates"][0]).is_ccw


def test_csv_download_parses_back_with_wkt_geometry(catalog, index):
    chosen = list(catalog.features)
    frame = pd.read_csv(io.BytesIO(csv_bytes(chosen, index)), keep_default_na=False)
    assert list(frame.columns) == [*COLUMNS, WKT_COLUMN]
    assert list(frame["id"]) == ids(chosen)
    assert list(frame["name"]) == [props["name"] for _, props, _ in chosen]
    for (_, _, geometry), wkt in zip(chosen, frame[WKT_COLUMN], strict=True):
        assert shapely.from_wkt(wkt).equals(geometry)
