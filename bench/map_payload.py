"""Map payload benchmark: shipped (simplified, rounded) geometry against unsimplified geometry.

`make bench` / `.venv/bin/python -m bench.map_payload [--reps N]`. For each geometry variant it
measures, side by side in the same run:
- bytes the real app sends to headless Chromium (websocket frames; `browser_traffic.py`), for the
  first page load with the default layers, with every layer on, and for one layer switched on;
- server time per rerun of the Map page (AppTest in-process, median and min of N;
  `server_time.py`).
The unsimplified variant is built into a temporary directory by
`python -m layers.build geodata --no-simplify` and served with `CBM_GEODATA_DIR` pointing at it; the
basemap (not part of the comparison) is copied over unchanged. Prints a Markdown report and writes
it to `bench/results.md`. Figures only: nothing here passes or fails on a threshold.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

from bench import browser_traffic

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
SHIPPED = ROOT / "geodata"
TOGGLES = ("middle-corridor", "context")
"""Layers switched on in the toggle scenario: a light corridor layer and the heaviest layer."""
RESULTS = HERE / "results.md"
MB = 1_000_000


def build_unsimplified(out: Path) -> None:
    """The same recipes and datasets, without simplification or rounding, plus the basemap."""
    subprocess.run([PYTHON, "-m", "layers.build", "geodata", "--no-simplify",
                    "--out", str(out)], check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    shutil.copytree(SHIPPED / "basemap", out / "basemap")


def server_times(geodata_dir: Path, reps: int) -> dict:
    """`server_time.py` in a fresh interpreter pointed at `geodata_dir`."""
    env = {**os.environ, "CBM_GEODATA_DIR": str(geodata_dir)}
    command = [PYTHON, "-m", "bench.server_time", "--reps", str(reps)]
    for layer_id in TOGGLES:
        command += ["--toggle", layer_id]
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout)


def kb(n: float) -> str:
    """Bytes as kB (1,000 bytes), the unit the issue's 1 MB budget is in."""
    return f"{n / 1000:,.0f} kB"


def ms(timing: dict) -> str:
    """'median ms (min ms)' for a server time summary."""
    return f"{timing['median_ms']:,.0f} ms (min {timing['min_ms']:,.0f})"


