"""The Article page shows the article exactly as written, with places and citations linked."""

import html
import re

import pytest

from layers.data.mentions import build_index
from layers.html.article_view import (
    mentioned_places,
    paragraph_body_html,
    paragraph_html,
    paragraphs_mentioning,
    parse_paragraph_param,
    places,
    scroll_script,
)
from layers.html.references import references_html

TAG = re.compile(r"<[^>]*>")
PLACE_LINK = re.compile(
    r'<a class="place" href="\./\?feature=([a-z0-9-]+)" target="_self" '
    r'data-feature="\1" title="[^"]*"><mark>([^<]*)</mark></a>'
)


def visible_text(fragment: str) -> str:
    """What a reader sees: tags removed, entities decoded."""
    return html.unescape(TAG.sub("", fragment))


@pytest.fixture(scope="module")
def index(article, catalog):
    return build_index(article, catalog)


def test_every_paragraph_reads_exactly_as_the_article_text(article, catalog, index):
    known = places(catalog)
    for paragraph in article.paragraphs:
        assert visible_text(paragraph_body_html(paragraph, index, known)) == paragraph.text


def test_every_mention_span_is_a_link_to_its_feature_on_the_map(article, catalog, index):
    known = places(catalog)
    p2 = article.paragraph("p2")
    links = PLACE_LINK.findall(paragraph_body_html(p2, index, known))
    assert ("baku", "Baku") in links
    assert ("russia", "Russia") in links
    linked = {(ident, text) for ident, text in links}
    for mention in index.for_paragraph("p2"):
        for span in mention.spans:
            assert (mention.feature_id, span.text) in linked


def test_a_curated_phrase_is_linked_too(article, catalog, index):
    body = paragraph_body_html(article.paragraph("p5"), index, places(catalog))
    assert ("seven-regions", "the seven regions") in PLACE_LINK.findall(body)


def test_citation_markers_link_to_the_reference_list(article, catalog, index):
    p2 = article.paragraph("p2")
    body = paragraph_body_html(p2, index, places(catalog))
    cites = re.findall(r'<a class="cite" href="#ref-(\d+)" title="Reference \1">\[(\d+)\]</a>',
                       body)
    assert cites == [("1", "1"), ("2", "2"), ("3", "3")]


def test_overlapping_places_link_each_stretch_to_the_most_specific_feature(
    article, catalog, with_properties
):
    wider = with_properties(catalog, "seven-regions", article=[
        {"paragraph": "p5", "phrase": "the seven regions captured by Armenia"}])
    index = build_index(article, wider)
    body = paragraph_body_html(article.paragraph("p5"), index, places(wider))
    assert "<a" not in "".join(re.findall(r"<a [^>]*>(.*?)</a>", body))  # links never nest
    links = PLACE_LINK.findall(body)
    assert ("seven-regions", "the seven regions captured by ") in links
    assert ("armenia", "Armenia") in links
    assert visible_text(body) == article.paragraph("p5").text


def test_paragraph_block_has_its_anchor_number_and_selection(article, catalog, index):
    known = places(catalog)
    p5 = article.paragraph("p5")
    plain = paragraph_html(p5, index, known)
    chosen = paragraph_html(p5, index, known, selected=True)
    assert plain.startswith('<div class="para" id="p5"><a class="pnum" href="#p5"')
    assert "¶ 5</a>" in plain
    assert chosen.startswith('<div class="para selected" id="p5">')


def test_reference_list_has_an_anchor_and_a_working_link_per_reference(article):
    refs = references_html(article.references, anchored=True)
    assert re.findall(r'<li id="ref-(\d+)">', refs) == [str(n) for n in range(1, 12)]
    for reference in article.references:
        assert f'href="{html.escape(reference.url)}" target="_blank"' in refs


def test_paragraph_parameter_accepts_only_the_articles_paragraphs(article):
    assert parse_paragraph_param("p5", article) == ("p5", None)
    assert parse_paragraph_param("5", article) == ("p5", None)
    assert parse_paragraph_param(" p29 ", article) == ("p29", None)
    assert parse_paragraph_param(None, article) == (None, None)  # nothing asked, nothing to say
    assert parse_paragraph_param("", article) == (None, None)
    for bad in ("p0", "0", "p01", "p30", "p999", "x", "٥", '"><script>alert(1)</script>'):
        selected, notice = parse_paragraph_param(bad, article)
        assert selected is None
        assert f"no paragraph “{bad}”" in notice and "from 1 to 29" in notice
    _, notice = parse_paragraph_param("x" * 500, article)
    assert "x" * 40 + "…" in notice and "x" * 41 not in notice  # a long value is shortened


def test_scroll_script_targets_the_paragraph_and_survives_the_html_sanitiser():
    script = scroll_script("p5")
    assert 'document.getElementById("p5")' in script
    body = script.removeprefix("<script>").removesuffix("</script>")
    assert "<" not in body  # DOMPurify drops a script whose text has "<" before a word char
    assert "<" not in scroll_script("</script>").removeprefix("<script>").removesuffix(
        "</script>")


def test_filter_finds_the_paragraphs_that_mention_a_place(catalog, index):
    assert paragraphs_mentioning(index, ["seven-regions"]) == {"p5"}
    assert paragraphs_mentioning(index, []) == frozenset()
    assert "p2" in paragraphs_mentioning(index, ["baku", "seven-regions"])
    names = [place.name for place in mentioned_places(index, places(catalog))]
    assert names == sorted(names, key=str.casefold)
    assert "Reported strike" not in names  # never named in the text


def test_hostile_name_and_description_are_shown_as_text(article, catalog, with_properties):
    hostile = with_properties(catalog, "seven-regions", name="<script>alert(1)</script>",
                              description="<img src=x onerror=alert(1)>")
    index = build_index(article, hostile)
    block = paragraph_html(article.paragraph("p5"), index, places(hostile))
    assert "<script" not in block and "<img" not in block
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in block
    assert "&lt;img src=x onerror=alert(1)&gt;" in block
