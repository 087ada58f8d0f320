"""The bench's arithmetic and table on made-up numbers: no browser, no server, nothing timed.

`make bench` prints figures, never asserts them; what can be wrong without a browser is the
bookkeeping — a percentile off by one rank, a ratio upside down, a target judged on the wrong
side, a missing measurement crashing the table — and that is what these check.
"""

from __future__ import annotations

import pytest

from bench import report


def synthetic(**overrides: object) -> dict:
    """Results shaped like `python -m bench`'s, with round numbers whose ratios are obvious."""
    floor = {"first_cold": [1.0, 1.2, 0.9], "first_warm": [0.5, 0.6, 0.4],
             "toggle_s": [0.10, 0.12, 0.08], "toggle_ws": [900, 900, 1000],
             "toggle_http": [0, 0, 0]}
    map_ = {"first_cold": [3.0, 2.4, 2.7], "first_warm": [0.7, 0.8, 0.6],
            "toggle_s": [0.5, 0.6, 0.4], "toggle_ws": [577_000, 577_000, 576_000],
            "toggle_http": [0, 0, 0], "select_s": [0.15, 0.2, 0.1],
            "select_card_s": [0.05, 0.06, 0.04], "select_ws": [20_000, 20_000, 21_000],
            "select_http": [0, 0, 0]}

    def crowd(sessions: int, per_session_mb: float, errors: int) -> dict:
        return {"sessions": sessions, "first": [float(i) for i in range(1, sessions + 1)],
                "errors": errors, "no_content": 0, "deadline_s": 180.0,
                "rss_before": 100_000_000,
                "rss_after": 100_000_000 + int(per_session_mb * 1_000_000 * sessions),
                "all_drawn_s": float(sessions)}

    bare = {"first_cold": [1.2, 1.5, 1.35], "first_warm": [0.55, 0.6, 0.5]}
    results = {"reps": 3, "floor": floor, "bare_map": bare, "map": map_,
               "crowds": {"floor": {"20": crowd(20, 0.5, 0), "40": crowd(40, 0.5, 0)},
                          "map": {"20": crowd(20, 2.0, 0), "40": crowd(40, 2.0, 3)}}}
    results.update(overrides)
    return results


def rows(table: str) -> dict[str, list[str]]:
    """The table's body as measurement -> its other cells."""
    body = table.splitlines()[2:]
    cells = [[cell.strip() for cell in line.strip("|").split("|")] for line in body]
    return {line[0]: line[1:] for line in cells}


def row(table: str, starts: str) -> list[str]:
    (found,) = [cells for name, cells in rows(table).items() if name.startswith(starts)]
    return found


def test_percentile_is_an_observed_value_by_nearest_rank():
    samples = [float(i) for i in range(1, 21)]  # 20 sessions: 1 s .. 20 s
    assert report.percentile(samples, 95) == 19.0
    assert report.percentile(samples, 50) == 10.0
    assert report.percentile(samples, 100) == 20.0
    assert report.percentile([7.0], 95) == 7.0
    with pytest.raises(ValueError):
        report.percentile([], 95)


def test_summary_median_min_p95_and_none_for_no_samples():
    summary = report.summarize([3.0, 1.0, 2.0, 10.0])
    assert summary == report.Summary(median=2.5, minimum=1.0, p95=10.0, n=4)
    assert report.summarize([]) is None


def test_ratio_guards_missing_and_zero_floor():
    assert report.ratio(6.0, 2.0) == 3.0
    assert report.ratio(None, 2.0) is None
    assert report.ratio(1.0, None) is None
    assert report.ratio(1.0, 0.0) is None
    assert report.ratio(float("inf"), 2.0) is None
    assert report.ratio(2.0, float("inf")) is None


def test_formats():
    assert report.seconds(1.3) == "1.30 s"
    assert report.kilobytes(900) == "0.9 kB"
    assert report.kilobytes(30_000) == "30.0 kB"
    assert report.kilobytes(577_000) == "577 kB"
    assert report.kilobytes(2_533_000) == "2,533 kB"
    assert report.megabytes(2_500_000) == "2.5 MB"
    assert report.factor(2.2) == "2.2×"
    assert report.factor(641.1) == "641×"
    assert report.factor(None) == report.kilobytes(None) == "—"


def test_time_rows_put_map_over_floor_and_judge_the_median_ratio():
    table = report.table(synthetic())
    first = row(table, "navigation → first content, cold")
    assert first[:2] == ["1.00 s (min 0.90)", "2.70 s (min 2.40)"]
    assert first[2] == "2.7× (min 2.7×)"
    assert first[3:] == ["≤ 1.6× floor", "no"]
    warm = row(table, "navigation → first content, warm")
    assert warm[2].startswith("1.4×") and warm[4] == "yes"
    toggle = row(table, "click a toggle")
    assert toggle[2].startswith("5.0×") and toggle[3:] == ["≤ 2× floor", "no"]
    select = row(table, "select a feature → page settled")
    assert select[0] == toggle[0], "the selection is judged against the floor's one click"
    assert select[2].startswith("1.5×") and select[4] == "yes"
    shown = row(table, "select a feature → its card shown")
    assert shown[0] == toggle[0] and shown[2].startswith("0.5×") and shown[4] == "yes"


