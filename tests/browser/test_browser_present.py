"""Presenting in real Chromium, offline: the presenter window and the audience's window follow
each other's steps, the audience never sees the notes, the keys work, and every scene of the
default briefing frames what it highlights with a margin, on a 16:9 screen and on the page."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from layers.briefing.storyboard import DEFAULT_STORYBOARD, load_storyboard, scene_features
from layers.data.article import load_article
from layers.data.catalog import geometry_kind, load_catalog
from tests.browser.conftest import ARTIFACTS, MAP_IFRAME, Watch, _watched_page

pytestmark = pytest.mark.browser

LOADS_MS = 60_000  # the audience window draws a 1920×1080 map; a busy CI runner is slow
FOLLOW_S = 4.0
"""How soon the other window shows a step: it polls the room every 0.3 s and then reruns the
page, words before the map (about a second on a quiet machine; a shared CI runner gets slack)."""
SCREEN = {"width": 1920, "height": 1080}
MARGIN_PX = 20


@pytest.fixture(scope="module")
def board():
    loaded, issues = load_storyboard(DEFAULT_STORYBOARD, load_catalog(), load_article())
    assert not issues
    return loaded


@contextlib.contextmanager
def window(browser: Browser, watch: Watch, app_url: str, **options) -> Iterator[Page]:
    with contextlib.contextmanager(_watched_page)(browser, watch, app_url, **options) as page:
        yield page


def scene_shown(page: Page, number: int, count: int) -> None:
    expect(page.get_by_text(f"Scene {number} of {count}")).to_be_visible(timeout=LOADS_MS)


def followed(page: Page, words: str) -> float:
    """Seconds until `words` show on `page`, looked for every 50 ms (`expect` backs off to a
    second between looks, which would count up to a second the window did not take)."""
    started = time.monotonic()
    page.wait_for_function("words => document.body.innerText.includes(words)", arg=words,
                           polling=50, timeout=LOADS_MS)
    return time.monotonic() - started


def test_the_two_windows_follow_each_other_and_only_the_presenter_sees_notes(
        browser, watch, app_url, board):
    count = len(board.scenes)
    with window(browser, watch, app_url) as presenter, \
            window(browser, watch, app_url, viewport=SCREEN) as audience:
        presenter.goto("/briefing?scene=1")
        presenter.get_by_role("button", name="Open presenter view").click()
        expect(presenter.get_by_text("Now · scene 1 of")).to_be_visible(timeout=LOADS_MS)
        expect(presenter.locator(".notes")).to_contain_text(board.scenes[0].notes[:40])
        link = presenter.get_by_role("link", name=re.compile("Open the audience's window"))
        audience.goto("/briefing" + link.get_attribute("href"))
        scene_shown(audience, 1, count)
        audience.frame_locator(MAP_IFRAME).locator(".map-legend").wait_for(timeout=LOADS_MS)

        presenter.get_by_role("button", name="Next →").click()  # sent: the audience follows
        assert followed(audience, f"Scene 2 of {count}") < FOLLOW_S

        audience.locator("h1").first.click()  # focus the page, as a briefer's click would
        audience.keyboard.press(" ")  # the space bar steps on, like a clicker
        assert followed(presenter, "Now · scene 3 of") < FOLLOW_S

        # the audience's window: the passages in large type, never the notes
        assert audience.locator(".notes").count() == 0
        assert board.scenes[2].notes[:40] not in audience.content()
        size = audience.locator(".present-passages blockquote").first.evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 24
        expect(audience.locator("[data-testid=stSidebar]")).to_be_hidden()
        audience.screenshot(path=ARTIFACTS / "present-audience.png")
        presenter.screenshot(path=ARTIFACTS / "present-presenter.png")

        audience.keyboard.press("Escape")
        expect(audience).not_to_have_url(re.compile(r"present="), timeout=LOADS_MS)
        expect(audience.get_by_role("button", name="Open presenter view")).to_be_visible(
            timeout=LOADS_MS)


INSIDE = """([west, south, east, north, margin]) => {
    const frame = document.querySelector("iframe[data-testid=stCustomComponentV1]");
    const map = frame.contentWindow.map;
    const size = map.getSize();
    const a = map.latLngToContainerPoint([north, west]);
    const b = map.latLngToContainerPoint([south, east]);
    return {zoom: map.getZoom(), ok: a.x >= margin && a.y >= margin &&
            b.x <= size.x - margin && b.y <= size.y - margin,
            box: [a.x, a.y, b.x, b.y], size: [size.x, size.y]};
}"""


@pytest.mark.parametrize("where", ["page", "present"])
def test_every_scene_frames_its_highlights_with_a_margin(page: Page, board, where):
    """What a scene frames (its frame features) and every town and route it highlights stand
    clear of the edges, on the page and on a 16:9 screen. A highlighted country bigger than the
    frame (Russia among the CSTO's members) is left to run off it, as the storyboard means."""
    catalog = load_catalog()
    if where == "present":
        page.set_viewport_size(SCREEN)
    for number, scene in enumerate(board.scenes, start=1):
        finer = [fid for fid in scene_features(scene, catalog).highlight
                 if geometry_kind(catalog.feature(fid).geometry) in ("point", "line")]
        page.goto(f"/briefing?scene={number}" + ("&present=1" if where == "present" else ""))
        scene_shown(page, number, len(board.scenes))
        page.frame_locator(MAP_IFRAME).locator(".map-legend").wait_for(timeout=LOADS_MS)
        page.wait_for_timeout(1500)  # the scene's group added, the map fitted
        for what, box in [("frame", scene.bounds),
                          *((fid, catalog.feature(fid).geometry.bounds) for fid in finer)]:
            seen = page.evaluate(INSIDE, [*box, MARGIN_PX])
            assert seen["ok"], (number, scene.title, what, seen)
            assert seen["zoom"] <= 9, (number, scene.title, seen)  # a lone point keeps context
    page.screenshot(path=ARTIFACTS / f"present-framing-{where}.png")
