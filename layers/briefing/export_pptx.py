"""The PowerPoint deck of a storyboard (python-pptx): the handout briefers present from.

A 16:9 deck (13.333 × 7.5 in): a title slide, a slide per scene and a sources slide. A scene's
slide carries its map as a picture, drawn by the PDF's own `draw_map` (`picture.map_png`, PNG at
PICTURE_DPI) with labels, legend and attribution and the key to its lines under it, then its
number and date, its title, the quoted passages with their ¶ numbers and the references each
cites ([n]), the names of the features outlined in black (`shown_name`: a briefer's own are
"added by you") and the scene's citations; its speaker notes are in the slide's notes page. The
sources slide gives in full every reference the scenes cite, and the map's datasets.

All words are text in text boxes, so a briefer edits them in PowerPoint; only the map is a
picture. Each box is sized here, by measuring the text in DejaVu Sans (`wrapped_lines`, wider
than the theme's Calibri, so the measure errs towards room to spare): its font steps down from
the box's size to a floor, and what does not fit at the floor continues on a next slide (the
scene's map again, "continued" by its number, its notes left on the first) rather than shrink
into type nobody reads from the back of a room. Every box is also marked shrink-on-overflow
(`normAutofit`), so text a briefer adds later shrinks in PowerPoint instead of spilling.

Strings from a storyboard, the article or a feature are set as text runs, which python-pptx
escapes; what XML cannot hold at all (control characters, lone surrogates) is removed first
(`printable`), since lxml refuses it and python-pptx would otherwise print `_x001B_` for it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Inches, Pt

from layers.briefing.export_html import scene_count
from layers.briefing.export_pdf import MAP_KEY, printable, wrapped_lines
from layers.briefing.picture import map_png
from layers.briefing.storyboard import (
    Scene,
    Storyboard,
    passage_text,
    scene_citations,
    scene_date_line,
    scene_features,
)
from layers.data.article import Article
from layers.data.catalog import Catalog, shown_name
from layers.html.card import readable_date

SLIDE_IN = (13.333, 7.5)
MARGIN_IN = 0.4
Box = tuple[float, float, float, float]
"""A shape's place on the slide in inches: left, top, width, height."""
WIDE = SLIDE_IN[0] - 2 * MARGIN_IN
HEADER_BOX: Box = (MARGIN_IN, 0.22, WIDE, 0.36)
TITLE_BOX: Box = (MARGIN_IN, 0.58, WIDE, 0.86)
MAP_BOX: Box = (MARGIN_IN, 1.52, 7.6, 5.3)
CAPTION_BOX: Box = (MARGIN_IN, 6.86, 7.6, 0.4)
TEXT_LEFT_IN = MAP_BOX[0] + MAP_BOX[2] + 0.3
TEXT_BOX: Box = (TEXT_LEFT_IN, 1.52, SLIDE_IN[0] - MARGIN_IN - TEXT_LEFT_IN, 5.74)
DECK_TITLE_BOX: Box = (0.8, 0.9, SLIDE_IN[0] - 1.6, 2.0)
DECK_BODY_BOX: Box = (0.8, 3.05, SLIDE_IN[0] - 1.6, 4.0)
SOURCES_BOX: Box = (MARGIN_IN, 1.52, WIDE, 5.7)
PICTURE_DPI = 170
"""The map picture's resolution: sharp on a projector or a 1080p screen at full slide size
(7.6 in × 170 = 1292 px across), about 200 kB a scene."""
INSET_IN = 0.05
LINE = 1.25
"""A line's height as a share of its font size: a little over PowerPoint's single spacing."""
GREY = RGBColor(0x55, 0x55, 0x55)

TITLE_PT, TITLE_FLOOR_PT = 28, 18
BODY_PT, BODY_FLOOR_PT = 18, 12
"""A scene's passages start at 18 pt and never go below 12 pt: past that they continue on a
next slide."""
DECK_TITLE_PT, DECK_TITLE_FLOOR_PT = 40, 24
DECK_BODY_PT, DECK_BODY_FLOOR_PT = 20, 11
SOURCES_PT, SOURCES_FLOOR_PT = 14, 10

@dataclass(frozen=True)
class _Para:
    """One paragraph of a text box, sized relative to the box's font size."""

    text: str
    scale: float = 1.0
    bold: bool = False
    italic: bool = False
    grey: bool = False
    gap: float = 0.0
    """Space before it, in lines of the box's size (none at the top of a box)."""


