"""`python -m bench.pdf_words [--reps N]`: what hostile text costs the PDF handout, as a ratio
to a normal scene's export measured in the same run (issue 15, defect 1).

A 4,000-character word once took over nine minutes to wrap; a megabyte of notes pinned a core.
Here a one-scene storyboard on the shipped data is exported as it is (the baseline), then with
a 4,000-character word in its notes, with a 4,000-character name on the feature it highlights,
and with a megabyte of notes; each is timed `--reps` times, interleaved with the baseline so
both meet the same neighbours' load, and reported as median and minimum, with the paired
ratios (each hostile export over the normal one timed just before it; median and minimum)
judged against the bound `BOUND`. Figures, not assertions; the tests
(tests/hostile/test_hostile_pdf.py) hold the hard deadline.

Unlike the rest of `bench/`, this imports `layers`: the export is a library call, no server.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from bench.report import factor, verdict
from layers.briefing.export_pdf import export_pdf
from layers.briefing.storyboard import Storyboard, parse_storyboard
from layers.data.article import Article, load_article
from layers.data.catalog import Catalog, Feature, load_catalog

BOUND = 3.0
"""Hostile text may cost at most this many times a normal scene's export: it sets more lines
and pages, but never by re-measuring text over and over."""
LONG_WORD = "x" * 4000
HIGHLIGHTED = "goris"


def scene(catalog: Catalog, article: Article, **fields: object) -> Storyboard:
    raw = {"title": "A briefing", "scenes": [{
        "title": "A scene", "frame": {"features": ["armenia"]},
        "layers": ["borders", "september-2022"], "highlight": [HIGHLIGHTED],
        "passages": [{"paragraph": "p1", "sentence": 0}],
        "notes": "Say where the strikes fell and who reported them.", **fields}]}
    board, issues = parse_storyboard(raw, catalog, article)
    if issues or not board.scenes:
        raise RuntimeError(f"the bench's storyboard does not load: {issues}")
    return board


def renamed(catalog: Catalog, feature_id: str, name: str) -> Catalog:
    """The catalog with one feature's name replaced."""
    features = tuple(Feature(layer, {**props, "name": name} if props["id"] == feature_id
                             else props, geometry)
                     for layer, props, geometry in catalog.features)
    return Catalog(layers=catalog.layers, sources=catalog.sources, files=catalog.files,
                   features=features)


def timed(make: Callable[[], bytes]) -> float:
    started = time.perf_counter()
    make()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    catalog, article = load_catalog(), load_article()
    long_named = renamed(catalog, HIGHLIGHTED, LONG_WORD)
    # storyboards made before any timing: what is timed is the export alone
    boards: dict[str, tuple[Storyboard, Catalog]] = {
        "normal scene (baseline)": (scene(catalog, article), catalog),
        "a 4,000-character word in the notes": (scene(catalog, article, notes=LONG_WORD),
                                                catalog),
        "a 4,000-character name on the highlighted feature": (scene(long_named, article),
                                                              long_named),
        "a megabyte of notes": (scene(catalog, article, notes="word " * 200_000), catalog),
    }
    cases: dict[str, Callable[[], bytes]] = {
        name: (lambda board=board, used=used: export_pdf(board, used, article))
        for name, (board, used) in boards.items()}
    baseline, *hostile = cases
    cases[baseline]()  # unmeasured: fonts, caches, the first figure
    samples: dict[str, list[float]] = {name: [] for name in cases}
    paired: dict[str, list[float]] = {name: [] for name in hostile}
    for _ in range(args.reps):
        for name in hostile:  # each hostile export next to a baseline one
            base_s = timed(cases[baseline])
            samples[baseline].append(base_s)
            samples[name].append(timed(cases[name]))
            paired[name].append(samples[name][-1] / base_s)
    print("| PDF export, one scene | exports | seconds, median (min) | × the normal export "
          "beside it, median (min) | bound | met |\n| --- | ---: | ---: | ---: | --- | --- |")
    for name, taken in samples.items():
        ratios = paired.get(name)
        shown = "—" if ratios is None else (
            f"{factor(statistics.median(ratios))} (min {factor(min(ratios))})")
        judged = "—" if ratios is None else verdict(statistics.median(ratios) <= BOUND)
        print(f"| {name} | {len(taken)} | {statistics.median(taken):.2f} (min {min(taken):.2f}) "
              f"| {shown} | {'—' if ratios is None else f'≤ {BOUND:g}×'} | {judged} |")


if __name__ == "__main__":
    main()
