"""The handouts carry the map labels the app shows (layers/map/labels.py): the HTML handout's
payload lists them for its inlined engine, the PDF sets them as real (searchable) text, at the
scene's scale, with no two on top of each other."""

from __future__ import annotations

import io
import json
import math

import geopandas as gpd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from pypdf import PdfReader

from layers.briefing import export_pdf as pdf_module
from layers.briefing.export_html import export_html
from layers.briefing.export_pdf import export_pdf, paper_zoom
from layers.briefing.storyboard import DEFAULT_STORYBOARD, Storyboard, parse_storyboard
from layers.map.basemap import BASEMAP_DIR
from layers.map.labels import HIGHLIGHT_BONUS
from layers.map.style import BASEMAP_STYLES

COUNTRIES = {"ARMENIA", "AZERBAIJAN", "GEORGIA", "IRAN", "TURKEY", "RUSSIA"}


@pytest.fixture(scope="module")
def first_scene(real_catalog, article) -> Storyboard:
    """The default storyboard cut to its first scene (a PDF of one scene is quick)."""
    raw = json.loads(DEFAULT_STORYBOARD.read_text(encoding="utf-8"))
    raw["scenes"] = raw["scenes"][:1]
    board, issues = parse_storyboard(raw, real_catalog, article)
    assert issues == []
    return board


def test_the_html_handout_lists_the_labels_of_its_layers_and_highlights(
    first_scene, real_catalog, article
):
    html = export_html(first_scene, real_catalog, article)
    start = html.index('<script type="application/json" id="briefing-data">')
    payload = json.loads(html[html.index(">", start) + 1:html.index("</script>", start)])
    labels = payload["labels"]
    assert {label["texts"][0] for label in labels["base"]} >= {"Armenia", "Caspian Sea"}
    scene = first_scene.scenes[0]
    assert set(labels["layers"]) == set(scene.layers)
    for fid in scene.highlight:
        (label,) = labels["highlights"][fid]
        assert label["weight"] > HIGHLIGHT_BONUS and label["min_zoom"] == 0
    assert "CbmLabels" in html and "labelgun" in html


def test_the_pdf_map_names_countries_as_searchable_text(first_scene, real_catalog, article):
    reader = PdfReader(io.BytesIO(export_pdf(first_scene, real_catalog, article)))
    words = set(reader.pages[1].extract_text().split())
    assert len(COUNTRIES & words) >= 4
    highlighted = {real_catalog.feature(fid).properties["name"]
                   for fid in first_scene.scenes[0].highlight}
    assert highlighted & words


def test_pdf_labels_never_overlap_and_follow_the_scene_zoom(first_scene, real_catalog):
    basemap = {stem: gpd.read_file(BASEMAP_DIR / f"{stem}.geojson") for stem in BASEMAP_STYLES}
    figure = Figure(figsize=pdf_module.PAGE_IN)
    pdf_module._draw_map(figure, first_scene.scenes[0], real_catalog, basemap)
    renderer = FigureCanvasAgg(figure).get_renderer()
    (axes,) = figure.axes
    texts = [text for text in axes.texts if text.get_zorder() == 9]
    assert len(texts) >= 6
    boxes = [text.get_window_extent(renderer) for text in texts]
    for i, first in enumerate(boxes):
        for second in boxes[i + 1:]:
            width = min(first.x1, second.x1) - max(first.x0, second.x0)
            height = min(first.y1, second.y1) - max(first.y0, second.y0)
            assert width <= 0.5 or height <= 0.5, (texts[i].get_text(), first, second)
    frame = axes.get_window_extent(renderer)
    assert all(frame.x0 <= box.x0 and box.x1 <= frame.x1 for box in boxes)


def test_paper_zoom_is_the_screen_zoom_of_the_same_scale():
    expected = math.log2(900 * 360 / (256 * 2.0))  # 900 CSS px across two degrees
    assert paper_zoom((44.0, 38.0, 46.0, 40.0), 900 / 96) == pytest.approx(expected)
    assert paper_zoom((40.0, 38.0, 50.0, 44.0), 5.0) < paper_zoom((44.0, 38.0, 46.0, 40.0), 5.0)
