"""The two hand-outs of a storyboard: one offline HTML file and a PDF with a page per scene."""

from __future__ import annotations

import io
import re

import pytest
from markupsafe import escape
from pypdf import PdfReader

from layers.briefing.export_html import MissingAssets, export_html, scene_count
from layers.briefing.export_pdf import export_pdf
from layers.briefing.storyboard import (
    Storyboard,
    parse_storyboard,
    passage_text,
    scene_citations,
)
from layers.data.article import Article
from layers.data.catalog import Catalog

# Any absolute or protocol-relative URL: http://host, https://host, //host.
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s\"'<>)]*")
ATTRIBUTE = re.compile(r"\b(src|href)\s*=\s*[\"']?([^\"'\s>]*)", re.IGNORECASE)
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1>", re.DOTALL | re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*[\"']?([^\"')]*)")


@pytest.fixture(scope="module")
def html(storyboard: Storyboard, real_catalog: Catalog, article: Article) -> str:
    return export_html(storyboard, real_catalog, article)


@pytest.fixture(scope="module")
def pdf(storyboard: Storyboard, real_catalog: Catalog, article: Article) -> PdfReader:
    return PdfReader(io.BytesIO(export_pdf(storyboard, real_catalog, article)))


def cited_urls(storyboard: Storyboard, article: Article) -> set[str]:
    return {article.reference(n).url for scene in storyboard.scenes
            for n in scene_citations(scene, article)}


def test_html_has_no_url_but_the_citations(html, storyboard, article):
    found = {match.rstrip(".,;") for match in URL.findall(html)}
    assert found == cited_urls(storyboard, article)


def test_html_references_no_other_file(html, storyboard, article):
    markup_only = SCRIPT_OR_STYLE.sub("", html)
    for name, value in ATTRIBUTE.findall(markup_only):
        assert value in cited_urls(storyboard, article) or value.startswith("#"), (name, value)
    for value in CSS_URL.findall(html):
        assert value.startswith(("data:", "#")), value
    assert "<script src" not in html and "<link" not in html


def test_html_inlines_leaflet_without_its_home_page_link(html):
    assert "Leaflet 1.9.3, a JS library for interactive maps. leafletjs.com" in html
    assert "(c) 2010-2022 Vladimir Agafonkin" in html  # the licence header is kept
    assert "prefix: false" in html


def test_html_embeds_json_that_cannot_close_its_script(storyboard, real_catalog, article):
    hostile = parse_storyboard(
        {"title": "</script><script>alert(1)</script>", "description": "<b>x</b>",
         "scenes": [{"title": "A </script> scene", "frame": {"features": ["armenia"]},
                     "layers": ["borders"], "notes": "`${x}` <img src=x>"}]},
        real_catalog, article)[0]
    page = export_html(hostile, real_catalog, article)
    assert "<script>alert(1)" not in page
    assert "<img src=x>" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    data = page.split('<script type="application/json" id="briefing-data">')[1]
    assert data.index("</script>") > 0 and "</" not in data[: data.index("</script>")]


def test_html_shows_every_passage_and_citation(html, storyboard, article):
    for scene in storyboard.scenes:
        assert f"<h2>{escape(scene.title)}</h2>" in html
        for ref in scene.passages:
            assert str(escape(passage_text(ref, article))) in html
    for url in cited_urls(storyboard, article):
        assert f'href="{url}"' in html


def test_html_export_says_to_run_make_assets_when_leaflet_is_missing(
        storyboard, real_catalog, article, tmp_path):
    with pytest.raises(MissingAssets, match="run `make assets` first"):
        export_html(storyboard, real_catalog, article, vendor_dir=tmp_path)


def _normalised(text: str) -> str:
    return " ".join(text.split())


def test_pdf_has_title_scene_and_sources_pages(pdf, storyboard):
    assert len(pdf.pages) == len(storyboard.scenes) + 2
    assert storyboard.title.split(":")[0] in pdf.pages[0].extract_text()
    sources = _normalised(pdf.pages[-1].extract_text())
    assert "Sources" in sources
    assert "Natural Earth" in sources and "GeoNames" in sources


def test_pdf_scene_pages_quote_their_passages(pdf, storyboard, real_catalog, article):
    for number, scene in enumerate(storyboard.scenes, start=1):
        page = _normalised(pdf.pages[number].extract_text())
        assert scene.title in page
        for ref in scene.passages:
            words = passage_text(ref, article).split()
            fragment = " ".join(words[:6])  # a distinctive opening, shorter than a wrapped line
            assert fragment in page, (scene.title, fragment)
            assert f"¶ {article.paragraph(ref.paragraph).number}" in page


