"""The PDF handout: a title page, one page per scene (static map, passages, notes, citations) and
a sources page.

Maps are drawn with matplotlib from the same GeoDataFrames the dashboard uses, with no browser:
`Figure` objects rendered straight into `PdfPages` (no pyplot, so no global backend or figure
state), the Natural Earth basemap underneath, each layer in its layers.json style, highlights
with a black halo, schematic geometry dashed and approximate geometry dotted, as on screen.
The projection is plain longitude/latitude with the aspect corrected for the frame's middle
latitude: honest at South Caucasus scale and needing no projection library. `draw_map` is the one
map drawing of every paper and picture output: this PDF, the PowerPoint deck (`export_pptx`) and
the picture of a Map page view (`picture`) all call it, so they cannot draw a map differently.

Text is DejaVu Sans (matplotlib's bundled default, which has ə, ç, ı and curly quotes) embedded
as TrueType (pdf.fonttype 42) so the handout's text can be searched and copied. Lines are wrapped
by measuring the rendered width, so nothing runs off the page; a block that does not fit is set
in a smaller size rather than cut. Every string is set as plain text, never as matplotlib
mathtext: a "$" in a title, a note or a feature name is a dollar sign, not a formula that fails
(`$\\href…$` cannot crash it); what no font can set (control characters, lone surrogates,
which FreeType refuses) is removed first (`printable`); and wrapping costs time linear in
the text, with a block cut at MAX_BLOCK_CHARS, more than any page can hold: a
4,000-character word in a note or a feature name must not pin a server core.
"""

from __future__ import annotations

import functools
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.patheffects import Stroke
from matplotlib.transforms import Bbox, offset_copy
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from layers.briefing.export_html import scene_count
from layers.briefing.storyboard import (
    Bounds,
    Scene,
    SceneFeatures,
    Storyboard,
    passage_text,
    scene_citations,
    scene_date_line,
    scene_features,
)
from layers.data.article import Article
from layers.data.catalog import Catalog, Layer, Style, geometry_kind, is_user_layer, shown_name
from layers.html.card import readable_date
from layers.map.basemap import BASEMAP_DIR
from layers.map.labels import (
    LINE,
    Label,
    cached_base_labels,
    cached_layer_labels,
    highlight_label,
)
from layers.map.style import (
    BASEMAP_STYLES,
    LABEL_GAP_PX,
    LABEL_HALO,
    LABEL_HALO_PX,
    LABEL_STYLES,
    LAND,
    PX_TO_PT,
    SELECTION,
    WATER,
    halo_options,
    halo_style,
    path_options,
    selection_outline,
)

PAGE_IN = (11.69, 8.27)  # A4 landscape
MARGIN_IN = 0.45
MAP_BOX = (0.035, 0.10, 0.50, 0.78)  # left, bottom, width, height as fractions of the page
TEXT_LEFT = 0.56  # the scene's text column, fraction of page width
TEXT_RIGHT = 1 - MARGIN_IN / PAGE_IN[0]
FONT = "DejaVu Sans"
BODY_PT, MIN_PT = 9.5, 6.0
LINE_SPACING = 1.3
WRAP_SLACK = 0.02  # share of the line width kept free for kerning the measurement ignores
FRAME_PADDING = 0.06  # share of the frame added around it, so edge features are not cut
CSS_PX_PER_IN = 96
LINE_SLACK_PX = 24  # a line's name is set only where its line is this much longer than it
ATTRIBUTION = "Background: Natural Earth (public domain)"
MAP_KEY = ("Dashed: schematic · dotted: approximate · black halo: the scene's features. "
           "Basemap: Natural Earth; places: GeoNames.")
"""The key to a scene map's lines, set under it on the page and the slide."""
MAX_BLOCK_CHARS = 20_000
"""A block's text is cut after this many characters: three times what the widest column holds
at MIN_PT on a whole page, so nothing that could show is lost, and the work stays bounded."""
MEASURE_CACHE = 4096  # measured widths kept per cache: the words of a handout, not of every one

_MEASURE = RendererAgg(10, 10, 72)  # at 72 dpi, one pixel is one point
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class _Block:
    """A run of text for the flowing column: wrapped and placed by `_flow`."""

    text: str
    size: float = 1.0  # relative to the body size
    bold: bool = False
    italic: bool = False
    gap_before: float = 0.0  # in body lines
    indent: float = 0.0  # in points


