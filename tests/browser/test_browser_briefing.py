"""The Briefing page in real Chromium: arrow keys step through the scenes and move the map."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from layers.storyboard import DEFAULT_STORYBOARD

pytestmark = pytest.mark.browser

LOADS_MS = 30_000
SCENES = len(json.loads(DEFAULT_STORYBOARD.read_text(encoding="utf-8"))["scenes"])
CENTRE = """() => {
    const frame = document.querySelector("iframe[data-testid=stCustomComponentV1]");
    const map = frame && frame.contentWindow.map;
    if (!map) { return null; }
    const c = map.getCenter();
    return [c.lat, c.lng];
}"""


def centre(page: Page) -> list[float]:
    """The map's centre once the component has drawn it."""
    page.frame_locator("iframe[data-testid=stCustomComponentV1]").locator(
        ".leaflet-overlay-pane path").first.wait_for(state="attached", timeout=LOADS_MS)
    return page.evaluate(CENTRE)


def test_arrow_keys_step_through_scenes_and_reframe_the_map(page: Page):
    page.goto("/briefing?scene=1")
    expect(page.get_by_text(f"Scene 1 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    first = centre(page)

    page.locator("h1").first.click()  # focus the page itself, not a text box
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text(f"Scene 2 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    expect(page).to_have_url(re.compile(r"scene=2"), timeout=LOADS_MS)
    page.wait_for_function(
        f"([lat, lng]) => {{ const c = ({CENTRE})(); "
        "return c && Math.abs(c[0] - lat) + Math.abs(c[1] - lng) > 0.5; }",
        arg=first, timeout=LOADS_MS)

    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(f"Scene 1 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    expect(page).to_have_url(re.compile(r"scene=1"), timeout=LOADS_MS)
