"""Real Chromium with the internet cut off: the saved offline map must load Leaflet and draw.

This is `layers.map.assets` on its own, without Streamlit: a folium map saved to HTML with local
asset links, served from the repository by a plain local HTTP server, with the basemap fetched
from a geometry file written as the app writes it (`layers.map.geo_files`).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from layers import ROOT
from layers.map.assets import localize, offline_map
from layers.map.basemap import basemap_document
from layers.map.geo_files import BASEMAP, served_files, write_files
from tests.test_assets import full_offline_map

ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib name)
        """Keep the test output readable."""


@pytest.fixture(scope="module")
def repo_server() -> Iterator[str]:
    """Serve the repository on localhost, the way Streamlit serves static/ (quietly)."""
    handler = functools.partial(QuietHandler, directory=str(ROOT))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_saved_offline_map_loads_leaflet_with_no_outside_request(bare_page, repo_server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    geo = write_files({BASEMAP: basemap_document(), **served_files()}, ARTIFACTS / "geo")
    served = [f"/tests/artifacts/geo/{geo.names[key]}" for key in ("geo-draw.js", "geo-loader.js")]
    basemap_url = f"/tests/artifacts/geo/{geo.names[BASEMAP]}"
    localize(full_offline_map(basemap_url, tuple(served)), base_url="/static/vendor").save(
        str(ARTIFACTS / "offline_map.html"))
    failed: list[str] = []
    bare_page.on("requestfailed", lambda request: failed.append(request.url))

    bare_page.goto(f"{repo_server}/tests/artifacts/offline_map.html", wait_until="networkidle")
    expect(bare_page.locator(".leaflet-basemap-pane path").first).to_be_attached()
    bare_page.screenshot(path=str(ARTIFACTS / "offline_map.png"))

    assert bare_page.evaluate("() => window.L && window.L.version") == "1.9.3"
    assert bare_page.evaluate("() => !!(window.L && L.Control && L.Control.Measure)")
    assert failed == []  # every local asset was served; outside requests are checked by conftest


def test_offline_map_default_base_is_streamlits_static_route():
    """The browser test serves /static/vendor; in the app it is /app/static/vendor."""
    assert offline_map().default_js[0][1] == "/app/static/vendor/leaflet/1.9.3/leaflet.js"
