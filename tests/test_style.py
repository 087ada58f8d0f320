"""One style source: the Leaflet map, the legend, the offline HTML handout and the PDF draw
precision, fills and highlights from `layers.map.style`, so they cannot disagree.

Each test below compares one consumer's output with what `layers.map.style` says; change a dash
length or the approximate-fill factor there and every consumer follows, or a test here fails.
"""

from __future__ import annotations

import io
import re

import geopandas as gpd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from pypdf import PdfReader
from shapely.geometry import LineString, Point, box

from layers.briefing.export_html import _highlight_items, _layer_items
from layers.briefing.export_pdf import _draw_feature, export_pdf
from layers.briefing.storyboard import parse_storyboard
from layers.data.catalog import Layer, LegendEntry, Style
from layers.data.schema import PRECISIONS
from layers.map.geo_files import layer_document
from layers.map.legend import precision_key_html, swatch_svg
from layers.map.style import (
    APPROXIMATE_FILL_FACTOR,
    DASH_PX,
    HALO_EXTRA_RADIUS,
    HALO_EXTRA_WEIGHT,
    PX_TO_PT,
    dash_array,
    halo_options,
    path_options,
)

STYLE = Style(color="#009E73", weight=3.0, fill="#009E73", fill_opacity=0.4, radius=5.0)
BOX = (40.0, 35.0, 50.0, 45.0)
GEOMETRIES = {"point": Point(45, 40), "line": LineString([(42, 38), (48, 42)]),
              "area": box(43, 38, 47, 42)}


def demo_layer(precision: str) -> Layer:
    features = gpd.GeoDataFrame(
        {"id": ["p", "l", "a"], "name": ["P", "L", "A"], "category": ["town", "route", "area"],
         "precision": [precision] * 3},
        geometry=list(GEOMETRIES.values()), crs="EPSG:4326")
    return Layer("demo", "Demo", "Group", True, STYLE, "Demo", features)


def test_precision_is_drawn_dashed_dotted_or_solid():
    assert "dashArray" not in path_options(STYLE, "exact")
    assert path_options(STYLE, "schematic")["dashArray"] == "8 6"
    approximate = path_options(STYLE, "approximate")
    assert approximate["dashArray"] == "2 5"
    assert approximate["fillOpacity"] == pytest.approx(0.4 * APPROXIMATE_FILL_FACTOR)
    assert path_options(STYLE, "approximate", point=True)["fillOpacity"] == 0.4  # points keep it


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_map_draws_each_feature_with_the_style_source_options(precision):
    document = layer_document(demo_layer(precision))  # the layer's geometry file
    for feature, kind in zip(document["features"], GEOMETRIES, strict=True):
        options = feature["properties"]["options"]
        assert options == path_options(STYLE, precision, point=kind == "point")
        assert options.get("dashArray") == dash_array(precision)


def test_the_legend_explains_precision_with_the_map_dashes():
    key = precision_key_html()
    for precision in ("schematic", "approximate"):
        assert f'stroke-dasharray="{dash_array(precision)}"' in key
    approximate = swatch_svg(LegendEntry("x", STYLE, "area"), "approximate")
    assert f'fill-opacity="{0.4 * APPROXIMATE_FILL_FACTOR:g}"' in approximate


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_html_handout_uses_the_same_options_and_halo(precision):
    layer = demo_layer(precision)
    items = _layer_items(layer)
    for item, kind in zip(items, GEOMETRIES, strict=True):
        assert item["options"] == path_options(STYLE, precision, point=kind == "point")
    for kind, geometry in GEOMETRIES.items():
        props = {"category": "x", "precision": precision, "name": kind}
        halo, own = _highlight_items(layer, props, geometry)
        assert halo["options"] == halo_options(STYLE, precision, point=kind == "point")
        assert halo["options"]["weight"] == STYLE.weight + HALO_EXTRA_WEIGHT
        assert halo["radius"] == STYLE.radius + HALO_EXTRA_RADIUS
        assert own["options"] == path_options(STYLE, precision, point=kind == "point")


def drawn(kind: str, precision: str, halo: bool = False) -> list:
    """The matplotlib artists the PDF draws for one feature, in drawing order."""
    axes = Figure().add_axes((0, 0, 1, 1))
    axes.set_xlim(BOX[0], BOX[2])
    axes.set_ylim(BOX[1], BOX[3])
    _draw_feature(axes, GEOMETRIES[kind], STYLE, precision, BOX, halo=halo)
    return [*axes.collections, *axes.patches]