def export_pdf(storyboard: Storyboard, catalog: Catalog, article: Article) -> bytes:
    """The handout as PDF bytes: title page, one page per scene, sources page."""
    basemap = load_basemap()
    buffer = io.BytesIO()
    literal_text = {"pdf.fonttype": 42, "font.family": FONT, "text.parse_math": False,
                    "text.usetex": False}
    with matplotlib.rc_context(literal_text), PdfPages(
        buffer, metadata={"Title": printable(storyboard.title), "CreationDate": None}
    ) as pdf:
        pdf.savefig(_title_page(storyboard, article))
        for number, scene in enumerate(storyboard.scenes, start=1):
            pdf.savefig(_scene_page(number, len(storyboard.scenes), scene, catalog, article,
                                    basemap))
        pdf.savefig(_sources_page(catalog, article))
    return buffer.getvalue()


def printable(text: str) -> str:
    """`text` as every handout can hold it: a control character but tab and line feed (NUL,
    which crashes the measuring) becomes a space, a lone surrogate or U+FFFE/U+FFFF (valid in
    JSON, refused by XML, so the deck, and by FreeType, so every map and page) becomes U+FFFD;
    each line break a line feed. Titles, notes and feature names come from files a briefer
    wrote or uploaded, so they may carry any of them."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNPRINTABLE.sub(lambda m: " " if m.group() < " " else "\ufffd", text)


def _title_page(storyboard: Storyboard, article: Article) -> Figure:
    blocks = [_Block(storyboard.title, size=2.0, bold=True)]
    if storyboard.description:
        blocks.append(_Block(storyboard.description, size=1.15, gap_before=1.0))
    blocks.append(_Block(scene_count(len(storyboard.scenes)), size=1.2, bold=True, gap_before=1.5))
    blocks.extend(_Block(f"{number}. {scene.title}"
                         + (f" · {readable_date(scene.date)}" if scene.date else ""),
                         size=1.1, gap_before=0.3)
                  for number, scene in enumerate(storyboard.scenes, start=1))
    blocks.append(_Block(
        "Every quotation is an exact sentence of the article, given with its paragraph "
        f"number (¶). Article text sha256 {article.sha256[:16]}…. Speaker notes are the "
        "briefer's own words. On the maps, dashed lines are schematic and dotted outlines "
        "approximate; features outlined in black are the ones the scene points at.",
        size=0.9, italic=True, gap_before=2.0))
    figure = _page()
    _flow(figure, blocks, MARGIN_IN / PAGE_IN[0], TEXT_RIGHT, top=0.88, bottom=0.06,
          body_pt=12.0)
    return figure


def _scene_page(number: int, total: int, scene: Scene, catalog: Catalog, article: Article,
                basemap: dict[str, gpd.GeoDataFrame]) -> Figure:
    figure = _page()
    top = 1 - MARGIN_IN / PAGE_IN[1]
    dated = scene_date_line(scene)
    figure.text(MARGIN_IN / PAGE_IN[0], top,
                f"Scene {number} of {total}" + (f"  ·  {dated}" if dated else ""), fontsize=9,
                color="#555555", va="top", parse_math=False)
    _flow(figure, [_Block(scene.title, size=1.0, bold=True)], MARGIN_IN / PAGE_IN[0],
          TEXT_RIGHT, top=top - 0.025, bottom=0.85, body_pt=17.0)
    _draw_map(figure, scene, catalog, basemap)

    blocks: list[_Block] = []
    for ref in scene.passages:
        paragraph = article.paragraph(ref.paragraph)
        blocks.append(_Block(f"¶ {paragraph.number}", size=0.85, bold=True,
                             gap_before=0.5 if blocks else 0.0))
        blocks.append(_Block(passage_text(ref, article), indent=8.0))
    if scene.notes:
        blocks.append(_Block("Speaker notes", bold=True, gap_before=0.9))
        blocks.append(_Block(scene.notes))
    if scene.highlight:
        names = ", ".join(shown_name(catalog.feature(fid).properties, catalog.feature(fid).layer)
                          for fid in scene.highlight)
        blocks.append(_Block(f"Outlined in black: {names}", size=0.85, italic=True,
                             gap_before=0.6))
    numbers = scene_citations(scene, article)
    if numbers:
        blocks.append(_Block("Citations", bold=True, gap_before=0.9))
        blocks.extend(_Block(article.reference(n).raw, size=0.8, gap_before=0.2)
                      for n in numbers)
    _flow(figure, blocks, TEXT_LEFT, TEXT_RIGHT, top=0.86, bottom=0.05, body_pt=BODY_PT)
    return figure


def _sources_page(catalog: Catalog, article: Article) -> Figure:
    blocks = [_Block("Sources", size=1.6, bold=True),
              _Block("The article's references", size=1.15, bold=True, gap_before=0.8)]
    blocks.extend(_Block(reference.raw, gap_before=0.25) for reference in article.references)
    blocks.append(_Block("Map data", size=1.15, bold=True, gap_before=1.0))
    for source in catalog.sources.values():
        details = "; ".join(
            f"{label}: {source[key]}"
            for key, label in (("version", "version"), ("licence", "licence"),
                               ("via", "via"), ("home", "home"))
            if source.get(key)
        )
        blocks.append(_Block(f"{source['name']}. {details}.", gap_before=0.25))
    blocks.append(_Block(
        "Basemap: Natural Earth 4.1.0 land, lakes, rivers and country borders (public domain), "
        "as built into geodata/basemap/ (see its README for the packages and versions).",
        gap_before=0.25))
    figure = _page()
    _flow(figure, blocks, MARGIN_IN / PAGE_IN[0], TEXT_RIGHT, top=1 - MARGIN_IN / PAGE_IN[1],
          bottom=0.04, body_pt=9.0)
    return figure


def _page() -> Figure:
    figure = Figure(figsize=PAGE_IN)
    figure.patch.set_facecolor("white")
    return figure


# --- text -------------------------------------------------------------------------------------


def _flow(figure: Figure, blocks: list[_Block], left: float, right: float, top: float,
          bottom: float, body_pt: float) -> None:
    """Place blocks top-down between `left` and `right`, at the largest size that fits.

    Sizes step down from `body_pt` to MIN_PT; at the minimum the text is placed anyway (a long
    user-written note must not vanish), which is the only case where it can run past `bottom`.
    """
    width_pt = (right - left) * PAGE_IN[0] * 72
    height_pt = (top - bottom) * PAGE_IN[1] * 72
    size = body_pt
    while True:
        laid = [(block, _wrap(block.text, _font(block, size * block.size),
                              width_pt - block.indent))
                for block in blocks]
        needed = sum(_block_height(block, lines, size) for block, lines in laid)
        if needed <= height_pt or size <= MIN_PT:
            break
        size = max(MIN_PT, size - 0.5)
    y_pt = top * PAGE_IN[1] * 72
    for block, lines in laid:
        y_pt -= block.gap_before * size * LINE_SPACING
        font_pt = size * block.size
        for line in lines:
            figure.text(left + block.indent / (PAGE_IN[0] * 72), y_pt / (PAGE_IN[1] * 72), line,
                        fontproperties=_font(block, font_pt), va="top", parse_math=False)
            y_pt -= font_pt * LINE_SPACING


def _block_height(block: _Block, lines: list[str], size: float) -> float:
    return block.gap_before * size * LINE_SPACING + len(lines) * size * block.size * LINE_SPACING


def _font(block: _Block, size: float) -> FontProperties:
    return FontProperties(family=FONT, size=size, weight="bold" if block.bold else "normal",
                          style="italic" if block.italic else "normal")


def wrapped_lines(text: str, size_pt: float, width_pt: float, bold: bool = False,
                  italic: bool = False) -> list[str]:
    """`text` wrapped to `width_pt` in the handouts' DejaVu Sans at `size_pt`: the measure the
    deck (`export_pptx`) sizes its text with. DejaVu Sans is wider than the Calibri of a
    PowerPoint theme, so text that fits by this measure fits on the slide."""
    return _wrap(text, _font(_Block(text, bold=bold, italic=italic), size_pt), width_pt)


def _wrap(text: str, font: FontProperties, width_pt: float) -> list[str]:
    """Greedy word wrap by measured width; a word wider than the line (a URL) is broken up.

    A line's width is the sum of its words' and spaces' widths, each measured once: kerning
    across a space is ignored, which WRAP_SLACK absorbs. Each word is measured once and an
    over-long word is cut by the sum of its characters' widths, so the cost is linear in the
    text (measuring ever-shorter prefixes made a 2,000-character word take over a minute);
    text past MAX_BLOCK_CHARS is left out, saying so.
    """
    if len(text) > MAX_BLOCK_CHARS:
        text = (f"{text[:MAX_BLOCK_CHARS]} … [{len(text) - MAX_BLOCK_CHARS:,} more characters "
                "not shown]")
    key = (font.get_family()[0], font.get_size_in_points(), font.get_weight(), font.get_style())
    limit = width_pt * (1 - WRAP_SLACK)
    space = _width(" ", key)
    lines: list[str] = []
    current, current_width = "", 0.0
    for word in printable(text).split():
        word_width = _width(word, key) if len(word) <= MAX_WORD_MEASURED else math.inf
        if current and current_width + space + word_width <= limit:
            current, current_width = f"{current} {word}", current_width + space + word_width
            continue
        if current:
            lines.append(current)
        if word_width > limit:
            *pieces, word = _pieces(word, key, limit)
            lines.extend(pieces)
            word_width = _width(word, key)
        current, current_width = word, word_width
    if current:
        lines.append(current)
    return lines


MAX_WORD_MEASURED = 200
"""A word longer than this is cut without measuring it whole: no line holds 200 characters."""


def _pieces(word: str, key: tuple, limit: float) -> list[str]:
    """`word` cut into pieces no wider than `limit`, adding up its characters' widths (each
    character measured once per font), in one pass."""
    pieces: list[str] = []
    start, width = 0, 0.0
    for at, char in enumerate(word):
        char_width = _width(char, key)
        if at > start and width + char_width > limit:
            pieces.append(word[start:at])
            start, width = at, 0.0
        width += char_width
    pieces.append(word[start:])
    return pieces


@functools.lru_cache(maxsize=MEASURE_CACHE)
def _width(text: str, key: tuple) -> float:
    """Rendered width in points of `text` in the font `key` (family, size, weight, style)."""
    family, size, weight, style = key
    font = FontProperties(family=family, size=size, weight=weight, style=style)
    width, _, _ = _MEASURE.get_text_width_height_descent(text, font, ismath=False)
    return width


# --- map --------------------------------------------------------------------------------------


def load_basemap() -> dict[str, gpd.GeoDataFrame]:
    """The offline basemap's files (`geodata/basemap/`), read once per process: every handout,
    deck and picture draws on the same five small files, and a picture asked for from the Map
    page should not read them again. Callers only read the frames."""
    return _basemap()


@functools.cache
def _basemap() -> dict[str, gpd.GeoDataFrame]:
    return {stem: gpd.read_file(BASEMAP_DIR / f"{stem}.geojson") for stem in BASEMAP_STYLES}


def _draw_map(figure: Figure, scene: Scene, catalog: Catalog,
              basemap: dict[str, gpd.GeoDataFrame]) -> None:
    """The scene's map in its box on the page, as it stood on the scene's day
    (`scene_features`), with the key to its lines under it."""
    draw_map(figure, MAP_BOX, scene.bounds, scene_features(scene, catalog), catalog, basemap)
    figure.text(MAP_BOX[0], MAP_BOX[1] - 0.02, MAP_KEY, fontsize=7, color="#444444", va="top",
                parse_math=False)


def draw_map(figure: Figure, rect: Bounds, bounds: Bounds, drawn: SceneFeatures,
             catalog: Catalog, basemap: dict[str, gpd.GeoDataFrame],
             selected: str | None = None, padding: float = FRAME_PADDING) -> Axes:
    """A map in `rect` (left, bottom, width, height as fractions of the figure): the basemap,
    `drawn`'s layers in registry order, its highlighted features with their black halo, the
    `selected` feature's outline as the Map page draws it, the labels the map's scale allows,
    the legend and the attribution. The frame is `bounds` grown by `padding` (a share of its
    size) and widened on one axis to fill `rect` without distortion.

    The one map drawing of the PDF, the deck and the picture: what differs between them is only
    the figure's size and where the map sits on it."""
    width_in = rect[2] * figure.get_figwidth()
    axes = figure.add_axes(rect)
    box = _view_box(bounds, width_in, rect[3] * figure.get_figheight(), padding)
    minx, miny, maxx, maxy = box
    axes.set_xlim(minx, maxx)
    axes.set_ylim(miny, maxy)
    axes.set_aspect(1 / math.cos(math.radians((miny + maxy) / 2)), adjustable="box")
    axes.set_facecolor(WATER)
    axes.set_xticks([])
    axes.set_yticks([])

    for stem, style in BASEMAP_STYLES.items():
        geometries = _clipped(basemap[stem].geometry, box)
        if style.get("stroke") is False:
            _plot(axes, geometries, face=str(style["fillColor"]), edge="none", width=0.0)
        else:
            _plot(axes, geometries, face="none", edge=str(style["color"]),
                  width=float(style["weight"]) * PX_TO_PT)

    selection = None if selected is None else catalog.feature(selected).geometry
    if selection is not None and geometry_kind(selection) == "line":
        _draw_selection(axes, selection, box)  # a line's halo goes under the lines
    for layer, rows in drawn.layers:
        for row in rows.itertuples(index=False):
            _draw_feature(axes, row.geometry, layer.style_for(row.category), row.precision, box)
    for fid in drawn.highlight:
        layer, props, geometry = catalog.feature(fid)
        style = layer.style_for(props["category"])
        _draw_feature(axes, geometry, style, props["precision"], box, halo=True)
    if selection is not None and geometry_kind(selection) != "line":
        _draw_selection(axes, selection, box)
    _legend(axes, [layer for layer, _ in drawn.layers], selection=selection is not None)
    attribution = axes.text(0.995, 0.006, ATTRIBUTION, transform=axes.transAxes, ha="right",
                            va="bottom", fontsize=6, color="#333333", zorder=10,
                            parse_math=False,
                            bbox={"facecolor": "white", "alpha": 0.75, "edgecolor": "none",
                                  "pad": 1.0})
    named = (*drawn.highlight, *(() if selected is None else (selected,)))
    _place_labels(figure, axes, _scene_labels(drawn, catalog, named), box, width_in,
                  attribution)
    return axes


