"""Text from data is always escaped before it reaches HTML or a Leaflet tooltip."""

from layers import markup
from layers.layer import clicked_feature_id, tooltip_html


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


def test_tooltip_carries_an_id_the_server_reads_back():
    tip = tooltip_html("jermuk", "Jermuk <script>", "reported-shelling", "exact")
    assert "<script>" not in tip
    assert clicked_feature_id("Jermuk reported shelling · exact [[id:jermuk]]") == "jermuk"
    assert clicked_feature_id("no mark here") is None
    assert clicked_feature_id(None) is None
