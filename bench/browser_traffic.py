"""What a real browser meets: `streamlit run` servers driven by headless Chromium, timed in the
page's own clock and counted byte by byte.

Only the public page is relied on, so the same bench measures today's Map page and any rework
of it: the map iframe (`MAP_FRAME`), Leaflet's interactive paths inside it (`SHAPES`), sidebar
checkboxes by their label, the feature card by its `data-feature`, Streamlit's status widget
and its websocket (`/_stcore/stream`).

Timing. An init script (`PROBE`) runs in every document before the page's own scripts and
notes, as epoch milliseconds of the page's clock (`performance.timeOrigin + now()`):
- when the first content appeared (Map: a Leaflet shape in the map iframe; floor: the checkbox
  visible), so "navigation → first content" is that moment minus the navigation's own start
  (the document's `timeOrigin`), with no Playwright round trip in it;
- when each websocket message arrived. Python parses the same frames (Playwright hands them
  over in order) and so knows which one was `script_finished`; its arrival time is then read
  from the page's list at the same index;
- the moment of a click (a capture listener in every frame) and, while armed, when the page's
  visible sign of an action last changed (the number of shapes, or the card becoming visible).
An action is settled at the later of its last `script_finished` and its last visible change,
once the websocket has then been quiet for `QUIET_S` and the status widget is gone.
Why not "until the status widget is gone" as the end time: Streamlit only shows it for a run
longer than its delay and keeps it for a 200 ms exit animation, which would add a constant to
slow reruns and nothing to fast ones.

Bytes. Every websocket frame's payload as the browser decodes it (Streamlit's permessage-deflate
is on in `.streamlit/config.toml`, so the wire carries fewer; Playwright sees the inflated
payload), and every HTTP response body as transferred (`responseBodySize`, 0 from the cache).

Offline. Chromium resolves no host but localhost (`--host-resolver-rules`) and sends anything
else to a dead proxy (which also catches literal IP addresses); loopback bypasses the proxy.
Unlike `page.route()` this keeps the browser's HTTP cache on, which the warm visit measures.
Requests that tried to leave anyway are recorded and reported.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, Error, Page, Request, WebSocket
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",  # nothing listens on the discard port
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]"}
VIEWPORT = {"width": 1400, "height": 900}

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
SHAPES = "path.leaflet-interactive"
CHECKBOX = '[data-testid="stCheckbox"]'
STATUS = '[data-testid="stStatusWidget"]'
EXCEPTION = '[data-testid="stException"]'
STREAM = "/_stcore/stream"

QUIET_S = 2.0
"""An action is over when nothing more came on the websocket for this long after its
`script_finished`: streamlit-folium reports its value once the map has drawn, which may start
another rerun, and that rerun belongs to the same user action."""
SERVER_START_S = 90
FIRST_DEADLINE_S = 90
ACTION_DEADLINE_S = 90

PROBE = """
(cfg) => {
    const now = () => performance.timeOrigin + performance.now();
    window.__benchClickAt = 0;
    addEventListener("click", () => { window.__benchClickAt = now(); }, true);
    if (window !== window.top) { return; }
    const bench = {first: null, stream: [], watch: null, timer: null};
    window.__bench = bench;

    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            if (String(args[0]).includes(cfg.stream)) {
                const arrivals = [];
                bench.stream.push(arrivals);
                this.addEventListener("message", () => arrivals.push(now()));
            }
        }
    };

    const mapDocument = () => {
        const frame = document.querySelector(cfg.mapFrame);
        try { return frame ? frame.contentDocument : null; } catch (e) { return null; }
    };
    const shapes = () => {
        const doc = mapDocument();
        return doc ? doc.querySelectorAll(cfg.shapes).length : 0;
    };
    const shown = (selector) => {
        for (const el of document.querySelectorAll(selector)) {
            if (el.getClientRects().length) { return true; }
        }
        return false;
    };
    const firstContent = cfg.first === "map" ? () => shapes() > 0 : () => shown(cfg.checkbox);
    const look = setInterval(() => {
        if (firstContent()) { bench.first = now(); clearInterval(look); }
    }, cfg.pollMs);

    bench.arm = (watch) => {
        if (bench.timer) { clearInterval(bench.timer); }
        const state = {kind: watch.kind, changedAt: null, done: watch.kind === "none"};
        if (watch.kind === "shapes") { state.before = shapes(); state.last = state.before; }
        if (watch.kind === "shown") { state.visible = shown(watch.selector); }
        bench.watch = state;
        bench.timer = setInterval(() => {
            if (state.kind === "shapes") {
                const n = shapes();
                if (n !== state.last) { state.last = n; state.changedAt = now(); }
                state.done = state.last !== state.before;
            } else if (state.kind === "shown") {
                const visible = shown(watch.selector);
                if (visible && !state.visible) { state.changedAt = now(); }
                state.visible = visible;
                state.done = visible;
            }
        }, cfg.pollMs);
    };
}
"""

FIND_MAP = """
([lat, lon]) => {
    const L = window.L;
    if (!L) { return null; }
    let map = window.map instanceof L.Map ? window.map : null;
    for (const name of map ? [] : Object.keys(window)) {
        try { if (window[name] instanceof L.Map) { map = window[name]; break; } } catch (e) {}
    }
    if (!map || !map._loaded || map._animatingZoom || (map._panAnim && map._panAnim._inProgress)) {
        return null;
    }
    const p = map.latLngToContainerPoint([lat, lon]);
    const box = map.getContainer().getBoundingClientRect();
    return [box.left + p.x, box.top + p.y];
}
"""
"""Where (lat, lon) is drawn inside the map iframe, once the Leaflet map (streamlit-folium's
`window.map`, else any L.Map on the window) stands still; null until then."""


def probe_script(first: str, poll_ms: int) -> str:
    """The init script for a context whose first content is `first` ('map' or 'floor')."""
    config = {"first": first, "pollMs": poll_ms, "mapFrame": MAP_FRAME, "shapes": SHAPES,
              "checkbox": CHECKBOX, "stream": STREAM}
    return f"({PROBE})({json.dumps(config)});"


# --- servers ---------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_bytes(pid: int) -> int | None:
    """Resident memory of `pid` and its descendants (/proc VmRSS), or None if unreadable.

    psutil is not in the venv and this is all it would be used for."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            if current == pid:
                return None
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total