def _view_box(bounds: Bounds, width_in: float, height_in: float, padding: float) -> Bounds:
    """The frame, padded and widened on one axis so it fills the map box without distortion."""
    minx, miny, maxx, maxy = bounds
    pad = max(maxx - minx, maxy - miny, 0.2) * padding
    minx, miny, maxx, maxy = minx - pad, miny - pad, maxx + pad, maxy + pad
    squash = math.cos(math.radians((miny + maxy) / 2))
    dx, dy = maxx - minx, maxy - miny
    # On paper, dx degrees of longitude span dx * squash as much as dy degrees of latitude.
    if dx * squash / dy > width_in / height_in:
        grow = (dx * squash * height_in / width_in - dy) / 2
        miny, maxy = miny - grow, maxy + grow
    else:
        grow = (dy * width_in / height_in / squash - dx) / 2
        minx, maxx = minx - grow, maxx + grow
    return (max(minx, -180.0), max(miny, -89.0), min(maxx, 180.0), min(maxy, 89.0))


def _clipped(geometries: Iterable[BaseGeometry | None], box: tuple[float, float, float, float]
             ) -> gpd.GeoSeries:
    """Geometries cut to the view: keeps the PDF small and Russia from wrapping the globe."""
    clipped = [shapely.clip_by_rect(g, *box) for g in geometries if g is not None]
    return gpd.GeoSeries([g for g in clipped if not g.is_empty])


