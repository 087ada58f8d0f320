"""The Briefing page in real Chromium: arrow keys step through the scenes and move the map."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from layers.briefing.storyboard import DEFAULT_STORYBOARD

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
    """The map's centre once the component has drawn the scene's features (any path above the
    basemap: scene 2 shows only the borders layer and its highlighted countries, no points)."""
    page.frame_locator("iframe[data-testid=stCustomComponentV1]").locator(
        ".leaflet-map-pane .leaflet-pane:not(.leaflet-basemap-pane) path").first.wait_for(
        state="attached", timeout=LOADS_MS)
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


def test_arrow_keys_still_step_scenes_after_a_click_on_the_map(page: Page):
    """A click on the map moves focus into its frame; the keys must still step the scenes."""
    page.goto("/briefing?scene=1")
    expect(page.get_by_text(f"Scene 1 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    centre(page)
    frame = page.frame_locator("iframe[data-testid=stCustomComponentV1]")
    frame.locator(".leaflet-container").click(position={"x": 40, "y": 200})
    page.keyboard.press("ArrowRight")
    expect(page.get_by_text(f"Scene 2 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    centre(page)
    frame.locator(".leaflet-container").click(position={"x": 40, "y": 200})
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_text(f"Scene 1 of {SCENES}")).to_be_visible(timeout=LOADS_MS)


def test_edits_survive_the_builder_and_a_passage_link(page: Page):
    """The working storyboard lives in this tab's session: an edit keeps the builder open, and a
    ¶ link opens the Article page in a new tab, leaving this tab (and the edit) as it was."""
    page.goto("/briefing?scene=1")
    expect(page.get_by_text(f"Scene 1 of {SCENES}")).to_be_visible(timeout=LOADS_MS)
    page.get_by_text("Edit this storyboard").click()
    page.locator(".st-key-scene-up-1 button").click()  # scene 2 becomes scene 1, and is shown
    edited = page.get_by_text("This storyboard has changes that are in no file yet")
    expect(edited).to_be_visible(timeout=LOADS_MS)
    page.wait_for_timeout(2_000)  # let the rerun settle: the builder used to fold away here
    expect(page.locator(".st-key-scene-up-1 button")).to_be_visible()  # the builder is open

    link = page.locator("blockquote.passage a").first
    expect(link).to_have_attribute("title", re.compile(r"opens in a new tab"))
    with page.context.expect_page() as opened:
        link.click()
    article = opened.value
    expect(article.locator("div.para.selected")).to_be_visible(timeout=LOADS_MS)
    expect(page).to_have_url(re.compile(r"/briefing\?scene=1"))
    expect(edited).to_be_visible()  # this tab kept its session