def test_pdf_scene_pages_give_full_references(pdf, storyboard, real_catalog, article):
    for number, scene in enumerate(storyboard.scenes, start=1):
        page = _normalised(pdf.pages[number].extract_text()).replace(" ", "")
        for n in scene_citations(scene, article):
            reference = article.reference(n)
            assert reference.title.replace(" ", "") in page
            assert reference.url.replace(" ", "") in page


def _three_scenes(real_catalog: Catalog, article: Article) -> Storyboard:
    """A storyboard of three scenes whose description types a different count, as the default
    once did ("Eight scenes" over more or fewer): the handouts must show the real one."""
    raw = {"title": "Three", "description": "Eight scenes that follow the article.",
           "scenes": [{"title": f"Scene {letter}", "frame": {"features": ["armenia"]},
                       "layers": ["borders"], "passages": [{"paragraph": "p1", "sentence": 0}]}
                      for letter in "ABC"]}
    storyboard, issues = parse_storyboard(raw, real_catalog, article)
    assert issues == [] and len(storyboard.scenes) == 3
    return storyboard


def test_scene_count_is_counted():
    assert [scene_count(n) for n in (0, 1, 3)] == ["0 scenes", "1 scene", "3 scenes"]


def test_html_header_counts_the_scenes(real_catalog, article):
    storyboard = _three_scenes(real_catalog, article)
    page = export_html(storyboard, real_catalog, article)
    header = page.split("<header>")[1].split("</header>")[0]
    assert f'<p class="description scene-count">{len(storyboard.scenes)} scenes</p>' in header
    assert page.count('<article class="scene"') == len(storyboard.scenes)
    assert f"Scene 3 of {len(storyboard.scenes)}" in page and "Scene 4 of" not in page
    assert f"1 / {len(storyboard.scenes)}" in page


def test_pdf_title_page_counts_the_scenes(real_catalog, article):
    storyboard = _three_scenes(real_catalog, article)
    reader = PdfReader(io.BytesIO(export_pdf(storyboard, real_catalog, article)))
    title_page = _normalised(reader.pages[0].extract_text())
    assert f"{len(storyboard.scenes)} scenes" in title_page
    assert len(reader.pages) == len(storyboard.scenes) + 2
    assert f"Scene 3 of {len(storyboard.scenes)}" in _normalised(reader.pages[3].extract_text())


def test_default_handouts_count_the_default_scenes(html, pdf, storyboard):
    count = scene_count(len(storyboard.scenes))
    assert f'<p class="description scene-count">{count}</p>' in html
    assert count in _normalised(pdf.pages[0].extract_text())


def test_cli_exports_the_default_storyboard(tmp_path, capsys):
    from layers.cli import main

    out = tmp_path / "briefing.html"
    assert main(["export-briefing", "--html", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "8 scenes, 0 issue(s)" in printed
    assert f"wrote {out}: {out.stat().st_size:,} bytes in " in printed


def test_cli_prints_storyboard_issues_and_refuses_an_empty_one(tmp_path, capsys):
    from layers.cli import main

    broken = tmp_path / "broken.json"
    broken.write_text('{"title": "x", "scenes": [{"title": "Lost"}]}', encoding="utf-8")
    assert main(["export-briefing", str(broken), "--html", str(tmp_path / "b.html")]) == 1
    errors = capsys.readouterr().err
    assert "Scene 1 “Lost” · frame: is missing; scene skipped" in errors
    assert "no usable scene; nothing exported" in errors
    assert not (tmp_path / "b.html").exists()


def test_pdf_sets_hostile_text_as_plain_text(catalog, article, with_properties):
    """A "$" is a dollar sign, not matplotlib mathtext ("$\\foo$" once stopped the export), and
    what no font can set (control characters, a lone surrogate) is left out, in the page text
    and on the map."""
    hostile = "$\\foo$ <b>&</b> {{x}} \x1b\ud800"
    named = with_properties(catalog, "nakhchivan", name=f"Naxçıvan {hostile}")
    board, issues = parse_storyboard(
        {"title": f"T {hostile}", "scenes": [
            {"title": f"Scene {hostile}", "frame": {"features": ["nakhchivan"]},
             "layers": ["borders"], "highlight": ["nakhchivan"], "notes": hostile}]},
        named, article)
    assert issues == []
    page = _normalised(PdfReader(io.BytesIO(export_pdf(board, named, article)))
                       .pages[1].extract_text())
    assert "Scene $\\foo$ <b>&</b> {{x}}" in page
