"""Every address parameter of every page, set to each XSS payload and each malformed number
(issue 15): the page runs to its end, shows no exception, and hands the browser no raw markup
from the address. The pages run on the fixture geodata."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import layers
import views.common
from hostile.corpus import HUGE_NUMBER, XSS
from layers.data.catalog import load_catalog

PARAMS = ("feature", "layers", "center", "zoom", "date", "from", "to", "event", "draw",
          "paragraph", "scene", "briefing")
"""What the Map, Article and Briefing pages read from the address; the others read none, and
get them all too."""
PAGES = ("views/map.py", "views/article.py", "views/sources.py", "views/data.py",
         "views/workspace.py")
"""The Briefing page's parameters are tried in tests/hostile/test_hostile_briefing.py, on the
built geodata its default storyboard needs."""


@pytest.fixture(autouse=True)
def fixture_pages(fixture_geodata, monkeypatch, tmp_path):
    monkeypatch.setattr(views.common, "load_catalog", lambda: load_catalog(fixture_geodata))
    monkeypatch.setattr(views.common, "GEO_DIR", tmp_path / "geo")
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def raw_html(at: AppTest) -> str:
    """Everything the page hands the browser as HTML: unsafe markdown and st.html."""
    return "".join([*(m.value for m in at.markdown if m.allow_html),
                    *(h.value for h in at.get("html"))])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("payload", [*XSS, HUGE_NUMBER])
def test_every_parameter_holding_a_payload_leaves_the_page_up_and_inert(page, payload):
    at = AppTest.from_file(str(layers.ROOT / "app.py"), default_timeout=90)
    at.run()
    at.query_params.update(dict.fromkeys(PARAMS, payload))
    at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    page_html = raw_html(at)
    for tag in ("<script>alert", "<img src=x", "<svg/onload", "<iframe", "<a href=//evil"):
        assert tag not in page_html, (page, payload, tag)