def _plot(axes, geometries: gpd.GeoSeries, face: object, edge: object, width: float,
          linestyle: object = "solid") -> None:
    """Areas as one PathPatch each, lines as one LineCollection: straight matplotlib, because
    GeoSeries.plot costs ~15 ms a call and a handout makes hundreds of them. Colours may carry
    their alpha (RGBA), so a fill and its outline can differ in opacity as they do on screen."""
    parts = shapely.get_parts(list(geometries)) if len(geometries) else []
    polygons = [p for p in parts if p.geom_type == "Polygon"]
    lines = [p for p in parts if p.geom_type == "LineString"]
    for polygon in polygons:
        axes.add_patch(PathPatch(_polygon_path(polygon), facecolor=face, edgecolor=edge,
                                 linewidth=width, linestyle=linestyle))
    if lines and edge != "none":
        axes.add_collection(LineCollection([np.asarray(line.coords) for line in lines],
                                           colors=edge, linewidths=width, linestyles=linestyle))


def _polygon_path(polygon: Polygon) -> Path:
    """A polygon with its holes as one path; oriented so the non-zero fill rule leaves holes."""
    oriented = orient(polygon, 1.0)
    rings = [oriented.exterior, *oriented.interiors]
    vertices, codes = [], []
    for ring in rings:
        coords = np.asarray(ring.coords)
        vertices.append(coords)
        codes.extend([Path.MOVETO] + [Path.LINETO] * (len(coords) - 2) + [Path.CLOSEPOLY])
    return Path(np.concatenate(vertices), codes)