def export_pptx(storyboard: Storyboard, catalog: Catalog, article: Article) -> bytes:
    """The deck as .pptx bytes: title slide, a slide per scene (more for a scene whose passages
    do not fit at BODY_FLOOR_PT), sources slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_IN[0]), Inches(SLIDE_IN[1])
    deck.core_properties.title = _one_line(storyboard.title)
    deck.core_properties.author = ""
    deck.core_properties.last_modified_by = ""
    deck.core_properties.comments = "Caucasus Briefing Map"
    _title_slide(deck, storyboard, article)
    total = len(storyboard.scenes)
    for number, scene in enumerate(storyboard.scenes, start=1):
        _scene_slides(deck, number, total, scene, catalog, article)
    _sources_slides(deck, storyboard, catalog, article)
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _one_line(text: str) -> str:
    """A title or a name on one line: a line break typed into it is a space."""
    return " ".join(printable(text).split())


def _title_slide(deck: Presentation, storyboard: Storyboard, article: Article) -> None:
    slide = _slide(deck)
    _title(slide, storyboard.title, DECK_TITLE_BOX, DECK_TITLE_PT, DECK_TITLE_FLOOR_PT)
    paras = [_Para(storyboard.description)] if storyboard.description else []
    paras.append(_Para(scene_count(len(storyboard.scenes)), bold=True, gap=0.8))
    paras.extend(_Para(f"{number}. {scene.title}"
                       + (f" · {readable_date(scene.date)}" if scene.date else ""), scale=0.8,
                       gap=0.15)
                 for number, scene in enumerate(storyboard.scenes, start=1))
    paras.append(_Para(
        "Every quotation is an exact sentence of the article, with its paragraph number (¶) "
        f"and the references it cites [n]. Article text sha256 {article.sha256[:16]}…. "
        "Speaker notes, in each slide's notes, are the briefer's own words.",
        scale=0.65, italic=True, grey=True, gap=1.0))
    ((fitted, size),) = _pages([paras], DECK_BODY_BOX, DECK_BODY_PT, DECK_BODY_FLOOR_PT,
                               split=False)
    _text_box(slide, DECK_BODY_BOX, fitted, size)


def _scene_slides(deck: Presentation, number: int, total: int, scene: Scene, catalog: Catalog,
                  article: Article) -> None:
    """The scene's slide, and a continuation for each further slide its text needs."""
    size_px = (round(MAP_BOX[2] * PICTURE_DPI), round(MAP_BOX[3] * PICTURE_DPI))
    picture = map_png(scene.bounds, scene_features(scene, catalog), catalog, size_px,
                      PICTURE_DPI)
    groups = [_passage(scene, index, article) for index in range(len(scene.passages))]
    tail: list[_Para] = []
    names = [shown_name(catalog.feature(fid).properties, catalog.feature(fid).layer)
             for fid in scene.highlight]
    if names:
        tail.append(_Para(f"Outlined in black: {', '.join(names)}", scale=0.75, italic=True,
                          gap=0.7))
    numbers = scene_citations(scene, article)
    if numbers:
        tail.append(_Para(f"Cited: {' '.join(f'[{n}]' for n in numbers)}, in full on the "
                          "Sources slide", scale=0.75, grey=True, gap=0.4))
    if groups:
        groups[-1] = groups[-1] + tail
    else:
        groups = [tail]
    dated = scene_date_line(scene)
    pages = _pages(groups, TEXT_BOX, BODY_PT, BODY_FLOOR_PT)
    for page, (paras, size) in enumerate(pages):
        slide = _slide(deck)
        header = f"Scene {number} of {total}" + (f"  ·  {dated}" if dated else "")
        if page:
            header += f"  ·  continued ({page + 1} of {len(pages)})"
        _text_box(slide, HEADER_BOX, [_Para(header, grey=True)], 12)
        _title(slide, scene.title, TITLE_BOX, TITLE_PT, TITLE_FLOOR_PT)
        shape = slide.shapes.add_picture(io.BytesIO(picture), *(Inches(v) for v in MAP_BOX))
        shape.name = "Map"
        shape._element.nvPicPr.cNvPr.set("descr", _one_line(
            f"Map of scene {number}: {scene.title}"
            + (f"; outlined in black: {', '.join(names)}" if names else "")))
        _text_box(slide, CAPTION_BOX, [_Para(MAP_KEY, grey=True)], 9)
        if paras:
            _text_box(slide, TEXT_BOX, paras, size)
        notes = scene.notes if page == 0 else (
            f"Scene {number}, continued: its speaker notes are on its first slide.")
        if notes:
            slide.notes_slide.notes_text_frame.text = printable(notes)


def _passage(scene: Scene, index: int, article: Article) -> list[_Para]:
    """A quoted sentence under its ¶ number and the references it cites."""
    ref = scene.passages[index]
    sentence = article.paragraph(ref.paragraph).sentences[ref.sentence]
    cites = f"  ·  cites {' '.join(f'[{n}]' for n in sentence.markers)}" if sentence.markers else ""
    return [_Para(f"¶ {article.paragraph(ref.paragraph).number}{cites}", scale=0.7, bold=True,
                  grey=True, gap=0.6),
            _Para(f"“{passage_text(ref, article)}”", gap=0.1)]


