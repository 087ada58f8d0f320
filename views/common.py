"""What every page shares: the loaded article and catalog, cached per server process.

`st.cache_resource` (not `cache_data`) because the catalog holds GeoDataFrames that pages only
read: one shared copy, no pickling on every rerun. The cache is keyed by the geodata files'
modification times, so a `make geodata` under a running server takes effect on the next rerun
instead of leaving old geometry beside new storyboards.
"""

from __future__ import annotations

import streamlit as st

import layers
from layers.data.article import Article, load_article
from layers.data.catalog import Catalog, load_catalog
from layers.data.mentions import MentionIndex, build_index
from layers.html.styles import style_tag


def geodata_stamp() -> float:
    """The newest modification time among the layer registry and layer files (a few stats)."""
    return max(path.stat().st_mtime for path in layers.GEODATA_DIR.glob("*.json*"))


@st.cache_resource(show_spinner=False)
def article() -> Article:
    """The article, parsed once."""
    return load_article()


@st.cache_resource(show_spinner=False, max_entries=1)
def _catalog(stamp: float) -> Catalog:
    return load_catalog()


def catalog() -> Catalog:
    """Every geodata layer, loaded once per version of the files."""
    return _catalog(geodata_stamp())


@st.cache_resource(show_spinner=False, max_entries=1)
def _mentions(stamp: float) -> MentionIndex:
    return build_index(article(), catalog())


def mentions() -> MentionIndex:
    """The feature ↔ paragraph ↔ citation index, computed once per version of the geodata."""
    return _mentions(geodata_stamp())


def use_stylesheet() -> None:
    """Put the library's one stylesheet (`layers/html/style.css`) on the page."""
    st.markdown(style_tag(), unsafe_allow_html=True)
