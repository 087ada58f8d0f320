"""The bench's one table: floor page and Map page side by side, their ratio, the issue's target.

Pure functions over plain numbers (no browser, no server), so `tests/test_bench.py` can check
them on made-up samples and `__main__.py` stays about measuring. The results they read are the
dict `__main__.py` builds (and keeps in `bench/results.md`'s raw section):

    {"reps": 7,
     "floor": {"first_cold": [s, ...], "first_warm": [...], "toggle_s": [...],
               "toggle_ws": [bytes, ...], "toggle_http": [...]},
     "map":   {... the same keys ..., "select_s": [...], "select_card_s": [...],
               "select_ws": [...],
               "select_http": [...]},
     "crowds": {"floor": {"20": crowd, "40": crowd}, "map": {...}}}

where a crowd is {"sessions": n, "first": [s per session that drew], "errors": k,
"no_content": sessions that never drew, "deadline_s": s, "rss_before": bytes,
"rss_after": bytes, "all_drawn_s": s}, and "waves" a list of crowds, each with "rss_left":
the server's bytes once that wave's sessions had gone.

Why medians and minimums: the machine is shared (2 cores), so a median moves with the
neighbours' load; the minimum is the run least disturbed, the steadier figure to compare.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

KB = 1000


@dataclass(frozen=True)
class Summary:
    """Median, minimum and 95th percentile of one measurement's samples."""

    median: float
    minimum: float
    p95: float
    n: int


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank: an observed value, never an interpolated
    one, so a p95 of 20 sessions is the 19th slowest session, not a blend of two."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(samples: list[float]) -> Summary | None:
    """The summary of `samples`, or None when a measurement produced none (all failed)."""
    if not samples:
        return None
    return Summary(statistics.median(samples), min(samples), percentile(samples, 95),
                   len(samples))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when either is missing or unbounded (a session that
    never drew) or the floor is zero."""
    if (numerator is None or denominator is None or denominator <= 0
            or not math.isfinite(numerator) or not math.isfinite(denominator)):
        return None
    return numerator / denominator


def seconds(value: float | None) -> str:
    """'1.30 s' (two decimals: the issue's unit; the bench's resolution is 10 ms)."""
    return "—" if value is None else f"{value:.2f} s"


def kilobytes(value: float | None) -> str:
    """Bytes as kB of 1,000 bytes (the issue's 30 kB target), one decimal under 100 kB."""
    if value is None:
        return "—"
    kb = value / KB
    return f"{kb:,.1f} kB" if kb < 100 else f"{kb:,.0f} kB"


def megabytes(value: float | None) -> str:
    """Bytes as MB of 1,000,000 bytes, for server memory per session."""
    return "—" if value is None else f"{value / 1_000_000:,.1f} MB"


def times(summary: Summary | None) -> str:
    """'1.30 s (min 1.21)' — median, then minimum."""
    if summary is None:
        return "—"
    return f"{seconds(summary.median)} (min {summary.minimum:.2f})"


def factor(value: float | None) -> str:
    """A ratio as '2.2×' (or '640×' when large); '—' when there is none to give."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:.1f}×" if value < 100 else f"{value:,.0f}×"


def time_ratio(map_side: Summary | None, floor_side: Summary | None) -> tuple[str, float | None]:
    """'2.2× (min 2.1×)', the ratio of medians then of minimums; and the median ratio, which
    the targets are judged on."""
    if map_side is None or floor_side is None:
        return "—", None
    medians = ratio(map_side.median, floor_side.median)
    minimums = ratio(map_side.minimum, floor_side.minimum)
    return f"{factor(medians)} (min {factor(minimums)})", medians


def verdict(met: bool | None) -> str:
    """'yes' / 'no' / '—' (no figure to judge). A figure, not an assertion: nothing fails."""
    return "—" if met is None else ("yes" if met else "no")


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    measurement: str
    floor: str
    map: str
    ratio: str
    target: str
    met: str

    def markdown(self) -> str:
        return (f"| {self.measurement} | {self.floor} | {self.map} | {self.ratio} | "
                f"{self.target} | {self.met} |")


HEADER = ("| measurement | floor page | Map page | map / floor | target (issue 11) | met |\n"
          "| --- | ---: | ---: | ---: | --- | --- |")


def time_row(label: str, floor: list[float], map_: list[float], limit: float) -> Row:
    """A timed measurement judged as 'at most `limit` × the floor' on the medians."""
    floor_side, map_side = summarize(floor), summarize(map_)
    text, medians = time_ratio(map_side, floor_side)
    met = None if medians is None else medians <= limit
    return Row(label, times(floor_side), times(map_side), text, f"≤ {limit:g}× floor",
               verdict(met))


def reference_row(label: str, floor: list[float], bare: list[float], map_: list[float]) -> Row:
    """The bare map page's figure in the Map column, over the floor; no target, but how many
    times it the Map page takes (what the Map page adds to the stack's own cost)."""
    floor_side, bare_side, map_side = summarize(floor), summarize(bare), summarize(map_)
    text, _ = time_ratio(bare_side, floor_side)
    over, _ = time_ratio(map_side, bare_side)
    return Row(label, times(floor_side), times(bare_side), text,
               "reference: the Map page takes " + ("—" if over == "—" else f"{over} it"), "—")


def bytes_row(label: str, floor: list[float], map_: list[float], limit: float | None) -> Row:
    """A byte count (median of the repetitions) judged as 'at most `limit` bytes', if given."""
    floor_side, map_side = summarize(floor), summarize(map_)
    floor_median = floor_side.median if floor_side else None
    map_median = map_side.median if map_side else None
    met = None if limit is None or map_median is None else map_median <= limit
    return Row(label, kilobytes(floor_median), kilobytes(map_median),
               factor(ratio(map_median, floor_median)),
               "—" if limit is None else f"≤ {kilobytes(limit)}", verdict(met))


def crowd_rows(sessions: int, floor: dict | None, map_: dict | None,
               error_target: bool) -> list[Row]:
    """Three lines for `sessions` concurrent sessions: time to first content (median / p95),
    errors, and server memory per session."""

    def first(crowd: dict | None) -> Summary | None:
        """Sessions that never drew count as infinitely slow: leaving them out would make a
        crowd where most fail look fast."""
        if not crowd:
            return None
        return summarize(crowd["first"] + [math.inf] * crowd.get("no_content", 0))

    def spread(crowd: dict | None) -> str:
        summary = first(crowd)
        if summary is None:
            return "—"

        def shown(value: float) -> str:
            return f"{value:.2f}" if math.isfinite(value) else f"> {crowd['deadline_s']:g}"

        return f"{shown(summary.median)} / {shown(summary.p95)} s"

    def per_session(crowd: dict | None) -> float | None:
        if not crowd or crowd.get("rss_after") is None or crowd.get("rss_before") is None:
            return None
        return (crowd["rss_after"] - crowd["rss_before"]) / crowd["sessions"]

    def errors(crowd: dict | None) -> str:
        return "—" if crowd is None else f"{crowd['errors']} of {crowd['sessions']}"

    floor_first, map_first = first(floor), first(map_)
    medians = ratio(map_first.median if map_first else None,
                    floor_first.median if floor_first else None)
    p95s = ratio(map_first.p95 if map_first else None, floor_first.p95 if floor_first else None)
    time_text = "—" if medians is None else f"{factor(medians)} / {factor(p95s)}"
    map_memory, floor_memory = per_session(map_), per_session(floor)
    errors_met = None if map_ is None or not error_target else map_["errors"] == 0
    return [
        Row(f"{sessions} sessions at once: navigation → first content, median / p95",
            spread(floor), spread(map_), time_text, "reported", "—"),
        Row(f"{sessions} sessions at once: errors (no content within the deadline, or an "
            "exception)", errors(floor), errors(map_), "—", "0" if error_target else "reported",
            verdict(errors_met)),
        Row(f"{sessions} sessions at once: server memory per session (RSS growth / sessions)",
            megabytes(floor_memory), megabytes(map_memory),
            factor(ratio(map_memory, floor_memory)), "reported", "—"),
    ]


GROWTH_LIMIT = 0.02
"""Waves: the server's memory once any later wave has gone may exceed what it held once the
second had by at most 2 % (the first wave fills caches and Python's arenas once, for good)."""


def wave_rows(waves: list[dict]) -> list[Row]:
    """Two lines for repeated waves of sessions on one Map server: the memory each left behind
    (judged: no growth from the second wave on), and each wave's time to map and errors."""
    if not waves:
        return []
    left = [wave.get("rss_left") for wave in waves]
    met = None
    if len(left) >= 3 and None not in left:
        met = max(left[2:]) <= left[1] * (1 + GROWTH_LIMIT)
    size = waves[0]["sessions"]
    firsts = []
    for wave in waves:
        summary = summarize(wave["first"] + [math.inf] * wave.get("no_content", 0))
        shown = "—" if summary is None else (
            f"{summary.median:.1f}" if math.isfinite(summary.median) else "—")
        firsts.append(f"{shown} s, {wave['errors']} err")
    return [
        Row(f"{len(waves)} waves of {size} sessions, one after another: server memory once "
            "each has gone", "—", " → ".join(megabytes(value) for value in left), "—",
            f"no growth after wave 2 (≤ {GROWTH_LIMIT:.0%})", verdict(met)),
        Row(f"{len(waves)} waves of {size}: median navigation → first content, errors, "
            "per wave", "—", " · ".join(firsts), "—", "0 errors",
            verdict(all(wave["errors"] == 0 for wave in waves))),
    ]


FIRST_LIMIT = 1.6
RERUN_LIMIT = 2.0
BYTES_LIMIT = 30 * KB
ERROR_TARGET_SESSIONS = 20
"""The issue asks for 0 errors at 20 sessions; 40 is reported alongside."""


def table(results: dict) -> str:
    """The Markdown table `make bench` prints and the README and results.md carry."""
    floor, map_ = results["floor"], results["map"]
    bare = results.get("bare_map", {})  # not in runs before the bare map page was measured
    reps = results["reps"]
    rows = [
        time_row(f"navigation → first content, cold (empty browser cache), median of {reps}",
                 floor["first_cold"], map_["first_cold"], FIRST_LIMIT),
        time_row("navigation → first content, warm (second visit, browser cache on)",
                 floor["first_warm"], map_["first_warm"], FIRST_LIMIT),
        reference_row("the same, cold, on a bare map page (Streamlit, streamlit-folium, the same "
                      "Leaflet, one line: the stack's own floor for a map)", floor["first_cold"],
                      bare.get("first_cold", []), map_["first_cold"]),
        reference_row("the same, warm, on that bare map page", floor["first_warm"],
                      bare.get("first_warm", []), map_["first_warm"]),
        time_row("click a toggle → page settled (Map: switch on Middle Corridor)",
                 floor["toggle_s"], map_["toggle_s"], RERUN_LIMIT),
        bytes_row("websocket bytes for that one toggle", floor["toggle_ws"], map_["toggle_ws"],
                  BYTES_LIMIT),
        bytes_row("HTTP bytes for that one toggle", floor["toggle_http"], map_["toggle_http"],
                  None),
        time_row("select a feature → its card shown (Map: click Goris; floor: the checkbox "
                 "click, settled)", floor["toggle_s"], map_.get("select_card_s", []),
                 RERUN_LIMIT),
        time_row("select a feature → page settled (the rerun done: map flown, outline drawn)",
                 floor["toggle_s"], map_["select_s"], RERUN_LIMIT),
        bytes_row("websocket bytes for that one selection", floor["toggle_ws"],
                  map_["select_ws"], BYTES_LIMIT),
        bytes_row("HTTP bytes for that one selection", floor["toggle_http"],
                  map_["select_http"], None),
    ]
    crowds = results.get("crowds", {})
    sizes = sorted({int(n) for side in crowds.values() for n in side}, key=int)
    for n in sizes:
        rows += crowd_rows(n, crowds.get("floor", {}).get(str(n)),
                           crowds.get("map", {}).get(str(n)), n == ERROR_TARGET_SESSIONS)
    rows += wave_rows(results.get("waves", []))
    return "\n".join([HEADER, *(row.markdown() for row in rows)])
