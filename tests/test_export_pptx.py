"""The PowerPoint deck (`layers.briefing.export_pptx`): what a briefer who presents from
PowerPoint gets, read back with python-pptx as PowerPoint would open it.

A title slide, a 16:9 slide per scene (its map as a picture, its title, date, passages with ¶
and [n], the features outlined, its notes in the notes page), a sources slide with the cited
references in full; every word editable text; a scene too long for one slide continues on the
next rather than shrink below 12 pt; hostile text stays literal text.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

import pytest
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import MSO_AUTO_SIZE
from pptx.util import Inches

from layers.briefing.export_pdf import printable
from layers.briefing.export_pptx import (
    BODY_FLOOR_PT,
    MAP_BOX,
    PICTURE_DPI,
    SLIDE_IN,
    export_pptx,
)
from layers.briefing.storyboard import (
    Storyboard,
    parse_storyboard,
    passage_text,
    scene_citations,
)
from layers.data.article import Article
from layers.data.catalog import Catalog, shown_name


@pytest.fixture(scope="module")
def deck_bytes(storyboard: Storyboard, real_catalog: Catalog, article: Article) -> bytes:
    return export_pptx(storyboard, real_catalog, article)


@pytest.fixture(scope="module")
def deck(deck_bytes: bytes) -> Presentation:
    return Presentation(io.BytesIO(deck_bytes))


def scene_slides(deck: Presentation) -> list:
    """The slides between the title slide and the sources slide."""
    return list(deck.slides)[1:-1]


def slide_text(slide) -> str:
    """Every word on a slide, from its text frames, one paragraph a line."""
    return "\n".join(paragraph.text for shape in slide.shapes if shape.has_text_frame
                     for paragraph in shape.text_frame.paragraphs)


def notes_text(slide) -> str:
    return slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""


def test_the_deck_is_16_9_with_a_title_slide_a_slide_per_scene_and_a_sources_slide(
        deck, storyboard):
    assert (deck.slide_width, deck.slide_height) == (Inches(SLIDE_IN[0]), Inches(SLIDE_IN[1]))
    assert len(deck.slides) == len(storyboard.scenes) + 2
    first, *scenes, sources = deck.slides
    assert first.shapes.title.text == storyboard.title
    assert storyboard.description in slide_text(first)
    assert f"{len(storyboard.scenes)} scenes" in slide_text(first)
    for number, (slide, scene) in enumerate(zip(scenes, storyboard.scenes, strict=True), 1):
        assert slide.shapes.title.text == scene.title
        assert f"Scene {number} of {len(storyboard.scenes)}" in slide_text(slide)
    assert sources.shapes.title.text == "Sources"


def test_each_scene_slide_quotes_its_passages_with_paragraph_and_citation_numbers(
        deck, storyboard, article):
    for slide, scene in zip(scene_slides(deck), storyboard.scenes, strict=True):
        text = slide_text(slide)
        for ref in scene.passages:
            assert f"“{passage_text(ref, article)}”" in text  # whole, exact, one paragraph
            paragraph = article.paragraph(ref.paragraph)
            assert f"¶ {paragraph.number}" in text
            for n in paragraph.sentences[ref.sentence].markers:
                assert f"[{n}]" in text
        for n in scene_citations(scene, article):
            assert f"[{n}]" in text.split("Cited: ")[1]


def test_each_scene_slide_names_the_features_it_outlines_as_the_app_does(
        deck, storyboard, real_catalog):
    for slide, scene in zip(scene_slides(deck), storyboard.scenes, strict=True):
        names = [shown_name(real_catalog.feature(f).properties, real_catalog.feature(f).layer)
                 for f in scene.highlight]
        if names:
            assert f"Outlined in black: {', '.join(names)}" in slide_text(slide)


def test_each_scene_slide_keeps_its_speaker_notes_in_its_notes_page(deck, storyboard):
    for slide, scene in zip(scene_slides(deck), storyboard.scenes, strict=True):
        assert notes_text(slide) == scene.notes
        assert scene.notes not in slide_text(slide)  # the audience never sees them


def test_each_scene_slide_has_its_map_as_a_picture_the_size_of_its_box(deck):
    for slide in scene_slides(deck):
        (picture,) = [shape for shape in slide.shapes
                      if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert (picture.left, picture.top, picture.width, picture.height) == tuple(
            Inches(v) for v in MAP_BOX)
        image = Image.open(io.BytesIO(picture.image.blob))
        assert image.size == (round(MAP_BOX[2] * PICTURE_DPI), round(MAP_BOX[3] * PICTURE_DPI))
        assert picture._element.nvPicPr.cNvPr.get("descr").startswith("Map of scene ")


def test_every_word_is_editable_text_in_a_text_frame_that_wraps_and_shrinks(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                continue
            assert shape.has_text_frame, shape.shape_type
            assert shape.text_frame.text.strip()
            assert shape.text_frame.word_wrap is True
            assert shape.text_frame.auto_size == MSO_AUTO_SIZE.TEXT_TO_FIT_SHAPE
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    assert run.font.size is not None


def test_the_sources_slide_gives_every_cited_reference_in_full(deck, storyboard, article):
    text = slide_text(deck.slides[-1])
    cited = {n for scene in storyboard.scenes for n in scene_citations(scene, article)}
    for n in cited:
        assert article.reference(n).raw in text
    for reference in article.references:
        if reference.number not in cited:
            assert reference.raw not in text
    assert "Natural Earth (public domain)" in text and "GeoNames" in text


def long_scene(real_catalog: Catalog, article: Article) -> Storyboard:
    """One scene quoting the first four paragraphs whole: too much for one slide at 12 pt."""
    passages = [{"paragraph": p.id, "sentence": s.index}
                for p in article.paragraphs[:4] for s in p.sentences]
    raw = {"title": "Long", "scenes": [
        {"title": "All of it", "frame": {"features": ["armenia"]}, "layers": ["borders"],
         "passages": passages, "notes": "Take your time."},
        {"title": "Short", "frame": {"features": ["armenia"]}, "layers": ["borders"],
         "passages": passages[:1]}]}
    board, issues = parse_storyboard(raw, real_catalog, article)
    assert issues == []
    return board


def test_a_scene_too_long_for_its_slide_continues_on_the_next_at_no_less_than_12_pt(
        real_catalog, article):
    board = long_scene(real_catalog, article)
    deck = Presentation(io.BytesIO(export_pptx(board, real_catalog, article)))
    titles = [slide.shapes.title.text for slide in deck.slides]
    continued = [slide for slide in deck.slides if "continued (" in slide_text(slide)]
    assert continued and len(deck.slides) == len(board.scenes) + 2 + len(continued)
    assert titles[1:2 + len(continued)] == ["All of it"] * (1 + len(continued))
    first_scene = list(deck.slides)[1:2 + len(continued)]
    quoted = "\n".join(slide_text(slide) for slide in first_scene)
    for ref in board.scenes[0].passages:
        assert quoted.count(f"“{passage_text(ref, article)}”") == 1  # each once, none lost
    for slide in first_scene:
        quotes = [run for shape in slide.shapes if shape.has_text_frame
                  for paragraph in shape.text_frame.paragraphs for run in paragraph.runs
                  if run.text.startswith("“")]
        assert quotes and all(run.font.size.pt >= BODY_FLOOR_PT for run in quotes)
        assert len([s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]) == 1
    assert notes_text(first_scene[0]) == "Take your time."
    assert "on its first slide" in notes_text(first_scene[1])


HOSTILE = "</a:t></a:r><script>alert(1)</script> & {{ x }} ${y} \x1b\x00 $\\foo$"
"""Markup of the deck's own XML and of HTML, a template, matplotlib mathtext, and characters XML
cannot hold at all (a storyboard with a lone surrogate is refused on loading; a feature name,
below, may still carry one)."""


def test_script_payloads_in_titles_notes_and_feature_names_stay_literal_text(
        catalog, article, with_properties: Callable[..., Catalog]):
    hostile_catalog = with_properties(catalog, "nakhchivan", name=f"Naxçıvan {HOSTILE}\ud800")
    raw = {"title": f"Deck {HOSTILE}", "description": HOSTILE,
           "scenes": [{"title": f"Scene {HOSTILE}", "frame": {"features": ["nakhchivan"]},
                       "layers": ["borders"], "highlight": ["nakhchivan"],
                       "notes": f"Line one {HOSTILE}\r\nline two"}]}
    board, issues = parse_storyboard(json.dumps(raw), hostile_catalog, article)
    assert issues == []
    data = export_pptx(board, hostile_catalog, article)
    deck = Presentation(io.BytesIO(data))
    literal = printable(HOSTILE)
    assert literal == "</a:t></a:r><script>alert(1)</script> & {{ x }} ${y}    $\\foo$"
    one_line = " ".join(literal.split())  # a title or a name is set on one line
    assert deck.slides[0].shapes.title.text == f"Deck {one_line}"
    scene = deck.slides[1]
    assert scene.shapes.title.text == f"Scene {one_line}"
    assert f"Naxçıvan {one_line}\ufffd" in slide_text(scene)
    assert notes_text(scene) == f"Line one {literal}\nline two"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        xml = package.read("ppt/slides/slide2.xml").decode("utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; {{ x }}" in xml
    assert "<script>" not in xml and "_x001B_" not in xml


def test_printable_replaces_only_what_xml_and_freetype_cannot_hold():
    assert printable("a\tb\nc\r\nd\re") == "a\tb\nc\nd\ne"
    assert printable("x\x00\x08\x0b\x0c\x1f\ud800\ufffey") == "x     \ufffd\ufffdy"
    assert printable("Şuşa “quoted” ¶ 3 [4] <b>&amp;") == "Şuşa “quoted” ¶ 3 [4] <b>&amp;"


def test_cli_writes_the_deck_with_its_size_and_time(tmp_path, capsys, fixture_geodata,
                                                    article):
    from layers.cli import main

    board = tmp_path / "board.json"
    board.write_text(json.dumps({"title": "Two", "scenes": [
        {"title": f"Scene {n}", "frame": {"features": ["armenia"]}, "layers": ["borders"],
         "passages": [{"paragraph": "p1", "sentence": 0}], "notes": f"Notes {n}"}
        for n in (1, 2)]}), encoding="utf-8")
    out = tmp_path / "deck.pptx"
    assert main(["export-briefing", str(board), "--pptx", str(out),
                 "--geodata", str(fixture_geodata)]) == 0
    assert f"wrote {out}: {out.stat().st_size:,} bytes in " in capsys.readouterr().out
    deck = Presentation(str(out))
    assert len(deck.slides) == 4
    assert [notes_text(slide) for slide in scene_slides(deck)] == ["Notes 1", "Notes 2"]

