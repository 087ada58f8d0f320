"""The offline basemap: valid GeoJSON inside the frame, small enough to ship, drawn inert."""

from __future__ import annotations

import json

import pytest
from shapely.geometry import Point, box, shape

from layers.build.basemap import DETAIL, FRAME, shared_borders, to_shape
from layers.build.topojson import decode_arcs
from layers.map.basemap import (
    BASEMAP_DIR,
    BASEMAP_PANE,
    BASEMAP_STYLES,
    basemap_document,
    online_basemaps,
)

BYTE_BUDGET = 400 * 1024  # "a few hundred KB at most" for the whole basemap


def load(stem: str):
    """The one geometry a basemap file holds."""
    collection = json.loads((BASEMAP_DIR / f"{stem}.geojson").read_text())
    return shape(collection["features"][0]["geometry"])


@pytest.mark.parametrize("stem", list(BASEMAP_STYLES))
def test_each_file_is_valid_geojson_within_the_frame(stem):
    collection = json.loads((BASEMAP_DIR / f"{stem}.geojson").read_text())
    assert collection["type"] == "FeatureCollection"
    geometry = load(stem)
    assert geometry.is_valid and not geometry.is_empty
    assert box(*FRAME).buffer(1e-9).contains(geometry)


def test_basemap_fits_the_byte_budget():
    sizes = {p.name: p.stat().st_size for p in BASEMAP_DIR.glob("*.geojson")}
    print("basemap bytes:", sizes, "total", sum(sizes.values()))
    assert sum(sizes.values()) < BYTE_BUDGET


def test_the_seas_are_water_and_the_caucasus_is_land():
    land, lakes = load("land"), load("lakes")
    yerevan_area = Point(44.5, 40.2)  # inside the DETAIL box, well inland
    assert box(*DETAIL).contains(yerevan_area)
    assert land.contains(yerevan_area)
    caspian, black_sea = Point(50.5, 42.0), Point(34.0, 43.0)  # open water, far from any shore
    assert not land.contains(caspian) and not land.contains(black_sea)
    assert lakes.intersects(box(44.9, 40.2, 45.6, 40.6))  # Lake Sevan's basin box


def test_borders_are_shared_arcs_only():
    """A border is an arc two countries use; a coastline is used by one and drops out."""
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [
            [[0, 0], [0, 1]],  # the shared edge x=0
            [[0, 1], [1, 0], [0, -1], [-1, 0]],  # the east square's coast
            [[0, 1], [-1, 0], [0, -1], [1, 0]],  # the west square's coast
        ],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "Polygon", "arcs": [[2, 0]]},
                ],
            }
        },
    }
    arcs = decode_arcs(topology)
    assert arcs[1] == [(0, 1), (1, 1), (1, 0), (0, 0)]
    assert to_shape(topology["objects"]["countries"]["geometries"][0], arcs).area == 1
    shared_edge = shape({"type": "LineString", "coordinates": [[0, 0], [0, 1]]})
    assert shared_borders(topology).equals(shared_edge)


def test_basemap_is_drawn_in_style_order_deaf_to_the_mouse_in_its_own_pane():
    """Sea, land, lakes, rivers, borders: each later one on top; no tooltip, no click, and a
    pane below any tile layer (the map's script draws what the document says)."""
    document = basemap_document()
    styles = [f["properties"]["options"] for f in document["features"]]
    assert styles == list(BASEMAP_STYLES.values())
    for feature in document["features"]:
        assert feature["properties"]["draw"] == "base"
        assert feature["properties"]["pane"] == BASEMAP_PANE
        assert "tooltip" not in feature["properties"]


def test_online_basemaps_are_listed_without_network_with_attribution():
    tiles = online_basemaps()
    assert [t.name for t in tiles] == ["OpenStreetMap.Mapnik", "Esri.WorldImagery"]
    for tile in tiles:
        assert tile.url.startswith("https://") and "{z}" in tile.url
        assert tile.attribution and tile.max_zoom >= 18