def _sources_slides(deck: Presentation, storyboard: Storyboard, catalog: Catalog,
                    article: Article) -> None:
    """The references the scenes cite, in full, and the map's datasets; continued on a next
    slide when they do not fit at SOURCES_FLOOR_PT."""
    cited = sorted({n for scene in storyboard.scenes for n in scene_citations(scene, article)})
    groups: list[list[_Para]] = []
    if cited:
        groups.append([_Para("The article's references cited in this briefing", bold=True)])
        groups.extend([_Para(article.reference(n).raw, gap=0.3)] for n in cited)
    datasets = [entry for entry in catalog.sources.values()
                if entry.get("kind", "dataset") == "dataset"]
    groups.append([_Para("Map data", bold=True, gap=0.9)])
    groups.extend([_Para(f"{entry['name']}. Licence: {entry['licence']}.", gap=0.3)]
                  for entry in datasets)
    groups.append([_Para(
        "Background: Natural Earth (public domain). The pages and official statements behind "
        "single features are listed on the app's Sources page and in the PDF handout.",
        gap=0.3)])
    pages = _pages(groups, SOURCES_BOX, SOURCES_PT, SOURCES_FLOOR_PT)
    for page, (paras, size) in enumerate(pages):
        slide = _slide(deck)
        _title(slide, "Sources" if page == 0 else "Sources (continued)", TITLE_BOX, TITLE_PT,
               TITLE_FLOOR_PT)
        _text_box(slide, SOURCES_BOX, paras, size)


# --- fitting ----------------------------------------------------------------------------------


def _usable_pt(box: Box) -> tuple[float, float]:
    """A box's width and height in points inside its insets."""
    return (box[2] - 2 * INSET_IN) * 72, (box[3] - 2 * INSET_IN) * 72


def _height_pt(paras: list[_Para], size: float, width_pt: float) -> float:
    height = 0.0
    for position, para in enumerate(paras):
        lines = wrapped_lines(para.text, size * para.scale, width_pt, para.bold, para.italic)
        height += (para.gap * size * LINE if position else 0.0)
        height += max(len(lines), 1) * size * para.scale * LINE
    return height


def _fit(paras: list[_Para], box: Box, start: float, floor: float) -> float | None:
    """The largest whole point size from `start` down to `floor` at which `paras` fit `box`."""
    width_pt, height_pt = _usable_pt(box)
    size = start
    while size >= floor:
        if _height_pt(paras, size, width_pt) <= height_pt:
            return size
        size -= 1
    return None


def _pages(groups: list[list[_Para]], box: Box, start: float, floor: float,
           split: bool = True) -> list[tuple[list[_Para], float]]:
    """The paragraphs as one box per slide, each at the largest size that fits it: all on one
    slide if they fit at `floor`, else as many whole groups (a passage with its ¶ line) per
    slide as fit at `floor`. A group too long for a slide by itself, or any text when not
    `split`, is set at `floor` anyway and left to PowerPoint's shrink-on-overflow."""
    whole = [para for group in groups for para in group]
    size = _fit(whole, box, start, floor)
    if size is not None or not split:
        return [(whole, size or floor)]
    pages: list[list[_Para]] = []
    current: list[_Para] = []
    for group in groups:
        if current and _fit(current + group, box, start, floor) is None:
            pages.append(current)
            current = []
        current = current + group
    pages.append(current)
    return [(page, _fit(page, box, start, floor) or floor) for page in pages]


# --- shapes -----------------------------------------------------------------------------------


def _slide(deck: Presentation) -> Slide:
    """A new slide of the "Title Only" layout: its title is the slide's title placeholder, so
    PowerPoint's outline, navigator and screen readers name each slide."""
    return deck.slides.add_slide(deck.slide_layouts[5])


def _title(slide: Slide, text: str, box: Box, start: float, floor: float) -> None:
    """The slide's title placeholder moved to `box`, left-aligned, at the largest size from
    `start` to `floor` at which the title fits."""
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (Inches(v) for v in box)
    para = _Para(_one_line(text), bold=True)
    ((fitted, size),) = _pages([[para]], box, start, floor, split=False)
    _fill(title.text_frame, fitted, size)
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM


def _text_box(slide: Slide, box: Box, paras: Iterable[_Para], size: float) -> None:
    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    _fill(shape.text_frame, list(paras), size)
    shape.text_frame.vertical_anchor = MSO_ANCHOR.TOP


def _fill(frame: TextFrame, paras: list[_Para], size: float) -> None:
    """Set `paras` into a text frame: wrapped, inset INSET_IN, shrink-on-overflow, each
    paragraph one run at its size."""
    frame.clear()
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
    inset = Inches(INSET_IN)
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = inset
    for position, para in enumerate(paras if paras else [_Para("")]):
        if position:
            paragraph = frame.add_paragraph()
        else:
            paragraph = frame.paragraphs[0]
            para = replace(para, gap=0.0)
        paragraph.alignment = PP_ALIGN.LEFT
        paragraph.space_before = Pt(para.gap * size * LINE)
        run = paragraph.add_run()
        run.text = _one_line(para.text)
        font = run.font
        font.size = Pt(round(size * para.scale, 1))
        font.bold, font.italic = para.bold, para.italic
        if para.grey:
            font.color.rgb = GREY
