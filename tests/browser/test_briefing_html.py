"""The exported briefing, opened from disk in real Chromium with every network request refused.

This is the USB-stick case: a file:// page that must draw its map and step through its scenes with
nothing but itself. Uses the session `browser` fixture of tests/browser/conftest.py (which skips
without Chromium, and fails instead when CI=true); the page is opened in a context of its own that
lets through only file:, data: and about: requests and counts everything else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from layers.briefing.export_html import export_html
from layers.briefing.storyboard import DEFAULT_STORYBOARD, Storyboard, load_storyboard
from layers.data.article import load_article
from layers.data.catalog import load_catalog

pytestmark = pytest.mark.browser

LOCAL_SCHEMES = ("file:", "data:", "about:")
VISIBLE_TITLE = ".scene:not([hidden]) h2"
VIEW = "() => JSON.stringify([briefingMap.getZoom(), briefingMap.getCenter()])"


@pytest.fixture(scope="module")
def storyboard() -> Storyboard:
    loaded, issues = load_storyboard(DEFAULT_STORYBOARD, load_catalog(), load_article())
    assert issues == []
    return loaded


@pytest.fixture(scope="module")
def briefing_file(storyboard: Storyboard, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("usb-stick") / "briefing.html"
    path.write_text(export_html(storyboard, load_catalog(), load_article()), encoding="utf-8")
    return path


@pytest.fixture
def offline_page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page whose non-local requests are aborted and listed (the list must stay empty)."""
    refused: list[str] = []

    def only_local(route) -> None:
        if route.request.url.startswith(LOCAL_SCHEMES):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", only_local)
    page = context.new_page()
    yield page, refused
    context.close()


def _open(page: Page, path: Path, hash_part: str = "") -> None:
    page.goto(path.as_uri() + hash_part, wait_until="load")
    expect(page.locator(".leaflet-overlay-pane path").first).to_be_attached()


def _expect_scene(page: Page, storyboard: Storyboard, number: int) -> None:
    total = len(storyboard.scenes)
    expect(page.locator(VISIBLE_TITLE)).to_have_text(storyboard.scenes[number - 1].title)
    expect(page.locator(VISIBLE_TITLE)).to_have_count(1)
    expect(page.locator("#progress")).to_have_text(f"{number} / {total}")
    page.wait_for_function(f"() => location.hash === '#scene-{number}'")


def test_map_draws_layers_and_highlights_with_no_request(offline_page, briefing_file, storyboard):
    page, refused = offline_page
    _open(page, briefing_file)
    _expect_scene(page, storyboard, 1)
    # Scene 1 shows borders, Nagorno-Karabakh and the September 2022 points, plus four halos:
    # the interactive features alone are well over a handful of SVG paths.
    expect(page.locator(".leaflet-overlay-pane path.leaflet-interactive").nth(20)).to_be_attached()
    # the scene's legend stands on the map, as on the dashboard's, in the words of its layers
    legend = page.locator(".leaflet-control-container .map-legend")
    expect(legend).to_be_visible()
    expect(legend).to_contain_text("Fired on, as Armenian officials said")
    assert page.locator(".scene:not([hidden]) .legend").is_hidden()  # not twice on screen
    assert page.evaluate("() => window.L.version") == "1.9.3"
    assert page.locator(".leaflet-control-attribution a").count() == 0
    page.wait_for_timeout(300)  # let any late request show up before counting
    assert refused == []


def test_arrow_keys_step_through_every_scene_and_back(offline_page, briefing_file, storyboard):
    page, refused = offline_page
    _open(page, briefing_file)
    total = len(storyboard.scenes)
    for number in range(2, total + 1):
        page.keyboard.press("ArrowRight")
        _expect_scene(page, storyboard, number)
    page.keyboard.press("ArrowRight")  # past the end: stays on the last scene
    _expect_scene(page, storyboard, total)
    expect(page.locator("#next")).to_be_disabled()
    for number in range(total - 1, 0, -1):
        page.keyboard.press("ArrowLeft")
        _expect_scene(page, storyboard, number)
    expect(page.locator("#prev")).to_be_disabled()
    assert refused == []


def test_next_button_steps_through_every_scene(offline_page, briefing_file, storyboard):
    page, refused = offline_page
    _open(page, briefing_file)
    views = {page.evaluate(VIEW)}
    for number in range(2, len(storyboard.scenes) + 1):
        page.locator("#next").click()
        _expect_scene(page, storyboard, number)
        views.add(page.evaluate(VIEW))
    assert len(views) == len(storyboard.scenes)  # each scene has a frame of its own
    page.locator("#prev").click()
    _expect_scene(page, storyboard, len(storyboard.scenes) - 1)
    assert refused == []


def test_opening_with_a_scene_hash_starts_there(offline_page, briefing_file, storyboard):
    page, refused = offline_page
    _open(page, briefing_file, "#scene-3")
    _expect_scene(page, storyboard, 3)
    assert refused == []


SHOWN_LABELS = """() => Object.values(cbmLabelEngine.entries).filter(e => e.shown).map(e => {
    const node = e.spec.kind === "line" ? e.layer._textNode : e.span;
    const r = node.getBoundingClientRect();
    return {text: node.textContent, feature: e.spec.feature,
            box: [r.left, r.top, r.right, r.bottom]};
})"""


def test_every_scene_names_its_countries_and_highlights_without_overlap(
    offline_page, briefing_file, storyboard
):
    """The handout labels its maps as the app does (layers/map/labels.py, inlined engine):
    country names on every scene, each scene's highlighted places named, no two labels on top
    of each other."""
    page, refused = offline_page
    _open(page, briefing_file)
    catalog = load_catalog()
    countries = {row.name for row in catalog.layer("borders").features.itertuples()}
    for number, scene in enumerate(storyboard.scenes, start=1):
        if number > 1:
            page.locator("#next").click()
        _expect_scene(page, storyboard, number)
        page.wait_for_function("() => window.cbmLabelEngine && cbmLabelEngine.idle()")
        shown = page.evaluate(SHOWN_LABELS)
        assert countries & {label["text"] for label in shown}, f"scene {number}"
        points = [fid for fid in scene.highlight
                  if catalog.feature(fid).geometry.geom_type == "Point"]
        if points:
            assert {label["feature"] for label in shown} & set(points), f"scene {number}"
        for i, first in enumerate(shown):
            for second in shown[i + 1:]:
                a, b = first["box"], second["box"]
                width = min(a[2], b[2]) - max(a[0], b[0])
                height = min(a[3], b[3]) - max(a[1], b[1])
                assert width <= 0.5 or height <= 0.5, (number, first, second)
    assert refused == []