def paper_dash(options: dict[str, object]) -> object:
    """A Leaflet `dashArray` ("8 6", pixels) as a matplotlib line style in points."""
    dash = options.get("dashArray")
    if not dash:
        return "solid"
    return (0, tuple(float(length) * PX_TO_PT for length in str(dash).split()))


def _stroke(options: dict[str, object]) -> tuple[tuple[float, float, float, float], float]:
    """The RGBA colour and width in points of a path's outline."""
    return (to_rgba(str(options["color"]), float(options["opacity"])),
            float(options["weight"]) * PX_TO_PT)


def _draw_feature(axes, geometry: BaseGeometry, style: Style, precision: str,
                  box: tuple[float, float, float, float], halo: bool = False) -> None:
    """One feature as the dashboard draws it, from the same path options (`layers.map.style`);
    with `halo`, the black halo the handouts put under a scene's features first.

    Dash lengths are the map's own pixels in points, not multiples of the line width, which
    matplotlib would otherwise make them (`lines.scale_dashes`), so a wide halo keeps the dash
    rhythm of the line it surrounds.
    """
    with matplotlib.rc_context({"lines.scale_dashes": False}):
        _draw_styled(axes, geometry, style, precision, box, halo)


def _draw_styled(axes, geometry: BaseGeometry, style: Style, precision: str,
                 box: tuple[float, float, float, float], halo: bool) -> None:
    point = geometry.geom_type in ("Point", "MultiPoint")
    options = path_options(style, precision, point)
    edge, width = _stroke(options)
    fill = to_rgba(str(options.get("fillColor", options["color"])), float(options["fillOpacity"]))
    if point:
        xs = [p.x for p in getattr(geometry, "geoms", [geometry])]
        ys = [p.y for p in getattr(geometry, "geoms", [geometry])]
        if halo:
            ring = halo_options(style, precision, point=True)
            ring_edge, ring_width = _stroke(ring)
            axes.scatter(xs, ys, s=_marker_area(halo_style(style).radius), facecolors="none",
                         edgecolors=[ring_edge], linewidths=ring_width, zorder=6)
        axes.scatter(xs, ys, s=_marker_area(style.radius), facecolors=[fill], edgecolors=[edge],
                     linewidths=width, linestyles=[paper_dash(options)], zorder=7)
        return
    # Outlines come from the feature's own boundary, clipped: the boundary of a clipped area
    # would draw the edge of the view as if it were a border.
    outline = _clipped([geometry.boundary if _is_area(geometry) else geometry], box)
    if halo:
        ring = halo_options(style, precision, point=False)
        ring_edge, ring_width = _stroke(ring)
        _plot(axes, outline, face="none", edge=ring_edge, width=ring_width,
              linestyle=paper_dash(ring))
    if _is_area(geometry) and float(options["fillOpacity"]) > 0:
        _plot(axes, _clipped([geometry], box), face=fill, edge="none", width=0.0)
    _plot(axes, outline, face="none", edge=edge, width=width, linestyle=paper_dash(options))


