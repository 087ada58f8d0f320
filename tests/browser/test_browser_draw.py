"""Drawing on the Map page in real Chromium: the draw mode's toolbar loads from this server,
measures an area as it is drawn, and the drawn polygon reaches Python."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from shapely.geometry import shape

from layers.map.draw import describe_drawing

pytestmark = pytest.mark.browser

# A triangle east of Goris, some 10 km a side, drawn at the map's opening frame.
TRIANGLE = [(39.50, 46.30), (39.50, 46.42), (39.59, 46.36)]  # (lat, lon)
DRAWING_ARRIVES_MS = 15_000


def test_a_polygon_drawn_in_draw_mode_is_measured_and_reaches_the_page(open_map, page: Page):
    served: list[tuple[str, int]] = []
    page.on("response", lambda response: served.append((response.url, response.status)))
    view = open_map("/?draw=1")
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("Drawn:")).to_have_count(0)

    view.inside.locator("a.leaflet-draw-draw-polygon").click()
    view.draw_vertices(TRIANGLE)
    tooltip = view.inside.locator(".leaflet-draw-tooltip-subtext")
    expect(tooltip).to_contain_text("km²")  # the area shows while the outline is still open
    view.click_at(*TRIANGLE[0])  # the first vertex again closes the outline

    shown = sidebar.get_by_text(re.compile(r"^Drawn: polygon, 3 vertices, area [\d.,]+ km²$"))
    expect(shown).to_be_visible(timeout=DRAWING_ARRIVES_MS)
    drawn = view.frame.evaluate("() => window.drawnItems.toGeoJSON().features")
    assert len(drawn) == 1
    # what the page says is Python's reading of the very polygon in the browser
    expect(shown).to_have_text(describe_drawing(shape(drawn[0]["geometry"])))
    assert re.search(r"[?&]draw=1(&|$)", page.url)

    draw_files = [(url, status) for url, status in served if "/vendor/leaflet-draw/" in url]
    assert any("leaflet.draw.js" in url for url, _ in draw_files)
    assert any("spritesheet" in url for url, _ in draw_files)  # the toolbar's icons, local
    assert all(status == 200 for _, status in draw_files)


def test_without_draw_mode_there_is_no_toolbar(open_map):
    view = open_map("/")
    expect(view.inside.locator(".leaflet-control-measure")).to_have_count(1)  # the map is up
    expect(view.inside.locator(".leaflet-draw")).to_have_count(0)
