"""`make bench` / `.venv/bin/python -m bench [--quick] [--reps N] [--sessions 20,40]`.

The Map page against the floor page (`floor_app.py`: one text, one checkbox), both served by
`streamlit run` in the same run and driven by the same headless Chromium
(`browser_traffic.py`), so each Map figure stands next to what bare Streamlit costs on this
machine at that moment:

1. Each repetition, floor then Map (interleaved, so both meet the same neighbours' load), in a
   fresh browser context: navigation → first content with an empty cache (cold), again in the
   same context (warm: HTTP cache on), then one toggle (floor: the checkbox; Map: switch on
   Middle Corridor), and on the Map a fresh visit and a click on Goris until its card shows.
2. Concurrency: for each size, a fresh server per page and that many pages of one primed
   browser context navigating at once; time to first content (median, p95), errors, server
   memory per session (`browser_traffic.crowd` says why one warm context).
3. Waves: four crowds of 20 one after another on one Map server, each left to go; the
   server's memory once each has gone must not climb (`repeated_waves`).

Prints the one table (`report.table`); a full run also writes `bench/results.md` with the
method, versions and the raw samples. `--app-dir` measures another checkout's app.py (a clone
at an earlier commit, for a before/after pair). `--quick` is a smoke run (1 repetition, 2 and
4 sessions, a few minutes) that writes nothing unless given `--out`. Figures, not
assertions: nothing fails on a target, a target not met reads "no".
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from importlib.metadata import version
from pathlib import Path

from playwright.async_api import Browser, async_playwright

from bench import report
from bench.browser_traffic import (
    CHROMIUM,
    CHROMIUM_ARGS,
    MAP_FRAME,
    QUIET_S,
    SHAPES,
    Server,
    Session,
    crowd,
    rss_bytes,
    serve,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.md"
FLOOR_SCRIPT = HERE / "floor_app.py"
BARE_MAP_SCRIPT = HERE / "bare_map_app.py"
SIDEBAR = '[data-testid="stSidebar"]'
TOGGLE_LAYER = "Middle Corridor"
SELECT_FEATURE = "goris"
CARD = f'.feature-card[data-feature="{SELECT_FEATURE}"]'
CROWD_DEADLINE_S = 180
"""From the moment all sessions set off. Three minutes is long past any reader's patience, but
on 2 cores shared with 40 browsers most of the wait is the browsers' own work (the floor's
row), and the figure should still tell a slow server from a failing one."""
WAVES = 4
WAVE_SESSIONS = 20
SESSION_TTL_S = 5
"""The waves' server forgets a closed tab's session after this (Streamlit keeps it 120 s by
default, for a reconnect), so what stays after a wave is what the server kept for good."""
LOAD_KEYS = ("first_cold", "first_warm", "load_cold_ws", "load_cold_http", "load_warm_ws",
             "load_warm_http")
SAMPLE_KEYS = (*LOAD_KEYS, "toggle_s", "toggle_ws", "toggle_http")


def log(message: str) -> None:
    """Progress goes to stderr, so stdout carries the table alone."""
    print(message, file=sys.stderr, flush=True)


def geodata_dir(app_dir: Path) -> Path:
    """The geodata the measured app reads: `CBM_GEODATA_DIR` if set, as the app does."""
    return Path(os.environ.get("CBM_GEODATA_DIR") or app_dir / "geodata")


def feature_point(feature_id: str, geodata: Path) -> tuple[float, float]:
    """(lat, lon) of a point feature, read from the built geodata files: data, not the app
    (nor the `layers` library, which may be mid-edit in a shared tree)."""
    for path in sorted(geodata.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            if feature["properties"].get("id") == feature_id:
                lon, lat = feature["geometry"]["coordinates"][:2]
                return lat, lon
    raise LookupError(f"no feature {feature_id!r} in {geodata}")


async def warm_up(browser: Browser, server: Server, first: str) -> None:
    """One unmeasured visit: the server's first run imports and reads the catalog."""
    session = await Session.open(browser, server.url, first)
    try:
        await session.load()
    finally:
        await session.close()


def record(samples: dict, prefix: str, seconds: float, traffic) -> None:
    """Append one load's figures under `prefix` ('cold' or 'warm')."""
    samples[f"first_{prefix}"].append(seconds)
    samples[f"load_{prefix}_ws"].append(traffic.ws_bytes)
    samples[f"load_{prefix}_http"].append(traffic.http_bytes)