def _draw_selection(axes, geometry: BaseGeometry, box: Bounds) -> None:
    """The Map page's outline of a selected feature (`layers.map.style.selection_outline`): a
    ring around a point, a black outline over an area, a wide faint halo under a line."""
    options = selection_outline(geometry_kind(geometry))
    edge, width = _stroke(options)
    if geometry.geom_type in ("Point", "MultiPoint"):
        points = getattr(geometry, "geoms", [geometry])
        axes.scatter([p.x for p in points], [p.y for p in points],
                     s=_marker_area(SELECTION.radius), facecolors="none", edgecolors=[edge],
                     linewidths=width, zorder=7.5)
        return
    outline = _clipped([geometry.boundary if _is_area(geometry) else geometry], box)
    _plot(axes, outline, face="none", edge=edge, width=width)


def _marker_area(radius_px: float) -> float:
    """matplotlib's scatter size (the square of the diameter in points) of a Leaflet circle
    marker with this radius in pixels."""
    return (2 * radius_px * PX_TO_PT) ** 2


def _is_area(geometry: BaseGeometry) -> bool:
    return geometry.geom_type in ("Polygon", "MultiPolygon")


# --- labels -----------------------------------------------------------------------------------


def _scene_labels(drawn: SceneFeatures, catalog: Catalog, named: Sequence[str]) -> list[Label]:
    """The labels a map may carry, as on screen (`layers.map.labels`): countries, seas and Lake
    Sevan, the names of its layers' places and lines that it draws, and the `named` features
    (a scene's highlights, a view's selection) first."""
    labels: list[Label] = list(cached_base_labels(catalog))
    shown = drawn.shown
    for layer, _ in drawn.layers:
        labels.extend(label for label in cached_layer_labels(layer)
                      if label.feature is None or label.feature in shown)
    for fid in dict.fromkeys(named):
        layer, props, geometry = catalog.feature(fid)
        label = highlight_label(layer, props, geometry)
        if label is not None:
            labels.append(label)
    return [label if all(printable(text) == text for text in label.texts)
            else replace(label, texts=tuple(printable(text) for text in label.texts))
            for label in labels]


