"""The legend shows what the map draws: one row per visible layer (and styled category), the
selection outline only when something is selected, and how precision is drawn."""

import geopandas as gpd
from shapely.geometry import Point, box

from layers.data.catalog import Layer, Style
from layers.map.legend import legend_html


def layer(label: str = "Towns <b>reported</b>") -> Layer:
    features = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["A", "B"], "category": ["town", "claim"],
         "precision": ["exact", "approximate"]},
        geometry=[Point(45, 40), box(44, 39, 45, 40)], crs="EPSG:4326",
    )
    return Layer("demo", "Demo", "Group", True, Style(color="#D55E00"), label, features,
                 category_styles={"claim": Style(color="#CC79A7")})


def test_each_layer_and_styled_category_gets_a_row_with_its_colour():
    html = legend_html([layer()])
    assert html.count('class="legend-row"') == 2 + 2  # layer, category, two precision rows
    assert 'stroke="#D55E00"' in html and 'stroke="#CC79A7"' in html
    assert "Claim" in html


def test_labels_are_escaped():
    assert "&lt;b&gt;reported&lt;/b&gt;" in legend_html([layer()])


def test_the_selection_row_appears_only_with_a_selection():
    assert "selected feature" not in legend_html([layer()])
    assert "selected feature" in legend_html([layer()], selection=True)


def test_no_visible_layer_says_so():
    assert legend_html([]) == "<small>No layer is shown.</small>"