def record_action(samples: dict, action: str, seconds: float, traffic) -> None:
    """Append one action's figures under `action` ('toggle' or 'select')."""
    samples[f"{action}_s"].append(seconds)
    samples[f"{action}_ws"].append(traffic.ws_bytes)
    samples[f"{action}_http"].append(traffic.http_bytes)


@contextlib.asynccontextmanager
async def visited(browser: Browser, server: Server, first: str, samples: dict,
                  notes: dict) -> AsyncIterator[Session]:
    """A fresh context's cold and warm first content, recorded; then the session for more, its
    requests that left the machine and its page errors noted however it ends."""
    session = await Session.open(browser, server.url, first)
    try:
        record(samples, "cold", *await session.load())
        record(samples, "warm", *await session.load())
        yield session
    finally:
        notes["outside"] += session.outside
        notes["page_errors"] += len(session.page_errors)
        await session.close()


async def floor_rep(browser: Browser, server: Server, samples: dict, notes: dict) -> None:
    """Cold and warm first content, and one checkbox click, in a fresh context."""
    async with visited(browser, server, "floor", samples, notes) as session:
        seconds, traffic = await session.act(lambda: session.click_label("A checkbox"),
                                             {"kind": "none"})
        record_action(samples, "toggle", seconds, traffic)


async def bare_map_rep(browser: Browser, server: Server, samples: dict, notes: dict) -> None:
    """Cold and warm first map of the bare map page, in a fresh context."""
    async with visited(browser, server, "map", samples, notes):
        pass


def bare_map_dir(app_dir: Path, log_dir: Path) -> Path:
    """A folder holding the bare map page beside a link to `app_dir`'s `static/`: Streamlit
    serves `static/` from beside the script it runs, and the page is to load the measured
    checkout's Leaflet."""
    folder = log_dir / "bare-map"
    folder.mkdir(exist_ok=True)
    (folder / BARE_MAP_SCRIPT.name).write_bytes(BARE_MAP_SCRIPT.read_bytes())
    link = folder / "static"
    if not link.is_symlink():
        link.symlink_to(app_dir.resolve() / "static", target_is_directory=True)
    return folder / BARE_MAP_SCRIPT.name


async def map_rep(browser: Browser, server: Server, samples: dict, notes: dict,
                  point: tuple[float, float]) -> None:
    """Cold and warm first map, one layer switched on, then (fresh visit) one feature clicked."""
    async with visited(browser, server, "map", samples, notes) as session:
        seconds, traffic = await session.act(
            lambda: session.click_label(TOGGLE_LAYER, within=SIDEBAR), {"kind": "shapes"})
        record_action(samples, "toggle", seconds, traffic)

        await session.load()  # a new Streamlit session: the default view, nothing selected
        x, y = await session.map_point(*point)
        seconds, traffic = await session.act(lambda: session.page.mouse.click(x, y),
                                             {"kind": "shown", "selector": CARD})
        record_action(samples, "select", seconds, traffic)
        if session.sign_s is not None:
            samples["select_card_s"].append(session.sign_s)


