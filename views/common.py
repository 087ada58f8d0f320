"""What every page shares: the loaded article and catalog, cached once per server process.

`st.cache_resource` (not `cache_data`) because the catalog holds GeoDataFrames that pages only
read: one shared copy, no pickling on every rerun.
"""

from __future__ import annotations

import streamlit as st

from layers.article import Article, load_article
from layers.catalog import Catalog, load_catalog
from layers.mentions import MentionIndex, build_index


@st.cache_resource(show_spinner=False)
def article() -> Article:
    """The article, parsed once."""
    return load_article()


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    """Every geodata layer, loaded once."""
    return load_catalog()


@st.cache_resource(show_spinner=False)
def mentions() -> MentionIndex:
    """The feature ↔ paragraph ↔ citation index, computed once."""
    return build_index(article(), catalog())

