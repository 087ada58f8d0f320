"""Command line for the data behind the map: `python -m layers <command>`.

  check   validate geodata/ against the schema and the article; exit 1 listing every problem
  index   print the feature ↔ paragraph ↔ citation index as JSON or CSV
  export-briefing   write a storyboard as one offline HTML file, a PDF handout and/or a
                    PowerPoint deck
  picture OUT.png   draw a map view (layers, selection, frame, date) as a PNG, no browser
  publish OUT/   write the static edition: the explorer, the article, the briefing and the
                 sources as plain files for any static web server or CDN

Each command is a function taking the parsed arguments and returning the exit status; adding one
is a `_add_<name>` parser builder plus its function.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import layers
from layers.briefing.export_html import MissingAssets, export_html
from layers.briefing.export_pdf import export_pdf
from layers.briefing.export_pptx import export_pptx
from layers.briefing.picture import view_png
from layers.briefing.storyboard import DEFAULT_STORYBOARD, listed, load_storyboard
from layers.data.article import Article, load_article
from layers.data.catalog import Catalog, CatalogError, load_catalog
from layers.data.events import parse_day
from layers.data.mentions import INDEX_COLUMNS, build_index, index_rows
from layers.data.schema import Problem
from layers.data.validate import validate_catalog
from layers.publish.edition import publish
from layers.publish.files import NotAnEdition


def main(argv: Sequence[str] | None = None) -> int:
    """Parse `argv` and run the chosen command; returns the process exit status."""
    parser = argparse.ArgumentParser(prog="python -m layers", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")
    _add_check(commands)
    _add_index(commands)
    _add_export_briefing(commands)
    _add_picture(commands)
    _add_publish(commands)
    args = parser.parse_args(argv)
    return args.run(args)


def _data_options(parser: argparse.ArgumentParser) -> None:
    """--geodata and --article: point a command at other files (tests use fixtures this way)."""
    parser.add_argument("--geodata", type=Path, default=layers.GEODATA_DIR, metavar="DIR",
                        help="directory holding layers.json, sources.json and the layer files")
    parser.add_argument("--article", type=Path, default=layers.ARTICLE_PATH, metavar="FILE",
                        help="the article text file")


def _add_check(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "check", help="validate the geodata; exit 1 listing every problem",
        description="Validate geodata/: schema, geometry, ids, references, article links, "
        "sources, aliases and the layer registry. Prints a summary; on any problem, lists each "
        "on its own line as [layer] feature.field: what, and exits 1.",
    )
    _data_options(parser)
    parser.set_defaults(run=_check)


def _check(args: argparse.Namespace) -> int:
    article = load_article(args.article)
    try:
        catalog = load_catalog(args.geodata)
    except CatalogError as error:
        return _report([Problem(error.file, None, None, error.what)])
    print(_summary(catalog, article))
    return _report(validate_catalog(catalog, article, args.geodata))


def _summary(catalog: Catalog, article: Article) -> str:
    """Layers with feature counts and file sizes, then how much of the data the text mentions."""
    width = max((len(layer.id) for layer in catalog.layers), default=0)
    lines = [f"{len(catalog.layers)} layers, {len(catalog.sources)} sources in sources.json"]
    for layer in catalog.layers:
        size = catalog.files[layer.id].stat().st_size
        lines.append(f"  {layer.id:<{width}}  {len(layer.features):>4} features  {size:>9,} bytes")
    total = len({props.get("id") for _, props, _ in catalog.features})
    mentioned = len(build_index(article, catalog).feature_ids)
    lines.append(f"mention coverage: {mentioned}/{total} features are referred to by the article")
    return "\n".join(lines)


def _report(problems: list[Problem]) -> int:
    if not problems:
        print("check passed: no problems")
        return 0
    noun = "problem" if len(problems) == 1 else "problems"
    print(f"check failed: {len(problems)} {noun}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


def _add_index(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "index", help="print the feature ↔ paragraph ↔ citation index",
        description="One row per sentence that refers to a feature: "
        + ", ".join(INDEX_COLUMNS) + ". sentence is 0-based within the paragraph.",
    )
    parser.add_argument("--format", choices=("json", "csv"), default="json")
    _data_options(parser)
    parser.set_defaults(run=_index)


def _index(args: argparse.Namespace) -> int:
    try:
        catalog = load_catalog(args.geodata)
    except CatalogError as error:
        print(f"cannot build the index: {error}", file=sys.stderr)
        return 1
    rows = index_rows(build_index(load_article(args.article), catalog), catalog)
    if args.format == "json":
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        writer = csv.DictWriter(sys.stdout, fieldnames=INDEX_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "citations": ";".join(map(str, row["citations"]))})
    return 0


def _add_export_briefing(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "export-briefing", help="write a storyboard as offline HTML, a PDF and/or a deck",
        description="Load a storyboard (content/briefings/default.json when none is given), "
        "print any issues found in it, and write the exports asked for, each with its size and "
        "the time it took. The HTML export needs `make assets` (it inlines Leaflet).",
    )
    parser.add_argument("storyboard", nargs="?", type=Path, default=DEFAULT_STORYBOARD,
                        metavar="STORYBOARD", help="storyboard JSON file")
    parser.add_argument("--html", type=Path, metavar="OUT.html", help="self-contained HTML")
    parser.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="PDF handout")
    parser.add_argument("--pptx", type=Path, metavar="OUT.pptx", help="PowerPoint deck (16:9)")
    _data_options(parser)
    parser.set_defaults(run=_export_briefing)


def _export_briefing(args: argparse.Namespace) -> int:
    if args.html is None and args.pdf is None and args.pptx is None:
        print("export-briefing: nothing to do; give --html OUT.html, --pdf OUT.pdf and/or "
              "--pptx OUT.pptx", file=sys.stderr)
        return 2
    article = load_article(args.article)
    catalog = _catalog_or_say(args)
    if catalog is None:
        return 1
    storyboard, issues = load_storyboard(args.storyboard, catalog, article)
    for line in listed(issues):
        print(line, file=sys.stderr)
    if not storyboard.scenes:
        print(f"{args.storyboard}: no usable scene; nothing exported", file=sys.stderr)
        return 1
    print(f"{args.storyboard}: {len(storyboard.scenes)} scenes, {len(issues)} issue(s)")
    exports = [(path, render) for path, render in (
        (args.html, lambda: export_html(storyboard, catalog, article).encode("utf-8")),
        (args.pdf, lambda: export_pdf(storyboard, catalog, article)),
        (args.pptx, lambda: export_pptx(storyboard, catalog, article)),
    ) if path is not None]
    for path, render in exports:
        started = time.perf_counter()
        try:
            data = render()
        except MissingAssets as error:
            print(f"cannot export {path}: {error}", file=sys.stderr)
            return 1
        path.write_bytes(data)
        print(f"wrote {path}: {len(data):,} bytes in {time.perf_counter() - started:.2f} s")
    return 0


def _add_picture(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "picture", help="draw a map view as a PNG, with no browser",
        description="Draw a view of the map as the handouts draw it (basemap, layers, the "
        "selected feature's outline, labels, legend, attribution) into a PNG of exactly the "
        "size asked for. The frame is widened on one axis to the picture's shape, never cut.",
    )
    parser.add_argument("out", type=Path, metavar="OUT.png", help="the picture to write")
    parser.add_argument("--bounds", type=_bounds, required=True, metavar="MINX,MINY,MAXX,MAXY",
                        help="the frame in degrees, e.g. 43.4,38.8,47.0,41.3 (write "
                        "--bounds=-10,… when it starts with a minus)")
    parser.add_argument("--layers", type=_ids, default=None, metavar="ID,ID",
                        help="the layers to draw (default: those the Map page opens with)")
    parser.add_argument("--feature", metavar="ID", help="the feature to outline as selected")
    parser.add_argument("--date", type=_day, metavar="YYYY-MM-DD",
                        help="draw the map as it stood on this day (default: every date)")
    parser.add_argument("--size", type=_size, default=(1600, 900), metavar="WIDTHxHEIGHT",
                        help="in pixels (default 1600x900)")
    parser.add_argument("--dpi", type=float, default=150.0,
                        help="sets the type size: at 150 (the default) a label of 13 screen "
                        "pixels is 20 pixels high")
    _data_options(parser)
    parser.set_defaults(run=_picture)


def _bounds(text: str) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(value) for value in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not four numbers MINX,MINY,MAXX,MAXY"
                                         ) from None
    return minx, miny, maxx, maxy


def _ids(text: str) -> tuple[str, ...]:
    return tuple(ident.strip() for ident in text.split(",") if ident.strip())


def _day(text: str) -> datetime.date:
    day = parse_day(text)
    if day is None:
        raise argparse.ArgumentTypeError(f"“{text}” is not a day YYYY-MM-DD")
    return day


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        raise argparse.ArgumentTypeError(f"“{text}” is not WIDTHxHEIGHT in pixels, e.g. 1600x900")
    return int(width), int(height)


def _picture(args: argparse.Namespace) -> int:
    catalog = _catalog_or_say(args)
    if catalog is None:
        return 1
    layer_ids = args.layers if args.layers is not None else tuple(
        layer.id for layer in catalog.layers if layer.visible)
    started = time.perf_counter()
    try:
        data = view_png(catalog, layer_ids, args.feature, args.bounds, args.date, args.size,
                        args.dpi)
    except ValueError as error:
        print(f"cannot draw {args.out}: {error}", file=sys.stderr)
        return 1
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {args.size[0]}×{args.size[1]} px, {len(data):,} bytes in "
          f"{time.perf_counter() - started:.2f} s")
    return 0


def _add_publish(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "publish", help="write the static edition into a folder",
        description="Write the explorer (map, layers, labels, search, cards), the article, the "
        "default briefing and the sources as plain files that any static web server or CDN "
        "serves to any number of readers, asking nothing of any other origin. OUT must be "
        "empty, new, or an earlier edition (which is replaced). Needs `make assets` (it copies "
        "Leaflet and the other pinned libraries). Serve it with e.g. "
        "`python -m http.server -d OUT`.",
    )
    parser.add_argument("out", type=Path, metavar="OUT", help="the folder to write")
    parser.add_argument("--storyboard", type=Path, default=DEFAULT_STORYBOARD, metavar="FILE",
                        help="the briefing to include (default: content/briefings/default.json)")
    _data_options(parser)
    parser.set_defaults(run=_publish)


def _catalog_or_say(args: argparse.Namespace) -> Catalog | None:
    """The geodata of `--geodata`, or None after saying on stderr why it cannot be loaded."""
    try:
        return load_catalog(args.geodata)
    except CatalogError as error:
        print(f"cannot load the geodata: {error}", file=sys.stderr)
        return None


def _publish(args: argparse.Namespace) -> int:
    article = load_article(args.article)
    catalog = _catalog_or_say(args)
    if catalog is None:
        return 1
    storyboard, issues = load_storyboard(args.storyboard, catalog, article)
    for line in listed(issues):
        print(line, file=sys.stderr)
    started = time.perf_counter()
    try:
        edition = publish(args.out, catalog, article, storyboard)
    except (MissingAssets, NotAnEdition) as error:
        print(f"cannot publish {args.out}: {error}", file=sys.stderr)
        return 1
    *folders, (_, files, size) = edition.summary()
    print(f"wrote {args.out}: {files:,} files, {size:,} bytes in "
          f"{time.perf_counter() - started:.1f} s")
    for folder, count, folder_bytes in folders:
        print(f"  {folder + '/' if folder != '.' else 'pages':<8} {count:>4} files "
              f"{folder_bytes:>11,} bytes")
    print(f"serve it: python -m http.server -d {args.out}")
    return 0


def run() -> None:
    """`python -m layers`: run `main` and exit with its status."""
    try:
        sys.exit(main())
    except BrokenPipeError:  # `... index | head`: the reader left; stop quietly, not a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