async def measure(app_dir: Path, reps: int, sizes: list[int], log_dir: Path,
                  waves: tuple[int, int] = (WAVES, WAVE_SESSIONS)) -> dict:
    """Every figure of the table, plus what the report's method section names, for the
    checkout at `app_dir` (its `app.py`, config and geodata; the floor is always ours)."""
    map_script = app_dir / "app.py"
    measured = measured_commit(app_dir)  # before the run: the shared tree may move under it
    floor = {key: [] for key in SAMPLE_KEYS}
    bare = {key: [] for key in LOAD_KEYS}
    map_ = {key: [] for key in (*SAMPLE_KEYS, "select_s", "select_card_s", "select_ws",
                                "select_http")}
    notes: dict = {"outside": [], "page_errors": 0, "failures": [],
                   "load": [("at the start", os.getloadavg()[0])]}
    crowds: dict[str, dict] = {"floor": {}, "map": {}}
    point = feature_point(SELECT_FEATURE, geodata_dir(app_dir))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            chromium = browser.version
            async with serve(FLOOR_SCRIPT, app_dir, log_dir, "floor") as floor_server, \
                    serve(bare_map_dir(app_dir, log_dir), app_dir, log_dir,
                          "bare-map") as bare_server, \
                    serve(map_script, app_dir, log_dir, "map") as map_server:
                await warm_up(browser, floor_server, "floor")
                await warm_up(browser, bare_server, "map")
                await warm_up(browser, map_server, "map")
                for rep in range(reps):
                    log(f"repetition {rep + 1} of {reps}")
                    for name, run in (
                        ("floor", floor_rep(browser, floor_server, floor, notes)),
                        ("bare map", bare_map_rep(browser, bare_server, bare, notes)),
                        ("map", map_rep(browser, map_server, map_, notes, point)),
                    ):
                        try:
                            await run
                        except Exception as error:  # noqa: BLE001 (a lost sample is reported)
                            notes["failures"].append(f"{name}, repetition {rep + 1}: {error}")
                            log(f"  {name} failed: {error}")
            for size in sizes:
                for name, script, first in (("floor", FLOOR_SCRIPT, "floor"),
                                            ("map", map_script, "map")):
                    log(f"{size} sessions at once on the {name} page")
                    notes["load"].append((f"before {size} on the {name} page",
                                          os.getloadavg()[0]))
                    async with serve(script, app_dir, log_dir, f"{name}-crowd-{size}") as server:
                        crowds[name][str(size)] = await crowd(browser, server, first, size,
                                                              CROWD_DEADLINE_S)
                    notes["outside"] += crowds[name][str(size)].pop("outside")
            log(f"{waves[0]} waves of {waves[1]} sessions on one Map server")
            notes["load"].append(("before the waves", os.getloadavg()[0]))
            async with serve(map_script, app_dir, log_dir, "map-waves",
                             ("--server.disconnectedSessionTTL", str(SESSION_TTL_S))) as server:
                wave_results = await repeated_waves(browser, server, *waves)
            notes["outside"] += [url for wave in wave_results for url in wave.pop("outside")]
        finally:
            await browser.close()
    notes["load"].append(("at the end", os.getloadavg()[0]))
    return {"reps": reps, "floor": floor, "bare_map": bare, "map": map_, "crowds": crowds,
            "waves": wave_results,
            "notes": notes, "chromium": chromium, "measured": measured}


async def repeated_waves(browser: Browser, server: Server, count: int,
                         sessions: int) -> list[dict]:
    """`count` crowds of `sessions` one after the other against one server, each left to go
    (tabs closed, sessions forgotten after SESSION_TTL_S): the server's memory once each has
    gone (`rss_left`) must not climb wave after wave, or a day of briefings would exhaust it."""
    results = []
    for wave in range(1, count + 1):
        log(f"  wave {wave} of {count}")
        result = await crowd(browser, server, "map", sessions, CROWD_DEADLINE_S)
        await asyncio.sleep(SESSION_TTL_S + 5)
        # Streamlit drops expired sessions only when its session store is next written: one
        # more visit, opened and closed, writes it; then the wave's sessions are gone
        await warm_up(browser, server, "map")
        await asyncio.sleep(5)
        result["rss_left"] = rss_bytes(server.pid)
        results.append(result)
    return results


def git(app_dir: Path, *args: str) -> str:
    """A git answer about the measured checkout, or '' where there is none."""
    done = subprocess.run(["git", *args], cwd=app_dir, capture_output=True, text=True,
                          check=False)
    return done.stdout.rstrip()  # not lstrip: porcelain lines start with a status column


def measured_commit(app_dir: Path) -> str:
    """The commit measured, and the files changed but not committed, if any: the tree is
    shared, so the servers ran whatever was on disk."""
    commit = git(app_dir, "rev-parse", "--short", "HEAD") or "unknown"
    where = "" if app_dir == ROOT else f"; the app from `{app_dir}`, the bench from this checkout"
    changed = [line[3:] for line in git(app_dir, "status", "--porcelain").splitlines()
               if not line[3:].startswith("bench/") and line[3:] != "tests/test_bench.py"]
    if not changed:
        return f"commit `{commit}`, working tree clean outside bench/{where}"
    return (f"commit `{commit}` plus uncommitted changes to {len(changed)} file(s): "
            + ", ".join(f"`{path}`" for path in changed[:12])
            + (" …" if len(changed) > 12 else "") + where)


