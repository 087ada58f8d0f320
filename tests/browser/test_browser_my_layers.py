"""The briefer's own layers in real Chromium, offline: a feature drawn on the map and kept
through the form survives a restart of the server (it lives in the workspace GeoPackage), and a
file whose names, descriptions and column headers are script payloads, uploaded on the My
layers page, shows them as text on every page (no dialog, no request, no flag set)."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, MapView, Watch, _streamlit, _watched_page

pytestmark = pytest.mark.browser

TRIANGLE = [(39.50, 46.30), (39.50, 46.42), (39.59, 46.36)]  # (lat, lon), east of Goris
PWNED = "window.__pwned = 1"
PAYLOADS = (f"<img src=x onerror=\"{PWNED}\">", f"<script>{PWNED}</script>",
            "{{ 7*7 }} {% if 1 %}x{% endif %}", "![x](http://evil.example/p.png)")
APPEARS_MS = 20_000


@contextlib.contextmanager
def server_on(workspace: Path) -> Iterator[str]:
    """A server of this test's own (its address), keeping the briefer's layers in `workspace`;
    stopped on leaving, so a second one on the same file is a restart."""
    before = os.environ["CBM_WORKSPACE"]
    os.environ["CBM_WORKSPACE"] = str(workspace)  # the server inherits it as it starts
    try:
        with contextlib.contextmanager(_streamlit)("my-layers-server.log") as url:
            os.environ["CBM_WORKSPACE"] = before
            yield url
    finally:
        os.environ["CBM_WORKSPACE"] = before


def page_on(browser: Browser, watch: Watch, url: str) -> contextlib.AbstractContextManager[Page]:
    return contextlib.contextmanager(_watched_page)(browser, watch, url)


def test_a_drawn_feature_is_kept_and_survives_a_server_restart(browser, watch, tmp_path):
    workspace = tmp_path / "workspace.gpkg"
    with server_on(workspace) as url, page_on(browser, watch, url) as page:
        page.goto("/?draw=1")
        view = MapView(page)
        view.wait_drawn()
        view.inside.locator("a.leaflet-draw-draw-polygon").click()
        view.draw_vertices(TRIANGLE)
        view.click_at(*TRIANGLE[0])  # the first vertex again closes the outline
        sidebar = page.locator("[data-testid=stSidebar]")
        expect(sidebar.get_by_text("Drawn: polygon")).to_be_visible(timeout=APPEARS_MS)
        sidebar.get_by_label("Name").fill("Ridge above Goris")
        sidebar.get_by_label("Source, in your words").fill("field notes, 13 September 2022")
        sidebar.get_by_role("button", name="Keep this drawing").click()
        card = sidebar.locator(".feature-card")
        expect(card).to_contain_text("Ridge above Goris", timeout=APPEARS_MS)
        expect(card).to_contain_text("added by you")
        page.screenshot(path=ARTIFACTS / "my-layers-drawn.png")

    with server_on(workspace) as url, page_on(browser, watch, url) as page:
        page.goto("/?feature=my-ridge-above-goris")
        view = MapView(page)
        view.wait_drawn()
        card = page.locator("[data-testid=stSidebar] .feature-card")
        expect(card).to_contain_text("Ridge above Goris", timeout=APPEARS_MS)
        expect(card).to_contain_text("source as typed: field notes, 13 September 2022")
        expect(page.get_by_text("My drawings", exact=True)).to_be_visible()
        # the kept area is drawn from the workspace, in the My layers colour
        expect(view.inside.locator('path[stroke="#009E73"]').first).to_be_attached(
            timeout=APPEARS_MS)


def payload_file(tmp_path: Path) -> Path:
    features = [{"type": "Feature",
                 "properties": {"Name": f"Village {i} {payload}", "notes": payload,
                                PAYLOADS[0]: "a header that is a payload"},
                 "geometry": {"type": "Point", "coordinates": [46.30 + i / 20, 39.45]}}
                for i, payload in enumerate(PAYLOADS)]
    path = tmp_path / f"villages {PAYLOADS[1][:8]}.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")
    return path


def test_script_payloads_in_an_uploaded_file_stay_text_on_every_page(browser, watch, tmp_path):
    # a server and workspace of its own: the shared one's layers are what other tests count
    with server_on(tmp_path / "workspace.gpkg") as url, page_on(browser, watch, url) as page:
        check_payloads_stay_text(page, watch, tmp_path)


def check_payloads_stay_text(page: Page, watch: Watch, tmp_path: Path) -> None:
    page.goto("/my-layers")
    page.get_by_role("region", name="File to add").get_by_test_id(
        "stFileUploaderDropzoneInput").set_input_files(
        payload_file(tmp_path))
    expect(page.get_by_text("Preview:")).to_be_visible(timeout=APPEARS_MS)
    page.get_by_role("button", name="Add 4 features as a layer").click()
    expect(page.get_by_text("Added 4 features")).to_be_visible(timeout=APPEARS_MS)
    page.get_by_text("· 4 features").click()  # the layer's fold
    expect(page.get_by_text(PAYLOADS[0], exact=False).first).to_be_attached()
    page.screenshot(path=ARTIFACTS / "my-layers-payloads.png", full_page=True)

    for address in ("/?feature=my-villages-script-2", "/data", "/my-layers"):
        page.goto(address)
        page.wait_for_timeout(4000)
        assert page.evaluate("() => window.__pwned") is None, address
        for frame in page.frames:
            assert frame.evaluate("() => window.__pwned") is None, (address, frame.url)
    page.goto("/?feature=my-villages-script-2")
    card = page.locator("[data-testid=stSidebar] .feature-card")
    expect(card).to_contain_text(f"Village 1 {PAYLOADS[1]}", timeout=APPEARS_MS)
    expect(card).to_contain_text("added by you")
    expect(page.locator("[data-testid=stSidebar] img[src='x']")).to_have_count(0)
    # the payload names are drawn (their labels and tooltips) as text in the map too
    view = MapView(page)
    view.wait_drawn()
    assert view.frame.evaluate("() => window.__pwned") is None
    assert watch.blocked == []  # the Markdown image was never fetched
