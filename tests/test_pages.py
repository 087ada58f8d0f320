"""The Article, Sources and Data pages run in Streamlit and show what their logic promises.

Each test runs the real app (`app.py` and its st.navigation) with `streamlit.testing.v1.AppTest`,
switching to one page. The geodata is the test fixture, not the built `geodata/`, so these tests
do not depend on the build; `views.common.load_catalog` is pointed at it and the shared caches
are cleared around each test.
"""

import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

import layers
import views.common
from layers.data.article import load_article
from layers.data.catalog import load_catalog
from layers.data.tables import WKT_COLUMN
from layers.html.markup import markdown_literal

SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"
TAG = re.compile(r"<[^>]*>")


def use_geodata(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    """Make the pages' shared catalog load from `directory`, with no stale cache either side."""
    monkeypatch.setattr(views.common, "load_catalog", lambda: load_catalog(directory))
    st.cache_resource.clear()


@pytest.fixture(autouse=True)
def pages_on_fixture_geodata(monkeypatch, fixture_geodata):
    use_geodata(monkeypatch, fixture_geodata)
    yield
    st.cache_resource.clear()


@pytest.fixture
def hostile_geodata(geodata_copy, monkeypatch):
    """The fixture with markup in a feature's name and description, the feature citing [1]."""
    directory = geodata_copy
    path = directory / "september-2022.geojson"
    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection["features"]:
        if feature["properties"]["id"] == "seven-regions":
            feature["properties"].update(name=SCRIPT, description=IMAGE, citations=[1])
    path.write_text(json.dumps(collection), encoding="utf-8")
    use_geodata(monkeypatch, directory)


def open_page(page: str, **query: str) -> AppTest:
    """The app, first run on its default page, then switched to `page` with these parameters."""
    app = AppTest.from_file(str(layers.ROOT / "app.py"), default_timeout=60)
    app.run()
    app.query_params.update(query)
    app.switch_page(page).run()
    assert not app.exception, [e.message for e in app.exception]
    return app


def paragraph_blocks(app: AppTest) -> dict[str, str]:
    """Rendered paragraph blocks by paragraph id."""
    blocks = {}
    for element in app.markdown:
        found = re.match(r'<div class="para[^"]*" id="(p\d+)">', element.value)
        if found:
            blocks[found.group(1)] = element.value
    return blocks


def unsafe_html(app: AppTest) -> str:
    """Everything the page hands to the browser as raw HTML."""
    return "".join(element.value for element in app.markdown if element.allow_html)


def test_article_page_shows_every_paragraph_verbatim_under_both_headings():
    app = open_page("views/article.py")
    article = load_article()
    blocks = paragraph_blocks(app)
    assert list(blocks) == [paragraph.id for paragraph in article.paragraphs]
    assert len(blocks) == 29
    for paragraph in article.paragraphs:
        body = re.search(r'<p class="body">(.*)</p></div>$', blocks[paragraph.id]).group(1)
        assert html.unescape(TAG.sub("", body)) == paragraph.text
    headings = [s.title for s in article.sections if s.title]
    assert [h.value for h in app.header] == [
        *(markdown_literal(title) for title in headings), "References"]
    assert len(re.findall(r'<li id="ref-\d+">', unsafe_html(app))) == 11


def test_paragraph_parameter_highlights_and_scrolls_to_that_paragraph():
    app = open_page("views/article.py", paragraph="p5")
    blocks = paragraph_blocks(app)
    assert blocks["p5"].startswith('<div class="para selected" id="p5">')
    assert [pid for pid, block in blocks.items() if "selected" in block[:30]] == ["p5"]
    assert any('getElementById("p5")' in element.value for element in app.html)


@pytest.mark.parametrize("bad", ["p999", "0", "p01", "<script>alert(1)</script>"])
def test_unknown_paragraph_parameter_is_named_in_a_notice_and_selects_nothing(bad):
    app = open_page("views/article.py", paragraph=bad)
    assert not any("selected" in block[:30] for block in paragraph_blocks(app).values())
    assert not any("scrollIntoView" in element.value for element in app.html)  # no scroll script
    assert len(paragraph_blocks(app)) == 29  # the article is still all there
    (warning,) = app.main.warning
    assert markdown_literal(f"There is no paragraph “{bad}”") in warning.value
    assert "<script" not in unsafe_html(app)


def test_a_good_paragraph_parameter_shows_no_notice():
    assert not open_page("views/article.py", paragraph="p5").warning


def test_article_filter_keeps_only_paragraphs_mentioning_the_chosen_place():
    app = open_page("views/article.py")
    app.multiselect(key="article-filter").select("seven-regions").run()
    assert list(paragraph_blocks(app)) == ["p5"]


def test_sources_page_lists_eleven_references_with_their_features():
    app = open_page("views/sources.py")
    blocks = [e.value for e in app.markdown if e.value.startswith('<div class="cited-ref"')]
    assert len(blocks) == 11
    assert 'href="./?feature=reported-strike" target="_self"' in blocks[0]
    datasets = app.dataframe[0].value
    assert list(datasets["name"]) == ["Fixture dataset"]
    statements = [e.value for e in app.markdown if "Fixture ministry statement" in e.value]
    assert statements and "the positions in the direction of the fixture were shelled" in \
        statements[0]


def test_data_filter_narrows_the_table():
    app = open_page("views/data.py")
    assert len(app.dataframe[0].value) == 8
    app.text_input(key="data-query").input("khankendi").run()
    assert list(app.dataframe[0].value["id"]) == ["stepanakert"]
    app.text_input(key="data-query").input("").run()
    app.multiselect(key="data-layers").select("borders").run()
    assert len(app.dataframe[0].value) == 4


class KeptStorage(MemoryMediaFileStorage):
    """The in-memory media storage AppTest uses, kept reachable after the run ends."""

    last: "KeptStorage | None" = None

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        KeptStorage.last = self


def test_data_downloads_parse_back_to_the_rows_shown(monkeypatch):
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", KeptStorage)
    app = open_page("views/data.py")
    app.multiselect(key="data-precisions").select("exact").run()
    shown = list(app.dataframe[0].value["id"])
    payloads = {button.proto.label: KeptStorage.last.get_file(
        button.proto.url.rsplit("/", 1)[1]).content for button in app.get("download_button")}

    collection = json.loads(payloads["Download GeoJSON"])
    assert [f["properties"]["id"] for f in collection["features"]] == shown
    table = pd.read_csv(io.BytesIO(payloads["Download CSV"]))
    assert list(table["id"]) == shown
    assert table[WKT_COLUMN].str.startswith(("POINT", "POLYGON")).all()


def test_markup_in_feature_data_is_shown_as_text_on_every_page(hostile_geodata):
    for page in ("views/article.py", "views/sources.py"):
        page_html = unsafe_html(open_page(page))
        assert "<script" not in page_html and "<img" not in page_html
        assert html.escape(SCRIPT) in page_html
    assert html.escape(IMAGE) in unsafe_html(open_page("views/article.py"))
    data = open_page("views/data.py")
    assert "<script" not in unsafe_html(data) and "<img" not in unsafe_html(data)
    assert SCRIPT in list(data.dataframe[0].value["name"])  # a grid cell, drawn as text