def test_the_bare_map_page_is_a_reference_beside_the_floor_with_the_map_page_over_it():
    table = report.table(synthetic())
    cold = row(table, "the same, cold, on a bare map page")
    assert cold[:2] == ["1.00 s (min 0.90)", "1.35 s (min 1.20)"]  # floor, then the bare page
    assert cold[2] == "1.4× (min 1.3×)"
    assert cold[3] == "reference: the Map page takes 2.0× (min 2.0×) it"
    assert cold[4] == "—", "the stack's own floor has no target"
    warm = row(table, "the same, warm, on that bare map page")
    assert warm[1].startswith("0.55 s") and warm[3].startswith("reference: the Map page takes 1.3×")
    older = report.table(synthetic(bare_map={}))  # a run from before the bare page was measured
    assert row(older, "the same, cold")[1:4] == ["—", "—", "reference: the Map page takes —"]


def test_byte_rows_judge_the_absolute_30_kb():
    table = report.table(synthetic())
    toggle = row(table, "websocket bytes for that one toggle")
    assert toggle[:2] == ["0.9 kB", "577 kB"]
    assert toggle[3:] == ["≤ 30.0 kB", "no"]
    select = row(table, "websocket bytes for that one selection")
    assert select[1] == "20.0 kB" and select[4] == "yes"
    assert row(table, "HTTP bytes for that one toggle")[3:] == ["—", "—"]


def test_crowd_rows_median_p95_errors_and_memory_per_session():
    table = report.table(synthetic())
    time_20 = row(table, "20 sessions at once: navigation")
    assert time_20[:2] == ["10.50 / 19.00 s", "10.50 / 19.00 s"]
    assert time_20[2] == "1.0× / 1.0×"
    errors_20 = row(table, "20 sessions at once: errors")
    assert errors_20[1] == "0 of 20" and errors_20[3:] == ["0", "yes"]
    errors_40 = row(table, "40 sessions at once: errors")
    assert errors_40[1] == "3 of 40" and errors_40[3:] == ["reported", "—"]
    memory = row(table, "40 sessions at once: server memory")
    assert memory[:3] == ["0.5 MB", "2.0 MB", "4.0×"]
    names = list(rows(table))
    assert names.index("20 sessions at once: errors (no content within the deadline, or an "
                       "exception)") < names.index("40 sessions at once: errors (no content "
                                                   "within the deadline, or an exception)")


def test_sessions_that_never_drew_count_as_slower_than_the_deadline():
    results = synthetic()
    results["crowds"]["map"]["40"].update(first=[10.0] * 10, errors=30, no_content=30)
    table = report.table(results)
    assert row(table, "40 sessions at once: navigation")[1:3] == ["> 180 / > 180 s", "—"]
    results["crowds"]["map"]["40"].update(first=[10.0] * 36, errors=4, no_content=4)
    assert row(report.table(results), "40 sessions at once: navigation")[1] == "10.00 / > 180 s"


def test_a_lost_measurement_reads_as_a_dash_not_a_crash():
    results = synthetic()
    results["map"]["select_s"] = []
    del results["map"]["select_card_s"]  # a run from before the card was timed alone
    results["crowds"]["map"]["40"]["first"] = []
    results["crowds"]["map"]["40"]["rss_after"] = None
    table = report.table(results)
    assert row(table, "select a feature → page settled")[1:] == ["—", "—", "≤ 2× floor", "—"]
    assert row(table, "select a feature → its card shown")[1:] == ["—", "—", "≤ 2× floor", "—"]
    assert row(table, "40 sessions at once: navigation")[1:3] == ["—", "—"]
    assert row(table, "40 sessions at once: server memory")[1] == "—"
    assert report.table(synthetic(crowds={})).count("sessions at once") == 0


def test_the_table_is_one_markdown_table_with_a_header_row():
    lines = report.table(synthetic()).splitlines()
    assert lines[0].startswith("| measurement | floor page | Map page | map / floor |")
    assert all(line.startswith("| ") and line.endswith(" |") for line in lines)
    assert len({line.count("|") for line in lines}) == 1


def waves(*left_mb: float, errors: int = 0) -> list[dict]:
    """Waves of 20 sessions, each leaving the server at `left_mb` once its sessions went."""
    return [{"sessions": 20, "first": [float(i) for i in range(1, 21)], "errors": errors,
             "no_content": 0, "deadline_s": 180.0, "rss_before": 1, "rss_after": 2,
             "all_drawn_s": 20.0, "rss_left": int(mb * 1_000_000)} for mb in left_mb]


def test_waves_judge_memory_growth_from_the_second_wave_on():
    flat = report.table(synthetic(waves=waves(300, 340, 342, 345)))
    memory = row(flat, "4 waves of 20 sessions, one after another: server memory")
    assert memory[1] == "300.0 MB → 340.0 MB → 342.0 MB → 345.0 MB"
    assert memory[3:] == ["no growth after wave 2 (≤ 2%)", "yes"]  # 345 ≤ 340 × 1.02
    climbing = report.table(synthetic(waves=waves(300, 340, 360, 380)))
    assert row(climbing, "4 waves of 20 sessions")[4] == "no"
    peak = report.table(synthetic(waves=waves(300, 340, 360, 341)))  # a wave that held on
    assert row(peak, "4 waves of 20 sessions")[4] == "no"
    per_wave = row(flat, "4 waves of 20: median")
    assert per_wave[1] == " · ".join(["10.5 s, 0 err"] * 4) and per_wave[4] == "yes"
    assert row(report.table(synthetic(waves=waves(300, 340, 342, errors=1))),
               "3 waves of 20: median")[4] == "no"


def test_too_few_waves_or_a_lost_reading_judge_nothing():
    assert row(report.table(synthetic(waves=waves(300, 340))), "2 waves of 20 sessions")[4] == "—"
    lost = waves(300, 340, 342)
    lost[2]["rss_left"] = None
    assert row(report.table(synthetic(waves=lost)), "3 waves of 20 sessions")[1].endswith("—")
    assert "waves" not in report.table(synthetic())