def paper_dashes(precision: str) -> list[tuple[float, tuple[float, ...] | None]]:
    dash = DASH_PX.get(precision)
    return [(0.0, None)] if dash is None else [(0.0, tuple(d * PX_TO_PT for d in dash))]


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_pdf_draws_lines_with_the_map_dashes_and_widths(precision):
    (line,) = drawn("line", precision)
    assert line.get_linewidths()[0] == pytest.approx(STYLE.weight * PX_TO_PT)
    assert line.get_dashes() == paper_dashes(precision)
    halo, own = drawn("line", precision, halo=True)
    assert halo.get_linewidths()[0] == pytest.approx((STYLE.weight + HALO_EXTRA_WEIGHT) * PX_TO_PT)
    assert halo.get_dashes() == own.get_dashes()  # a highlighted schematic line stays dashed


@pytest.mark.parametrize("precision", PRECISIONS)
def test_the_pdf_fills_areas_as_the_map_does(precision):
    patches = [a for a in drawn("area", precision) if isinstance(a, PathPatch)]
    fills = [a for a in patches if a.get_facecolor()[3] > 0]
    assert len(fills) == 1
    assert fills[0].get_facecolor()[3] == pytest.approx(
        path_options(STYLE, precision)["fillOpacity"])


def test_the_pdf_rims_approximate_points_dotted_and_halos_them_solid():
    halo, point = drawn("point", "approximate", halo=True)
    assert point.get_dashes() == paper_dashes("approximate")
    assert halo.get_dashes() == [(0.0, None)]
    assert point.get_facecolor()[0][3] == pytest.approx(STYLE.fill_opacity)


def test_a_pdf_handout_keeps_the_dash_pattern_of_schematic_and_approximate_outlines(
        catalog, article):
    """Read back from the PDF file itself: the dash operators (`[on off] 0 d`) are there for
    the fixture's schematic area (seven-regions) and approximate exclave (nakhchivan)."""
    scene = {"title": "Dashes", "frame": {"features": ["seven-regions", "nakhchivan"]},
             "layers": ["borders", "september-2022"], "highlight": ["seven-regions"]}
    board, issues = parse_storyboard({"title": "T", "scenes": [scene]}, catalog, article)
    assert not issues
    page = PdfReader(io.BytesIO(export_pdf(board, catalog, article))).pages[1]
    content = page.get_contents().get_data().decode("latin-1")
    dashes = set(re.findall(r"\[\s*([0-9.][0-9. ]*?)\s*\]\s+0\s+d", content))
    for precision in ("schematic", "approximate"):
        on, off = (length * PX_TO_PT for length in DASH_PX[precision])
        assert f"{on:g} {off:g}" in dashes, (precision, dashes)


def legend_symbols(catalog) -> list[tuple[str, str, str, str, bool]]:
    """(layer, what, colours, kind, default) for every symbol the legend explains; colours are
    the outline and the fill ("#000000/#ffffff", a white dot ringed in black)."""
    symbols = []
    for layer in catalog.layers:
        for entry in layer.legend_entries():
            style = entry.style
            fill = (style.fill or style.color) if style.fill_opacity > 0 else "none"
            symbols.append((layer.id, entry.label, f"{style.color}/{fill}".lower(), entry.kind,
                            layer.visible))
    return symbols


def test_no_colour_means_two_things_on_the_opening_map(real_catalog):
    """On the map as it opens, every symbol has colours of its own (the former NKAO and the
    places fired on were both orange once). A side's "fired on" dot and "fired from" ring share
    its colour by design and differ in fill."""
    shown = [s for s in legend_symbols(real_catalog) if s[4]]
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            assert a[2] != b[2], (a[:2], b[:2])


def test_a_layer_switched_on_brings_colours_of_its_own(real_catalog):
    """An optional layer never reuses a colour of the opening map; two optional layers share a
    colour only for symbols of different kinds (a line and a point)."""
    symbols = legend_symbols(real_catalog)
    shown = {s[2] for s in symbols if s[4]}
    optional = [s for s in symbols if not s[4]]
    for i, a in enumerate(optional):
        assert a[2] not in shown, a[:2]
        for b in optional[i + 1:]:
            if a[2] == b[2]:
                assert a[3] != b[3], (a[:2], b[:2])