def first_load_section(results: dict) -> list[str]:
    """Secondary: what the first visit and a warm visit carry, websocket and HTTP."""

    def median_kb(samples: list[float]) -> str:
        summary = report.summarize(samples)
        return report.kilobytes(summary.median if summary else None)

    rows = []
    for label, key in (("cold visit", "cold"), ("warm visit", "warm")):
        for page, side in (("floor", results["floor"]), ("Map", results["map"])):
            rows.append(f"| {label} | {page} | {median_kb(side[f'load_{key}_ws'])} | "
                        f"{median_kb(side[f'load_{key}_http'])} |")
    return ["## What a visit carries (medians)", "",
            "Everything received from navigation until the page settled. The HTTP column is "
            "transferred body bytes (0 for what came from the browser cache), so the warm "
            "visit shows what the cache spares.", "",
            "| visit | page | websocket | HTTP |", "| --- | --- | ---: | ---: |", *rows, ""]


def markdown(results: dict, took_s: float, quick: bool) -> str:
    """bench/results.md: the table, how it was measured, and the raw samples."""
    notes = results["notes"]
    crowds = results["crowds"]["map"]
    drawn = ", ".join(f"{n} sessions: the last done (drawn or given up) {c['all_drawn_s']:.0f} s "
                      f"after they set off, {c['page_errors']} JavaScript page errors"
                      for n, c in crowds.items())
    load = ", ".join(f"{when} {value:.1f}" for when, value in notes["load"])
    failures = notes["failures"] or ["none"]
    raw = json.dumps({k: v for k, v in results.items() if k != "notes"}, indent=None)
    return "\n".join([
        "# Benchmark: the Map page against a bare Streamlit page" + (" (quick run)" if quick
                                                                      else ""),
        "",
        f"Run {datetime.date.today().isoformat()} by `make bench` (`python -m bench`) on "
        f"{results['measured']}; {os.cpu_count()} cores ({platform.machine()}), Python "
        f"{platform.python_version()}, streamlit {version('streamlit')}, streamlit-folium "
        f"{version('streamlit-folium')}, playwright {version('playwright')}, Chromium "
        f"{results['chromium']}. The run took {took_s / 60:.1f} min.",
        "",
        report.table(results),
        "",
        "## Method",
        "",
        "- **Floor page**: `bench/floor_app.py`, one `st.write` text and one `st.checkbox`, "
        "served by its own `streamlit run` from the same directory and config in the same run; "
        "every ratio is Map / floor, the ratio of medians and (in brackets) of minimums.",
        "- **Bare map page**: `bench/bare_map_app.py`, a title and a streamlit-folium map with "
        "one line, Leaflet served locally by the measured checkout's own `localize`; served "
        "and timed like the Map page's first content, interleaved with the other two. No "
        "target: it is what Streamlit's component frame and Leaflet cost before the Map page "
        "adds anything, so its ratio to the floor is the least a map page on this stack takes, "
        "and the Map page's multiple of it is the Map page's own part.",
        f"- **Repetitions**: {results['reps']}, floor, bare map and Map interleaved, each in a "
        "fresh browser context; each server had one unmeasured warm-up visit first. Median and "
        "minimum: the machine is shared and has 2 cores, the minimum is the least disturbed "
        "run.",
        "- **Navigation → first content**: from the navigation's start (the document's "
        "`performance.timeOrigin`) to the first `path.leaflet-interactive` in the map iframe "
        "(floor: the checkbox visible), both read in the page's own clock by an init script "
        "polling every 10 ms. Cold: a fresh context, empty HTTP cache. Warm: the second visit "
        "in the same context (a new Streamlit session, the browser cache on).",
        f"- **Click → page settled**: from the click event to the later of the last "
        f"`script_finished` message's arrival and the page's visible sign (Map toggle: the "
        f"number of shapes in the map changed; selection: `{CARD}` visible), once the "
        f"websocket was then quiet for {QUIET_S:g} s and the status widget gone. Floor: the "
        "checkbox click, settled at its `script_finished`; the selection rows reuse it.",
        f"- **Click → card shown**: from the click event to `{CARD}` turning visible (the "
        "last time it did, so a card that vanished and came back counts from its return); "
        "the page settled comes later, when the rerun has flown the map to the feature and "
        "outlined it.",
        "- **Bytes**: websocket payloads as the browser decodes them (permessage-deflate is on "
        "in `.streamlit/config.toml`, so fewer bytes cross the wire) and HTTP bodies as "
        "transferred, from the click until settled.",
        "- **Sessions at once**: a fresh server per page and size; one browser context, "
        "primed by one unmeasured visit, then that many pages (each its own renderer process "
        "and Streamlit session) navigate at the same moment; a session without content "
        f"{CROWD_DEADLINE_S} s after they set off is an error, and counts as slower than that "
        "in the median and p95. One warm context rather than a cold one per session: "
        "browsers and server share the 2 cores, and cold contexts each parse Streamlit's "
        "2.7 MB frontend afresh (a trial: 20 bare floor pages in cold contexts took 71 s "
        "each), so the figure would be mostly the browsers'. It still includes the browsers' "
        "own work: the floor's row shows that part. Server memory: the streamlit process's "
        "RSS (`/proc/<pid>/status`) with every session connected and quiet, minus before the "
        "first, divided by the sessions. "
        + (drawn + "." if drawn else ""),
        f"- **Waves**: one more Map server, started with `--server.disconnectedSessionTTL "
        f"{SESSION_TTL_S}` (Streamlit keeps a closed tab's session 120 s by default, for a "
        "reconnect); crowds as above one after another, each closed when drawn, then "
        f"{SESSION_TTL_S + 5} s for its sessions to expire and one more visit, opened and "
        "closed, so that Streamlit (which drops expired sessions only when its session store is "
        "next written) lets them go, then 5 s before the server's RSS is read. The first wave "
        "fills the caches and Python's memory arenas once; growth is judged from the second "
        "wave on: no later wave may leave more than 2 % above it.",
        f"- **Offline**: Chromium `{' '.join(CHROMIUM_ARGS)}`; requests that tried to leave "
        f"localhost: {len(notes['outside'])}. JavaScript page errors in the repetitions: "
        f"{notes['page_errors']}. Lost samples: {'; '.join(failures)}.",
        f"- **The machine's load** (1-minute load average on 2 cores; other people's work and, "
        f"during the crowds, this run's own browsers): {load}.",
        f"- Public page only: `{MAP_FRAME}`, `{SHAPES}`, the sidebar checkbox "
        f"\"{TOGGLE_LAYER}\", the card's `data-feature`; nothing of the Map page's "
        "implementation, so the same bench runs before and after a rework of it.",
        "",
        *first_load_section(results),
        "## Raw samples",
        "",
        "Seconds and bytes as measured, in repetition order:",
        "",
        "```json",
        raw,
        "```",
        "",
    ])


