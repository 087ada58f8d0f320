"""Real Chromium against a real `streamlit run app.py`, with the internet cut off.

A briefing room has no internet, so every browser test runs the app the way a user meets it and
aborts every request that would leave this machine; each test then checks that none was tried.
One Streamlit server and one browser serve the whole session; each test gets a fresh browser
context (a new Streamlit session, empty cookies) so tests cannot leak state into each other.

Playwright's sync API only runs route handlers and events while the test is inside a Playwright
call: wait with `page.wait_for_timeout`, `expect(...)` or `wait_for_function`, never `time.sleep`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    Frame,
    FrameLocator,
    Locator,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from bench.browser_traffic import free_port, healthy
from layers import GEODATA_DIR, ROOT
from layers.build import npm

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORT = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
SERVER_START_S = 90
AXE_FILE = ("axe-core", "package/axe.min.js")
"""axe-core in the npm cache (pinned in layers/build/packages.json, `used_by: tests`)."""
MAP_APPEARS_MS = 30_000  # the map needs ~4–8 s on a 2-core machine; leave room for a slow CI

MAP_IFRAME = "iframe[data-testid=stCustomComponentV1]"
# Our features are interactive SVG paths (circle markers too); the Natural Earth basemap is
# drawn non-interactive, so it never carries this class.
# Features draw in panes of their own (areas by size, lines, points: layers/layer.py pane_for);
# the clickable path of each feature is the interactive one (a line's is its wide hit stroke).
FEATURE_SHAPES = ", ".join(
    f"{pane} path.leaflet-interactive"
    for pane in ('[class*="leaflet-areas-"]', ".leaflet-lines-pane", ".leaflet-points-pane")
)
ANY_SHAPE = ".leaflet-map-pane path"  # the basemap has a pane of its own

# Runs in every frame before its own scripts: the moment (epoch ms) the first Leaflet path, and
# the first feature path, are in the document. It polls rather than observes because
# streamlit-folium's iframe keeps the window of its first about:blank document while its real
# document replaces that one, so an observer set up at start would watch a dead document.
FIRST_PATH_PROBE = """
((ANY, FEATURE) => {
    const seen = {};
    window.__firstPaths = seen;
    const look = setInterval(() => {
        const now = performance.timeOrigin + performance.now();
        if (!seen.any && document.querySelector(ANY)) { seen.any = now; }
        if (!seen.feature && document.querySelector(FEATURE)) { seen.feature = now; }
        if (seen.any && seen.feature) { clearInterval(look); }
    }, 10);
})""" + f"({json.dumps(ANY_SHAPE)}, {json.dumps(FEATURE_SHAPES)});"


# --- the browser and the server, once per session ---------------------------------------------


def _executable(playwright: Playwright) -> Path | None:
    """Debian's Chromium, else Playwright's own download if one was ever installed."""
    if CHROMIUM.exists():
        return CHROMIUM
    bundled = Path(playwright.chromium.executable_path)
    return bundled if bundled.exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session; skip locally without one, fail in CI."""
    with sync_playwright() as playwright:
        executable = _executable(playwright)
        if executable is None:
            reason = (f"no Chromium: install Debian's chromium ({CHROMIUM}) or run "
                      "`playwright install chromium`")
            if os.environ.get("CI") == "true":
                pytest.fail(f"{reason} (CI must run the browser tests; .ci/run installs it)")
            pytest.skip(reason)
        launched = playwright.chromium.launch(executable_path=str(executable), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def app_url(browser: Browser) -> Iterator[str]:
    """`streamlit run app.py` on a free local port, for the whole session.

    Depends on `browser` so that a machine without Chromium skips before paying for a server.
    """
    yield from _streamlit("streamlit.log")


@pytest.fixture(scope="session")
def dark_app_url(browser: Browser) -> Iterator[str]:
    """A second server with Streamlit's dark theme (`--theme.base dark`), started on first use."""
    yield from _streamlit("streamlit-dark.log", "--theme.base", "dark")


def _streamlit(log_name: str, *options: str) -> Iterator[str]:
    """Run `streamlit run app.py` (with `options`) on a free port and yield its address."""
    if not (ROOT / "static" / "vendor" / "leaflet").is_dir():
        pytest.fail("static/vendor/ is missing: run `make assets` (make test does) first")
    port = free_port()
    yield from serving(
        [sys.executable, "-m", "streamlit", "run", "app.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         # a source edit must not rerun the app under a test
         "--server.fileWatcherType", "none", *options],
        f"http://127.0.0.1:{port}", log_name)


def serving(command: list[str], url: str, log_name: str) -> Iterator[str]:
    """Run `command` (a Streamlit server) from the repository root, logging to ARTIFACTS, and
    yield `url` once it is healthy; stopped on leaving, error or not."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log_path = ARTIFACTS / log_name
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(server, url, log_path)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_healthy(server: subprocess.Popen, url: str, log_path: Path) -> None:
    """Poll /_stcore/health; fail with the server's log if it exits or never answers."""
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if healthy(url):
            return
        try:  # pause a moment, or learn at once that the server died
            server.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"streamlit exited with {server.returncode}:\n{log_path.read_text()}")
    pytest.fail(f"streamlit not healthy after {SERVER_START_S} s:\n{log_path.read_text()}")