def paper_zoom(box: tuple[float, float, float, float], width_in: float) -> float:
    """The web-map zoom whose scale this map has, measured in CSS pixels across its width: the
    screen's zoom rules (`Label.min_zoom`) then decide what paper shows too."""
    width_px = width_in * CSS_PX_PER_IN
    return math.log2(width_px * 360 / (256 * max(box[2] - box[0], 1e-9)))


def _place_labels(figure: Figure, axes, labels: list[Label], box: Bounds, width_in: float,
                  attribution) -> None:
    """Set the labels the map's zoom allows, weightiest first, each where its extent (measured
    from the rendered text's width and height, turned with a line's name) overlaps no label set
    before it nor the legend nor the attribution, keeps off every marker (a place's name) and
    stays inside the map;
    the rest are left out. The text stays text in the PDF (searchable); its white halo is drawn
    under it as a separate outline."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    scale = figure.dpi / 72  # display pixels per point
    zoom = paper_zoom(box, width_in)
    frame = axes.get_window_extent(renderer)
    legend = axes.get_legend()
    taken: list[Bbox] = [attribution.get_window_extent(renderer).padded(2 * scale)]
    if legend is not None:
        taken.append(legend.get_window_extent(renderer))
    markers = [_marker_box(axes, label, scale) for label in labels
               if label.radius > 0 and _in_box(label.lat, label.lon, box)]
    seen: set[str] = set()
    for label in sorted(labels, key=lambda item: -item.weight):
        if not label.shown_at(zoom) or label.id in seen:
            continue
        for candidate in _label_candidates(axes, label, box, scale):
            extent = candidate.extent
            if not (frame.x0 <= extent.x0 and extent.x1 <= frame.x1 and
                    frame.y0 <= extent.y0 and extent.y1 <= frame.y1):
                continue
            if any(extent.overlaps(other) for other in taken):
                continue
            if label.radius > 0 and any(extent.overlaps(marker) for marker in markers):
                continue
            _draw_label(axes, label, candidate)
            taken.append(extent)
            seen.add(label.id)
            break


@dataclass(frozen=True)
class _Candidate:
    """One place a label may be set: its text, where (data coordinates, sideways shift in
    points, alignment, angle) and its extent in display pixels."""

    text: str
    x: float
    y: float
    shift_pt: float
    ha: str
    va: str
    angle: float
    extent: Bbox


def _in_box(lat: float, lon: float, box: tuple[float, float, float, float]) -> bool:
    return box[0] <= lon <= box[2] and box[1] <= lat <= box[3]


def _marker_box(axes, label: Label, scale: float) -> Bbox:
    """A marker's extent in display pixels, its rim included."""
    x, y = axes.transData.transform((label.lon, label.lat))
    reach = (label.radius + 1.5) * PX_TO_PT * scale
    return Bbox([[x - reach, y - reach], [x + reach, y + reach]])


def _style_key(style: dict) -> tuple:
    return (FONT, float(style["size"]) * PX_TO_PT, "bold" if style["bold"] else "normal",
            "italic" if style["italic"] else "normal")


@functools.lru_cache(maxsize=MEASURE_CACHE)
def _text_size(text: str, key: tuple) -> tuple[float, float]:
    """Width and height in points of `text` as rendered in the font `key`."""
    family, size, weight, style = key
    font = FontProperties(family=family, size=size, weight=weight, style=style)
    width, height, _ = _MEASURE.get_text_width_height_descent(printable(text), font,
                                                              ismath=False)
    return width, height


def _shown(text: str, style: dict) -> str:
    return text.upper() if style["caps"] else text


def _label_candidates(axes, label: Label, box: tuple[float, float, float, float],
                      scale: float):
    """Where the label may be set, preferred first: a place's name right of its marker, else
    left, for each of its texts; an area's name centred on each anchor; a line's name along
    the middle of its part inside the map."""
    style = LABEL_STYLES[label.kind]
    key = _style_key(style)
    if label.kind == LINE:
        yield from _line_candidates(axes, label, style, box, scale)
        return
    reach = (label.radius + LABEL_GAP_PX) * PX_TO_PT if label.radius > 0 else 0.0
    for lat, lon in label.all_anchors():
        if not _in_box(lat, lon, box):
            continue
        ax, ay = axes.transData.transform((lon, lat))
        for text in label.texts:
            width, height = (value * scale for value in _text_size(_shown(text, style), key))
            sides = ((reach, "left"), (-reach, "right")) if reach else ((0.0, "center"),)
            for shift, align in sides:
                left = {"left": ax + shift * scale, "right": ax + shift * scale - width,
                        "center": ax - width / 2}[align]
                extent = Bbox([[left - 1, ay - height / 2 - 1],
                               [left + width + 1, ay + height / 2 + 1]])
                yield _Candidate(text, lon, lat, shift, align, "center", 0.0, extent)


