"""Real Chromium with the internet cut off: the saved offline map must load Leaflet and draw."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from layers import ROOT
from layers.assets import localize, offline_map
from tests.test_assets import full_offline_map

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    """Skip without Chromium on a developer's machine; CI must have it, so fail there."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing in CI: .ci/run should have installed it")
        pytest.skip(f"{CHROMIUM} not installed")
    return CHROMIUM


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Serve the repository on localhost, the way Streamlit serves static/ (quietly)."""
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """Keep the test output readable."""


def test_saved_offline_map_loads_leaflet_with_no_outside_request(chromium_path, server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page_path = ARTIFACTS / "offline_map.html"
    m = localize(full_offline_map(), base_url="/static/vendor")
    m.save(str(page_path))

    aborted: list[str] = []
    failed: list[str] = []

    def route(request_route) -> None:
        host = urlsplit(request_route.request.url).hostname
        if request_route.request.url.startswith("data:") or host == "127.0.0.1":
            request_route.continue_()
        else:
            aborted.append(request_route.request.url)
            request_route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium_path),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 700})
            page.route("**/*", route)
            page.on("requestfailed", lambda r: failed.append(r.url))
            page.goto(f"{server}/tests/artifacts/offline_map.html", wait_until="networkidle")
            leaflet_version = page.evaluate("() => window.L && window.L.version")
            measure = page.evaluate("() => !!(window.L && L.Control && L.Control.Measure)")
            paths = page.locator("path.leaflet-interactive, .leaflet-overlay-pane path").count()
            page.screenshot(path=str(ARTIFACTS / "offline_map.png"))
        finally:
            browser.close()

    assert aborted == []
    assert failed == []
    assert leaflet_version == "1.9.3"
    assert measure
    assert paths > 0  # the basemap and the circle marker were drawn as SVG paths


def test_offline_map_default_base_is_streamlits_static_route():
    """The browser test serves /static/vendor; in the app it is /app/static/vendor."""
    assert offline_map().default_js[0][1] == "/app/static/vendor/leaflet/1.9.3/leaflet.js"
