"""Labels, captions and notices from data or the address render as the text they are (issue 15,
defects 5 and 8). Streamlit reads widget labels, captions and alerts as Markdown: a feature name
`![x](http://evil.example/p.png)` became an `<img>` that fetched from outside (breaking the
offline promise), backticks mangled names, and `&lt;img` showed as `<img` because Markdown
decodes entities. Widget *options* (selectbox, multiselect) are plain text in Streamlit 1.67 and
are left as they are: escaping them would show the backslashes.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st

import views.common
from hostile.corpus import BACKTICKS, MARKDOWN_IMAGE, XSS, poison_feature
from layers.data.catalog import load_catalog
from layers.html.markup import markdown_literal
from tests.test_pages import open_page
from views.search import QUERY_KEY


def test_markdown_literal_escapes_ampersands_so_entities_stay_literal():
    assert markdown_literal("&lt;img src=x&gt;") == "\\&lt;img src=x\\&gt;"
    assert markdown_literal("Tom & Jerry") == "Tom \\& Jerry"


@pytest.mark.parametrize("payload", XSS)
def test_markdown_literal_leaves_no_unescaped_markdown_or_html_character(payload):
    escaped = markdown_literal(payload)
    unescaped = escaped.replace("\\\\", "").replace("\\", "")
    assert unescaped == payload.replace("\\", "")
    for char in "<>[]()!`&{}$":
        assert escaped.count(char) == escaped.count("\\" + char)


@pytest.fixture
def poisoned_geodata(geodata_copy: Path, monkeypatch, tmp_path) -> Path:
    """Fixture geodata whose event layer is titled and grouped in Markdown and whose
    seven-regions feature is named with an outside image and backticks."""
    registry_path = geodata_copy / "layers.json"
    registry = json.loads(registry_path.read_text(encoding="utf-8"))
    for entry in registry["layers"]:
        if entry["id"] == "september-2022":
            entry.update(title=MARKDOWN_IMAGE, group=BACKTICKS)
    registry_path.write_text(json.dumps(registry), encoding="utf-8")
    poison_feature(geodata_copy, f"{MARKDOWN_IMAGE} {BACKTICKS}")
    monkeypatch.setattr(views.common, "load_catalog", lambda: load_catalog(geodata_copy))
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    yield geodata_copy
    st.cache_resource.clear()


def test_layer_titles_groups_and_search_results_from_data_are_text(poisoned_geodata):
    at = open_page("views/map.py")
    assert at.sidebar.checkbox(key="layer:september-2022").label == markdown_literal(
        MARKDOWN_IMAGE)
    assert markdown_literal(BACKTICKS) in [caption.value for caption in at.sidebar.caption]
    at.session_state[f"_st_keyup_{QUERY_KEY}"] = {"value": "evil"}
    at.run()
    (hit,) = [b for b in at.sidebar.button if b.key == "hit:seven-regions"]
    assert hit.label.startswith(markdown_literal(f"{MARKDOWN_IMAGE} {BACKTICKS}"))
    assert "![" not in hit.label and "](" not in hit.label.replace("\\](", "")


def test_the_fit_button_names_a_layer_as_text(poisoned_geodata):
    at = open_page("views/map.py")
    at.session_state["fit_offers"] = {"september-2022"}
    at.sidebar.checkbox(key="layer:september-2022").check().run()
    (fit,) = [b for b in at.button if b.key == "fit-layer:september-2022"]
    assert fit.label == markdown_literal(f"Show all of {MARKDOWN_IMAGE}")


def test_an_entity_in_the_address_is_quoted_as_typed_in_the_notice(poisoned_geodata):
    (warning,) = open_page("views/article.py", paragraph="&lt;img src=x&gt;").main.warning
    assert "“\\&lt;img src=x\\&gt;”" in warning.value  # Markdown shows “&lt;img src=x&gt;”
