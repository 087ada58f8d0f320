"""Every page opens in real Chromium without an error, and leaves a screenshot to look at.

Screenshots go to tests/artifacts/ (gitignored). With UPDATE_DOCS=1 the Map page's screenshot is
also written to docs/dashboard.png, the image the README shows.
"""

from __future__ import annotations

import os
import shutil

import pytest
from playwright.sync_api import Page, expect

from layers import ROOT

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
README_IMAGE = ROOT / "docs" / "dashboard.png"
PAGE_LOADS_MS = 30_000

PAGES = {  # name: (address, the page's title heading)
    # the README's picture: a reported shelling selected, its card beside the regional view
    "map": ("/?feature=goris&center=39.9,45.9&zoom=7", "Caucasus Briefing Map"),
    "article": ("/article", "The article"),
    "sources": ("/sources", "Sources"),
    "data": ("/data", "Data"),
}


def settle(page: Page) -> None:
    """Until Streamlit has finished running the page's script."""
    expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0, timeout=PAGE_LOADS_MS)


@pytest.mark.parametrize("name", list(PAGES))
def test_each_page_opens_without_an_error_and_is_screenshotted(name, page, open_map):
    address, title = PAGES[name]
    if name == "map":
        view = open_map(address)
        expect(view.shapes().first).to_be_attached()
        view.wait_still()
    else:
        page.goto(address)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(
        timeout=PAGE_LOADS_MS)
    settle(page)
    expect(page.locator("[data-testid=stException]")).to_have_count(0)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"page-{name}.png"
    page.screenshot(path=str(shot), full_page=name != "map")
    assert shot.stat().st_size > 0
    if name == "map" and os.environ.get("UPDATE_DOCS") == "1":
        README_IMAGE.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, README_IMAGE)


def test_time_to_first_map_is_recorded(open_map, page, capsys):
    """From navigation start to the first Leaflet path, and to the first feature path.

    Printed, never asserted: timings are a measurement, and this machine is shared.
    """
    view = open_map("/")
    expect(view.shapes().first).to_be_attached()
    started = page.evaluate("() => performance.timeOrigin")
    drawn = view.frame.evaluate("() => window.__firstPaths")
    assert drawn.get("any") and drawn.get("feature"), "the probe saw no path appear"
    with capsys.disabled():
        print(f"\ntime to first map: {(drawn['any'] - started) / 1000:.2f} s to the first path, "
              f"{(drawn['feature'] - started) / 1000:.2f} s to the first feature")