# --- one page per test, offline, watched ------------------------------------------------------


@dataclass
class Watch:
    """What a test's page tried that it must not: outside requests and JavaScript dialogs."""

    blocked: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@pytest.fixture
def watch() -> Watch:
    return Watch()


def _watched_page(browser: Browser, watch: Watch, base_url: str | None,
                  **options: object) -> Iterator[Page]:
    """A page in a fresh context (`options`: Playwright's, over a desktop viewport):
    requests leaving the machine are aborted and recorded in `watch`, and so are JavaScript
    dialogs (dismissed)."""

    def offline(route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort()

    def dialog(shown) -> None:
        watch.dialogs.append(f"{shown.type}: {shown.message}")
        shown.dismiss()

    context = browser.new_context(**{"viewport": VIEWPORT, "base_url": base_url, **options})
    context.route("**/*", offline)
    context.add_init_script(FIRST_PATH_PROBE)
    opened = context.new_page()
    opened.on("dialog", dialog)
    try:
        yield opened
    finally:  # closed even when a test fails inside `with` (its sessions must not linger on)
        context.close()


@pytest.fixture
def page(browser: Browser, app_url: str, watch: Watch) -> Iterator[Page]:
    """A fresh page on the running app (relative addresses resolve against it)."""
    yield from _watched_page(browser, watch, app_url)


@pytest.fixture
def phone_page(browser: Browser, app_url: str, watch: Watch) -> Iterator[Page]:
    """A fresh page on the app as a phone opens it: 390×844, touch, a mobile viewport."""
    yield from _watched_page(browser, watch, app_url, viewport=PHONE, is_mobile=True,
                             has_touch=True, device_scale_factor=2)


@pytest.fixture
def dark_page(browser: Browser, dark_app_url: str, watch: Watch) -> Iterator[Page]:
    """A fresh page on the dark-theme server."""
    yield from _watched_page(browser, watch, dark_app_url)


@pytest.fixture
def bare_page(browser: Browser, watch: Watch) -> Iterator[Page]:
    """A fresh page, equally watched, for tests that need no Streamlit server."""
    yield from _watched_page(browser, watch, None)


@pytest.fixture(autouse=True)
def _offline_and_quiet(watch: Watch) -> Iterator[None]:
    """After every browser test (its page closed): nothing was fetched from outside the
    machine, and no alert, confirm or prompt appeared."""
    yield
    assert watch.blocked == [], f"{len(watch.blocked)} request(s) tried to leave the machine"
    assert watch.dialogs == [], "a JavaScript dialog fired"


# --- the map inside streamlit-folium's iframe ----------------------------------------------------


@dataclass
class MapView:
    """The Leaflet map as a test sees it: the iframe in the page, `window.map` inside it."""

    page: Page

    @property
    def iframe(self) -> Locator:
        """The <iframe> element streamlit-folium draws the map in."""
        return self.page.locator(MAP_IFRAME)

    @property
    def inside(self) -> FrameLocator:
        """The iframe's document, for locators that retry (`expect`)."""
        return self.page.frame_locator(MAP_IFRAME)

    @property
    def frame(self) -> Frame:
        """The iframe's document, for `evaluate` on `window.map`."""
        handle = self.iframe.element_handle()
        frame = handle.content_frame() if handle else None
        assert frame is not None, "the map iframe has no document"
        return frame

    def shapes(self) -> Locator:
        """The feature shapes drawn (a locator: use with `expect(...).to_have_count`)."""
        return self.inside.locator(FEATURE_SHAPES)

    def all_shapes(self) -> Locator:
        """Everything Leaflet drew, the basemap included."""
        return self.inside.locator(ANY_SHAPE)

    def wait_drawn(self) -> None:
        """Until Leaflet has drawn something (the basemap at least) and `map` is ready."""
        expect(self.all_shapes().first).to_be_attached(
            timeout=MAP_APPEARS_MS)
        self.frame.wait_for_function("() => window.map && window.map._loaded")

    def wait_still(self) -> None:
        """Until no pan or zoom animation is running (so positions and the view are final)."""
        self.frame.wait_for_function(
            "() => !map._animatingZoom && !(map._panAnim && map._panAnim._inProgress)")

    def view(self) -> tuple[int, float, float]:
        """(zoom, latitude, longitude) of the map right now."""
        zoom, lat, lon = self.frame.evaluate(
            "() => [map.getZoom(), map.getCenter().lat, map.getCenter().lng]")
        return zoom, lat, lon

    def pixels_off_centre(self, lat: float, lon: float) -> float:
        """How far (screen px) (lat, lon) is drawn from the middle of the map."""
        return self.frame.evaluate(
            """([lat, lon]) => {
                const p = map.latLngToContainerPoint([lat, lon]);
                const size = map.getSize();
                return Math.hypot(p.x - size.x / 2, p.y - size.y / 2);
            }""",
            [lat, lon],
        )

    def click_at(self, lat: float, lon: float) -> None:
        """Click the page where (lat, lon) is drawn, as a mouse would."""
        self.wait_still()
        x, y = self.frame.evaluate(
            """([lat, lon]) => {
                const p = map.latLngToContainerPoint([lat, lon]);
                const box = map.getContainer().getBoundingClientRect();
                return [box.left + p.x, box.top + p.y];
            }""",
            [lat, lon],
        )
        frame_box = self.iframe.bounding_box()
        assert frame_box is not None
        assert 0 <= x <= frame_box["width"] and 0 <= y <= frame_box["height"], "off the map"
        self.page.mouse.click(frame_box["x"] + x, frame_box["y"] + y)

    def draw_vertices(self, vertices: Sequence[tuple[float, float]]) -> None:
        """Click each (lat, lon) vertex of a shape being drawn (the outline is left open).

        Leaflet.draw drops a click that comes within its 50 ms guard after the last vertex (on
        a loaded machine the guard's timer fires late), as a user sees when a click makes no
        vertex and clicks again: each click is checked by its vertex marker and, if none came,
        made once more. A vertex is added as the mouse button comes up, so a click that has
        not added one within a second never will.
        """
        markers = self.inside.locator(".leaflet-editing-icon")
        for made, (lat, lon) in enumerate(vertices):
            for attempt in range(1, 4):
                self.click_at(lat, lon)
                try:
                    expect(markers).to_have_count(made + 1, timeout=1_000)
                    break
                except AssertionError:
                    if attempt == 3:
                        raise


@pytest.fixture
def open_map(page: Page) -> Callable[[str], MapView]:
    """Go to a Map-page address and wait for the map to be drawn."""

    def go(address: str) -> MapView:
        page.goto(address)
        view = MapView(page)
        view.wait_drawn()
        return view

    return go


# --- the data the map draws, read straight from geodata/ -----------------------------------------


@dataclass(frozen=True)
class GeoLayer:
    """A layer as `geodata/layers.json` registers it, with the features of its file."""

    id: str
    title: str
    visible: bool
    features: tuple[dict, ...]

    @property
    def shape_count(self) -> int:
        """How many SVG paths Leaflet draws for the layer: one per feature, multi-parts included
        (a MultiPolygon is one path). Collections would draw several, and we have none."""
        kinds = {feature["geometry"]["type"] for feature in self.features}
        assert "GeometryCollection" not in kinds, "count each member of a collection"
        return len(self.features)


@pytest.fixture(scope="session")
def geo_layers() -> dict[str, GeoLayer]:
    """Every registered layer by id, in registry order."""
    registry = json.loads((GEODATA_DIR / "layers.json").read_text(encoding="utf-8"))
    found = {}
    for entry in registry["layers"]:
        data = json.loads((GEODATA_DIR / entry["file"]).read_text(encoding="utf-8"))
        found[entry["id"]] = GeoLayer(entry["id"], entry["title"], entry["visible"],
                                      tuple(data["features"]))
    return found


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe.min.js from the npm cache (fetched once with `npm pack` if absent, hash-checked),
    for every test that runs axe-core in a page."""
    try:
        return npm.read_file(*AXE_FILE).decode("utf-8")
    except npm.FetchError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"axe-core is needed for the accessibility tests: {error}")
        pytest.skip(f"axe-core unavailable: {error}")