def main() -> None:
    """Parse options, measure, print the table, write the report (not for --quick)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 1 repetition, 2 and 4 sessions, writes no report")
    parser.add_argument("--reps", type=int, help="repetitions (default 5, quick 1)")
    parser.add_argument("--sessions", help="concurrent session counts (default 20,40)")
    parser.add_argument("--out", type=Path, help="report file (default bench/results.md; "
                        "none for --quick)")
    parser.add_argument("--app-dir", type=Path, default=ROOT,
                        help="the checkout whose app.py to measure (default this one), e.g. a "
                        "clone at an earlier commit for a before/after pair")
    args = parser.parse_args()
    reps = args.reps or (1 if args.quick else 5)
    sizes = [int(n) for n in (args.sessions or ("2,4" if args.quick else "20,40")).split(",")
             if n]
    out = args.out or (None if args.quick else RESULTS)
    # a SIGTERM (a killed `make`) unwinds like Ctrl-C, so every server is stopped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="cbm-bench-") as tmp:
        try:
            waves = (2, 2) if args.quick else (WAVES, WAVE_SESSIONS)
            results = asyncio.run(measure(args.app_dir.resolve(), reps, sizes, Path(tmp),
                                          waves))
        except BaseException:
            for server_log in sorted(Path(tmp).glob("*.log")):
                log(f"--- {server_log.name} (last lines)\n"
                    + "\n".join(server_log.read_text().splitlines()[-15:]))
            raise
    took = time.perf_counter() - started
    print(report.table(results))
    if out is not None:
        out.write_text(markdown(results, took, args.quick), encoding="utf-8")
        log(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    log(f"took {took / 60:.1f} min")


if __name__ == "__main__":
    main()
