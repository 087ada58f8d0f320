"""Jinja syntax in data is text, never a template (issue 15, defect 3).

branca compiled every rendered macro a second time, so a feature name with `{{ x`, `{%` or `{#`
in a map label crashed the Briefing page (TemplateSyntaxError) and `{{ 7*7 }}` printed 49: a
template injection. `layers.map.elements.ValueMacro` places rendered macros as text.
"""

from __future__ import annotations

import json

import folium
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import layers
import views.common
from hostile.corpus import TEMPLATE_SYNTAX
from layers.data.catalog import load_catalog
from layers.map.label_layer import highlight_group
from layers.map.mapview import Attribution

NAMES = (*TEMPLATE_SYNTAX, "{{ 7*7 }}")


def as_json_text(name: str) -> str:
    """How a name appears inside the map's script: a JSON string's body."""
    return json.dumps(name, ensure_ascii=False)[1:-1]


@pytest.mark.parametrize("name", NAMES)
def test_a_highlighted_name_reaches_the_map_script_as_written(catalog, with_properties, name):
    poisoned = with_properties(catalog, "armenia", name=name)
    fmap = folium.Map()
    highlight_group(poisoned, ["armenia"]).add_to(fmap)
    page = fmap.get_root().render()
    assert as_json_text(name) in page  # so `{{ 7*7 }}` was not printed as 49


def test_an_attribution_with_template_syntax_is_printed_not_run():
    fmap = folium.Map()
    Attribution("{{ 7*7 }} {% if %}").add_to(fmap)
    assert '"{{ 7*7 }} {% if %}"' in fmap.get_root().render()


@pytest.fixture
def poisoned_real_catalog(monkeypatch, tmp_path, with_properties):
    """The built geodata with Armenia named in Jinja; the pages load it."""
    poisoned = with_properties(load_catalog(), "armenia", name="{{ x {% if %} {# c")
    monkeypatch.setattr(views.common, "load_catalog", lambda: poisoned)
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    yield poisoned
    st.cache_resource.clear()


def test_the_briefing_page_draws_a_scene_highlighting_a_template_named_feature(
        poisoned_real_catalog):
    at = AppTest.from_file(str(layers.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.switch_page("views/briefing.py").run()
    board = {"title": "Templates", "scenes": [
        {"title": "One", "frame": {"features": ["armenia"]}, "layers": ["borders"],
         "highlight": ["armenia"]}]}
    at.sidebar.file_uploader(key="briefing-upload").set_value(
        ("t.json", json.dumps(board).encode(), "application/json")).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.main.header[0].value == "One"
    (component,) = at.get("component_instance")
    groups = json.loads(component.proto.json_args)["feature_group"]
    assert as_json_text("{{ x {% if %} {# c") in groups