def report(results: dict[str, dict], reps: int) -> str:
    """The Markdown report: the comparison table, then what the figures rest on."""
    shipped, full = results["simplified"], results["unsimplified"]
    titles = shipped["server"]["layer_titles"]
    scenarios = [
        ("default view (default layers), first load", "default", "default"),
        ("default view (every layer on), first load", "all", "all"),
        *[(f"toggle: switch on {titles[lid]}", f"toggle:{lid}", lid) for lid in TOGGLES],
    ]

    def sent(variant: dict, key: str) -> int:
        if key in variant["browser"]["toggles"]:
            return int(variant["browser"]["toggles"][key]["on_ws_bytes"])
        return variant["browser"][key]["ws_bytes"]

    lines = [
        "| scenario | geometry | bytes to browser | server time per rerun, median of "
        f"{reps} | ratio vs unsimplified (bytes / time) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for label, time_key, byte_key in scenarios:
        for name, variant in (("simplified (shipped)", shipped), ("unsimplified", full)):
            size, timing = sent(variant, byte_key), variant["server"]["times"][time_key]
            base_size = sent(full, byte_key)
            base_time = full["server"]["times"][time_key]["median_ms"]
            ratio = (f"{size / base_size:.2f} / {timing['median_ms'] / base_time:.2f}"
                     if variant is shipped else "1 / 1")
            lines.append(f"| {label} | {name} | {kb(size)} | {ms(timing)} | {ratio} |")

    http = shipped["browser"]["default"]["http"]
    warm = shipped["browser"]["warm_reload"]["http"]
    layer_rows = [
        f"| {titles[lid]} | {'yes' if lid in shipped['server']['default_layers'] else 'no'} | "
        f"{kb(size)} | {kb(full['server']['per_layer_feature_group'][lid])} |"
        for lid, size in sorted(shipped["server"]["per_layer_feature_group"].items(),
                                key=lambda item: -item[1])
    ]
    toggle_rows = [
        f"| {titles[lid]} | {kb(v['browser']['toggles'][lid]['on_ws_bytes'])} | "
        f"{kb(v['browser']['toggles'][lid]['off_ws_bytes'])} | "
        f"{v['browser']['toggles'][lid]['click_to_finished_ms']:,.0f} ms | {name} |"
        for lid in TOGGLES for name, v in (("simplified", shipped), ("unsimplified", full))
    ]
    component = shipped["server"]["component"]
    return "\n".join([
        "# Map payload benchmark",
        "",
        f"Run {datetime.date.today().isoformat()} by `make bench` (`bench/map_payload.py`) on "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, streamlit "
        f"{version('streamlit')}, streamlit-folium {version('streamlit-folium')}, folium "
        f"{version('folium')}, shapely {version('shapely')}, playwright {version('playwright')}, "
        f"Chromium {shipped['browser']['chromium']}.",
        "",
        *lines,
        "",
        "- **bytes to browser**: payload of the websocket frames headless Chromium received from "
        "`streamlit run app.py` for that action (Streamlit sends them uncompressed by default). "
        "A toggle is a fresh page's first switch-on of that layer.",
        f"- **server time**: the Map page script run by `streamlit.testing.v1.AppTest` with warm "
        f"caches; median (min) of {reps} runs. Cold start (catalog read once per server "
        f"process): {shipped['server']['cold_start_ms']:,.0f} ms simplified, "
        f"{full['server']['cold_start_ms']:,.0f} ms unsimplified.",
        "- **unsimplified**: `python -m layers.build geodata --no-simplify`: same recipes and "
        "datasets, no `simplify`, no 5-decimal rounding. The basemap is the same in both.",
        "",
        "## What the map component carries (simplified, default view)",
        "",
        f"The component's arguments are the base map script, {kb(component['default']['script'])} "
        f"(Leaflet set-up plus the offline basemap), and the visible layers' groups, "
        f"{kb(component['default']['feature_group'])} ({kb(component['all']['feature_group'])} "
        "with every layer on). Both are sent again in full on every rerun whose map differs "
        "from the last couple of reruns (Streamlit's ForwardMsg cache spares only a message "
        "identical to a recent one, which is why switching a layer off again is cheap).",
        "",
        "| layer | on by default | JavaScript sent, simplified | unsimplified |",
        "| --- | --- | ---: | ---: |",
        *layer_rows,
        "",
        "## Toggle detail",
        "",
        "| layer | switch on | switch off again | click to script finished (real server) | "
        "geometry |",
        "| --- | ---: | ---: | ---: | --- |",
        *toggle_rows,
        "",
        "## Static assets (once per browser)",
        "",
        f"First load over HTTP: Streamlit frontend {kb(http.get('frontend', 0))}, the map "
        f"component's iframe bundle {kb(http.get('component', 0))}, vendored Leaflet and plugins "
        f"{kb(http.get('vendor', 0))}. Reloading in the same browser: frontend "
        f"{kb(warm.get('frontend', 0))}, component {kb(warm.get('component', 0))}, vendor "
        f"{kb(warm.get('vendor', 0))}. Requests to hosts other than localhost: "
        f"{len(shipped['browser']['outside_requests'] + full['browser']['outside_requests'])}.",
        "",
    ])


def main() -> None:
    """Build the baseline, measure both variants, print and save the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="server-time runs per scenario")
    parser.add_argument("--toggle-reps", type=int, default=3, help="timed toggles per layer")
    args = parser.parse_args()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="cbm-unsimplified-") as tmp:
        full_dir = Path(tmp)
        print("building unsimplified geodata ...", file=sys.stderr)
        build_unsimplified(full_dir)
        for name, geodata_dir in (("simplified", SHIPPED), ("unsimplified", full_dir)):
            print(f"{name}: server time ...", file=sys.stderr)
            server = server_times(geodata_dir, args.reps)
            print(f"{name}: browser traffic ...", file=sys.stderr)
            layer_ids = list(server["layer_titles"])
            browser = browser_traffic.measure(
                geodata_dir, layer_ids, {lid: server["layer_titles"][lid] for lid in TOGGLES},
                args.toggle_reps,
            )
            results[name] = {"server": server, "browser": browser}
    text = report(results, args.reps)
    RESULTS.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