def _line_candidates(axes, label: Label, style: dict, box: tuple[float, float, float, float],
                     scale: float):
    """A line's name at the middle of its longest part inside the map, turned along it, where
    that part is long enough on paper to carry it."""
    path = shapely.clip_by_rect(shapely.LineString([(lon, lat) for lat, lon in label.path]),
                                *box)
    parts = [part for part in shapely.get_parts(path) if part.geom_type == "LineString"]
    if not parts:
        return
    display = [axes.transData.transform(np.asarray(part.coords)) for part in parts]
    lengths = [float(np.sum(np.hypot(*np.diff(points, axis=0).T))) for points in display]
    longest = int(np.argmax(lengths))
    part, length = parts[longest], lengths[longest]
    at = part.project(part.interpolate(0.5, normalized=True))
    step = part.length * 0.05
    middle = part.interpolate(at)
    (x0, y0), (xm, ym), (x1, y1) = axes.transData.transform(
        [tuple(part.interpolate(max(0.0, at - step)).coords[0]), (middle.x, middle.y),
         tuple(part.interpolate(min(part.length, at + step)).coords[0])])
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
    turn = math.radians(angle)
    for text in label.texts:
        width, height = (value * scale for value in _text_size(text, _style_key(style)))
        if width + LINE_SLACK_PX * PX_TO_PT * scale > length:
            continue
        corners = [(dx * math.cos(turn) - dy * math.sin(turn) + xm,
                    dx * math.sin(turn) + dy * math.cos(turn) + ym)
                   for dx, dy in ((-width / 2, 0), (width / 2, 0), (width / 2, height),
                                  (-width / 2, height))]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        yield _Candidate(text, middle.x, middle.y, 0.0, "center", "bottom", angle,
                         Bbox([[min(xs) - 1, min(ys) - 1], [max(xs) + 1, max(ys) + 1]]))


def _draw_label(axes, label: Label, candidate: _Candidate) -> None:
    """The label as real text over a white outline of itself."""
    style = LABEL_STYLES[label.kind]
    transform = offset_copy(axes.transData, fig=axes.figure, x=candidate.shift_pt, y=0,
                            units="points")
    common = {"x": candidate.x, "y": candidate.y, "s": printable(_shown(candidate.text, style)),
              "fontsize": float(style["size"]) * PX_TO_PT,
              "fontweight": "bold" if style["bold"] else "normal",
              "fontstyle": "italic" if style["italic"] else "normal", "ha": candidate.ha,
              "va": candidate.va, "rotation": candidate.angle, "rotation_mode": "anchor",
              "transform": transform, "clip_on": False, "parse_math": False}
    axes.text(color=LABEL_HALO, zorder=8, **common,
              path_effects=[Stroke(linewidth=LABEL_HALO_PX * PX_TO_PT, foreground=LABEL_HALO)])
    axes.text(color=str(style["color"]), zorder=9, **common)


def _legend(axes, layers: list[Layer], selection: bool) -> None:
    """Layer titles and styled categories with line swatches in their colours, and the
    selection outline's when a feature is selected, as the Map page's legend has it."""
    handles = []
    for layer in layers:
        for entry in layer.legend_entries():
            label = (layer.title if entry.label == layer.legend and not is_user_layer(layer)
                     else entry.label)  # a briefer's own layer keeps its "(added by you)"
            handles.append(Line2D([], [], color=entry.style.color,
                                  linewidth=max(entry.style.weight, 1.5) * PX_TO_PT,
                                  marker="o" if entry.kind == "point" else None,
                                  markerfacecolor=entry.style.fill or entry.style.color,
                                  label=printable(label)))
    if selection:
        handles.append(Line2D([], [], color=SELECTION.color,
                              linewidth=SELECTION.weight * PX_TO_PT, label="selected feature"))
    if handles:
        legend = axes.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.85,
                             facecolor=LAND)
        for text in legend.get_texts():
            text.set_parse_math(False)
