"""Bytes the real app sends to a real browser: `streamlit run app.py` driven by headless Chromium.

Counted: the payload of every websocket frame the browser receives (Streamlit's protobuf
ForwardMsgs: the page's elements, the map component's arguments) and the HTTP responses (the
Streamlit frontend, the component's iframe bundle, the vendored Leaflet). Websocket compression is
off by default in Streamlit (`server.enableWebsocketCompression`), so frame payloads are the wire
bytes; HTTP bodies are counted as transferred (`request.sizes()["responseBodySize"]`).

A rerun is over when its `script_finished` ForwardMsg arrives and then nothing more comes for
QUIET_MS: streamlit-folium reports its value once the map draws, which may start another rerun,
and that traffic belongs to the same user action.

Playwright's sync API only dispatches events while inside a Playwright call, so every wait below
is `page.wait_for_timeout` / `wait_for`, never `time.sleep`.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, Request, WebSocket, sync_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 # Every host but localhost resolves to nothing: no request can leave the machine,
                 # and unlike page.route() this keeps the browser's HTTP cache on.
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost"]
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
QUIET_MS = 2500
DEADLINE_MS = 180_000


@dataclass
class Traffic:
    """What arrived during one user action."""

    ws_bytes: int = 0
    ws_frames: int = 0
    reruns: int = 0
    http: dict[str, int] = field(default_factory=dict)
    """Transferred HTTP body bytes by kind: frontend, component, vendor."""
    finished_at: list[float] = field(default_factory=list)
    """perf_counter() of each script_finished message."""
    last_frame_at: float = 0.0


def http_kind(url: str) -> str:
    """Which part of the app an HTTP response belongs to."""
    path = urlsplit(url).path
    if path.startswith("/component/"):
        return "component"
    if path.startswith("/app/static/vendor/"):
        return "vendor"
    return "frontend"


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(geodata_dir: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port against `geodata_dir`; yields its base URL."""
    port = free_port()
    env = {**os.environ, "CBM_GEODATA_DIR": str(geodata_dir)}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "streamlit"), "run", "app.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)  # no browser yet: a plain sleep is right here
        else:
            raise RuntimeError(f"streamlit did not answer on {url}")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


class Session:
    """One browser tab on the app, counting what it receives per user action."""

    def __init__(self, browser: Browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page: Page = self.context.new_page()
        self.url = url
        self.current = Traffic()
        self.finished_requests: list[Request] = []
        self.outside: list[str] = []
        self.page.on("websocket", self._on_websocket)
        self.page.on("requestfinished", self._on_request_finished)
        self.page.on("request", self._on_request)

    def _on_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:")) and host not in ("localhost",
                                                                                "127.0.0.1"):
            self.outside.append(request.url)

    def _on_request_finished(self, request: Request) -> None:
        self.finished_requests.append(request)  # sizes are read once the action settles

    def _on_websocket(self, ws: WebSocket) -> None:
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        traffic = self.current
        traffic.ws_bytes += len(data)
        traffic.ws_frames += 1
        traffic.last_frame_at = time.perf_counter()
        message = ForwardMsg()
        try:
            message.ParseFromString(data)
        except Exception:  # noqa: BLE001 (a non-protobuf frame only counts bytes)
            return
        if message.WhichOneof("type") == "script_finished":
            traffic.reruns += 1
            traffic.finished_at.append(traffic.last_frame_at)

    def _settle(self) -> Traffic:
        """Wait for a finished rerun and then quiet; return (and reset) what arrived."""
        waited = 0
        while waited < DEADLINE_MS:
            self.page.wait_for_timeout(200)
            waited += 200
            quiet_ms = (time.perf_counter() - self.current.last_frame_at) * 1000
            if self.current.reruns and quiet_ms >= QUIET_MS:
                break
        else:
            raise RuntimeError("the app did not settle")
        # Widgets stay disabled while the frontend still processes the run; wait them out.
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=stSidebar] label[data-disabled=true]')",
            timeout=DEADLINE_MS)
        for request in self.finished_requests:
            body = max(request.sizes()["responseBodySize"], 0)  # -1: served from browser cache
            kind = http_kind(request.url)
            self.current.http[kind] = self.current.http.get(kind, 0) + body
        self.finished_requests.clear()
        done, self.current = self.current, Traffic()
        return done

    def load(self, query: str = "") -> Traffic:
        """Open the app (first page load), wait until the map has drawn and all is quiet."""
        self.page.goto(f"{self.url}/{query}")
        self.page.frame_locator(MAP_FRAME).locator(".leaflet-interactive").first.wait_for(
            timeout=DEADLINE_MS)
        return self._settle()

    def toggle(self, title: str) -> tuple[Traffic, float]:
        """Click a sidebar layer checkbox; the traffic, and click -> first script_finished (ms)."""
        sidebar = self.page.get_by_test_id("stSidebar")
        clicked = time.perf_counter()
        sidebar.locator("label").filter(has_text=title).first.click()
        traffic = self._settle()
        return traffic, (traffic.finished_at[0] - clicked) * 1000

    def close(self) -> None:
        """Close the tab and its browser context (and its cache)."""
        self.context.close()


def measure(geodata_dir: Path, all_layers: list[str], toggles: dict[str, str], reps: int) -> dict:
    """Bytes to the browser for the default view, all layers, and each toggle on then off.

    `toggles` maps layer id -> sidebar title; each toggle is timed `reps` times, each time in a
    freshly loaded page. The first load uses a fresh browser context (cold HTTP cache), the
    second the same context, to show which static assets the browser caches.
    """
    with streamlit_server(geodata_dir) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        outside: list[str] = []
        try:
            session = Session(browser, url)
            default = session.load()
            warm = session.load()  # same context: static assets come from the browser cache
            toggled: dict[str, dict] = {}
            for layer_id, title in toggles.items():
                on, off, seconds = [], [], []
                for _ in range(reps):
                    session.load()  # a new Streamlit session: nothing of the last toggle cached
                    traffic, ms = session.toggle(title)
                    on.append(traffic)
                    seconds.append(ms)
                    off.append(session.toggle(title)[0])
                toggled[layer_id] = {
                    "on_ws_bytes": statistics.median(t.ws_bytes for t in on),
                    "off_ws_bytes": statistics.median(t.ws_bytes for t in off),
                    "http": sum(sum(t.http.values()) for t in on + off),
                    "reruns": statistics.median(t.reruns for t in on),
                    "click_to_finished_ms": statistics.median(seconds),
                }
            outside += session.outside
            session.close()

            every = Session(browser, url)
            all_traffic = every.load(f"?layers={','.join(all_layers)}")
            outside += every.outside
            every.close()
            version = browser.version
        finally:
            browser.close()
    return {
        "default": vars(default) | {"finished_at": None},
        "warm_reload": vars(warm) | {"finished_at": None},
        "all": vars(all_traffic) | {"finished_at": None},
        "toggles": toggled,
        "outside_requests": outside,
        "chromium": version,
    }
