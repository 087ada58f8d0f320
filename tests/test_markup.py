"""Text from data is always escaped before it reaches HTML or a Leaflet tooltip."""

from html.parser import HTMLParser

from layers.html import markup
from layers.map.layer import clicked_feature_id, tooltip_html


def test_markup_is_escaped_for_html_and_js_template_literals():
    payload = '<img src=x onerror="alert(1)">`${alert(2)}`\\'
    out = markup.text(payload)
    assert "<" not in out and ">" not in out and '"' not in out
    assert "`" not in out and "$" not in out and "\\" not in out


def test_highlight_escapes_outside_and_inside_the_marks():
    out = markup.highlight("a <b> Baku’s c", [(6, 10)])
    assert out == "a &lt;b&gt; <mark>Baku</mark>’s c"


def test_highlight_merges_overlapping_spans():
    assert markup.highlight("abcdef", [(0, 3), (2, 4)]) == "<mark>abcd</mark>ef"


class _TextContent(HTMLParser):
    """An element's `textContent`, which is what streamlit-folium returns for a clicked
    tooltip (its `extractContent`): every text node, hidden ones included, entities decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def text_content(html: str) -> str:
    parser = _TextContent()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def test_tooltip_carries_an_id_the_server_reads_back():
    tip = tooltip_html("stepanakert", "Stepanakert / Khankendi <script>", "city", "approximate")
    assert "<script>" not in tip
    returned = text_content(tip)
    assert "Stepanakert / Khankendi <script>" in returned  # the name, shown as text
    assert clicked_feature_id(returned) == "stepanakert"
    assert clicked_feature_id(text_content(tooltip_html("a-b-9", "x", "town", "exact"))) == "a-b-9"
    assert clicked_feature_id("no mark here") is None
    assert clicked_feature_id(None) is None
