"""Map labels in real Chromium, offline: names are on the map, never on top of each other or of
the place they name, follow their layer's checkbox, and let clicks through to the features."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layers.data.catalog import load_catalog
from layers.map.labels import MIN_ZOOM, TOWN, VILLAGE

pytestmark = pytest.mark.browser

LABELS_PLACED_MS = 15_000
OVERLAP_SLACK_PX = 0.5  # sub-pixel rounding between two boxes that only touch
TOGGLED = "september-2022"

# Every shown label's box in page pixels: the text spans of places, countries and seas, and the
# SVG text along lines; each with the place it names (if a point) in the same pixels.
SHOWN_BOXES = """() => {
    const engine = window.cbmLabelEngine;
    const out = [];
    const origin = map.getContainer().getBoundingClientRect();
    Object.values(engine.entries).filter(e => e.shown).forEach(e => {
        let node = null;
        if (e.spec.kind === "line") { node = e.layer._textNode; }
        else { node = e.span; }
        if (!node) { return; }
        const r = node.getBoundingClientRect();
        const item = {id: e.spec.id, kind: e.spec.kind, text: node.textContent,
                      box: [r.left, r.top, r.right, r.bottom]};
        if (e.spec.radius > 0) {
            const p = map.latLngToContainerPoint([e.spec.lat, e.spec.lon]);
            item.point = [origin.left + p.x, origin.top + p.y, e.spec.radius];
        }
        out.push(item);
    });
    return out;
}"""


def overlap(a, b) -> float:
    """The area two (left, top, right, bottom) boxes share."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(width, 0) * max(height, 0) if width > OVERLAP_SLACK_PX and \
        height > OVERLAP_SLACK_PX else 0.0


def covers_point(box, point) -> bool:
    """Whether a label's box reaches into the disc of the marker it names."""
    x, y, radius = point
    nearest_x = min(max(x, box[0]), box[2])
    nearest_y = min(max(y, box[1]), box[3])
    return (nearest_x - x) ** 2 + (nearest_y - y) ** 2 < radius ** 2


def placed(view) -> list[dict]:
    """The labels shown once the engine has placed them for the current view."""
    view.wait_still()
    view.frame.wait_for_function("() => window.cbmLabelEngine && window.cbmLabelEngine.idle()",
                                 timeout=LABELS_PLACED_MS)
    return view.frame.evaluate(SHOWN_BOXES)


def zoom_to(view, zoom: float) -> None:
    view.frame.evaluate("(z) => map.setZoom(z)", zoom)
    view.frame.wait_for_function("(z) => map.getZoom() === z", arg=zoom)


def assert_decluttered(shown: list[dict]) -> None:
    for i, first in enumerate(shown):
        for second in shown[i + 1:]:
            assert overlap(first["box"], second["box"]) == 0.0, (first, second)
        if "point" in first:
            assert not covers_point(first["box"], first["point"]), first


def test_the_map_names_countries_and_seas_at_the_opening_view(open_map):
    view = open_map("/")
    shown = placed(view)
    texts = {label["text"] for label in shown}
    assert {"Armenia", "Azerbaijan", "Iran"} <= texts
    assert texts & {"Caspian Sea", "Black Sea", "Lake Sevan"}
    expect(view.inside.locator(".leaflet-labels-pane")).to_have_css("pointer-events", "none")


def test_labels_never_overlap_nor_cover_their_place_at_two_zooms(open_map):
    view = open_map("/")
    opening = placed(view)
    assert_decluttered(opening)
    zoom_to(view, MIN_ZOOM[VILLAGE])
    closer = placed(view)
    assert_decluttered(closer)
    assert len(opening) >= 3 and len(closer) >= 5, "enough labels to mean something"
    kinds = {label["kind"] for label in closer}
    assert {TOWN, VILLAGE} & kinds, "places are named once the map is zoomed in"
    opening_places = [label for label in opening if label["kind"] in (TOWN, VILLAGE)]
    assert not opening_places, "villages wait for a closer zoom"


def test_a_layers_labels_follow_its_checkbox(open_map, page):
    catalog = load_catalog()
    layer = catalog.layer(TOGGLED)
    view = open_map(f"/?zoom={MIN_ZOOM[TOWN]:g}")
    placed(view)
    count = f"() => Object.values(cbmLabelEngine.entries).filter(e => e.spec.layer === " \
            f"'{layer.id}').length"
    assert view.frame.evaluate(count) > 0
    page.get_by_role("checkbox", name=layer.title, exact=True).uncheck(force=True)
    view.frame.wait_for_function(f"() => ({count})() === 0")
    country = "() => Object.values(cbmLabelEngine.entries).some(e => e.spec.kind === 'country')"
    assert view.frame.evaluate(country), "country names stay when a layer goes"


def test_a_click_on_a_label_reaches_the_feature_under_it(open_map, page):
    """The label pane ignores the mouse: the topmost element under a shown label's text is a
    map element of another pane, never the label."""
    view = open_map("/")
    shown = placed(view)
    label = next(item for item in shown if item["kind"] == "country")
    left, top, right, bottom = label["box"]
    under = view.frame.evaluate(
        "([x, y]) => { const el = document.elementFromPoint(x, y); "
        "return el ? el.closest('.leaflet-labels-pane') === null : false; }",
        [(left + right) / 2, (top + bottom) / 2])
    assert under