_RUNNING: set[subprocess.Popen] = set()
"""Servers not yet stopped: `atexit` kills what a hard exit left running."""


@atexit.register
def _kill_leftovers() -> None:
    for process in list(_RUNNING):
        process.kill()


@dataclass
class Server:
    """A running `streamlit run`: where it answers and which process to weigh."""

    url: str
    pid: int
    log: Path


def healthy(url: str) -> bool:
    """Whether a Streamlit server answers its health check (the browser tests wait on it too)."""
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.asynccontextmanager
async def serve(script: Path, cwd: Path, log_dir: Path, name: str,
                options: Sequence[str] = ()) -> AsyncIterator[Server]:
    """`streamlit run <script>` from `cwd` (the checkout measured: its `.streamlit/config.toml`
    then applies to every server alike, the floor's too) on a free local port, with Streamlit
    `options` on top; stopped on leaving, error or not."""
    port = free_port()
    log = log_dir / f"{name}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false",
             # as the app's config has it since b089929: a clone from before is measured alike
             "--server.fileWatcherType", "none", *options],
            cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            # an empty workspace of its own: the briefer's layers are not what is measured
            env={**os.environ, "CBM_WORKSPACE": str(log_dir / f"{name}-workspace.gpkg")},
        )
    _RUNNING.add(process)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"{script} exited with {process.returncode}:\n"
                                   f"{log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{script} not healthy after {SERVER_START_S} s")
            await asyncio.sleep(0.25)
        yield Server(url, process.pid, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        _RUNNING.discard(process)


# --- one browser session ---------------------------------------------------------------------


@dataclass
class Traffic:
    """What arrived during one load or user action."""

    ws_bytes: int = 0
    ws_frames: int = 0
    finished: list[tuple[int, int]] = field(default_factory=list)
    """(stream socket number, frame index in it) of each `script_finished`."""
    http_bytes: int = 0
    http_requests: int = 0
    last_frame_at: float = 0.0
    """perf_counter() of the last frame: for the quiet wait only, never for a figure."""


class SettleTimeout(RuntimeError):
    """The page did not settle within the deadline."""


class Session:
    """One browser context with one page, timing and counting what it receives."""

    def __init__(self, context: BrowserContext, page: Page, url: str,
                 owns_context: bool = True) -> None:
        self.context, self.page, self.url = context, page, url
        self.owns_context = owns_context
        self.sockets: list[list[str]] = []
        """This document's stream sockets, each the message type of every frame received."""
        self.current = Traffic()
        self.requests: list[Request] = []
        self.outside: list[str] = []
        self.page_errors: list[str] = []
        self.frames_seen = 0
        self.sign_s: float | None = None
        """Seconds from the last `act` click to its visible sign (None: none seen)."""
        page.on("websocket", self._on_websocket)
        page.on("requestfinished", self._on_request_finished)
        page.on("request", self._on_request)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    @classmethod
    async def open(cls, browser: Browser, url: str, first: str, poll_ms: int = 10) -> Session:
        """A fresh context (empty cookies and HTTP cache) probed for `first` content."""
        context = await browser.new_context(viewport=VIEWPORT)
        await context.add_init_script(probe_script(first, poll_ms))
        return cls(context, await context.new_page(), url)

    def _on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL_HOSTS:
            self.outside.append(request.url)

    def _on_request_finished(self, request: Request) -> None:
        self.requests.append(request)  # sizes are read once the action has settled

    def _on_websocket(self, ws: WebSocket) -> None:
        if STREAM not in ws.url:
            return
        kinds: list[str] = []
        number = len(self.sockets)
        self.sockets.append(kinds)
        ws.on("framereceived", lambda payload: self._on_frame(number, kinds, payload))

    def _on_frame(self, number: int, kinds: list[str], payload: bytes | str) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        message = ForwardMsg()
        try:
            message.ParseFromString(data)
            kind = message.WhichOneof("type") or ""
        except Exception:  # noqa: BLE001 (a frame that is not a ForwardMsg only counts bytes)
            kind = ""
        kinds.append(kind)
        self.frames_seen += 1
        if number >= len(self.sockets) or self.sockets[number] is not kinds:
            return  # a frame of the previous document's socket, arriving late
        traffic = self.current
        traffic.ws_bytes += len(data)
        traffic.ws_frames += 1
        traffic.last_frame_at = time.perf_counter()
        if kind == "script_finished":
            traffic.finished.append((number, len(kinds) - 1))

    async def _settle(self, done: Callable[[], Awaitable[bool]] | None = None) -> Traffic:
        """Wait for a finished rerun, the page's sign (`done`), quiet and no status widget;
        return (and reset) what arrived."""
        deadline = time.monotonic() + ACTION_DEADLINE_S
        while True:
            await asyncio.sleep(0.1)
            traffic = self.current
            quiet = time.perf_counter() - traffic.last_frame_at >= QUIET_S
            if (traffic.finished and quiet and (done is None or await done())
                    and await self.page.locator(STATUS).count() == 0):
                break
            if time.monotonic() > deadline:
                raise SettleTimeout(f"no settled page after {ACTION_DEADLINE_S} s")
        for request in self.requests:
            with contextlib.suppress(Error):
                traffic.http_bytes += max((await request.sizes())["responseBodySize"], 0)
                traffic.http_requests += 1
        self.requests.clear()
        self.current = Traffic()
        return traffic

    async def _finished_at(self, traffic: Traffic) -> float:
        """Page-clock epoch ms at which the action's last `script_finished` arrived."""
        arrivals = await self.page.evaluate("() => window.__bench.stream")
        number, index = traffic.finished[-1]
        if number >= len(arrivals) or index >= len(arrivals[number]):
            raise RuntimeError("the page saw fewer websocket messages than Playwright did")
        return arrivals[number][index]

    async def load(self, path: str = "/") -> tuple[float, Traffic]:
        """Navigate; seconds from the navigation's start to first content, and the traffic
        until the page settled."""
        self.sockets = []
        self.requests.clear()
        self.current = Traffic()
        await self.page.goto(f"{self.url}{path}", wait_until="commit",
                             timeout=FIRST_DEADLINE_S * 1000)
        await self.page.wait_for_function("() => window.__bench && window.__bench.first",
                                          timeout=FIRST_DEADLINE_S * 1000, polling=50)
        first = await self.page.evaluate(
            "() => (window.__bench.first - performance.timeOrigin) / 1000")
        return first, await self._settle()

    async def act(self, click: Callable[[], Awaitable[None]], watch: dict) -> tuple[float,
                                                                                     Traffic]:
        """Do `click`; seconds from the click event to the page settled, and its traffic; the
        seconds to the visible sign alone (the card shown, say) are left in `sign_s`.

        `watch` is the page's visible sign that the action is done: {"kind": "none"} (the
        rerun's `script_finished` alone), {"kind": "shapes"} (the map's shape count changed)
        or {"kind": "shown", "selector": …} (an element became visible)."""
        await self.page.evaluate("(watch) => window.__bench.arm(watch)", watch)
        for frame in self.page.frames:
            with contextlib.suppress(Error):
                await frame.evaluate("() => { window.__benchClickAt = 0; }")
        self.requests.clear()
        self.current = Traffic()
        await click()

        async def done() -> bool:
            return await self.page.evaluate("() => window.__bench.watch.done")

        traffic = await self._settle(done)
        clicked = 0.0
        for frame in self.page.frames:
            with contextlib.suppress(Error):
                clicked = max(clicked, await frame.evaluate("() => window.__benchClickAt || 0"))
        if not clicked:
            raise RuntimeError("no click event reached the page")
        changed = await self.page.evaluate("() => window.__bench.watch.changedAt") or 0.0
        self.sign_s = (changed - clicked) / 1000 if changed else None
        settled = max(await self._finished_at(traffic), changed)
        return (settled - clicked) / 1000, traffic

    async def click_label(self, text: str, within: str = "body") -> None:
        """Click the checkbox label that reads `text` (in `within`), as a user does."""
        await self.page.locator(within).locator("label").filter(has_text=text).first.click()

    async def map_point(self, lat: float, lon: float) -> tuple[float, float]:
        """Page coordinates where the map draws (lat, lon), once the map stands still."""
        iframe = self.page.locator(MAP_FRAME)
        handle = await iframe.element_handle()
        frame = await handle.content_frame() if handle else None
        if frame is None:
            raise RuntimeError("the map iframe has no document")
        point = await (await frame.wait_for_function(
            FIND_MAP, arg=[lat, lon], timeout=ACTION_DEADLINE_S * 1000, polling=100)).json_value()
        box = await iframe.bounding_box()
        if box is None or not (0 <= point[0] <= box["width"] and 0 <= point[1] <= box["height"]):
            raise RuntimeError(f"({lat}, {lon}) is outside the map's view")
        return box["x"] + point[0], box["y"] + point[1]

    async def close(self) -> None:
        """Close the page (its Streamlit session) and, if it is the session's own, the context
        with its HTTP cache."""
        with contextlib.suppress(Error):
            await (self.context.close() if self.owns_context else self.page.close())


# --- many sessions at once -------------------------------------------------------------------


async def crowd(browser: Browser, server: Server, first: str, sessions: int,
                deadline_s: float) -> dict:
    """`sessions` pages navigating to one server at the same moment, each its own Streamlit
    session, all in one browser context whose HTTP cache a first, unmeasured visit primed.

    Why one warm context and not a cold one per session: browsers and server share this
    machine's 2 cores, and `sessions` cold contexts each parse and compile Streamlit's 2.7 MB
    frontend afresh, which made the figure mostly the browsers' own work (a trial: 20 bare
    floor pages in cold contexts took 71 s each). Pages of one context reuse the cache and
    V8's code cache, like a room of readers who have opened the app before.

    Each session's time is navigation start → first content in its own page clock. A session
    is an error if it shows no content within `deadline_s` of the moment they all set off
    (`no_content`), raises, or shows a Streamlit exception. Server memory: RSS after the
    warm-up visit, before any session, and with all of them connected once the websocket
    traffic has gone quiet."""
    context = await browser.new_context(viewport=VIEWPORT)
    await context.add_init_script(probe_script(first, 50))
    opened: list[Session] = []
    try:
        warm = Session(context, await context.new_page(), server.url, owns_context=False)
        await warm.load()  # the server's first run (imports, catalog) and the cache
        await warm.close()
        await asyncio.sleep(QUIET_S)
        rss_before = rss_bytes(server.pid)
        pages = await asyncio.gather(*(context.new_page() for _ in range(sessions)))
        opened = [Session(context, page, server.url, owns_context=False) for page in pages]
        started = time.perf_counter()
        deadline = time.monotonic() + deadline_s

        def left_ms() -> float:
            return max(1.0, (deadline - time.monotonic()) * 1000)

        async def one(session: Session) -> float | None:
            try:
                await session.page.goto(server.url + "/", wait_until="commit",
                                        timeout=left_ms())
                await session.page.wait_for_function(
                    "() => window.__bench && window.__bench.first", timeout=left_ms(),
                    polling=250)
                return await session.page.evaluate(
                    "() => (window.__bench.first - performance.timeOrigin) / 1000")
            except Exception:  # noqa: BLE001 (any failure of a session is one error, counted)
                return None

        firsts = await asyncio.gather(*(one(session) for session in opened))
        all_drawn = time.perf_counter() - started
        # all connected: let the reruns streamlit-folium's first values start finish too
        seen, quiet_since = -1, time.monotonic()
        give_up = quiet_since + 60
        while time.monotonic() - quiet_since < QUIET_S * 2 and time.monotonic() < give_up:
            await asyncio.sleep(0.25)
            now_seen = sum(session.frames_seen for session in opened)
            if now_seen != seen:
                seen, quiet_since = now_seen, time.monotonic()
        rss_after = rss_bytes(server.pid)
        no_content = sum(first_s is None for first_s in firsts)
        errors = no_content
        for session, first_s in zip(opened, firsts, strict=True):
            with contextlib.suppress(Error):
                if first_s is not None and await session.page.locator(EXCEPTION).count():
                    errors += 1
        outside = [url for session in [warm, *opened] for url in session.outside]
        page_errors = sum(len(session.page_errors) for session in opened)
    finally:
        with contextlib.suppress(Error):
            await context.close()
    return {"sessions": sessions, "first": [s for s in firsts if s is not None],
            "errors": errors, "no_content": no_content, "deadline_s": deadline_s,
            "rss_before": rss_before, "rss_after": rss_after,
            "all_drawn_s": all_drawn, "outside": outside, "page_errors": page_errors}
