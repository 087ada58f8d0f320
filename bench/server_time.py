"""Server time per rerun of the Map page, and what its map component carries, via AppTest.

Run by `map_payload.py` once per geometry variant, as a subprocess with `CBM_GEODATA_DIR` set:
`layers.GEODATA_DIR` is read at import, so each variant needs a fresh interpreter. Prints one JSON
object on stdout.

Why AppTest: it runs the real page script (catalog from the cache, folium rendering, component
arguments) in-process with no browser, so the time is the server's own work per rerun. Caches are
warmed by one discarded run first; the cold first load (catalog read) is reported on its own.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from layers.data.catalog import load_catalog

ROOT = Path(__file__).resolve().parent.parent

APP = str(ROOT / "app.py")
TIMEOUT_S = 300


def fresh(query: dict[str, str] | None = None) -> AppTest:
    """A new browser session on the Map page (session state empty, server caches shared)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at


def timed(run: Callable[[], AppTest]) -> tuple[float, AppTest]:
    """Seconds one rerun takes, and the finished AppTest."""
    start = time.perf_counter()
    at = run()
    elapsed = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"the Map page raised: {at.exception[0].message}")
    return elapsed, at


def component_args(at: AppTest) -> dict:
    """The streamlit-folium component's arguments: what the map iframe receives."""
    (component,) = at.get("component_instance")
    return json.loads(component.proto.json_args)


def summary(seconds: list[float]) -> dict[str, float]:
    """Median and minimum in milliseconds (min = the least-disturbed run on a shared machine)."""
    return {"median_ms": statistics.median(seconds) * 1000, "min_ms": min(seconds) * 1000,
            "n": len(seconds)}


def measure(reps: int, toggles: list[str]) -> dict:
    """Timings for the default view, all layers, and each toggle; component sizes per layer."""
    cold, _ = timed(lambda: fresh().run())  # reads and caches the catalog: the cold start
    catalog = load_catalog()
    all_layers = ",".join(layer.id for layer in catalog.layers)

    times: dict[str, list[float]] = {"default": [], "all": []}
    times.update({f"toggle:{lid}": [] for lid in toggles})
    for _ in range(reps):
        times["default"].append(timed(lambda: fresh().run())[0])
        times["all"].append(timed(lambda: fresh({"layers": all_layers}).run())[0])
        for lid in toggles:
            at = fresh().run()
            turn_on = not at.checkbox(key=f"layer:{lid}").value
            times[f"toggle:{lid}"].append(
                timed(lambda at=at, lid=lid, on=turn_on: at.checkbox(key=f"layer:{lid}")
                      .set_value(on).run())[0]
            )

    default_args = component_args(fresh().run())
    all_args = component_args(fresh({"layers": all_layers}).run())
    per_layer = {
        layer.id: len(component_args(fresh({"layers": layer.id}).run())["feature_group"])
        for layer in catalog.layers
    }
    return {
        "cold_start_ms": cold * 1000,
        "times": {name: summary(values) for name, values in times.items()},
        "component": {
            "default": {"script": len(default_args["script"]),
                        "feature_group": len(default_args["feature_group"])},
            "all": {"script": len(all_args["script"]),
                    "feature_group": len(all_args["feature_group"])},
        },
        "per_layer_feature_group": per_layer,
        "default_layers": [layer.id for layer in catalog.layers if layer.visible],
        "layer_titles": {layer.id: layer.title for layer in catalog.layers},
    }


def main() -> None:
    """`python -m bench.server_time --reps N --toggle LAYER [--toggle …]`: JSON on stdout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--toggle", action="append", default=[])
    args = parser.parse_args()
    print(json.dumps(measure(args.reps, args.toggle)))


if __name__ == "__main__":
    main()
